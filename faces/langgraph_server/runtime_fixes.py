"""A fix for the PostgreSQL + Redis runtime (`langgraph-runtime-pg` 0.11.1.post1): joins that end early.

`runs.wait`, `runs.join` and run streams read a run's events from a local queue that Redis
pub/sub fills when another worker process runs the run. When that queue stays empty for 0.5 s,
the runtime asks the database for the run's status and stops reading as soon as the run has
ended. But a worker sets the status *before* its last events reach the other processes (the
"done" marker is published after the status is written), and a loaded process may read its
pub/sub socket more than 0.5 s late: the join then stops with the events of an earlier step.
`runs.wait` returned the values of an earlier step of the turn (the previous turn's `reply`), and
the web chat's stream could miss the final step. Measured with 2 workers: 9 of 100 turns of the
load test (`python -m bench.server_load --workers 2`) before this fix.

The fix keeps the runtime's logic and changes two decisions. Once the status says the run has
ended, the join keeps reading until the run's own "done" marker arrives, for up to
`DRAIN_GRACE_S`. And when the marker has not come by then, the join does not trust what it heard:
the worker wrote the thread's values in the same transaction as the run's status, so the join
ends with those (`saved_values`) instead of the last values it happened to hear. Measured with
the load test (`python -m bench.server_load`, 50 x 10) on 2 workers squeezed onto one core at the
lowest priority (turn p50 15-18 s): with a 5 s grace alone, 106 of 500 joins saw no marker in time
and 35 of them answered with the run's first values (the previous turn's reply); with this ending,
99 joins took it and none was stale. A process that busy reads its pub/sub socket seconds late:
no grace is long enough, and the database already has the answer. A run that
was requeued meanwhile (its worker died, another takes it over) is read on as before; a join that
begins after the run ended and hears nothing stops at the first check, as before (the caller then
reads the thread's saved state, as `saved_values` does).

Applied by `apply()` at server start (the web routes' lifespan), in every worker process, only
on the runtime version it was written for; any other version is left alone.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator, Callable
from importlib import metadata
from typing import Any

log = logging.getLogger("switchboard.runtime_fixes")

FIXED_VERSIONS = frozenset({"0.11.1.post1"})
# How long a join keeps reading after the database says the run ended, for the run's last events;
# after that it ends with the values the database holds (the answer is right either way, this only
# lets a stream deliver the run's last events when they come soon).
DRAIN_GRACE_S = 1.0
# Status checks while the queue is quiet. The runtime checks every 0.5 s; a join that reads on to
# the "done" marker needs the check only for a run that ends without one (its worker died), so a
# run still pending or running is checked every 2 s: with 32 conversations waiting on one worker,
# the 0.5 s checks doubled the server's CPU per turn (`python -m bench.server_bench`).
POLL_S = 0.5  # a run that had already ended when the join began
ACTIVE_POLL_S = 2.0
ACTIVE = ("pending", "running")


def runtime_version() -> str | None:
    try:
        return metadata.version("langgraph-runtime-pg")
    except metadata.PackageNotFoundError:
        return None


async def stream_run_queue(  # noqa: PLR0913  # the runtime's own signature, replaced as is
    queue: asyncio.Queue[Any],
    run: dict[str, Any] | None,
    accept_fn: Callable[[Any], bool],
    stream_mode: Any,
    run_id: Any,
    thread_id: Any,
    ctx: Any,
    ignore_404: bool,
    json_dumpb: Callable[[Any], bytes],
    decode_fn: Callable[..., Any],
) -> AsyncIterator[Any]:
    """`langgraph_runtime_pg.ops._stream_run_queue`, reading on to the "done" marker; a run that
    ended without it (within `DRAIN_GRACE_S`) ends the join with its saved values."""
    from langgraph_runtime_pg import ops

    loop = asyncio.get_running_loop()
    ended_at: float | None = None  # when the status first said the run had ended
    active = bool(run) and (run or {}).get("status") in ACTIVE
    was_active = active  # the run had not ended when the join began
    heard = False  # an event of this run has been read
    heard_interrupt = False  # ... and one that carried the run's interrupt
    while True:
        if ended_at is not None:
            wait_s = max(0.0, ended_at + DRAIN_GRACE_S - loop.time())
        else:
            wait_s = ACTIVE_POLL_S if active else POLL_S
        try:
            message = await asyncio.wait_for(queue.get(), timeout=wait_s)
        except TimeoutError:
            current = await ops._poll_run_status(run_id, thread_id, ctx)
            action = ops._run_poll_action(current, ignore_404, json_dumpb)
            if action is None:  # pending or running (again, if its worker died and it was requeued)
                ended_at, active = None, True
                continue
            if action != "break":  # an error frame (the run is gone)
                yield action
                return
            if not was_active and not heard:
                # Joined after the end and heard nothing: its events went out before we listened,
                # and the caller falls back to the thread's saved state (as the runtime does).
                return
            if ended_at is not None:
                log.warning(
                    "run %s: no done marker %.0f s after it ended; the join ends with the saved values",
                    run_id,
                    DRAIN_GRACE_S,
                )
                if current is not None and current.get("status") == "success":
                    saved = await saved_values(thread_id, heard_interrupt)
                    if saved is not None:
                        yield b"values", saved, None
                return
            ended_at = loop.time()  # ended: its last events may still be on their way
            continue
        frame = ops._decode_run_message(message, accept_fn, decode_fn, stream_mode, run)
        if frame is None:
            continue
        if frame == "done":
            return
        if ended_at is not None:  # the runtime would have dropped this one
            log.info("run %s: an event read after the run had ended", run_id)
        heard = True
        heard_interrupt = heard_interrupt or b"__interrupt__" in frame[1]
        yield frame


def runs_api() -> Any:
    """langgraph-api's runs module: its join's fallback reads the thread row with these names
    (the runtime's `connect` and `Threads`, `decrypt_response`, `json_loads`, `json_dumpb`)."""
    from langgraph_api.api import runs  # type: ignore[import-untyped]  # ships no type information

    return runs


async def saved_values(thread_id: Any, heard_interrupt: bool) -> bytes | None:
    """The thread's values as its last run left them: the row the worker wrote in the same
    transaction as the run's status (what langgraph-api's own join falls back to when it heard
    nothing). With the run's interrupt when it stopped at one and the join has not heard it (a heard
    interrupt already carries the values it stopped with). None when there is nothing to add."""
    api = runs_api()
    async with api.connect() as conn:
        row = await anext(await api.Threads.get(conn, thread_id), None)
    if row is None or row["status"] == "error":  # the run's error frame is the answer
        return None
    if row["status"] == "interrupted" and heard_interrupt:
        return None
    thread = await api.decrypt_response(dict(row), "thread", ["values", "interrupts"])
    values = api.json_loads(thread["values"]) if thread["values"] else {}
    if row["status"] == "interrupted":
        groups = api.json_loads(thread["interrupts"]) if thread["interrupts"] else {}
        interrupts = [item for group in groups.values() if isinstance(group, list) for item in group]
        if interrupts:
            values = {**values, "__interrupt__": interrupts}
    return bytes(api.json_dumpb(values))


def apply() -> bool:
    """Install the fix into the runtime when this process runs the version it fixes."""
    if os.environ.get("LANGGRAPH_RUNTIME_EDITION") != "pg":  # `langgraph dev`: another runtime
        return False
    version = runtime_version()
    if version not in FIXED_VERSIONS:
        return False
    from langgraph_runtime_pg import ops

    if getattr(ops, "_stream_run_queue", None) is stream_run_queue:
        return True
    if not callable(getattr(ops, "_stream_run_queue", None)):
        log.warning("langgraph-runtime-pg %s has no _stream_run_queue: fix not applied", version)
        return False
    ops._stream_run_queue = stream_run_queue  # looked up at call time by Runs.Stream.join
    return True
