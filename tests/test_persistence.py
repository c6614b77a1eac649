"""Conversations survive a restart: the SQLite checkpointer, a pending confirmation, concurrency."""

from __future__ import annotations

import threading

from sqlalchemy import text

from graphs.app import open_assistant
from graphs.runner import run_turn
from tests.fakes import ScriptedIntentModel

SCRIPT = {"cancel": ("cancel_flight", 0.95), "book": ("book_seat", 0.95), "seat": ("book_seat", 0.95)}


def test_pending_confirmation_survives_a_restart(settings, engine, thread_id) -> None:  # type: ignore[no-untyped-def]
    model = ScriptedIntentModel(SCRIPT)
    with open_assistant(settings, engine=engine, intent_model=model) as graph:
        ask = run_turn(graph, user_id="USER123", thread_id=thread_id, text="cancel ABC123")
        assert ask["task_status"] == "awaiting_confirmation"
    # A new process: new services, a new checkpointer over the same file.
    with open_assistant(settings, engine=engine, intent_model=model) as graph:
        history = graph.get_state({"configurable": {"thread_id": thread_id}}).values["messages"]
        assert [m.type for m in history] == ["human", "ai"]
        done = run_turn(graph, user_id="USER123", thread_id=thread_id, text="yes")
        assert done["task_status"] == "completed"
        # One checkpoint per turn (durability="exit"): the question, then the answered confirmation.
        assert len(list(graph.get_state_history({"configurable": {"thread_id": thread_id}}))) == 2
    with engine.connect() as conn:
        assert (
            conn.execute(text("select status from bookings where confirmation_number='ABC123'")).scalar()
            == "cancelled"
        )


def test_slots_survive_a_restart(settings, engine, thread_id) -> None:  # type: ignore[no-untyped-def]
    model = ScriptedIntentModel(SCRIPT)
    with open_assistant(settings, engine=engine, intent_model=model) as graph:
        assert (
            run_turn(graph, user_id="USER123", thread_id=thread_id, text="book a seat")["task_status"]
            == "needs_info"
        )
    with open_assistant(settings, engine=engine, intent_model=model) as graph:
        assert (
            run_turn(graph, user_id="USER123", thread_id=thread_id, text="FL123, 12A")["task_status"]
            == "completed"
        )


def test_twenty_concurrent_conversations_get_one_seat(settings, engine) -> None:  # type: ignore[no-untyped-def]
    from tools.airline import AirlineService

    seat = next(
        s.seat for s in AirlineService(engine).seat_map("FL123").seats if s.free and s.cabin == "economy"
    )
    model = ScriptedIntentModel(SCRIPT)
    results: list[dict] = []
    errors: list[BaseException] = []
    with open_assistant(settings, engine=engine, intent_model=model) as graph:
        barrier = threading.Barrier(20)

        def attempt(i: int) -> None:
            try:
                barrier.wait()
                results.append(
                    dict(
                        run_turn(
                            graph,
                            user_id=f"RACER{i}",
                            thread_id=f"race-{i}",
                            text=f"book seat {seat} on FL123",
                        )
                    )
                )
            except BaseException as exc:  # collected and re-raised by the assertion below
                errors.append(exc)

        threads = [threading.Thread(target=attempt, args=(i,)) for i in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert errors == []
    assert sorted(r["task_status"] for r in results) == ["completed"] + ["needs_info"] * 19
    with engine.connect() as conn:
        assert (
            conn.execute(
                text(
                    "select count(*) from bookings where flight_number='FL123' and seat=:seat and status='confirmed'"
                ),
                {"seat": seat},
            ).scalar()
            == 1
        )
