"""The assistant graph: input guards -> router -> specialist -> review (critic, output guards)
-> (confirmation) -> reply.

`build_graph(services)` returns an UNCOMPILED `StateGraph` over the specialists of
`agents.registry` (or the ones given); callers compile it with their checkpointer (see
`graphs.checkpoint` and the composition root `graphs.app`). The assembly is the block in
`build_graph` at the bottom of this module.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any, Literal, cast

from langgraph.errors import GraphBubbleUp
from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime
from langgraph.types import Command

from agents.confirmation import build_confirm_node, build_declined_node
from agents.llm_budget import state_update, turn_scope
from agents.registry import SPECIALISTS
from agents.router import build_clarify_node, build_router_node
from agents.services import Services
from agents.specialist import ActionBuilder, ActionFn, NodeBuilder, NodeFn, Roster, Specialist, StateUpdate
from agents.turn import build_finalize_node, build_ingest_node, build_review_node, failed_turn
from switchboard.errors import ConfigurationError
from switchboard.state import Context, State

logger = logging.getLogger("switchboard.graph")

# Nodes of the graph itself; a specialist's intent or action kind may not take these names.
FIXED_NODES = frozenset({"ingest", "router", "clarify", "confirm", "declined", "review", "finalize"})


def after_ingest(state: State) -> str:
    """Where the dialogue policy sent the message: straight to review when it already answered (or
    an input guard refused it), an answer to the waiting proposal (its action node or `declined`),
    else the router. A message passed with a guard note (an injected instruction dropped) goes on
    like any other."""
    if state.get("task_status"):
        return "review"
    pending = state.get("pending")
    if pending and state.get("confirmed"):
        return pending["kind"]
    if pending and state.get("answer") == "no":
        return "declined"
    return "router"


def after_review(state: State) -> Literal["confirm", "finalize"]:
    return "confirm" if state.get("pending") else "finalize"


def route_to(roster: Roster) -> Callable[[State], str]:
    def after_router(state: State) -> str:
        """The specialist the router chose (a node named by its intent), or the clarifying question."""
        if state.get("task_status") == "failed":  # the router itself failed: say so
            return "review"
        route = state.get("route")
        label = route["label"] if route else "irrelevant"
        if (route and route["decided_by"] == "clarify") or label not in roster.intents:
            return "clarify"
        return label

    return after_router


class Node:
    """A graph node as an object rather than a plain function, and the turn's safety net.

    At compile time LangGraph reads a function node's source and closure to find subgraphs, and
    evaluates the attribute chains it sees there (`services.inventory`, `services.knowledge`):
    that would build every lazily built service, and parse every node's source, at start-up. An
    object skips that inspection.

    No exception escapes a turn: a node that raises (a bug, a dependency down) is logged with an
    error id and its update becomes a polite failure in the user's language (`failed_turn`);
    the run goes on to review and the reply. LangGraph's own control flow (interrupts, commands)
    passes through.

    With an LLM configured the node also runs inside the turn's LLM budget (`llm_budget`), and
    what it spent and noted goes back into the state; without one it is the bare function.

    A node with a `route` (ingest, router, review) names the next node itself (`Command(goto=)`),
    computed from the state as its update leaves it. A conditional edge would do the same, but
    LangGraph evaluates one on a copy of every channel of the graph (51 here: one per node, plus
    the state's fields), three times a turn; that was a tenth of the turn's time outside the models.
    """

    __slots__ = ("fn", "name", "llm_budget", "route")

    def __init__(
        self,
        name: str,
        fn: NodeFn | ActionFn,
        llm_budget: tuple[float, float] | None = None,
        route: Callable[[State], str] | None = None,
    ) -> None:
        self.name = name
        self.fn = fn
        self.llm_budget = llm_budget  # (turn budget, per-call timeout) in seconds
        self.route = route

    def __call__(self, state: State, runtime: Runtime[Context]) -> StateUpdate | Command[str]:
        update = self._run(state, runtime)
        path = {"path": self.path_after(state.get("path") or [])}
        if isinstance(update, Command):
            merged = {**dict(update.update or {}), **path}
            if update.goto or self.route is None:
                return replace(update, update=merged)
            return replace(update, update=merged, goto=self.route(cast(State, {**state, **merged})))
        update = {**update, **path}
        if self.route is None:
            return update
        # Every field a route reads is a plain value (only `messages` has a reducer): the state
        # after this update is the merge of the two.
        return Command(update=update, goto=self.route(cast(State, {**state, **update})))

    def _run(self, state: State, runtime: Runtime[Context]) -> StateUpdate | Command[str]:
        try:
            if self.llm_budget is None:
                return self.fn(state, runtime)
            with turn_scope(*self.llm_budget, state=state) as budget:
                update = self.fn(state, runtime)
            if isinstance(update, Command):
                return update
            return {**update, **state_update(budget, state)}
        except (GraphBubbleUp, ConfigurationError):
            raise  # LangGraph's control flow; a process that cannot work (e.g. `make install` not run)
        except Exception:  # noqa: BLE001 - the safety net: reported to the user, logged with an id
            error_id = uuid.uuid4().hex[:8]
            logger.exception("node %s failed (error %s)", self.name, error_id)
            return failed_turn(state, self.name, error_id)

    def path_after(self, before: list[str]) -> list[str]:
        """The turn's path once this node has run. A turn starts at `ingest` (a new message) or
        at `confirm` (the answer a waiting turn gets), which hands the answer on to `ingest`."""
        if self.name == "confirm" or (self.name == "ingest" and before != ["confirm"]):
            return [self.name]
        return [*before, self.name]


def _check_names(roster: Roster) -> None:
    names = [*roster.intents, *(action.kind for action in roster.actions)]
    clashes = sorted(FIXED_NODES.intersection(names) | {n for n in names if names.count(n) > 1})
    if clashes:
        raise ValueError(f"specialist node names clash with other nodes: {', '.join(clashes)}")


def build_graph(
    services: Services, specialists: Sequence[Specialist] = SPECIALISTS
) -> StateGraph[State, Context, State, State]:
    """The assistant over `specialists`, uncompiled."""
    roster = Roster.of(specialists)
    _check_names(roster)
    kinds = [action.kind for action in roster.actions]

    settings = services.settings
    budget = (settings.llm_turn_budget_s, settings.llm_timeout_s) if services.chat_model is not None else None

    def add(
        name: str,
        build: NodeBuilder | ActionBuilder,
        route: Callable[[State], str] | None = None,
        **options: Any,
    ) -> None:
        graph.add_node(name, Node(name, build(services, roster), budget, route), **options)

    graph = StateGraph(State, context_schema=Context)
    # ingest, router and review choose the next node (`Node.route`); `destinations` draws those edges.
    add("ingest", build_ingest_node, after_ingest, destinations=("router", "review", *kinds, "declined"))
    add("router", build_router_node, route_to(roster), destinations=(*roster.intents, "clarify", "review"))
    add("clarify", build_clarify_node)
    for specialist in roster.specialists:
        add(specialist.intent, specialist.build)
    # `confirm` waits for the answer (interrupt) and hands it back to `ingest` as a message.
    add("confirm", build_confirm_node, destinations=("ingest",))
    for action in roster.actions:
        add(action.kind, action.build)
    add("declined", build_declined_node)
    add("review", build_review_node, after_review, destinations=("confirm", "finalize"))
    add("finalize", build_finalize_node)

    graph.add_edge(START, "ingest")
    for name in [*roster.intents, "clarify"]:
        graph.add_edge(name, "review")
    for name in [*kinds, "declined"]:
        graph.add_edge(name, "review")
    graph.add_edge("finalize", END)
    return graph
