"""Trajectory metrics of the evaluation (evals.harness.trajectory): the checks on made-up runs,
and the real graph's trajectories through the harness."""

from __future__ import annotations

from typing import Any

import pytest

from evals.harness import trajectory
from evals.harness.compare import compare, render_lines


def record(
    path: list[str],
    *,
    calls: list[dict[str, Any]] | None = None,
    agent: str | None = None,
    intent: str | None = None,
    status: str = "completed",
    failure: str | None = None,
    decisions: dict[str, Any] | None = None,
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "input": "x",
        "latency_ms": 1.0,
        "result": {
            "path": path,
            "tool_calls": calls or [],
            "agent": agent,
            "intent": intent,
            "task_status": status,
            "failure": failure,
        },
    }
    if decisions is not None:
        entry["decisions"] = decisions
    return entry


ROUTED_STATUS = {
    "route": "flight_status",
    "decided_by": "classifier",
    "answer": None,
    "pending_at_start": None,
}
STATUS_TURN = record(
    ["ingest", "router", "flight_status", "review", "finalize"],
    calls=[{"name": "flight_status", "args": {"flight_number": "FL123"}, "ok": True}],
    agent="flight_status_agent",
    intent="flight_status",
    decisions=ROUTED_STATUS,
)
PROPOSAL = record(
    ["ingest", "router", "cancel_flight", "review"],
    calls=[{"name": "quote_refund", "args": {"confirmation_number": "ABC123"}, "ok": True}],
    agent="cancellation_agent",
    intent="cancel_flight",
    status="awaiting_confirmation",
    decisions={
        "route": "cancel_flight",
        "decided_by": "classifier",
        "answer": None,
        "pending_at_start": None,
    },
)
CANCELLED = [{"name": "cancel_booking", "args": {"confirmation_number": "ABC123"}, "ok": True}]
CONFIRMED_PATH = ["confirm", "ingest", "cancel_booking", "review", "finalize"]


def test_a_clean_dialogue_has_no_finding() -> None:
    yes = record(
        CONFIRMED_PATH,
        calls=CANCELLED,
        agent="cancellation_agent",
        intent="cancel_flight",
        decisions={
            "route": "cancel_flight",
            "decided_by": "dialogue",
            "answer": "yes",
            "pending_at_start": "cancel_booking",
        },
    )
    case = trajectory.judge_case({"turns": [STATUS_TURN, PROPOSAL], "auto_confirmation": yes})
    assert case.loops == [] and case.invalid == []
    assert [t.steps for t in case.turns] == [5, 4, 5] and case.steps == 14
    # The status question is one task; the proposal and its confirmation are another.
    assert [(t["intent"], t["turns"], t["steps"], t["tool_calls"]) for t in case.tasks] == [
        ("flight_status", 1, 5, 1),
        ("cancel_flight", 2, 9, 2),
    ]


@pytest.mark.parametrize(
    "decisions",
    [
        {
            "route": "cancel_flight",
            "decided_by": "dialogue",
            "answer": "no",
            "pending_at_start": "cancel_booking",
        },
        {"route": "cancel_flight", "decided_by": "classifier", "answer": None, "pending_at_start": None},
        {"route": "cancel_flight", "decided_by": "dialogue", "answer": "yes", "pending_at_start": None},
    ],
)
def test_a_write_without_its_confirmation_is_invalid(decisions: dict[str, Any]) -> None:
    turn = record(
        CONFIRMED_PATH,
        calls=CANCELLED,
        agent="cancellation_agent",
        intent="cancel_flight",
        decisions=decisions,
    )
    case = trajectory.judge_case({"turns": [PROPOSAL, turn]})
    assert case.invalid and "cancel_booking ran without the user's yes" in case.invalid[0]


def test_a_confirmed_action_node_writing_without_a_yes_is_invalid() -> None:
    # book_seat may run at once from the seat desk, but not from the node that carries out a proposal.
    booked = [{"name": "book_seat", "args": {"flight_number": "FL123", "seat": "12A"}, "ok": True}]
    turn = record(
        ["ingest", "reserve_seat", "review", "finalize"],
        calls=booked,
        agent="seat_agent",
        intent="book_seat",
        decisions={"route": None, "decided_by": None, "answer": None, "pending_at_start": None},
    )
    assert "reserve_seat wrote (book_seat)" in trajectory.judge_case({"turns": [turn]}).invalid[0]
    direct = record(
        ["ingest", "router", "book_seat", "review", "finalize"],
        calls=booked,
        agent="seat_agent",
        intent="book_seat",
        decisions={
            "route": "book_seat",
            "decided_by": "classifier",
            "answer": None,
            "pending_at_start": None,
        },
    )
    assert trajectory.judge_case({"turns": [direct]}).invalid == []


def test_a_specialist_other_than_the_routed_one_is_invalid() -> None:
    wrong_node = record(
        ["ingest", "router", "cancel_flight", "review", "finalize"],
        agent="cancellation_agent",
        intent="cancel_flight",
        decisions=ROUTED_STATUS,
    )
    assert (
        "the router chose flight_status but cancel_flight ran"
        in trajectory.judge_case({"turns": [wrong_node]}).invalid[0]
    )
    wrong_agent = record(
        STATUS_TURN["result"]["path"], agent="seat_agent", intent="flight_status", decisions=ROUTED_STATUS
    )
    assert (
        "flight_status ran but the reply came from seat_agent"
        in trajectory.judge_case({"turns": [wrong_agent]}).invalid[0]
    )
    unsure = {"route": "irrelevant", "decided_by": "clarify", "answer": None, "pending_at_start": None}
    clarified = record(
        ["ingest", "router", "clarify", "review", "finalize"], agent="router", decisions=unsure
    )
    assert trajectory.judge_case({"turns": [clarified]}).invalid == []


def test_loops_and_recursion_limit_hits() -> None:
    looping = record(
        ["ingest", "router", "flight_status", "review", "ingest", "router", "flight_status", "review"],
        agent="flight_status_agent",
        intent="flight_status",
        decisions=ROUTED_STATUS,
    )
    again = record(
        STATUS_TURN["result"]["path"],
        calls=[STATUS_TURN["result"]["tool_calls"][0]] * 2,
        agent="flight_status_agent",
        intent="flight_status",
        decisions=ROUTED_STATUS,
    )
    stuck = record(
        ["ingest", "router"], status="failed", failure="recursion_limit"
    )  # no decisions: nothing saved
    cases = [trajectory.judge_case({"turns": [r]}) for r in (looping, again, stuck)]
    assert any("node ingest ran twice" in p for p in cases[0].loops)
    assert "tool call repeated" in cases[1].loops[0]
    assert (
        cases[2].loops == ["turn 1: the run hit LangGraph's recursion limit"]
        and cases[2].recursion_limit_hits == 1
    )
    figures = trajectory.aggregate([*cases, trajectory.judge_case({"turns": [STATUS_TURN]})])
    assert figures["loops"]["cases"] == 3 and figures["dead_loop_rate"] == 0.75
    assert figures["loops"]["recursion_limit_hits"] == 1 and figures["invalid"]["cases"] == 0
    assert figures["steps_per_turn"]["max"] == 8


def test_compare_shows_trajectory_deltas() -> None:
    def report(invalid: int, steps: float) -> dict[str, Any]:
        return {
            "cases": [{"id": "a", "passed": invalid == 0}],
            "trajectory": {
                "steps_per_turn": {"mean": steps},
                "invalid": {"cases": invalid},
                "invalid_trajectory_rate": float(invalid),
            },
        }

    lines = render_lines(compare(report(0, 4.8), report(1, 5.2)))
    assert any("trajectory.invalid.cases: 0 -> 1" in line for line in lines)
    assert any("trajectory.steps_per_turn.mean: 4.800 -> 5.200" in line for line in lines)
    assert any(
        "trajectory metrics: none in the earlier run" in line
        for line in render_lines(compare({"cases": []}, report(0, 1.0)))
    )


def test_the_graph_records_its_path_and_a_recursion_limit_hit(make_graph, thread_id) -> None:  # type: ignore[no-untyped-def]
    from graphs.runner import run_turn

    graph = make_graph()
    first = run_turn(graph, user_id="USER123", thread_id=thread_id, text="查询航班 FL123 的状态")
    assert (
        first["path"] == ["ingest", "router", "flight_status", "review", "finalize"]
        and first["failure"] is None
    )
    # A graph allowed fewer steps than a turn takes stops at LangGraph's recursion limit.
    tight = graph.with_config(recursion_limit=2)
    stopped = run_turn(tight, user_id="USER123", thread_id=thread_id, text="查询航班 FL456 的状态")
    assert stopped["failure"] == "recursion_limit" and stopped["task_status"] == "failed"
    assert stopped["path"] == ["ingest", "router"]
