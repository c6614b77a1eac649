"""The production path: two `langhost serve` workers on one PostgreSQL and one Redis.

Thread and run records, the run queue and every conversation's checkpoints live in PostgreSQL,
wake-ups and heartbeats in Redis, so any worker serves any thread. Checked here with two worker
processes (A and B, each its own port, so a test chooses which one it talks to):

- a thread created on A is read and continued on B, and A sees what B did;
- a confirmation (an `interrupt()`) raised through A is resumed through B;
- a worker killed in the middle of a run loses no turn and repeats no side effect: the run is
  taken over by the other worker once the dead one's heartbeat expires, and the turn appears
  once, with one booking — also when the kill comes after the booking was written and before the
  turn's checkpoint was;
- users stay apart across workers (404 for another user's thread on either worker).

Needs `SWITCHBOARD_TEST_POSTGRES_URL` and `SWITCHBOARD_TEST_REDIS_URL` (`.ci/run` starts both).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from langgraph_sdk import get_sync_client
from langgraph_sdk.errors import NotFoundError
from sqlalchemy import Engine, text

from bench.server_process import Engine as ServerEngine
from bench.server_process import ServerProcess, kill, langgraph_servers
from graphs.app import ensure_seeded
from graphs.services import build_services
from switchboard.settings import Settings
from tests.conftest import throwaway_pg_database
from tools.db import make_engine

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

KEYS = {"USER123": "prod-key-123", "USER456": "prod-key-456"}
HEARTBEAT_S = 2  # a dead worker's run is taken over after about 2-4 heartbeats


def redis_url() -> str:
    url = os.environ.get("SWITCHBOARD_TEST_REDIS_URL")
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must provide SWITCHBOARD_TEST_REDIS_URL (see .ci/run)")
        pytest.skip("SWITCHBOARD_TEST_REDIS_URL is not set")
    return url


def with_name(url: str, name: str) -> str:
    """`url` with a PostgreSQL application_name, so pg_stat_activity shows which worker waits."""
    return f"{url}{'&' if '?' in url else '?'}application_name={name}"


@contextmanager
def fresh_databases() -> Iterator[tuple[str, str]]:
    """(runtime + checkpoints, application data): two empty databases, the data seeded once.

    Workers on other databases never take these runs: the queue is a table in the runtime's."""
    redis_url()
    with throwaway_pg_database() as runtime, throwaway_pg_database() as app:
        services = build_services(Settings(database_url=app, checkpoint_url=runtime, _env_file=None))  # type: ignore[call-arg]
        ensure_seeded(services)
        services.engine.dispose()
        yield runtime, app


@pytest.fixture(scope="module")
def databases() -> Iterator[tuple[str, str]]:
    with fresh_databases() as urls:
        yield urls


@pytest.fixture
def crash_databases() -> Iterator[tuple[str, str]]:
    """Databases of their own for a crash test, so that only its two workers can take its run."""
    with fresh_databases() as urls:
        yield urls


@contextmanager
def workers(databases: tuple[str, str], root: Path, names: tuple[str, ...]) -> Iterator[list[ServerProcess]]:
    runtime, app = databases
    specs = []
    for name in names:
        env = {
            "SWITCHBOARD_DATABASE_URL": with_name(app, f"switchboard-{name}"),
            "SWITCHBOARD_CHECKPOINT_URL": with_name(runtime, f"switchboard-{name}"),
            "SWITCHBOARD_API_KEYS": ",".join(f"{key}:{user}" for user, key in KEYS.items()),
            "OPENAI_API_KEY": "",
            "LG_BG_JOB_HEARTBEAT": str(HEARTBEAT_S),
        }
        specs.append((root / name, env))
    engine = ServerEngine.prod(runtime, redis_url())
    with langgraph_servers(specs, engine=engine, timeout_s=180) as processes:
        yield processes


@pytest.fixture(scope="module")
def pair(
    databases: tuple[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[ServerProcess]]:
    with workers(databases, tmp_path_factory.mktemp("prod"), ("a", "b")) as processes:
        yield processes


@pytest.fixture(scope="module")
def app_db(databases: tuple[str, str]) -> Iterator[Engine]:
    engine = make_engine(databases[1])
    yield engine
    engine.dispose()


def client(server: ServerProcess, user: str) -> Any:
    # api_key= is sent as x-api-key, the header every LangGraph client uses.
    return get_sync_client(url=server.url, api_key=KEYS[user])


def say(sdk: Any, thread_id: str, message: str) -> dict[str, Any]:
    return sdk.runs.wait(thread_id, "switchboard", input={"messages": [{"role": "user", "content": message}]})


def human_messages(state: dict[str, Any]) -> list[str]:
    return [m["content"] for m in state["values"]["messages"] if m["type"] == "human"]


def test_a_thread_created_on_one_worker_is_continued_on_the_other(pair, app_db) -> None:  # type: ignore[no-untyped-def]
    a, b = (client(server, "USER123") for server in pair)
    thread_id = a.threads.create()["thread_id"]
    assert say(a, thread_id, "我想预订座位")["task_status"] == "needs_info"
    # B knows the thread (shared thread records) and the open task (shared checkpoints).
    assert b.threads.get(thread_id)["thread_id"] == thread_id
    done = say(b, thread_id, "FL123，12A")
    assert done["task_status"] == "completed" and done["intent"] == "book_seat"
    with app_db.connect() as conn:
        count = conn.execute(
            text(
                "SELECT count(*) FROM bookings WHERE user_id='USER123' AND flight_number='FL123' AND seat='12A'"
            )
        ).scalar_one()
    assert count == 1
    assert human_messages(a.threads.get_state(thread_id)) == ["我想预订座位", "FL123，12A"]
    assert [t["thread_id"] for t in b.threads.search(limit=100)].count(thread_id) == 1
    # One checkpoint per turn (durability "exit").
    assert len(b.threads.get_history(thread_id, limit=100)) == 2


def test_a_confirmation_raised_on_one_worker_is_resumed_on_the_other(pair, app_db) -> None:  # type: ignore[no-untyped-def]
    a, b = (client(server, "USER123") for server in pair)
    thread_id = a.threads.create()["thread_id"]
    asked = say(a, thread_id, "取消 FL789，确认号 ABC123")
    assert asked.get("__interrupt__") or a.threads.get_state(thread_id)["interrupts"]
    interrupts = b.threads.get_state(thread_id)["interrupts"]
    assert interrupts and interrupts[0]["value"]["options"] == ["yes", "no"]
    done = b.runs.wait(thread_id, "switchboard", command={"resume": {"approved": True}})
    assert done["task_status"] == "completed" and done["agent"] == "cancellation_agent"
    with app_db.connect() as conn:
        status = conn.execute(
            text("SELECT status FROM bookings WHERE confirmation_number='ABC123'")
        ).scalar_one()
    assert status == "cancelled"
    assert not a.threads.get_state(thread_id)["interrupts"]


def test_users_stay_apart_across_workers(pair) -> None:  # type: ignore[no-untyped-def]
    a123, b123 = (client(server, "USER123") for server in pair)
    a456, b456 = (client(server, "USER456") for server in pair)
    thread_id = a123.threads.create()["thread_id"]
    say(a123, thread_id, "你好")
    for other in (a456, b456):
        with pytest.raises(NotFoundError):
            other.threads.get(thread_id)
        with pytest.raises(httpx.HTTPStatusError) as refused:
            say(other, thread_id, "你好")
        assert refused.value.response.status_code in (403, 404)
        assert thread_id not in [t["thread_id"] for t in other.threads.search(limit=100)]
    assert human_messages(b123.threads.get_state(thread_id)) == ["你好"]


# A join whose run ended without its done marker in time ends with the thread row the worker wrote
# with the run's status (`runtime_fixes.saved_values`); read here through the real runtime, in a
# process of its own (langgraph-api reads its configuration when imported).
SAVED_VALUES = """
import asyncio, sys
from faces.langgraph_server.runtime_fixes import saved_values
from langgraph_runtime_pg.database import start_pool, stop_pool

async def main():
    await start_pool()
    try:
        saved = await saved_values(sys.argv[1], heard_interrupt=False)
        print("SAVED " + (saved.decode() if saved is not None else "null"))
    finally:
        await stop_pool()

asyncio.run(main())
"""


def saved_values(databases: tuple[str, str], thread_id: str) -> Any:
    env = {
        **os.environ,
        "DATABASE_URI": databases[0],
        "REDIS_URI": redis_url(),
        "LANGGRAPH_RUNTIME_EDITION": "pg",
        "LG_RUNTIME_PG_AUTO_MIGRATE": "false",
    }
    done = subprocess.run(
        [sys.executable, "-c", SAVED_VALUES, thread_id], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(next(line for line in done.stdout.splitlines() if line.startswith("SAVED "))[6:])


def test_a_late_join_ends_with_the_values_saved_with_the_run(pair, databases) -> None:  # type: ignore[no-untyped-def]
    a, b = (client(server, "USER123") for server in pair)
    thread_id = a.threads.create()["thread_id"]
    booked = say(a, thread_id, "为 FL456 预订座位 15B")
    saved = saved_values(databases, thread_id)
    assert saved["reply"] == booked["reply"] == b.threads.get_state(thread_id)["values"]["reply"]
    assert "__interrupt__" not in saved
    # A seat change stops for a confirmation: the saved values carry the question and the interrupt.
    say(b, thread_id, "为 FL456 预订座位 16C")
    state = a.threads.get_state(thread_id)
    assert state["interrupts"], state["values"]["reply"]
    saved = saved_values(databases, thread_id)
    assert saved["reply"] == state["values"]["reply"] != booked["reply"]
    assert [i["value"] for i in saved["__interrupt__"]] == [i["value"] for i in state["interrupts"]]


# ------------------------------------------------------------------ a worker killed mid-run


@contextmanager
def table_locked(url: str, table: str, mode: str) -> Iterator[Any]:
    """Hold a lock on `table` until the block ends: runs that need it wait, mid-run."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(f"LOCK TABLE {table} IN {mode} MODE")
            yield conn
            conn.rollback()
    finally:
        engine.dispose()


def waiting_worker(url: str, timeout_s: float = 60) -> str:
    """The name of the worker whose database session waits on a lock (the one running the turn)."""
    engine = make_engine(url)
    deadline = time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                name = conn.execute(
                    text(
                        "SELECT application_name FROM pg_stat_activity "
                        "WHERE wait_event_type = 'Lock' AND application_name LIKE 'switchboard-%' LIMIT 1"
                    )
                ).scalar()
            if name:
                return str(name).removeprefix("switchboard-")
            time.sleep(0.1)
    finally:
        engine.dispose()
    raise AssertionError("no worker reached the locked table")


def run_killed_while_waiting_on(databases, tmp_path: Path, url: str, table: str, mode: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Start a seat booking, kill the worker running it while it waits on `table`, and let the other
    worker finish it. Returns the survivor's view: thread state, run, booking rows."""
    with workers(databases, tmp_path, ("c", "d")) as processes:
        by_name = dict(zip(("c", "d"), processes, strict=True))
        sdk = client(processes[0], "USER123")
        thread_id = sdk.threads.create()["thread_id"]
        with table_locked(url, table, mode):
            run = sdk.runs.create(
                thread_id,
                "switchboard",
                input={"messages": [{"role": "user", "content": "为 FL456 预订座位 15B"}]},
            )
            victim = waiting_worker(url)
            kill(by_name[victim])
        survivor = client(by_name["d" if victim == "c" else "c"], "USER123")
        deadline = time.monotonic() + 90
        while survivor.runs.get(thread_id, run["run_id"])["status"] in ("pending", "running"):
            assert time.monotonic() < deadline, "the other worker never took the run over"
            time.sleep(0.5)
        return {
            "run": survivor.runs.get(thread_id, run["run_id"]),
            "state": survivor.threads.get_state(thread_id),
            "history": survivor.threads.get_history(thread_id, limit=100),
        }


def bookings_15b(url: str) -> int:
    engine = make_engine(url)
    with engine.connect() as conn:
        count = int(
            conn.execute(
                text(
                    "SELECT count(*) FROM bookings WHERE flight_number='FL456' AND seat='15B' AND status='confirmed'"
                )
            ).scalar_one()
        )
    engine.dispose()
    return count


def test_a_worker_killed_before_the_side_effect_loses_no_turn(crash_databases, tmp_path) -> None:  # type: ignore[no-untyped-def]
    runtime, app = crash_databases
    # The worker dies while its booking waits on the bookings table: nothing was written.
    seen = run_killed_while_waiting_on(crash_databases, tmp_path, app, "bookings", "ACCESS EXCLUSIVE")
    assert seen["run"]["status"] == "success"
    assert human_messages(seen["state"]) == ["为 FL456 预订座位 15B"]
    assert seen["state"]["values"]["task_status"] == "completed"
    assert bookings_15b(app) == 1
    assert len(seen["history"]) == 1


def test_a_worker_killed_after_the_side_effect_repeats_none(crash_databases, tmp_path) -> None:  # type: ignore[no-untyped-def]
    runtime, app = crash_databases
    # The booking is committed; the worker dies while the turn's checkpoint waits to be written.
    # The other worker runs the turn again from the last checkpoint: the booking tool finds the
    # user's own booking of that seat and reports it, so there is still exactly one.
    seen = run_killed_while_waiting_on(crash_databases, tmp_path, runtime, "checkpoints", "SHARE")
    assert seen["run"]["status"] == "success"
    assert human_messages(seen["state"]) == ["为 FL456 预订座位 15B"]
    assert seen["state"]["values"]["task_status"] == "completed"
    assert bookings_15b(app) == 1
    assert len(seen["history"]) == 1
