"""The typed state of a conversation and the per-run context.

State holds plain JSON-like values only (TypedDicts, no custom classes), so any checkpointer can
store it and any face can read it. `ConversationFields` last for the whole thread; `TurnFields`
start afresh from `TURN_DEFAULTS` when a new message arrives.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal, NotRequired, TypedDict

from langchain_core.messages import AnyMessage
from langgraph.graph.message import add_messages

from switchboard.intents import INTENTS, Intent

__all__ = ["INTENTS", "TURN_DEFAULTS", "Context", "FlightList", "Intent", "State", "TableRecord"]


TaskStatus = Literal["completed", "needs_info", "awaiting_confirmation", "refused", "failed"]
DecidedBy = Literal["classifier", "rule", "llm", "context", "clarify", "guard", "dialogue", "scope"]
Answer = Literal["yes", "no", "unsure"]


class RouteDecision(TypedDict):
    """Who decided which specialist answers, and how sure it was."""

    label: str
    confidence: float
    decided_by: DecidedBy


class ToolCallRecord(TypedDict):
    name: str
    args: dict[str, Any]
    ok: bool


class Guardrail(TypedDict):
    name: str
    reason: str


class Revision(TypedDict):
    """One revision of a reply: who revised it (`rules` or `llm`) and why."""

    by: str
    reason: str


class CriticRecord(TypedDict):
    """What the critic found in this turn's reply, and whether the reply was revised."""

    ok: bool
    problems: list[str]
    revised: bool
    revisions: NotRequired[list[Revision]]  # in order; the LLM critic makes at most two


class EngineNote(TypedDict):
    """A fallback of the LLM engine in this turn: which call, what happened, why."""

    call: str
    event: str
    detail: str


class TableRecord(TypedDict):
    """A table a reply shows: the web chat draws it; `text` is how it reads inside `reply`."""

    columns: list[str]
    rows: list[list[str]]
    text: str


class FlightList(TypedDict):
    """The flights a reply listed, so that "the second one" or "the 9 o'clock one" can pick one."""

    agent: str  # who listed them
    query: dict[str, str]  # the search, as slots (origin, destination, date_from, ...)
    options: list[dict[str, Any]]  # n, flight_number, flight_date, departs, price, status


class PendingAction(TypedDict):
    """A sensitive action proposed to the user and waiting for their yes or no."""

    id: str  # the proposal's id: the idempotency key of the write it leads to
    kind: str  # the proposing specialist's `ConfirmedAction.kind`, e.g. cancel_booking, change_seat
    agent: str
    intent: str
    args: dict[str, Any]
    question: str


class ConversationFields(TypedDict):
    """What a thread remembers from turn to turn."""

    messages: Annotated[list[AnyMessage], add_messages]
    user_id: NotRequired[str | None]  # the owner of the thread, fixed by its first turn
    language: NotRequired[Literal["zh", "en"]]
    active_task: NotRequired[str | None]  # an intent still collecting slots
    slots: NotRequired[dict[str, dict[str, str]]]  # per intent, kept across topic switches
    last_intent: NotRequired[str | None]
    inventory_state: NotRequired[dict[str, Any] | None]  # what a follow-up inventory question refines
    # A proposal waiting for the user's yes or no. It waits across turns (a question asked
    # meanwhile is answered) until a clear answer settles it or a new proposal replaces it.
    pending: NotRequired[PendingAction | None]
    flights_shown: NotRequired[FlightList | None]  # the last list of flights, for picking from it


class TurnFields(TypedDict):
    """What describes one turn: `ingest` starts every new message from `TURN_DEFAULTS`."""

    text: NotRequired[str]  # the normalised message of this turn
    entities: NotRequired[dict[str, str]]  # slots stated in this message
    answer: NotRequired[Answer | None]  # how this message answers `pending`, when it is an answer
    confirmed: NotRequired[bool | None]  # the user said yes to `pending` (an action node carries it out)
    button: NotRequired[bool | None]  # the answer came from a Yes/No button, not from typed text
    pending_at_start: NotRequired[PendingAction | None]  # the proposal waiting when the turn began
    notes: NotRequired[list[str]]  # said around the reply: an earlier result, a proposal still waiting
    route: NotRequired[RouteDecision | None]
    intent: NotRequired[str | None]
    agent: NotRequired[str | None]
    reply: NotRequired[str]
    task_status: NotRequired[TaskStatus | None]
    guardrail: NotRequired[Guardrail | None]
    tool_calls: NotRequired[list[ToolCallRecord]]
    facts: NotRequired[list[dict[str, Any]]]  # what this turn's tools returned (JSON)
    tables: NotRequired[list[TableRecord]]  # tables the reply shows (the web chat draws them)
    critic: NotRequired[CriticRecord | None]
    # With an LLM: the turn's LLM time and calls (`agents.llm_budget.LLMUsage`) and its fallbacks.
    llm: NotRequired[dict[str, Any] | None]
    engine_notes: NotRequired[list[EngineNote]]
    # The graph's nodes this turn ran, in order (its trajectory; `graphs.assistant.Node` keeps it).
    path: NotRequired[list[str]]
    # Set on the checkpoint a branch starts from (`graphs.history.fork`): the checkpoint the user
    # went back to. The database is not rewound with the conversation; the policy says so.
    forked_from: NotRequired[str | None]


class State(ConversationFields, TurnFields):
    """The whole state of a conversation: what it remembers plus what describes the turn."""


# The values every turn starts from (`text` is the new message itself). A test keeps this in step
# with `TurnFields`.
TURN_DEFAULTS: dict[str, Any] = {
    "entities": {},
    "answer": None,
    "confirmed": None,
    "button": None,
    "pending_at_start": None,
    "notes": [],
    "route": None,
    "intent": None,
    "agent": None,
    "reply": "",
    "task_status": None,
    "guardrail": None,
    "tool_calls": [],
    "facts": [],
    "tables": [],
    "critic": None,
    "llm": None,
    "engine_notes": [],
    "path": [],
    "forked_from": None,
}


@dataclass(frozen=True)
class Context:
    """Per-run context: who is asking. Identity comes from here, never from message text."""

    user_id: str = "anonymous"
    # The user's IANA time zone ("tomorrow" is a date there); None: the process's `time_zone`.
    time_zone: str | None = None
