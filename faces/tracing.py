"""LangSmith tracing that never keeps a process alive.

With `LANGSMITH_TRACING=true`, LangChain sends traces from a background thread. That thread is
not a daemon by default, so a LangSmith endpoint that accepts connections and never answers
keeps the process alive after its work is done (measured: `switchboard chat --json` printed its
reply and then did not exit). A face calls `bounded_tracing()` around its work: the tracing
threads become daemons, and at the end the pending traces get `langsmith_flush_timeout_s`
seconds to leave; whatever has not left by then is dropped. With tracing off this does nothing
(and LangSmith makes no network call).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager

from switchboard.settings import get_settings

logger = logging.getLogger("switchboard.tracing")
_TRUE = ("1", "true", "yes", "on")


def tracing_enabled() -> bool:
    return any(
        os.environ.get(name, "").strip().lower() in _TRUE
        for name in ("LANGSMITH_TRACING", "LANGSMITH_TRACING_V2", "LANGCHAIN_TRACING_V2", "LANGCHAIN_TRACING")
    )


def flush_traces(timeout_s: float) -> None:
    """Give pending traces `timeout_s` seconds to leave (only if a LangSmith client exists)."""
    from langsmith import run_trees

    client = run_trees._CLIENT  # the client LangChain's tracer uses; None when nothing was traced
    if client is None:
        return
    try:
        client.flush(timeout=timeout_s)
    except Exception as exc:  # noqa: BLE001 - tracing is an outside service: its failure is not ours
        logger.warning("LangSmith traces were not flushed: %s", exc)


@contextmanager
def bounded_tracing() -> Iterator[None]:
    """Run a face's work so that tracing cannot delay its exit beyond the flush deadline."""
    if not tracing_enabled():
        yield
        return
    # Read when LangSmith's client starts its threads, which happens at the first trace.
    os.environ.setdefault("LANGSMITH_USE_DAEMON", "true")
    try:
        yield
    finally:
        flush_traces(get_settings().langsmith_flush_timeout_s)
