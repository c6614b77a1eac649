"""What a specialist declares about itself, and the roster the graph and faces derive from them.

Each specialist module ends with one `Specialist(...)`: the intent it answers, how its node is
built, the slots its open task waits for, how it takes follow-ups, whether the critic reviews its
replies, the tools that do its job, the sensitive actions it proposes and its one-line capability
in both languages. `agents.registry` lists them; everything that used to repeat that knowledge
(graph assembly, router tables, capability prose, the evaluation judge, the web chat's labels) is
derived from a `Roster` of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from langgraph.runtime import Runtime
from langgraph.types import Command

from switchboard.state import Context, State

if TYPE_CHECKING:
    from agents.services import Services

# What a node returns: the fields of `State` it changes.
StateUpdate = dict[str, Any]


class NodeFn(Protocol):
    """A graph node: every node takes the state and the run's runtime (for `context.user_id`).

    It returns the fields it changes, or a `Command` when it also chooses where the run goes.
    """

    def __call__(self, state: State, runtime: Runtime[Context], /) -> StateUpdate | Command[str]: ...


class ActionFn(Protocol):
    """The node of a confirmed action: carries out `state["pending"]` and reports it."""

    def __call__(self, state: State, runtime: Runtime[Context], /) -> StateUpdate: ...


# Build a node (an action node) from the process's services and the roster it is part of.
NodeBuilder = Callable[["Services", "Roster"], NodeFn]
ActionBuilder = Callable[["Services", "Roster"], ActionFn]


@dataclass(frozen=True)
class ConfirmedAction:
    """A sensitive write a specialist proposes (`pending.kind`) and carries out after a yes.

    The texts are (zh, en) templates formatted with the proposal's `args`.
    """

    kind: str
    build: ActionBuilder
    declined: tuple[str, str]  # the reply when the user says no
    summary: tuple[str, str]  # the proposal in a few words, for "still waiting" and "dropped" notes
    # Words that confirm this proposal when they are the whole answer ("cancel it", "取消吧").
    yes_words: tuple[str, ...] = ()


@dataclass(frozen=True)
class Specialist:
    """One specialist of the assistant, declared once (see the module docstring)."""

    intent: str  # the router label it answers (CONTRACTS §1 for the product's nine)
    agent: str  # its name in the turn's `agent` field
    meaning: str  # what its intent covers, in the LLM router's list
    build: NodeBuilder
    title: tuple[str, str]  # a short name (zh, en), e.g. the web chat's badge
    capability: tuple[str, str] | None = None  # "查询航班状态" / "check flight status"; None: not offered
    slots: tuple[str, ...] = ()  # what an open task waits for: a message stating one continues it
    free_text: bool = False  # an open task takes the next message as free text (complaint details)
    followup: bool = False  # a short follow-up ("and business?") goes here when it answered last
    # A message stating one of these slots goes back here when the classifier is unsure
    # ("what about FL456?" after a status question).
    followup_slots: tuple[str, ...] = ()
    # A high-precision rule for messages this specialist always takes, whatever the classifier
    # says ("show my bookings" for the seat desk).
    claims: Callable[[str], bool] | None = None
    reviewed: bool = False  # the deterministic critic checks its replies against the tool results
    # With an LLM, the LLM critic checks its composed replies against their facts (every
    # `reviewed` specialist's replies are checked too, on top of the deterministic critic).
    llm_reviewed: bool = False
    job_tools: frozenset[str] = frozenset()  # a successful call of one of these does its job
    lookup_tools: frozenset[str] = frozenset()  # tools it may call on the way
    write_tools: frozenset[str] = frozenset()  # the tools among those that change data
    # The writes that only ever run after the user's yes to a proposal (an action's node); the
    # evaluation flags any other call of them as an invalid trajectory.
    confirmed_writes: frozenset[str] = frozenset()
    actions: tuple[ConfirmedAction, ...] = ()
    refuses: bool = False  # it is the polite refusal of off-topic requests

    @property
    def allowed_tools(self) -> frozenset[str]:
        return self.job_tools | self.lookup_tools


def _join(phrases: list[str], separator: str, last: str) -> str:
    if len(phrases) < 2:
        return "".join(phrases)
    return separator.join(phrases[:-1]) + last + phrases[-1]


@dataclass(frozen=True)
class Roster:
    """The specialists of one graph, and the tables derived from them."""

    specialists: tuple[Specialist, ...]
    _by_intent: Mapping[str, Specialist] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        by_intent = {s.intent: s for s in self.specialists}
        if len(by_intent) != len(self.specialists):
            raise ValueError("two specialists declare the same intent")
        kinds = [a.kind for a in self.actions]
        if len(set(kinds)) != len(kinds):
            raise ValueError("two confirmed actions share a kind")
        object.__setattr__(self, "_by_intent", by_intent)

    @classmethod
    def of(cls, specialists: Iterable[Specialist]) -> Roster:
        return cls(tuple(specialists))

    # -- lookups
    @property
    def intents(self) -> tuple[str, ...]:
        return tuple(self._by_intent)

    def get(self, intent: str | None) -> Specialist | None:
        return self._by_intent.get(intent or "")

    @property
    def actions(self) -> tuple[ConfirmedAction, ...]:
        return tuple(a for s in self.specialists for a in s.actions)

    def action(self, kind: str) -> ConfirmedAction:
        for action in self.actions:
            if action.kind == kind:
                return action
        raise KeyError(f"no specialist proposes {kind!r}")

    # -- the router's tables
    @property
    def task_slots(self) -> dict[str, tuple[str, ...]]:
        return {s.intent: s.slots for s in self.specialists if s.slots}

    @property
    def free_text_tasks(self) -> frozenset[str]:
        return frozenset(s.intent for s in self.specialists if s.free_text)

    @property
    def followup_intents(self) -> frozenset[str]:
        return frozenset(s.intent for s in self.specialists if s.followup)

    @property
    def confirmed_writes(self) -> frozenset[str]:
        return frozenset(tool for s in self.specialists for tool in s.confirmed_writes)

    @property
    def reviewed_agents(self) -> frozenset[str]:
        return frozenset(s.agent for s in self.specialists if s.reviewed)

    @property
    def llm_reviewed_agents(self) -> frozenset[str]:
        return frozenset(s.agent for s in self.specialists if s.reviewed or s.llm_reviewed)

    # -- prose
    def capabilities(self, language: str) -> str:
        """One sentence saying what the assistant can do, in `language` ("zh" or "en")."""
        offered = [s.capability for s in self.specialists if s.capability]
        if language == "zh":
            return "我可以帮您：" + _join([zh for zh, _ in offered], "、", "，以及") + "。"
        return "I can " + _join([en for _, en in offered], ", ", ", and ") + "."

    def titles(self) -> dict[str, dict[str, str]]:
        """{agent: {"zh": ..., "en": ...}}: how faces name each specialist."""
        return {s.agent: {"zh": s.title[0], "en": s.title[1]} for s in self.specialists}
