"""Thread history and time travel (graphs.history) through the graph, the CLI and the MCP face:
one checkpoint per turn, forks into new branches, no replayed write, owners only."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import text

from graphs.history import answering_node, fork, thread_history
from graphs.runner import run_turn
from switchboard.errors import InputError
from tests.fakes import ScriptedIntentModel
from tests.test_cli import chat_json, switchboard

SCRIPT = {
    "status": ("flight_status", 0.95),
    "cancel": ("cancel_flight", 0.95),
    "fare": ("price_inquiry", 0.95),
    "seat": ("book_seat", 0.95),
}
CONTRACT_FIELDS = {"checkpoint_id", "step", "node", "created_at", "message", "reply"}


@pytest.fixture
def services(settings, engine):  # type: ignore[no-untyped-def]
    from graphs.services import build_services

    return build_services(settings, engine=engine, intent_model=ScriptedIntentModel(SCRIPT))


@pytest.fixture
def graph(services):  # type: ignore[no-untyped-def]
    from langgraph.checkpoint.memory import InMemorySaver

    from graphs.assistant import build_graph

    return build_graph(services).compile(checkpointer=InMemorySaver())


def turn(graph: Any, thread: str, message: str, user: str = "USER123", **kwargs: Any) -> dict[str, Any]:
    return dict(run_turn(graph, user_id=user, thread_id=thread, text=message, **kwargs))


def booking_status(engine: Any) -> str:
    with engine.connect() as conn:
        return str(
            conn.execute(text("select status from bookings where confirmation_number='ABC123'")).scalar()
        )


def cancelled_then_history(graph: Any, services: Any, thread: str) -> list[dict[str, Any]]:
    turn(graph, thread, "status of FL123")
    turn(graph, thread, "cancel FL789, confirmation ABC123")
    turn(graph, thread, "yes")
    return list(
        thread_history(graph, user_id="USER123", thread_id=thread, applied=services.airline.request_applied)
    )


def test_one_checkpoint_per_turn_with_its_message_reply_and_path(graph, services, thread_id) -> None:  # type: ignore[no-untyped-def]
    history = cancelled_then_history(graph, services, thread_id)
    assert [e["message"] for e in history] == ["status of FL123", "cancel FL789, confirmation ABC123", "yes"]
    assert all(set(e) >= CONTRACT_FIELDS for e in history)
    first, proposal, confirmed = history
    assert first["node"] == "flight_status" and "FL123" in (first["reply"] or "")
    assert first["path"] == ["ingest", "router", "flight_status", "review", "finalize"]
    # The proposal's turn stopped at the confirmation, waiting; its write is done by now.
    assert proposal["waiting"] and proposal["task_status"] == "awaiting_confirmation"
    assert proposal["pending"] is not None and proposal["pending"]["kind"] == "cancel_booking"
    assert proposal["pending"]["applied"] is True
    assert confirmed["path"] == ["confirm", "ingest", "cancel_booking", "review", "finalize"]
    assert confirmed["node"] == "cancel_booking" and confirmed["current"]
    assert [e["turn"] for e in history] == [1, 2, 3] and {e["branch"] for e in history} == {1}
    assert [e["step"] for e in history] == sorted(e["step"] for e in history)


def test_a_fork_never_replays_a_confirmed_write(graph, services, engine, thread_id) -> None:  # type: ignore[no-untyped-def]
    history = cancelled_then_history(graph, services, thread_id)
    assert booking_status(engine) == "cancelled"
    waiting = history[1]["checkpoint_id"]
    again = turn(graph, thread_id, "yes", from_checkpoint=waiting)
    assert "not rewound" in again["reply"] and "not done again" in again["reply"]
    assert again["tool_calls"] == [] and "cancel_booking" not in again["path"]
    with engine.connect() as conn:
        applied = conn.execute(
            text("select count(*) from applied_requests where kind='cancel_booking'")
        ).scalar()
    assert applied == 1
    after = thread_history(graph, user_id="USER123", thread_id=thread_id)
    fork_mark, answered = after[-2:]
    assert fork_mark["forked_from"] == waiting and fork_mark["branch"] == 2 and fork_mark["node"] is None
    assert answered["current"] and answered["pending"] is None and answered["turn"] == 3
    # The first branch is still there, unchanged.
    assert [e["checkpoint_id"] for e in after[:3]] == [e["checkpoint_id"] for e in history]


def test_a_fork_before_the_answer_can_still_be_answered(graph, engine, thread_id) -> None:  # type: ignore[no-untyped-def]
    turn(graph, thread_id, "cancel FL789, confirmation ABC123")
    turn(graph, thread_id, "no")
    assert booking_status(engine) == "confirmed"
    waiting = thread_history(graph, user_id="USER123", thread_id=thread_id)[0]
    # On the new branch the proposal waits again (nothing was carried out): a yes does it.
    answer = turn(graph, thread_id, "yes", from_checkpoint=waiting["checkpoint_id"])
    assert answer["task_status"] == "completed" and "cancel_booking" in answer["path"]
    assert booking_status(engine) == "cancelled"


def test_a_fork_continues_from_the_chosen_point(graph, thread_id) -> None:  # type: ignore[no-untyped-def]
    turn(graph, thread_id, "economy fare on FL123?")
    turn(graph, thread_id, "status of FL456")
    first = thread_history(graph, user_id="USER123", thread_id=thread_id)[0]
    # From the first turn, "and business?" follows the fare question, not the status one.
    follow = turn(graph, thread_id, "and business?", from_checkpoint=first["checkpoint_id"])
    assert follow["intent"] == "price_inquiry" and "1200.00 USD" in follow["reply"]
    history = thread_history(graph, user_id="USER123", thread_id=thread_id)
    assert max(e["branch"] for e in history) == 2
    assert history[-1]["current"] and history[-1]["turn"] == 2


def test_nobody_reads_or_forks_another_users_thread(graph, thread_id) -> None:  # type: ignore[no-untyped-def]
    turn(graph, thread_id, "status of FL123")
    checkpoint = thread_history(graph, user_id="USER123", thread_id=thread_id)[0]["checkpoint_id"]
    with pytest.raises(InputError, match="no conversation") as foreign:
        thread_history(graph, user_id="MALLORY", thread_id=thread_id)
    with pytest.raises(InputError, match="no conversation") as unknown:
        thread_history(graph, user_id="MALLORY", thread_id="t-never-used")
    assert str(foreign.value).replace(thread_id, "T") == str(unknown.value).replace("t-never-used", "T")
    with pytest.raises(InputError, match="no conversation"):
        fork(graph, user_id="MALLORY", thread_id=thread_id, checkpoint_id=checkpoint)
    with pytest.raises(InputError, match="no conversation"):
        turn(graph, thread_id, "cancel ABC123", user="MALLORY", from_checkpoint=checkpoint)
    assert len(thread_history(graph, user_id="USER123", thread_id=thread_id)) == 1


@pytest.mark.parametrize("checkpoint", ["", "x" * 65, "bad id!", "1f0-unknown"])
def test_bad_checkpoint_ids_are_one_line_errors(graph, thread_id, checkpoint) -> None:  # type: ignore[no-untyped-def]
    turn(graph, thread_id, "status of FL123")
    with pytest.raises(InputError, match="checkpoint"):
        fork(graph, user_id="USER123", thread_id=thread_id, checkpoint_id=checkpoint)


def test_limit_keeps_the_newest(graph, thread_id) -> None:  # type: ignore[no-untyped-def]
    for flight in ("FL123", "FL456", "FL789"):
        turn(graph, thread_id, f"status of {flight}")
    newest = thread_history(graph, user_id="USER123", thread_id=thread_id, limit=2)
    assert [e["message"] for e in newest] == ["status of FL456", "status of FL789"]
    with pytest.raises(InputError):
        thread_history(graph, user_id="USER123", thread_id=thread_id, limit=0)


def test_answering_node() -> None:
    assert answering_node(["ingest", "router", "book_seat", "review"]) == "book_seat"
    assert answering_node(["ingest", "review", "finalize"]) == "ingest"
    assert answering_node(["confirm", "ingest", "declined", "review", "finalize"]) == "declined"
    assert answering_node([]) is None


# ------------------------------------------------------------------------------ the CLI


def test_cli_history_and_fork(cli_env) -> None:  # type: ignore[no-untyped-def]
    env = cli_env
    chat_json(env, "h1", "cancel FL789, confirmation ABC123")
    chat_json(env, "h1", "yes")
    listed = switchboard(env, "history", "--thread", "h1", "--json")
    assert listed.returncode == 0, listed.stderr
    entries = json.loads(listed.stdout)
    assert [e["message"] for e in entries] == ["cancel FL789, confirmation ABC123", "yes"]
    assert all(set(e) >= CONTRACT_FIELDS for e in entries)
    again = switchboard(env, "chat", "--thread", "h1", "--json", "--from", entries[0]["checkpoint_id"], "yes")
    assert again.returncode == 0, again.stderr
    result = json.loads(again.stdout)
    assert "not done again" in result["reply"] and result["tool_calls"] == []
    table = switchboard(env, "history", "--thread", "h1")
    assert table.returncode == 0 and "branch starts here" in table.stdout.decode()
    for args in (
        ("history", "--thread", "h1", "--user", "MALLORY"),
        ("history", "--thread", "nope"),
        ("chat", "--thread", "h1", "--from", "bad id!", "hi"),
        ("chat", "--from", entries[0]["checkpoint_id"], "hi"),
    ):
        refused = switchboard(env, *args)
        assert refused.returncode == 2 and len(refused.stderr.decode().strip().splitlines()) == 1, args
