"""The assistant graph: input guards -> router -> specialist -> review (critic, output guards)
-> (confirmation) -> reply.

`build_graph(services)` returns an UNCOMPILED `StateGraph` over the specialists of
`agents.registry` (or the ones given); callers compile it with their checkpointer (see
`graphs.checkpoint` and the composition root `graphs.app`). The assembly is the block in
`build_graph` at the bottom of this module.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime

from agents.confirmation import build_confirm_node, build_declined_node
from agents.llm_budget import state_update, turn_scope
from agents.registry import SPECIALISTS
from agents.router import build_clarify_node, build_router_node
from agents.services import Services
from agents.specialist import NodeBuilder, NodeFn, Roster, Specialist, StateUpdate
from agents.turn import build_finalize_node, build_ingest_node, build_review_node
from switchboard.state import Context, State

# Nodes of the graph itself; a specialist's intent or action kind may not take these names.
FIXED_NODES = frozenset({"ingest", "router", "clarify", "confirm", "declined", "review", "finalize"})


def after_ingest(state: State) -> Literal["router", "review"]:
    return "review" if state.get("guardrail") else "router"


def after_review(state: State) -> Literal["confirm", "finalize"]:
    return "confirm" if state.get("pending") else "finalize"


def route_to(roster: Roster) -> Callable[[State], str]:
    def after_router(state: State) -> str:
        """The specialist the router chose (a node named by its intent), or the clarifying question."""
        route = state.get("route") or {}
        label = str(route.get("label", "irrelevant"))
        if route.get("decided_by") == "clarify" or label not in roster.intents:
            return "clarify"
        return label

    return after_router


def after_confirm(state: State) -> str:
    """The confirmed action's node (named by its kind), or `declined` for a no or an unclear answer."""
    pending = state.get("pending")
    return pending["kind"] if pending and state.get("confirmed") else "declined"


class Node:
    """A graph node as an object rather than a plain function.

    At compile time LangGraph reads a function node's source and closure to find subgraphs, and
    evaluates the attribute chains it sees there (`services.inventory`, `services.knowledge`):
    that would build every lazily built service, and parse every node's source, at start-up. An
    object skips that inspection.

    With an LLM configured the node also runs inside the turn's LLM budget (`llm_budget`), and
    what it spent and noted goes back into the state; without one it is the bare function.
    """

    __slots__ = ("fn", "llm_budget")

    def __init__(self, fn: NodeFn, llm_budget: tuple[float, float] | None = None) -> None:
        self.fn = fn
        self.llm_budget = llm_budget  # (turn budget, per-call timeout) in seconds

    def __call__(self, state: State, runtime: Runtime[Context]) -> StateUpdate:
        if self.llm_budget is None:
            return self.fn(state, runtime)
        with turn_scope(*self.llm_budget, state=state) as budget:
            update = self.fn(state, runtime)
        return {**update, **state_update(budget, state)}


def _check_names(roster: Roster) -> None:
    names = [*roster.intents, *(action.kind for action in roster.actions)]
    clashes = sorted(FIXED_NODES.intersection(names) | {n for n in names if names.count(n) > 1})
    if clashes:
        raise ValueError(f"specialist node names clash with other nodes: {', '.join(clashes)}")


def build_graph(services: Services, specialists: Sequence[Specialist] = SPECIALISTS) -> StateGraph:
    """The assistant over `specialists`, uncompiled."""
    roster = Roster.of(specialists)
    _check_names(roster)
    kinds = [action.kind for action in roster.actions]

    settings = services.settings
    budget = (settings.llm_turn_budget_s, settings.llm_timeout_s) if services.chat_model is not None else None

    def node(build: NodeBuilder) -> Node:
        return Node(build(services, roster), budget)

    graph = StateGraph(State, context_schema=Context)
    graph.add_node("ingest", node(build_ingest_node))
    graph.add_node("router", node(build_router_node))
    graph.add_node("clarify", node(build_clarify_node))
    for specialist in roster.specialists:
        graph.add_node(specialist.intent, node(specialist.build))
    graph.add_node("confirm", node(build_confirm_node))
    for action in roster.actions:
        graph.add_node(action.kind, node(action.build))
    graph.add_node("declined", node(build_declined_node))
    graph.add_node("review", node(build_review_node))
    graph.add_node("finalize", node(build_finalize_node))

    graph.add_edge(START, "ingest")
    graph.add_conditional_edges("ingest", after_ingest, ["router", "review"])
    graph.add_conditional_edges("router", route_to(roster), [*roster.intents, "clarify"])
    for name in [*roster.intents, "clarify"]:
        graph.add_edge(name, "review")
    graph.add_conditional_edges("review", after_review, ["confirm", "finalize"])
    graph.add_conditional_edges("confirm", after_confirm, [*kinds, "declined"])
    for name in [*kinds, "declined"]:
        graph.add_edge(name, "review")
    graph.add_edge("finalize", END)
    return graph
