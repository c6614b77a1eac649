"""The dialogue policy: what a new message means for what is waiting (a proposal, an open task).

Run by `ingest` on every message after the input guards, before the router:

0. The first message of a branch (a fork from an earlier checkpoint) is told that the database
   was not rewound; a proposal the branch went back to whose write was already carried out is
   dropped, never carried out again.
1. A proposal whose yes was already given or already carried out (a turn cut short by a crash)
   is completed first, exactly once (the write's idempotency key is the proposal id), and its
   result is told in this turn's reply.
2. A proposal waiting for an answer is settled only by a message that is an answer as a whole
   (or a Yes/No button): yes -> the action's node, no -> `declined`, hesitation -> asked again.
3. A retraction ("forget that", "不用了", "先别订") drops the waiting proposal or open task; what
   follows it ("..., I'd rather know the status of FL123") is routed as the new request.
4. A bare "no" or "yes" with nothing waiting closes an open task or gets a short reply; it never
   opens a task of its own.
5. Anything else is a request: the router takes it, and a waiting proposal keeps waiting (the
   reply says so), unless a new proposal replaces it (the reply says that too).
"""

from __future__ import annotations

import logging
from typing import Any

from langchain_core.messages import AIMessage
from langgraph.runtime import Runtime

from agents.common import language_of, say
from agents.dialogue import RETRACTION_MARKER, declines, find_retraction, read_leading_answer
from agents.services import Services
from agents.specialist import ActionFn, Roster, StateUpdate
from switchboard.state import Answer, Context, PendingAction, State

logger = logging.getLogger("switchboard.dialogue")

REASK = (
    "我没能确认您的意思，为安全起见还没有做任何更改。{question}",
    "I couldn't tell whether that was a yes, so nothing has changed yet. {question}",
)
ACK = ("好的。还有什么可以帮您？", "OK. Is there anything else I can help with?")
DROPPED_REQUEST = (
    "好的，这个请求不办了，没有做任何更改。还有什么可以帮您？",
    "OK, I've dropped that request and changed nothing. Is there anything else I can help with?",
)
TASK_LEFT = (
    "好的，已停止，什么都没有提交。还有什么可以帮您？",
    "OK, I've stopped there and nothing was submitted. Is there anything else I can help with?",
)
UNDELIVERED = ("（您上一条消息的回复：）{reply}", "(The answer to your last message:) {reply}")
RECOVERED = ("（您之前确认的操作已完成：）{reply}", "(The action you confirmed earlier is done:) {reply}")
STILL_WAITING = (
    "（仍在等待您的确认：{summary}。请回复“是”或“否”。）",
    "(Still waiting for your answer on {summary}: reply yes or no.)",
)
DROPPED = ("（之前的请求已作废：{summary}。）", "(I dropped your earlier request: {summary}.)")
FORKED = (
    "（对话回到了之前的一步，作为新的分支继续。此后做过的更改（预订、取消、投诉）仍然有效：数据库不随对话回退。）",
    "(This conversation went back to an earlier point and goes on as a new branch. Changes made since "
    "then (bookings, cancellations, complaints) still stand: the database is not rewound.)",
)
NOT_REPEATED = (
    "（{summary}已在另一个分支上确认并完成，不会再做一次。）",
    "(Already confirmed and carried out on another branch, so not done again: {summary}.)",
)


class DialoguePolicy:
    """Reads one message against what is waiting; see the module docstring."""

    def __init__(self, services: Services, roster: Roster) -> None:
        self.services = services
        self.roster = roster
        # The confirmed-action nodes, run here when a crash left a confirmed proposal undone.
        self.executors: dict[str, ActionFn] = {a.kind: a.build(services, roster) for a in roster.actions}

    def resolve(self, state: State, update: StateUpdate, runtime: Runtime[Context]) -> StateUpdate:
        """`update` (the turn's fresh fields from `ingest`) completed by the policy's decision."""
        text = update["text"]
        pending = state.get("pending")
        button: bool | None = state.get("button")
        if earlier := undelivered_reply(state):
            update["notes"] = [say(language_of(state), *UNDELIVERED).format(reply=earlier)]
        if state.get("forked_from"):
            pending = self._forked(state, pending, update)
        update["pending_at_start"] = pending
        if pending and self._left_undone(state, pending):
            result = self._recover(state, pending, runtime, update)
            update["pending_at_start"] = pending = None
            if button is not None or read_leading_answer(text) == "yes":
                # The "yes" was repeated: the recovered result is the whole reply.
                update.update(
                    agent=result.get("agent"),
                    intent=result.get("intent"),
                    task_status=result.get("task_status"),
                    route=_dialogue_route(str(result.get("intent"))),
                )
                return update
        if pending:
            return self._answer(pending, text, button, update, state)
        return self._without_proposal(state, text, update)

    # -- the first message of a branch (`graphs.history.fork`)
    def _forked(
        self, state: State, pending: PendingAction | None, update: StateUpdate
    ) -> PendingAction | None:
        """Say that the database was not rewound; a proposal the branch went back to whose write
        was already carried out (the user said yes on another branch) is dropped, never redone.
        The proposal still waiting, if any."""
        language = language_of(state)
        notes = [*update.get("notes", []), say(language, *FORKED)]
        if pending and self.services.airline.request_applied(pending["id"]):
            summary = say(language, *self.roster.action(pending["kind"]).summary).format(**pending["args"])
            notes.append(say(language, *NOT_REPEATED).format(summary=summary))
            update["pending"] = pending = None
        update["notes"] = notes
        return pending

    # -- a proposal that a crash left half done
    def _left_undone(self, state: State, pending: PendingAction) -> bool:
        if state.get("answer") == "yes":  # the last turn said yes but never finished
            return True
        return self.services.airline.request_applied(pending["id"])

    def _recover(
        self, state: State, pending: PendingAction, runtime: Runtime[Context], update: StateUpdate
    ) -> StateUpdate:
        """Carry out the confirmed proposal now (again, if it was: the write is idempotent)."""
        logger.warning(
            "completing proposal %s (%s) left undone by an interrupted turn", pending["id"], pending["kind"]
        )
        executor = self.executors[pending["kind"]]
        result = executor({**state, "pending": pending, "confirmed": True}, runtime)
        language = language_of(state)
        update.update(
            pending=None,
            notes=[*update.get("notes", []), say(language, *RECOVERED).format(reply=result.get("reply", ""))],
            tool_calls=list(result.get("tool_calls") or []),
            facts=list(result.get("facts") or []),
            slots=result.get("slots", state.get("slots") or {}),
            active_task=result.get("active_task", state.get("active_task")),
        )
        return result

    # -- a proposal waiting for an answer
    def _answer(
        self, pending: PendingAction, text: str, button: bool | None, update: StateUpdate, state: State
    ) -> StateUpdate:
        action = self.roster.action(pending["kind"])
        answer: Answer | None = read_leading_answer(text, action.yes_words)
        if button is not None:  # a Yes/No button means exactly that
            answer = "yes" if button else "no"
        if answer is None and (retraction := find_retraction(text)) is not None:
            if not retraction.remainder or declines(retraction.remainder):
                answer = "no"  # "forget that", "never mind, keep 14D"
            else:  # "forget that, what's the status of FL123?": drop it, take the rest
                update.update(pending=None, text=retraction.remainder)
                return update
        if answer is None:
            return update  # a request: routed as such, the proposal keeps waiting
        update.update(answer=answer, intent=pending["intent"], route=_dialogue_route(pending["intent"]))
        if answer == "yes":
            update["confirmed"] = True
        elif answer == "unsure":
            language = language_of(state)
            update.update(
                reply=say(language, *REASK).format(question=pending["question"]),
                agent=pending["agent"],
                intent=pending["intent"],
                task_status="awaiting_confirmation",
                route=_dialogue_route(pending["intent"]),
            )
        return update

    def _taken_back(self, text: str) -> str | None:
        """The intent of the request a retraction takes back ("book 12A on FL123 — forget that")."""
        before = _taken_back_text(text).strip()
        if not before:
            return None
        prediction = self.services.intent_model.predict(before)
        return prediction.label if prediction.confidence >= self.services.intent_model.threshold else None

    # -- nothing waiting for a yes or no
    def _without_proposal(self, state: State, text: str, update: StateUpdate) -> StateUpdate:
        language = language_of(state)
        retraction = find_retraction(text)
        answer = read_leading_answer(text)
        active = state.get("active_task")
        if retraction is not None and retraction.remainder:
            update["text"] = retraction.remainder
            if active:
                update.update(active_task=None, slots=_without(state, active))
            return update
        if retraction is None and answer not in ("yes", "no"):
            return update  # a request (or mere hesitation): the router takes it
        if active and answer == "yes" and retraction is None:
            # "ok" while a task waits for details: the task asks again.
            update["route"] = _dialogue_route(active)
            return update
        if active:
            reply = say(language, *TASK_LEFT)
            update.update(active_task=None, slots=_without(state, active))
        else:
            reply = say(language, *(ACK if retraction is None else DROPPED_REQUEST))
        # A retraction is about the request it takes back; a bare yes or no is small talk.
        intent = active
        if retraction is not None:
            intent = active or self._taken_back(text) or state.get("last_intent")
        update.update(
            reply=reply,
            agent="dialogue",
            intent=intent or "greeting",
            task_status="completed",
            route=_dialogue_route(intent or "greeting"),
        )
        return update


def _taken_back_text(text: str) -> str:
    """The part of a retraction before its marker: the request the user takes back."""
    return RETRACTION_MARKER.split(text, maxsplit=1)[0]


def undelivered_reply(state: State) -> str:
    """The reply of the last turn when its run was cut short before the reply was sent ("").

    A turn's reply joins the conversation as its last AI message (in `review`); a reply in the
    state that is not that message was composed but never delivered (the process died). The
    new message is already the last one: look before it.
    """
    reply = state.get("reply") or ""
    if not reply:
        return ""
    earlier = state.get("messages", [])[:-1]
    last_ai = next((m for m in reversed(earlier) if isinstance(m, AIMessage)), None)
    delivered = last_ai is not None and last_ai.content == reply
    return "" if delivered else reply


def _without(state: State, intent: str) -> dict[str, dict[str, str]]:
    slots = dict(state.get("slots") or {})
    slots.pop(intent, None)
    return slots


def _dialogue_route(label: str) -> dict[str, Any]:
    return {"label": label, "confidence": 1.0, "decided_by": "dialogue"}


def proposal_notes(state: State, roster: Roster) -> list[str]:
    """What the reply adds about a proposal that was waiting when the turn began (see `review`)."""
    before = state.get("pending_at_start")
    if not before or state.get("answer") in ("yes", "no", "unsure"):
        return []
    now = state.get("pending")
    language = language_of(state)
    summary = say(language, *roster.action(before["kind"]).summary).format(**before["args"])
    if now and now["id"] == before["id"]:
        return [say(language, *STILL_WAITING).format(summary=summary)]
    return [say(language, *DROPPED).format(summary=summary)]
