"""Which face a request came through, for the audit trail (`tools.audit`).

A context variable, set by each face around the work it does (`with acting_face("mcp"): ...`);
the value follows the work into worker threads (LangGraph's and anyio's executors copy the
context). `current_request` is the id of the proposal a write answers, when a face knows it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

current_face: ContextVar[str] = ContextVar("switchboard_face", default="python")
current_request: ContextVar[str | None] = ContextVar("switchboard_request", default=None)


@contextmanager
def acting_face(name: str) -> Iterator[None]:
    """Mark everything done inside as done through face `name`."""
    token = current_face.set(name)
    try:
        yield
    finally:
        current_face.reset(token)
