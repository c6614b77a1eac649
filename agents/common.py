"""Small helpers every specialist shares: bilingual replies, tool-call records, slot bookkeeping."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from switchboard.errors import ToolError
from switchboard.state import PendingAction, State, ToolCallRecord

T = TypeVar("T")

# Slots that outlive a task: the last flight the user talked about (for "how much is business on it?").
CONTEXT_KEY = "_context"


def say(language: str, zh: str, en: str) -> str:
    """The reply in the user's language."""
    return zh if language == "zh" else en


def language_of(state: State) -> str:
    return state.get("language") or "en"


def as_json(value: Any) -> Any:
    """Tool results (pydantic models, lists, dicts) as plain JSON values."""
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [as_json(v) for v in value]
    return value if isinstance(value, str | int | float | bool | None) else str(value)


class ToolLog:
    """Runs domain services and records each call the way the faces report it."""

    def __init__(self) -> None:
        self.calls: list[ToolCallRecord] = []
        # What the tools returned, as JSON: what the reply may state (the critic checks it).
        self.facts: list[dict[str, Any]] = []

    def run(self, name: str, args: dict[str, Any], fn: Callable[[], T]) -> T:
        """Call `fn`; record the call as ok or not; expected failures (ToolError) propagate."""
        try:
            result = fn()
        except ToolError as exc:
            self.calls.append({"name": name, "args": args, "ok": False})
            # An expected failure reports facts too: the seat's free alternatives, the booking held.
            self.facts.append({"error": exc.details.get("code"), **as_json(exc.details)})
            raise
        self.calls.append({"name": name, "args": args, "ok": True})
        for item in result if isinstance(result, list) else [result]:
            if hasattr(item, "model_dump"):
                self.facts.append(as_json(item))
        return result


def task_slots(state: State, intent: str) -> dict[str, str]:
    """The slots gathered so far for `intent`, updated with what this message states."""
    merged = dict((state.get("slots") or {}).get(intent, {}))
    merged.update(state.get("entities") or {})
    return merged


def remember(state: State, intent: str, slots: dict[str, str] | None) -> dict[str, dict[str, str]]:
    """The new `slots` field: `intent`'s slots replaced (None clears them), the context kept."""
    all_slots = dict(state.get("slots") or {})
    if slots:
        all_slots[intent] = dict(slots)
    else:
        all_slots.pop(intent, None)
    return all_slots


UNKNOWN_FLIGHT = (
    "没有找到航班 {flight}，请核对航班号。",
    "I couldn't find flight {flight}. Please check the flight number.",
)


def context_flight(state: State) -> str | None:
    return (state.get("slots") or {}).get(CONTEXT_KEY, {}).get("flight_number")


def outcome(
    state: State,
    *,
    agent: str,
    intent: str,
    reply: str,
    status: str,
    log: ToolLog | None = None,
    slots: dict[str, str] | None = None,
    keep_active: bool = False,
    **extra: Any,
) -> dict[str, Any]:
    """The state update a specialist returns at the end of its turn.

    `keep_active` leaves the task open (it still needs information) with `slots` remembered;
    otherwise the task is closed and its slots are forgotten.
    """
    update: dict[str, Any] = {
        "agent": agent,
        "reply": reply,
        "task_status": status,
        "tool_calls": log.calls if log else [],
        "facts": log.facts if log else [],
        "slots": remember(state, intent, slots if keep_active else None),
        "active_task": intent
        if keep_active
        else (None if state.get("active_task") == intent else state.get("active_task")),
    }
    update.update(extra)
    return update


def closing(
    state: State, *, agent: str, intent: str, log: ToolLog | None = None
) -> Callable[..., dict[str, Any]]:
    """For the nodes that carry out a confirmed action: end the turn and clear the confirmation."""
    pending = state.get("pending")
    confirmed_args = dict(pending["args"]) if pending else {}

    def close(reply: str, status: str, **extra: Any) -> dict[str, Any]:
        update = outcome(
            state,
            agent=agent,
            intent=intent,
            reply=reply,
            status=status,
            log=log,
            pending=None,
            confirmed=None,
            **extra,
        )
        # What the user confirmed (e.g. the seat being left) is part of what the reply may state.
        update["facts"] = [*update["facts"], confirmed_args]
        return update

    return close


def propose(kind: str, *, agent: str, intent: str, args: dict[str, Any], question: str) -> PendingAction:
    """A new proposal; its id is the idempotency key of the write a yes leads to."""
    return {
        "id": uuid.uuid4().hex,
        "kind": kind,
        "agent": agent,
        "intent": intent,
        "args": args,
        "question": question,
    }


def screen_before_write(
    services: Any, state: State, user_id: str, *, agent: str, intent: str
) -> dict[str, Any] | None:
    """The refusal to return when the message asking for a write fails the guards' write thresholds.

    A specialist about to change data (file a complaint, book a seat, propose a cancellation)
    asks this first: a message the input guards found only borderline is not acted on. None
    means the write may go ahead.
    """
    text = state.get("text", "")
    screen = services.input_guard.check_before_write(text, user_id=user_id)
    if screen.verdict.allowed:
        return None
    message = screen.message or {}
    language = language_of(state)
    return outcome(
        state,
        agent=agent,
        intent=intent,
        reply=message.get(language) or message.get("en", ""),
        status="refused",
        guardrail=screen.verdict.guardrail,
    )
