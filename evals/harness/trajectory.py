"""Agent trajectories: the path of every turn through the graph, judged for loops and validity.

Pure functions over a run (`evals.harness.runner`): each turn's result carries its `path` (the
graph's nodes in the order they ran) and `failure`, and the runner adds the turn's `decisions`
(the router's label, how the message answered a waiting proposal, which proposal was waiting).

Per case:
  steps        nodes run per turn (a turn is one run of the graph), and per task
  tasks        consecutive turns on one intent (a booking asked for over three messages and
               confirmed in a fourth is one task); tool calls per task
  loops        a node run twice in one turn (a turn starts at `ingest`, or at `confirm` when it
               answers a waiting proposal, and passes every node once), the same tool called with
               the same arguments twice in one turn (no progress), and LangGraph's recursion
               limit hit (a run that never ended by itself)
  invalid      a write without its confirmation (a write that runs only after a yes, or any write
               of a confirmed action's node, in a turn that did not answer a proposal with yes),
               and a specialist other than the routed one (the node after `router` is not the one
               the router chose, or the reply comes from another specialist's agent)
A loop or an invalid trajectory fails its case; the CI gate (`tests/test_eval_gate.py`) wants none.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from agents.registry import ROSTER

# Nodes that are not specialists: the router's other destinations and the turn's own plumbing.
CLARIFY = "clarify"
ACTION_NODES = frozenset(action.kind for action in ROSTER.actions)
# The specialist (agent) whose proposal each action node carries out.
ACTION_AGENTS = {action.kind: s.agent for s in ROSTER.specialists for action in s.actions}
AGENT_OF_NODE = {s.intent: s.agent for s in ROSTER.specialists}
WRITES = frozenset(tool for s in ROSTER.specialists for tool in s.write_tools)
CONFIRMED_WRITES = ROSTER.confirmed_writes
# Agents that answer for the turn whatever node ran: the input guard, the dialogue policy, a
# node's failure (reported under the node's name when no agent was set).
ANY_NODE_AGENTS = frozenset({"input_guard", "dialogue"})


@dataclass
class TurnTrajectory:
    index: int  # the dataset turn (the harness's confirmation: after the last one)
    path: list[str]
    steps: int
    tool_calls: int
    intent: str | None
    loops: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)


@dataclass
class CaseTrajectory:
    turns: list[TurnTrajectory]
    tasks: list[dict[str, Any]]  # {"intent", "turns", "steps", "tool_calls"}
    recursion_limit_hits: int

    @property
    def steps(self) -> int:
        return sum(t.steps for t in self.turns)

    @property
    def loops(self) -> list[str]:
        return [f"turn {t.index + 1}: {problem}" for t in self.turns for problem in t.loops]

    @property
    def invalid(self) -> list[str]:
        return [f"turn {t.index + 1}: {problem}" for t in self.turns for problem in t.invalid]

    def as_dict(self) -> dict[str, Any]:
        return {
            "turns": [asdict(t) for t in self.turns],
            "steps": self.steps,
            "tasks": self.tasks,
            "loops": self.loops,
            "invalid": self.invalid,
            "recursion_limit_hits": self.recursion_limit_hits,
        }


def _node_loops(path: list[str]) -> list[str]:
    seen: set[str] = set()
    repeated: list[str] = []
    for node in path:
        if node in seen and node not in repeated:
            repeated.append(node)
        seen.add(node)
    return [f"node {node} ran twice in one turn ({' > '.join(path)})" for node in repeated]


def _tool_loops(calls: list[dict[str, Any]]) -> list[str]:
    seen: set[str] = set()
    repeated: list[str] = []
    for call in calls:
        key = json.dumps(
            [call.get("name"), call.get("args")], sort_keys=True, ensure_ascii=False, default=str
        )
        if key in seen and key not in repeated:
            repeated.append(key)
        seen.add(key)
    return [f"tool call repeated with the same arguments: {key}" for key in repeated]


def _unconfirmed_writes(path: list[str], calls: list[dict[str, Any]], decisions: dict[str, Any]) -> list[str]:
    """Writes carried out although this turn did not say yes to a waiting proposal."""
    said_yes = decisions.get("answer") == "yes" and decisions.get("pending_at_start") is not None
    if said_yes:
        return []
    done = [str(c.get("name")) for c in calls if c.get("ok") and c.get("name") in WRITES]
    problems = [
        f"{tool} ran without the user's yes to a proposal" for tool in done if tool in CONFIRMED_WRITES
    ]
    actions = [node for node in path if node in ACTION_NODES]
    if actions and done and not problems:
        problems.append(f"{actions[0]} wrote ({', '.join(done)}) without the user's yes")
    return problems


def _wrong_specialist(path: list[str], result: dict[str, Any], decisions: dict[str, Any]) -> list[str]:
    """The node after the router is the one it chose; the reply's agent belongs to the node that ran."""
    problems: list[str] = []
    if "router" in path and path.index("router") + 1 < len(path):
        chosen = path[path.index("router") + 1]
        routed = decisions.get("route")
        expected = routed if routed in AGENT_OF_NODE and decisions.get("decided_by") != "clarify" else CLARIFY
        if chosen not in (expected, "review") or (
            chosen == "review" and result.get("task_status") != "failed"
        ):
            problems.append(f"the router chose {routed} but {chosen} ran")
    agent = result.get("agent")
    answering = [node for node in path if node in AGENT_OF_NODE or node in ACTION_NODES]
    if agent and answering and agent not in ANY_NODE_AGENTS and result.get("task_status") != "failed":
        node = answering[-1]
        owner = AGENT_OF_NODE.get(node) or ACTION_AGENTS.get(node)
        if agent != owner:
            problems.append(f"{node} ran but the reply came from {agent}")
    return problems


def judge_turn(index: int, record: dict[str, Any]) -> TurnTrajectory:
    result = record.get("result") or {}
    path = list(result.get("path") or [])
    calls = list(result.get("tool_calls") or [])
    decisions = record.get("decisions") or {}
    turn = TurnTrajectory(
        index=index, path=path, steps=len(path), tool_calls=len(calls), intent=result.get("intent")
    )
    turn.loops = _node_loops(path) + _tool_loops(calls)
    if result.get("failure") == "recursion_limit":
        turn.loops.append("the run hit LangGraph's recursion limit")
    if decisions:  # a failed run has none: its trajectory is only its path
        turn.invalid = _unconfirmed_writes(path, calls, decisions) + _wrong_specialist(
            path, result, decisions
        )
    return turn


def _tasks(turns: list[TurnTrajectory]) -> list[dict[str, Any]]:
    tasks: list[dict[str, Any]] = []
    for turn in turns:
        if tasks and tasks[-1]["intent"] == turn.intent:
            task = tasks[-1]
        else:
            task = {"intent": turn.intent, "turns": 0, "steps": 0, "tool_calls": 0}
            tasks.append(task)
        task["turns"] += 1
        task["steps"] += turn.steps
        task["tool_calls"] += turn.tool_calls
    return tasks


def judge_case(run: dict[str, Any]) -> CaseTrajectory:
    """The trajectory of a case's run, the harness's confirmation turn included."""
    records = list(run.get("turns") or [])
    if run.get("auto_confirmation"):
        records.append(run["auto_confirmation"])
    turns = [judge_turn(i, record) for i, record in enumerate(records)]
    hits = sum((r.get("result") or {}).get("failure") == "recursion_limit" for r in records)
    return CaseTrajectory(turns=turns, tasks=_tasks(turns), recursion_limit_hits=hits)


def _spread(values: list[int]) -> dict[str, float | int | None]:
    if not values:
        return {"mean": None, "p50": None, "p95": None, "max": None, "n": 0}
    data = np.array(values, dtype=float)
    return {
        "mean": round(float(data.mean()), 3),
        "p50": round(float(np.percentile(data, 50)), 1),
        "p95": round(float(np.percentile(data, 95)), 1),
        "max": int(data.max()),
        "n": int(data.size),
    }


def _rate(hits: int, total: int) -> float | None:
    return round(hits / total, 4) if total else None


def aggregate(trajectories: list[CaseTrajectory]) -> dict[str, Any]:
    """The report's `trajectory` figures: steps, tool calls, loops and invalid trajectories."""
    turns = [t for c in trajectories for t in c.turns]
    tasks = [task for c in trajectories for task in c.tasks]
    node_loops = sum(1 for t in turns for p in t.loops if p.startswith("node "))
    tool_loops = sum(1 for t in turns for p in t.loops if p.startswith("tool call"))
    hits = sum(c.recursion_limit_hits for c in trajectories)
    unconfirmed = sum(1 for t in turns for p in t.invalid if "without the user's yes" in p)
    invalid_turns = sum(bool(t.invalid) for t in turns)
    looping = sum(bool(c.loops) for c in trajectories)
    invalid_cases = sum(bool(c.invalid) for c in trajectories)
    return {
        "cases": len(trajectories),
        "turns": len(turns),
        "tasks": len(tasks),
        "steps_per_turn": _spread([t.steps for t in turns]),
        "steps_per_task": _spread([task["steps"] for task in tasks]),
        "tool_calls_per_task": _spread([task["tool_calls"] for task in tasks]),
        "steps_per_case": _spread([c.steps for c in trajectories]),
        "loops": {
            "cases": looping,
            "node_repeats": node_loops,
            "tool_repeats": tool_loops,
            "recursion_limit_hits": hits,
        },
        "dead_loop_rate": _rate(looping, len(trajectories)),
        "invalid": {
            "cases": invalid_cases,
            "turns": invalid_turns,
            "unconfirmed_writes": unconfirmed,
            "wrong_specialist": sum(len(t.invalid) for t in turns) - unconfirmed,
        },
        "invalid_trajectory_rate": _rate(invalid_cases, len(trajectories)),
    }
