"""Scale-out: two LangGraph server processes on one PostgreSQL (checkpoints and application data).

What is shared: every conversation's checkpoints (the custom checkpointer of `langgraph.json`)
and the application data. What is not: langgraph dev's own thread and run records, which live in
each process (`./.langgraph_api/`). So a thread started on server 1 is unknown to server 2 until
its owner re-creates it there by id; from then on server 2 reads and continues the very same
conversation, including a confirmation that server 1 asked for, and server 1 sees what server 2
did. Another user cannot adopt the thread: the checkpoint says whose it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from langgraph_sdk import get_sync_client
from sqlalchemy import text

from bench.server_process import ServerProcess, langgraph_servers
from graphs.app import ensure_seeded
from graphs.services import build_services
from switchboard.settings import Settings
from tests.conftest import throwaway_pg_database
from tools.db import make_engine

pytestmark = pytest.mark.postgres

KEYS = {"USER123": "pg-key-123", "USER456": "pg-key-456"}


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    with throwaway_pg_database() as url:
        # Seed once before the servers start, so two start-ups do not race to create the data.
        services = build_services(Settings(database_url=url, checkpoint_url=url, _env_file=None))  # type: ignore[call-arg]
        ensure_seeded(services)
        services.engine.dispose()
        yield url


@pytest.fixture(scope="module")
def servers(database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[ServerProcess]]:
    env = {
        "SWITCHBOARD_DATABASE_URL": database,
        "SWITCHBOARD_CHECKPOINT_URL": database,
        "SWITCHBOARD_API_KEYS": ",".join(f"{key}:{user}" for user, key in KEYS.items()),
        "OPENAI_API_KEY": "",
    }
    specs: list[tuple[Path, dict[str, str]]] = [
        (tmp_path_factory.mktemp(f"server-pg-{n}"), env) for n in (1, 2)
    ]
    with langgraph_servers(specs) as processes:
        yield processes


@pytest.fixture(scope="module")
def db(database: str) -> Iterator[Any]:
    engine = make_engine(database)
    yield engine
    engine.dispose()


def client(server: ServerProcess, user: str) -> Any:
    return get_sync_client(url=server.url, api_key=None, headers={"Authorization": f"Bearer {KEYS[user]}"})


def say(sdk: Any, thread_id: str, message: str) -> dict[str, Any]:
    return sdk.runs.wait(thread_id, "switchboard", input={"messages": [{"role": "user", "content": message}]})


def human_messages(state: dict[str, Any]) -> list[str]:
    return [m["content"] for m in state["values"]["messages"] if m["type"] == "human"]


def test_a_confirmation_asked_on_one_server_is_answered_on_the_other(servers, db) -> None:  # type: ignore[no-untyped-def]
    first, second = (client(server, "USER123") for server in servers)
    thread_id = first.threads.create()["thread_id"]
    assert say(first, thread_id, "取消 FL789，确认号 ABC123")["task_status"] == "awaiting_confirmation"

    # Thread records are per process: server 2 does not know the thread yet...
    with pytest.raises(httpx.HTTPStatusError) as unknown:
        second.threads.get_state(thread_id)
    assert unknown.value.response.status_code == 404
    # ...until its owner re-creates it by id; the conversation itself comes from PostgreSQL.
    second.threads.create(thread_id=thread_id, if_exists="do_nothing")
    state = second.threads.get_state(thread_id)
    [interrupt] = state["interrupts"]
    assert "ABC123" in interrupt["value"]["question"]
    assert human_messages(state) == ["取消 FL789，确认号 ABC123"]

    done = second.runs.wait(thread_id, "switchboard", command={"resume": {"approved": True}})
    assert done["task_status"] == "completed"
    assert [(c["name"], c["ok"]) for c in done["tool_calls"]] == [("cancel_booking", True)]
    with db.connect() as conn:
        status = conn.execute(
            text("select status from bookings where confirmation_number='ABC123'")
        ).scalar_one()
    assert status == "cancelled"

    # Server 1 sees the turn server 2 ran, and the conversation goes on there.
    assert not first.threads.get_state(thread_id)["interrupts"]
    assert say(first, thread_id, "FL123 的状态")["agent"] == "flight_status_agent"
    for sdk in (first, second):
        state = sdk.threads.get_state(thread_id)
        assert len(human_messages(state)) == 3 and state["values"]["user_id"] == "USER123"


def test_a_two_turn_booking_spans_both_servers(servers, db) -> None:  # type: ignore[no-untyped-def]
    first, second = (client(server, "USER456") for server in servers)
    thread_id = first.threads.create()["thread_id"]
    asked = say(first, thread_id, "我想为 FL123 预订一个座位")
    assert asked["task_status"] == "needs_info" and asked["agent"] == "seat_agent"
    second.threads.create(thread_id=thread_id, if_exists="do_nothing")
    booked = say(second, thread_id, "12A")  # the flight number is a slot kept in the checkpoint
    assert booked["task_status"] == "completed"
    with db.connect() as conn:
        owner = conn.execute(
            text(
                "select user_id from bookings where flight_number='FL123' and seat='12A' and status='confirmed'"
            )
        ).scalar_one()
    assert owner == "USER456"


def test_another_user_cannot_adopt_a_thread_on_the_other_server(servers) -> None:  # type: ignore[no-untyped-def]
    owner = client(servers[0], "USER123")
    thread_id = owner.threads.create()["thread_id"]
    say(owner, thread_id, "你好")
    intruder = client(servers[1], "USER456")
    with pytest.raises(httpx.HTTPStatusError) as refused:
        intruder.threads.create(thread_id=thread_id)
    assert refused.value.response.status_code == 403
    with pytest.raises(httpx.HTTPStatusError) as refused:
        intruder.runs.wait(
            thread_id,
            "switchboard",
            input={"messages": [{"role": "user", "content": "hi"}]},
            if_not_exists="create",
        )
    assert refused.value.response.status_code == 403
    assert thread_id not in {t["thread_id"] for t in intruder.threads.search(limit=100)}
