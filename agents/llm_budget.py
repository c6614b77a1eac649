"""What one turn may spend on the LLM: a token cap per call kind and a time budget per turn.

A small local model rambles to its context limit and a busy server answers late, so every LLM
call is bounded twice: `max_tokens` by its kind (a router label needs a few tokens, SQL and
answers more) and a timeout that is the smaller of the per-call timeout and what is left of the
turn's budget. When the budget is spent, further calls are not made and the local engine answers.

The budget of a turn lives in a context variable while a graph node runs (`turn_scope`, opened
by the graph's node wrapper), so the router, the specialists and the critic share it without
passing it around; the spent time and the notes are written back to the state (`llm`,
`engine_notes`), where the next node of the same turn picks them up. Outside the graph (the
`sql` and `search` commands, MCP tools) `turn_scope` starts a budget of its own.

Every fallback is noted once, with its reason, and logged once (`EngineNote`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from time import monotonic
from typing import Any, Literal, TypedDict

from switchboard.state import EngineNote

logger = logging.getLogger("switchboard.llm")

# Below this many seconds left, a call is not started: it could not finish.
MIN_CALL_S = 0.5


@dataclass(frozen=True)
class CallKind:
    """One kind of LLM call and the most tokens it may generate."""

    name: str
    max_tokens: int
    structured: bool  # it asks for JSON


CALL_KINDS: dict[str, CallKind] = {
    kind.name: kind
    for kind in (
        CallKind("router", 24, True),  # {"intent": "<label>"}
        CallKind("slots", 96, True),  # four short fields or null
        CallKind("sql", 384, True),  # up to three SELECT statements
        CallKind("rewrite", 64, False),  # one line of search terms
        CallKind("answer", 320, False),  # four sentences with citations
        CallKind("critic", 200, True),  # {"ok": ..., "problems": [at most five]}
        CallKind("revise", 320, False),  # a corrected reply
    )
}

Outcome = Literal["ok", "invalid", "timeout", "error", "skipped"]


class LLMCall(TypedDict):
    kind: str
    ms: int
    outcome: str
    mode: str  # how JSON was asked: json_schema | json_object | prompt | text


class LLMUsage(TypedDict):
    """The turn's LLM accounting, kept in the state (`llm`)."""

    budget_s: float
    spent_s: float
    calls: list[LLMCall]


@dataclass
class TurnBudget:
    """The LLM time of one turn: what is allowed, what is spent, what went wrong."""

    limit_s: float
    call_timeout_s: float
    clock: Callable[[], float] = monotonic
    spent_s: float = 0.0
    calls: list[LLMCall] = field(default_factory=list)
    notes: list[EngineNote] = field(default_factory=list)
    _noted: set[tuple[str, str]] = field(default_factory=set)

    @property
    def remaining_s(self) -> float:
        return max(0.0, self.limit_s - self.spent_s)

    def admit(self, kind: str) -> float | None:
        """The timeout of the next call of `kind`, or None (noted) when the budget is spent."""
        remaining = self.remaining_s
        if remaining < MIN_CALL_S:
            self.note(kind, "budget_spent", f"{self.spent_s:.1f} s of {self.limit_s:.1f} s used")
            self.calls.append({"kind": kind, "ms": 0, "outcome": "skipped", "mode": "-"})
            return None
        return min(self.call_timeout_s, remaining)

    def spend(self, kind: str, started: float, outcome: Outcome, mode: str) -> None:
        """Count the time of a call that started at `started` (a reading of `clock`)."""
        elapsed = max(0.0, self.clock() - started)
        self.spent_s += elapsed
        self.calls.append({"kind": kind, "ms": round(elapsed * 1000), "outcome": outcome, "mode": mode})

    def note(self, call: str, event: str, detail: str) -> None:
        """Record a fallback once per (call, event) in the turn, and log it once."""
        if (call, event) in self._noted:
            return
        self._noted.add((call, event))
        detail = " ".join(detail.split())[:200]
        self.notes.append({"call": call, "event": event, "detail": detail})
        logger.warning("LLM %s: %s (%s); the local engine takes over", call, event, detail)

    def usage(self) -> LLMUsage:
        return {"budget_s": self.limit_s, "spent_s": round(self.spent_s, 3), "calls": list(self.calls)}

    @classmethod
    def resume(
        cls,
        usage: LLMUsage | None,
        notes: list[EngineNote] | None,
        *,
        limit_s: float,
        call_timeout_s: float,
        clock: Callable[[], float] = monotonic,
    ) -> TurnBudget:
        """The budget of a turn that earlier nodes already spent from (their `llm` and notes)."""
        budget = cls(limit_s, call_timeout_s, clock)
        if usage:
            budget.spent_s = float(usage.get("spent_s", 0.0))
            budget.calls = list(usage.get("calls", []))
        for note in notes or []:
            budget.notes.append(note)
            budget._noted.add((note["call"], note["event"]))
        return budget


_ACTIVE: ContextVar[TurnBudget | None] = ContextVar("switchboard_llm_budget", default=None)


def current_budget() -> TurnBudget | None:
    return _ACTIVE.get()


@contextmanager
def turn_scope(
    limit_s: float,
    call_timeout_s: float,
    state: Any = None,
    clock: Callable[[], float] | None = None,
) -> Iterator[TurnBudget]:
    """The active turn's budget, or a new one (resumed from `state`'s `llm` and `engine_notes`)."""
    active = _ACTIVE.get()
    if active is not None:
        yield active
        return
    state = state or {}
    budget = TurnBudget.resume(
        state.get("llm"),
        state.get("engine_notes"),
        limit_s=limit_s,
        call_timeout_s=call_timeout_s,
        clock=clock or monotonic,  # looked up here, so a test can set the module's clock
    )
    token = _ACTIVE.set(budget)
    try:
        yield budget
    finally:
        _ACTIVE.reset(token)


def state_update(budget: TurnBudget, state: Any) -> dict[str, Any]:
    """The state fields to write back after a node: only what this node changed."""
    update: dict[str, Any] = {}
    before = state.get("llm") or {}
    if len(budget.calls) != len(before.get("calls", [])):
        update["llm"] = budget.usage()
    if len(budget.notes) != len(state.get("engine_notes") or []):
        update["engine_notes"] = list(budget.notes)
    return update
