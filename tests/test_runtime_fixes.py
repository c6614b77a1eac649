"""The fix for joins that end early on langgraph-runtime-pg (faces/langgraph_server/runtime_fixes.py).

The race, replayed without servers: a join has read an earlier step's values; the database
already says the run succeeded when the queue goes quiet; the run's last values and its "done"
marker arrive a moment later (Redis pub/sub from another worker process). The runtime's own
reader stops at the status and loses the last values (what `runs.wait` then returned); the fixed
reader keeps reading to the marker. When the marker comes too late (a busy process reads its
pub/sub socket seconds late), the fixed reader ends with the values the worker saved with the
run's status, not with the earlier step it heard.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import orjson
import pytest

pytest.importorskip("langgraph_runtime_pg")

from langgraph_runtime_pg import ops  # noqa: E402
from langgraph_runtime_pg.redis_stream import Message  # noqa: E402

from faces.langgraph_server import runtime_fixes  # noqa: E402

STOCK = ops._stream_run_queue


@pytest.fixture(autouse=True)
def quick_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runtime_fixes, "ACTIVE_POLL_S", 0.2)


TOPIC = b"run:r:stream"


@dataclass
class Decoded:
    """What the runtime's stream codec gives the reader (langgraph_api's needs a configured server)."""

    event_bytes: bytes
    message_bytes: bytes


def decode(data: bytes, channel: bytes) -> Decoded:
    mode, _, payload = data.partition(b"\0")
    return Decoded(mode, payload)


def event(mode: str, payload: Any, seq: int) -> Message:
    data = payload if isinstance(payload, bytes) else orjson.dumps(payload)
    return Message(topic=TOPIC, data=mode.encode() + b"\0" + data, id=f"1-{seq}".encode())


async def read(reader: Any, queue: asyncio.Queue[Any], run: dict[str, Any] | None) -> list[Any]:
    frames = []
    async for frame in reader(queue, run, lambda _m: True, None, "r", "t", None, False, orjson.dumps, decode):
        frames.append(frame)
    return frames


def finishes_late(
    monkeypatch: pytest.MonkeyPatch, late: list[Message], *, polls_active: int = 0
) -> list[int]:
    """The status check says 'running' `polls_active` times, then 'success'; the first time it
    says 'success', `late` is delivered to the queue shortly after. Returns the poll count."""
    calls: list[int] = []

    async def poll(run_id: Any, thread_id: Any, ctx: Any) -> dict[str, Any]:
        calls.append(1)
        if len(calls) <= polls_active:
            return {"status": "running"}
        if late and len(calls) == polls_active + 1:
            queue = QUEUES[-1]

            async def deliver() -> None:
                await asyncio.sleep(0.05)
                for message in late:
                    queue.put_nowait(message)

            asyncio.get_running_loop().create_task(deliver())
        return {"status": "success"}

    monkeypatch.setattr(ops, "_poll_run_status", poll)
    return calls


QUEUES: list[asyncio.Queue[Any]] = []


def queue_with(*messages: Message) -> asyncio.Queue[Any]:
    queue: asyncio.Queue[Any] = asyncio.Queue()
    for message in messages:
        queue.put_nowait(message)
    QUEUES.append(queue)
    return queue


def last_values(frames: list[Any]) -> Any:
    return orjson.loads([payload for mode, payload, _id in frames if mode == b"values"][-1])


RUNNING = {"status": "running"}


@pytest.mark.skipif(
    runtime_fixes.runtime_version() not in runtime_fixes.FIXED_VERSIONS, reason="another runtime version"
)
def test_the_runtime_alone_loses_the_last_values(monkeypatch: pytest.MonkeyPatch) -> None:
    finishes_late(monkeypatch, [event("values", {"reply": "new"}, 2), event("control", b"done", 3)])
    frames = asyncio.run(read(STOCK, queue_with(event("values", {"reply": "old"}, 1)), RUNNING))
    assert last_values(frames) == {"reply": "old"}  # what runs.wait returned: an earlier step


def test_the_fixed_reader_reads_on_to_the_done_marker(monkeypatch: pytest.MonkeyPatch) -> None:
    finishes_late(monkeypatch, [event("values", {"reply": "new"}, 2), event("control", b"done", 3)])
    frames = asyncio.run(
        read(runtime_fixes.stream_run_queue, queue_with(event("values", {"reply": "old"}, 1)), RUNNING)
    )
    assert [orjson.loads(p) for _m, p, _i in frames] == [{"reply": "old"}, {"reply": "new"}]


def saved_row(monkeypatch: pytest.MonkeyPatch, row: dict[str, Any] | None) -> list[Any]:
    """langgraph-api's names that `saved_values` reads the thread row with, over `row`; returns
    the thread ids read."""
    reads: list[Any] = []

    class Threads:
        @staticmethod
        async def get(conn: Any, thread_id: Any) -> AsyncIterator[dict[str, Any]]:
            reads.append(thread_id)

            async def rows() -> AsyncIterator[dict[str, Any]]:
                if row is not None:
                    yield row

            return rows()

    @asynccontextmanager
    async def connect() -> AsyncIterator[None]:
        yield None

    async def decrypt_response(thread: dict[str, Any], *_args: Any) -> dict[str, Any]:
        return thread

    api = SimpleNamespace(
        connect=connect, Threads=Threads, decrypt_response=decrypt_response, json_loads=orjson.loads,
        json_dumpb=orjson.dumps,
    )  # fmt: skip
    monkeypatch.setattr(runtime_fixes, "runs_api", lambda: api)
    return reads


def row(status: str, values: Any, interrupts: Any = None) -> dict[str, Any]:
    """A thread row as the runtime stores it (JSON columns as bytes)."""
    return {
        "status": status,
        "values": orjson.dumps(values),
        "interrupts": orjson.dumps(interrupts) if interrupts is not None else None,
    }


def test_a_join_whose_done_marker_comes_too_late_ends_with_the_saved_values(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # Measured with 2 workers on a busy machine: the join heard the run's first values (the
    # previous turn's reply), the status said 'success', and the last values and the done marker
    # came after the grace. Ending with what it heard was a stale answer; the thread row, written
    # with the status, holds the run's end.
    monkeypatch.setattr(runtime_fixes, "DRAIN_GRACE_S", 0.2)
    calls = finishes_late(monkeypatch, [])
    reads = saved_row(monkeypatch, row("idle", {"reply": "new"}))
    with caplog.at_level(logging.WARNING, logger="switchboard.runtime_fixes"):
        frames = asyncio.run(
            read(runtime_fixes.stream_run_queue, queue_with(event("values", {"reply": "old"}, 1)), RUNNING)
        )
    assert last_values(frames) == {"reply": "new"}
    assert reads == ["t"] and len(calls) == 2 and "no done marker" in caplog.text


@pytest.mark.skipif(
    runtime_fixes.runtime_version() not in runtime_fixes.FIXED_VERSIONS, reason="another runtime version"
)
def test_the_runtime_alone_answers_that_join_with_the_previous_turn(monkeypatch: pytest.MonkeyPatch) -> None:
    finishes_late(monkeypatch, [])
    frames = asyncio.run(read(STOCK, queue_with(event("values", {"reply": "old"}, 1)), RUNNING))
    assert last_values(frames) == {"reply": "old"}


def test_a_run_that_ended_in_error_without_its_marker_ends_the_join(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runtime_fixes, "DRAIN_GRACE_S", 0.2)
    calls: list[int] = []

    async def poll(run_id: Any, thread_id: Any, ctx: Any) -> dict[str, Any]:
        calls.append(1)
        return {"status": "error"}

    monkeypatch.setattr(ops, "_poll_run_status", poll)
    reads = saved_row(monkeypatch, row("error", {"reply": "x"}))
    frames = asyncio.run(
        read(runtime_fixes.stream_run_queue, queue_with(event("values", {"reply": "a"}, 1)), RUNNING)
    )
    assert last_values(frames) == {"reply": "a"} and reads == [] and len(calls) == 2


def test_saved_values_carry_the_interrupt_the_join_has_not_heard(monkeypatch: pytest.MonkeyPatch) -> None:
    question = {"value": {"question": "cancel?"}, "id": "i1"}
    saved_row(monkeypatch, row("interrupted", {"reply": "cancel?"}, {"task": [question]}))
    saved = asyncio.run(runtime_fixes.saved_values("t", heard_interrupt=False))
    assert saved is not None and orjson.loads(saved) == {"reply": "cancel?", "__interrupt__": [question]}
    # A heard interrupt already carries the values the run stopped with.
    assert asyncio.run(runtime_fixes.saved_values("t", heard_interrupt=True)) is None
    saved_row(monkeypatch, row("error", {"reply": "x"}))
    assert asyncio.run(runtime_fixes.saved_values("t", heard_interrupt=False)) is None
    saved_row(monkeypatch, None)
    assert asyncio.run(runtime_fixes.saved_values("t", heard_interrupt=False)) is None


def test_a_requeued_run_is_read_on(monkeypatch: pytest.MonkeyPatch) -> None:
    # 'running' twice (taken over by another worker), then the events come, then the marker.
    calls = finishes_late(
        monkeypatch, [event("values", {"reply": "b"}, 2), event("control", b"done", 3)], polls_active=2
    )
    frames = asyncio.run(read(runtime_fixes.stream_run_queue, queue_with(), RUNNING))
    assert last_values(frames) == {"reply": "b"} and len(calls) == 3


def test_a_join_after_the_end_that_hears_nothing_does_not_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runtime_fixes, "DRAIN_GRACE_S", 3600.0)  # would hang the test if waited for
    calls = finishes_late(monkeypatch, [])
    assert asyncio.run(read(runtime_fixes.stream_run_queue, queue_with(), {"status": "success"})) == []
    assert len(calls) == 1  # the caller reads the thread's saved state instead


def test_a_join_after_the_end_that_heard_part_reads_on(monkeypatch: pytest.MonkeyPatch) -> None:
    finishes_late(monkeypatch, [event("values", {"reply": "new"}, 2), event("control", b"done", 3)])
    queue = queue_with(event("values", {"reply": "old"}, 1))
    frames = asyncio.run(read(runtime_fixes.stream_run_queue, queue, {"status": "success"}))
    assert last_values(frames) == {"reply": "new"}


def test_apply_replaces_the_reader_only_on_the_pg_runtime(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ops, "_stream_run_queue", STOCK)
    monkeypatch.delenv("LANGGRAPH_RUNTIME_EDITION", raising=False)
    assert runtime_fixes.apply() is False and ops._stream_run_queue is STOCK
    monkeypatch.setenv("LANGGRAPH_RUNTIME_EDITION", "pg")
    monkeypatch.setattr(runtime_fixes, "runtime_version", lambda: "9.9.9")
    assert runtime_fixes.apply() is False and ops._stream_run_queue is STOCK
    monkeypatch.setattr(runtime_fixes, "runtime_version", lambda: sorted(runtime_fixes.FIXED_VERSIONS)[0])
    assert runtime_fixes.apply() is True and ops._stream_run_queue is runtime_fixes.stream_run_queue
