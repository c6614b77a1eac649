"""The assistant graph: input guards -> router -> specialist -> review (critic, output guards)
-> (confirmation) -> reply.

`build_graph(services)` returns an UNCOMPILED `StateGraph`; callers compile it with their
checkpointer (see `graphs.checkpoint`). The assembly is the block at the bottom of this module.
"""

from __future__ import annotations

import inspect
from typing import Any

from langchain_core.messages import AIMessage, HumanMessage, RemoveMessage
from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime

from agents.cancellation import build_cancel_executor_node, build_cancellation_node
from agents.complaints import build_complaint_node
from agents.confirmation import confirm, declined
from agents.critic import critique, revise
from agents.documents_and_stock import build_inventory_node, build_knowledge_node
from agents.fares import build_fare_node
from agents.flight_status import build_flight_status_node
from agents.greeting import greeting
from agents.guards import ids_in_facts
from agents.off_topic import refuse
from agents.router import build_router_node, clarify
from agents.seats import build_seat_change_node, build_seat_node
from graphs.services import Services
from switchboard.state import INTENTS, TURN_DEFAULTS, Context, State
from switchboard.text import detect_language


def message_text(message: Any) -> str:
    """The text of a message whose content may be a string or a list of content blocks."""
    content = message.content
    if isinstance(content, str):
        return content
    parts = [part.get("text", "") if isinstance(part, dict) else str(part) for part in content]
    return " ".join(p for p in parts if p)


def build_ingest_node(services: Services):  # type: ignore[no-untyped-def]
    def ingest(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
        last = state["messages"][-1]
        raw = message_text(last) if isinstance(last, HumanMessage) else ""
        check = services.input_guard.check(raw, user_id=runtime.context.user_id)
        language = detect_language(check.text) or state.get("language") or "en"
        update: dict[str, Any] = {**TURN_DEFAULTS, "text": check.text, "language": language}
        if not state.get("user_id"):
            update["user_id"] = runtime.context.user_id
        verdict = check.verdict
        if not verdict.allowed:
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
            )
        return update

    return ingest


# The airline desk's replies are composed from tool results, so the critic can check every claim.
# The inventory and knowledge agents check themselves (SQL validated and executed; every number
# grounded in a cited passage) and their replies quote data the critic does not see whole.
CRITIC_AGENTS = frozenset(
    {"flight_status_agent", "seat_agent", "cancellation_agent", "fare_agent", "complaint_agent"}
)


def build_review_node(services: Services):  # type: ignore[no-untyped-def]
    def review(state: State) -> dict[str, Any]:
        """Check the reply against the facts (one bounded revision), then guard what leaves."""
        reply, language = state.get("reply", ""), state.get("language") or "en"
        facts = list(state.get("facts") or [])
        update: dict[str, Any] = {}
        if state.get("agent") in CRITIC_AGENTS:
            verdict = critique(reply, facts, language, user_text=state.get("text", ""))
            if not verdict.ok:
                reply = revise(reply, facts, language, verdict.problems)
            update["critic"] = {"ok": verdict.ok, "problems": verdict.problems, "revised": not verdict.ok}
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


# Messages kept in a thread's state. Slots and tasks carry the conversation's meaning; older
# messages only make every checkpoint bigger, so a long conversation costs the same per turn.
MAX_MESSAGES = 40


def finalize(state: State) -> dict[str, Any]:
    """Trim old messages and remember what was asked (the reply joined the conversation in review)."""
    messages = state.get("messages", [])
    excess = len(messages) - MAX_MESSAGES
    update: dict[str, Any] = {}
    if excess > 0:
        update["messages"] = [RemoveMessage(id=m.id) for m in messages[:excess] if m.id]
    if state.get("intent"):
        update["last_intent"] = state["intent"]
    return update


def after_ingest(state: State) -> str:
    return "review" if state.get("guardrail") else "router"


def after_router(state: State) -> str:
    route = state.get("route") or {}
    return "clarify" if route.get("decided_by") == "clarify" else str(route.get("label", "irrelevant"))


def after_review(state: State) -> str:
    return "confirm" if state.get("pending") else "finalize"


def after_confirm(state: State) -> str:
    pending = state.get("pending") or {}
    return pending.get("kind", "declined") if state.get("confirmed") else "declined"


class Node:
    """A graph node as an object rather than a plain function.

    At compile time LangGraph reads a function node's source and closure to find subgraphs, and
    evaluates the attribute chains it sees there (`services.inventory`, `services.knowledge`):
    that would build every lazily built service, and parse every node's source, at start-up. An
    object skips that inspection; it is called with the run's `runtime` when the node wants it.
    """

    __slots__ = ("fn", "wants_runtime")

    def __init__(self, fn: Any) -> None:
        self.fn = fn
        self.wants_runtime = len(inspect.signature(fn).parameters) > 1

    def __call__(self, state: State, runtime: Runtime[Context]) -> Any:
        return self.fn(state, runtime) if self.wants_runtime else self.fn(state)


def build_graph(services: Services) -> StateGraph:
    """The assistant, uncompiled."""
    graph = StateGraph(State, context_schema=Context)
    graph.add_node("ingest", Node(build_ingest_node(services)))
    graph.add_node("router", Node(build_router_node(services)))
    graph.add_node("clarify", Node(clarify))
    graph.add_node("flight_status", Node(build_flight_status_node(services)))
    graph.add_node("book_seat", Node(build_seat_node(services)))
    graph.add_node("cancel_flight", Node(build_cancellation_node(services)))
    graph.add_node("price_inquiry", Node(build_fare_node(services)))
    graph.add_node("complaint", Node(build_complaint_node(services)))
    graph.add_node("inventory_query", Node(build_inventory_node(services)))
    graph.add_node("knowledge_search", Node(build_knowledge_node(services)))
    graph.add_node("greeting", Node(greeting))
    graph.add_node("irrelevant", Node(refuse))
    graph.add_node("confirm", Node(confirm))
    graph.add_node("cancel_booking", Node(build_cancel_executor_node(services)))
    graph.add_node("change_seat", Node(build_seat_change_node(services)))
    graph.add_node("declined", Node(declined))
    graph.add_node("review", Node(build_review_node(services)))
    graph.add_node("finalize", Node(finalize))

    graph.add_edge(START, "ingest")
    graph.add_conditional_edges("ingest", after_ingest, ["router", "review"])
    specialists = list(INTENTS)
    graph.add_conditional_edges("router", after_router, [*specialists, "clarify"])
    for name in [*specialists, "clarify"]:
        graph.add_edge(name, "review")
    graph.add_conditional_edges("review", after_review, ["confirm", "finalize"])
    graph.add_conditional_edges("confirm", after_confirm, ["cancel_booking", "change_seat", "declined"])
    for name in ("cancel_booking", "change_seat", "declined"):
        graph.add_edge(name, "review")
    graph.add_edge("finalize", END)
    return graph
