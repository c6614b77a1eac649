"""The dialogue policy through the public interface, with the trained router: never do what the
user did not ask. One test per finding of the conversations that went wrong (issue 14), plus the
readings the policy rests on (what is an answer, what is a retraction)."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from sqlalchemy import text

from agents.dialogue import asks_for_own_bookings, find_retraction, read_answer
from graphs.runner import run_turn


@pytest.fixture
def graph(make_graph):  # type: ignore[no-untyped-def]
    return make_graph()  # the trained intent model, as users meet it


def turn(graph: Any, thread: str, message: Any, user: str = "USER123") -> dict[str, Any]:
    return dict(run_turn(graph, user_id=user, thread_id=thread, text=message))


def rows(engine: Any, sql: str) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql))]


def free_seat(engine: Any, flight: str, cabin: str = "economy", skip: tuple[str, ...] = ()) -> str:
    free = rows(
        engine,
        f"select s.seat from flights f join aircraft_seats s on s.aircraft=f.aircraft "
        f"where f.flight_number='{flight}' and s.cabin='{cabin}' and not exists (select 1 from bookings b "
        f"where b.flight_number=f.flight_number and b.flight_date=f.flight_date and b.seat=s.seat "
        f"and b.status='confirmed')",
    )
    return next(seat for (seat,) in free if seat not in skip)


def abc123(engine: Any) -> str:
    return rows(engine, "select status from bookings where confirmation_number='ABC123'")[0][0]


# ------------------------------------------------------------------ readings


@pytest.mark.parametrize(
    ("message", "answer"),
    [
        ("yes", "yes"),
        ("ok 👍", "yes"),
        ("是的，确认", "yes"),
        ("Yes please!", "yes"),
        ("no", "no"),
        ("算了", "no"),
        ("不用了，谢谢", "no"),
        ("no, keep it", "no"),
        ("hmm", "unsure"),
        ("等一下", "unsure"),
        ("取消 FL789，确认号 ABC123", None),
        ("whats teh staus of flgiht FL123", None),
        ("yes but make it 12B", None),
        ("now", None),
    ],
)
def test_only_a_whole_message_is_an_answer(message: str, answer: str | None) -> None:
    assert read_answer(message) == answer


def test_a_retraction_keeps_what_follows_it() -> None:
    found = find_retraction(
        "I previously asked you to book 12A but please forget that, I'd rather know the status of FL123"
    )
    assert found is not None and "FL123" in found.remainder and "12A" not in found.remainder
    assert find_retraction("先别订") == ("",)
    assert find_retraction("don't forget that my flight is FL123") is None


def test_questions_about_own_bookings_are_recognised() -> None:
    for message in (
        "show my bookings",
        "我的座位是几号",
        "what's my seat on FL456",
        "do I have any bookings",
    ):
        assert asks_for_own_bookings(message), message
    for message in ("cancel my booking", "change my seat to 14C", "book seat 12A on FL123"):
        assert not asks_for_own_bookings(message), message


# ------------------------------------------------------------------ findings


def test_a_new_request_is_not_taken_as_yes(graph, engine, thread_id) -> None:  # type: ignore[no-untyped-def]
    """1. 确认号 holds 确认: a new request while a seat change waits is that request, not a yes."""
    held = free_seat(engine, "FL123")
    turn(graph, thread_id, f"为 FL123 预订座位 {held}")
    turn(graph, thread_id, "我想预订座位")
    other = free_seat(engine, "FL123", skip=(held,))
    change = turn(graph, thread_id, f"FL123，{other}")
    assert change["task_status"] == "awaiting_confirmation"
    cancel = turn(graph, thread_id, "取消 FL789，确认号 ABC123")
    assert (cancel["intent"], cancel["task_status"]) == ("cancel_flight", "awaiting_confirmation")
    assert "之前的请求已作废" in cancel["reply"]  # the seat change was dropped, and the user is told
    seat = (
        "select seat from bookings where user_id='USER123' and flight_number='FL123' and status='confirmed'"
    )
    assert rows(engine, seat) == [(held,)] and abc123(engine) == "confirmed"
    done = turn(graph, thread_id, "是")
    assert done["task_status"] == "completed" and abc123(engine) == "cancelled"
    assert rows(engine, seat) == [(held,)]


def test_an_open_complaint_lets_go(graph, engine, thread_id) -> None:  # type: ignore[no-untyped-def]
    """2. A question is not complaint text; "算了" leaves; a bare "no" opens nothing."""
    ask = turn(graph, thread_id, "我要投诉")
    assert ask["task_status"] == "needs_info"
    other = turn(graph, thread_id, "How much is a ticket from PEK to PVG?")
    assert other["intent"] != "complaint"
    left = turn(graph, f"{thread_id}-2", "我要投诉")
    assert turn(graph, f"{thread_id}-2", "算了")["agent"] == "dialogue"
    for n, bare in enumerate(("不", "no")):
        reply = turn(graph, f"{thread_id}-bare{n}", bare)
        assert reply["agent"] == "dialogue" and reply["intent"] != "complaint"
    assert left["task_status"] == "needs_info"
    assert rows(engine, "select count(*) from complaints where user_id='USER123'") == [(0,)]


def test_a_question_while_a_confirmation_waits_is_answered(graph, engine, thread_id) -> None:  # type: ignore[no-untyped-def]
    """3. The question is answered and the proposal keeps waiting; a later yes still confirms it."""
    turn(graph, thread_id, "cancel booking ABC123")
    status = turn(graph, thread_id, "whats teh staus of flgiht FL123")
    assert status["intent"] == "flight_status" and "FL123" in status["reply"]
    assert "Still waiting for your answer on cancelling booking ABC123" in status["reply"]
    assert abc123(engine) == "confirmed"
    assert turn(graph, thread_id, "yes")["task_status"] == "completed" and abc123(engine) == "cancelled"


def test_changing_a_seat_without_a_booking_books_nothing_unasked(graph, engine, thread_id) -> None:  # type: ignore[no-untyped-def]
    """4. No booking on FL456: say so and offer a new booking with its fare, which needs a yes."""
    seat = free_seat(engine, "FL456", "business")
    offer = turn(graph, thread_id, f"Change my seat on FL456 to {seat}")
    assert offer["task_status"] == "awaiting_confirmation"
    assert "no booking on flight FL456" in offer["reply"] and "1400.00 USD" in offer["reply"]
    mine = "select count(*) from bookings where user_id='USER123' and flight_number='FL456'"
    assert rows(engine, mine) == [(0,)]
    turn(graph, thread_id, "no")
    assert rows(engine, mine) == [(0,)]


def test_a_taken_seat_is_never_proposed(graph, engine, thread_id) -> None:  # type: ignore[no-untyped-def]
    held = free_seat(engine, "FL123")
    turn(graph, thread_id, f"book seat {held} on FL123")
    taken = rows(
        engine,
        "select seat from bookings where flight_number='FL123' and user_id!='USER123' and status='confirmed' limit 1",
    )[0][0]
    result = turn(graph, thread_id, f"change my seat on FL123 to {taken}")
    assert result["task_status"] == "needs_info" and "taken" in result["reply"]
    assert not any(call["name"] == "change_seat" for call in result["tool_calls"])


def test_a_retracted_request_is_not_carried_out(graph, engine, thread_id) -> None:  # type: ignore[no-untyped-def]
    """5. "please forget that": the booking mentioned before it is never made."""
    result = turn(
        graph,
        thread_id,
        "I previously asked you to book 12A but please forget that, I'd rather know the status of FL123 first.",
    )
    assert result["intent"] == "flight_status" and "FL123" in result["reply"]
    assert rows(engine, "select count(*) from bookings where user_id='USER123' and seat='12A'") == [(0,)]
    assert turn(graph, f"{thread_id}-b", "先别订")["agent"] == "dialogue"


@pytest.mark.parametrize(
    "question", ["show my bookings", "我的座位是几号", "what's my seat on FL789", "do I have any bookings"]
)
def test_my_bookings_are_listed(graph, thread_id, question: str) -> None:  # type: ignore[no-untyped-def]
    """6. The user's own bookings in chat, in their language."""
    result = turn(graph, thread_id, question)
    assert (result["agent"], result["task_status"]) == ("seat_agent", "completed")
    assert "ABC123" in result["reply"] and "14C" in result["reply"]
    assert [c["name"] for c in result["tool_calls"]] == ["list_bookings"]


def test_the_users_own_booking_number_is_not_hidden_from_them(graph, thread_id) -> None:  # type: ignore[no-untyped-def]
    """7. Declining shows the booking number; a document's example code is shown as written."""
    turn(graph, thread_id, "取消我在 FL789 的预订")
    kept = turn(graph, thread_id, "不")
    assert "ABC123" in kept["reply"] and "已隐藏" not in kept["reply"] and kept["guardrail"] is None
    policy = turn(graph, f"{thread_id}-kb", "how do I cancel a booking online, what do I need?", user="U77")
    assert "ABC123" in policy["reply"] and "redacted" not in policy["reply"]


def test_a_huge_number_gets_an_answer_not_a_crash(graph, thread_id) -> None:  # type: ignore[no-untyped-def]
    """9. Numbers of any size: the turn answers."""
    result = turn(graph, thread_id, "top 99999999999999999999 by guide price")
    assert result["intent"] == "inventory_query" and result["task_status"] == "completed"
    again = turn(graph, thread_id, "and the cheapest " + "9" * 400)  # the thread still works
    assert again["reply"]


def test_a_failing_node_gets_a_polite_reply_with_an_error_id(make_graph, thread_id) -> None:  # type: ignore[no-untyped-def]
    class Broken:
        def predict(self, text: str) -> Any:
            raise RuntimeError("model file corrupted")

    result = turn(make_graph(intent_model=Broken()), thread_id, "查询航班 FL123 的状态")
    assert result["task_status"] == "failed" and "错误编号" in result["reply"]


def test_an_empty_chat_message_is_an_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """10. CONTRACTS: bad input exits non-zero with one line."""
    done = subprocess.run(
        [sys.executable, "-m", "faces.cli.main", "chat", "--json", "   "],
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        timeout=120,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.strip().count("\n") == 0 and "empty" in done.stderr


def test_log_lines_stay_out_of_the_chat(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """10. A denied lookup is logged to the log file, not printed into the conversation."""
    done = subprocess.run(
        [sys.executable, "-m", "faces.cli.main", "chat", "--user", "MALLORY", "cancel booking ABC123"],
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        timeout=300,
    )
    assert done.returncode == 0 and done.stderr == ""
    assert "MALLORY" in (tmp_path / "switchboard.log").read_text(encoding="utf-8")


def _env(tmp_path: Any) -> dict[str, str]:
    import os

    return {
        **os.environ,
        "SWITCHBOARD_DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}",
        "SWITCHBOARD_CHECKPOINT_URL": f"sqlite:///{tmp_path / 'cp.db'}",
        "SWITCHBOARD_LOG_FILE": str(tmp_path / "switchboard.log"),
        "LANGSMITH_TRACING": "false",
    }


@pytest.mark.parametrize(
    ("message", "change"),
    [
        ("actually, can I switch to 20C?", True),
        ("move me to 14 C please", True),
        ("change my seat to 14C", True),
        ("换到 20C", True),
        ("book 12A on FL123", False),
        ("switch to business class", False),  # a cabin, not a seat
        ("I want to move to Shanghai in 2026", False),
    ],
)
def test_what_asks_to_change_a_seat(message: str, change: bool) -> None:
    from agents.dialogue import asks_to_change_seat

    assert asks_to_change_seat(message) is change
