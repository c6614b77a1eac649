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

The fix keeps the runtime's logic and changes one decision: once the status says the run has
ended, the join keeps reading until the run's own "done" marker arrives, for up to
`DRAIN_GRACE_S`. Only a run whose worker died (no marker ever comes) waits that long; a run that
was requeued meanwhile (its worker died, another takes it over) is read on as before; a join that
begins after the run ended and hears nothing stops at the first check, as before (the caller then
reads the thread's saved state).

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
# How long a join keeps reading after the database says the run ended, for the run's last events.
DRAIN_GRACE_S = 5.0
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
    """`langgraph_runtime_pg.ops._stream_run_queue`, reading on to the "done" marker."""
    from langgraph_runtime_pg import ops

    loop = asyncio.get_running_loop()
    ended_at: float | None = None  # when the status first said the run had ended
    active = bool(run) and (run or {}).get("status") in ACTIVE
    was_active = active  # the run had not ended when the join began
    heard = False  # an event of this run has been read
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
                log.warning("run %s ended without its done marker; the join stops", run_id)
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
        yield frame


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
