"""The nodes every turn passes through, whichever specialist answers: ingest, review, finalize.

`ingest` starts the turn (per-turn fields reset, input guards, the language); `review` checks the
reply against the turn's tool results (the deterministic critic, one bounded revision, for the
specialists that declare `reviewed`; with an LLM, the LLM critic's bounded critique-and-revise
loop for composed replies, `agents.llm_critic`) and guards what leaves (output guards); `finalize` trims old
messages and remembers what was asked.
"""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, RemoveMessage
from langgraph.runtime import Runtime

from agents.critic import critique, revise
from agents.guards import ids_in_facts
from agents.guards.at_rest import stored_message
from agents.llm_critic import review_with_llm
from agents.policy import DialoguePolicy, proposal_notes
from agents.services import Services
from agents.specialist import NodeFn, Roster, StateUpdate
from switchboard.state import TURN_DEFAULTS, Context, CriticRecord, State
from switchboard.text import detect_language

# Messages kept in a thread's state. Slots and tasks carry the conversation's meaning; older
# messages only make every checkpoint bigger, so a long conversation costs the same per turn.
MAX_MESSAGES = 40


def message_text(message: BaseMessage) -> str:
    """The text of a message whose content may be a string or a list of content blocks."""
    content = message.content
    if isinstance(content, str):
        return content
    parts = [part.get("text", "") if isinstance(part, dict) else str(part) for part in content]
    return " ".join(p for p in parts if p)


def build_ingest_node(services: Services, roster: Roster) -> NodeFn:
    policy = DialoguePolicy(services, roster)

    def ingest(state: State, runtime: Runtime[Context]) -> StateUpdate:
        last: BaseMessage = state["messages"][-1]
        # PII at rest: from here on (state, tools, checkpoint) the message has its cards masked.
        stored = stored_message(last) if isinstance(last, HumanMessage) else None
        last = stored or last
        raw = message_text(last) if isinstance(last, HumanMessage) else ""
        check = services.input_guard.check(raw, user_id=runtime.context.user_id)
        # A button's "yes" says nothing about the user's language.
        detected = None if state.get("button") is not None else detect_language(check.text)
        language = detected or state.get("language") or "en"
        update: dict[str, Any] = {**TURN_DEFAULTS, "text": check.text, "language": language}
        if not state.get("user_id"):
            update["user_id"] = runtime.context.user_id
        if stored is not None:
            update["messages"] = [stored]
        verdict = check.verdict
        if verdict.allowed:
            if verdict.name:
                # Served with a note (an injected instruction was dropped): the guardrail says so,
                # and the checkpoint keeps only the part that was served.
                update["guardrail"] = verdict.guardrail
                update["messages"] = [HumanMessage(content=check.text, id=last.id)]
            return policy.resolve({**state, "language": language}, update, runtime)
        # Keep the checkpoint clean: a note replaces the refused message, which is never stored.
        note = f"[message not processed: {verdict.name}/{verdict.reason}, {len(raw)} characters]"
        message = check.message or {}
        update.update(
            messages=[HumanMessage(content=note, id=last.id)],
            text="",
            guardrail=verdict.guardrail,
            route={"label": "irrelevant", "confidence": 1.0, "decided_by": "guard"},
            intent="irrelevant",
            reply=message.get(language) or message.get("en", ""),
            task_status="refused",
            agent="input_guard",
            pending_at_start=state.get("pending"),  # a waiting proposal keeps waiting
        )
        return update

    return ingest


def build_review_node(services: Services, roster: Roster) -> NodeFn:
    # The airline desk's replies are composed from tool results, so the critic can check every
    # claim. The inventory and knowledge agents check themselves (SQL validated and executed;
    # every number grounded in a cited passage), and their replies quote data the critic does
    # not see whole: they do not declare `reviewed`.
    # With an LLM, composed replies (of these agents, with facts) also go through the LLM critic.
    reviewed = roster.reviewed_agents
    llm_reviewed = roster.llm_reviewed_agents
    settings = services.settings
    use_llm = services.chat_model is not None and settings.llm_critic

    def review(state: State, runtime: Runtime[Context]) -> StateUpdate:
        """Check the reply against the facts (bounded revisions), add the turn's notes, then guard
        what leaves."""
        reply, language = state.get("reply", ""), state.get("language") or "en"
        facts = list(state.get("facts") or [])
        user_text = state.get("text", "")
        update: dict[str, Any] = {}
        critic: CriticRecord | None = None
        if state.get("agent") in reviewed:
            verdict = critique(reply, facts, language, user_text=user_text)
            critic = {"ok": verdict.ok, "problems": verdict.problems, "revised": not verdict.ok}
            if not verdict.ok:
                reply = revise(reply, facts, language, verdict.problems)
                critic["revisions"] = [{"by": "rules", "reason": "; ".join(verdict.problems)[:300]}]
        if use_llm and facts and not state.get("pending") and state.get("agent") in llm_reviewed:
            reply, revisions = review_with_llm(
                settings, services.chat_model, reply, facts, language, user_text
            )
            if critic is None:
                critic = {"ok": not revisions, "problems": [], "revised": False}
            if revisions:
                critic["revised"] = True
                critic["revisions"] = [*critic.get("revisions", []), *revisions]
        if critic is not None:
            update["critic"] = critic
        reply = compose(list(state.get("notes") or []), reply, proposal_notes(state, roster))
        for proposal in (state.get("pending"), state.get("pending_at_start")):
            if proposal:  # the proposal's own ids (the user's booking) are the user's to see
                facts.append(dict(proposal["args"]))
        own_text = " ".join(message_text(m) for m in state.get("messages", []) if isinstance(m, HumanMessage))
        checked = services.output_guard.check(
            reply, own_text=own_text, allowed_ids=ids_in_facts(facts), language=language
        )
        if checked.verdict.name and not state.get("guardrail"):
            update["guardrail"] = checked.verdict.guardrail
        update["reply"] = checked.reply
        update["messages"] = [AIMessage(content=checked.reply)]
        return update

    return review


FAILED = (
    "抱歉，处理您的请求时出错了（错误编号 {error_id}），没有做任何更改。请稍后再试。",
    "Sorry, something went wrong while handling your request (error {error_id}); nothing was changed. Please try again.",
)


def failed_turn(state: State, node: str, error_id: str) -> StateUpdate:
    """The update that replaces a node's when it raised: a polite reply, the error id for the logs.

    A node after the reply was composed (`review`) also appends the reply to the conversation.
    """
    language = state.get("language") or detect_language(state.get("text", "")) or "en"
    reply = (FAILED[0] if language == "zh" else FAILED[1]).format(error_id=error_id)
    update: StateUpdate = {"reply": reply, "task_status": "failed", "agent": state.get("agent") or node}
    if node == "review":
        update["messages"] = [AIMessage(content=reply)]
    return update


def compose(before: list[str], reply: str, after: list[str]) -> str:
    """The reply with what the turn adds before it (an earlier result) and after it (a reminder)."""
    return "\n\n".join(part for part in (*before, reply, *after) if part)


def build_finalize_node(services: Services, roster: Roster) -> NodeFn:
    return finalize


def finalize(state: State, runtime: Runtime[Context]) -> StateUpdate:
    """Trim old messages and remember what was asked (the reply joined the conversation in review)."""
    messages = state.get("messages", [])
    excess = len(messages) - MAX_MESSAGES
    update: dict[str, Any] = {}
    if excess > 0:
        update["messages"] = [RemoveMessage(id=m.id) for m in messages[:excess] if m.id]
    if state.get("intent"):
        update["last_intent"] = state["intent"]
    return update
