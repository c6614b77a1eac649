"""Checkpointers for conversation state, chosen by URL.

`sqlite:///path` (the default, under `var/`) -> `SqliteSaver`; `postgresql://...` (with or without
a `+driver`) -> `PostgresSaver` over a small psycopg pool (autocommit, as the saver requires);
`memory://` -> `InMemorySaver` for tests.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from langgraph.checkpoint.base import BaseCheckpointSaver
from sqlalchemy.engine import make_url

from switchboard.errors import ConfigurationError


def libpq_url(url: str) -> str:
    """A PostgreSQL URL as libpq takes it (no SQLAlchemy `+driver` part)."""
    parsed = make_url(url)
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


@contextmanager
def open_checkpointer(url: str) -> Iterator[BaseCheckpointSaver]:
    """A ready checkpointer for `url`, closed on exit."""
    if url.startswith("memory://"):
        from langgraph.checkpoint.memory import InMemorySaver

        yield InMemorySaver()
        return
    try:
        parsed = make_url(url)
    except Exception as exc:  # sqlalchemy's ArgumentError; say which setting is wrong
        raise ConfigurationError(f"SWITCHBOARD_CHECKPOINT_URL is not a database URL: {url!r}") from exc
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        from langgraph.checkpoint.sqlite import SqliteSaver

        path = parsed.database or ":memory:"
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, check_same_thread=False, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        try:
            saver = SqliteSaver(conn)
            saver.setup()
            yield saver
        finally:
            conn.close()
    elif backend == "postgresql":
        from langgraph.checkpoint.postgres import PostgresSaver
        from psycopg.rows import dict_row
        from psycopg_pool import ConnectionPool

        kwargs = {"autocommit": True, "prepare_threshold": 0, "row_factory": dict_row}
        with ConnectionPool(libpq_url(url), kwargs=kwargs, min_size=1, max_size=8, open=True) as pool:
            saver = PostgresSaver(pool)  # type: ignore[arg-type]
            saver.setup()
            yield saver
    else:
        raise ConfigurationError(f"unsupported checkpoint database: {backend!r} (use sqlite or postgresql)")
