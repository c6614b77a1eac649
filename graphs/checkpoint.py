"""Checkpointers for conversation state, chosen by URL.

`sqlite:///path` (the default, under `var/`) -> `SqliteSaver`; `postgresql://...` (with or without
a `+driver`) -> `PostgresSaver` over a small psycopg pool (autocommit, as the saver requires);
`memory://` -> `InMemorySaver` for tests. `open_async_checkpointer` is the async twin the
LangGraph server uses. Replicas starting together migrate the PostgreSQL tables one at a time.
With an encrypting `serde` (`graphs.encryption.serde_for`: keys configured) every stored value is
encrypted; the PostgreSQL savers then also keep no plain value inline (`sealed_saver`).
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.serde.base import SerializerProtocol
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from graphs.encryption import is_sealing, sealed_saver
from switchboard.errors import ConfigurationError

if TYPE_CHECKING:
    from langgraph.checkpoint.postgres import PostgresSaver
    from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver

# PostgreSQL advisory lock id held while the checkpoint tables are migrated ("SWCH").
SETUP_LOCK = 0x53574348


def libpq_url(url: str) -> str:
    """A PostgreSQL URL as libpq takes it (no SQLAlchemy `+driver` part)."""
    parsed = make_url(url)
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


@contextmanager
def open_checkpointer(
    url: str, *, serde: SerializerProtocol | None = None
) -> Iterator[BaseCheckpointSaver[str]]:
    """A ready checkpointer for `url`, closed on exit (encrypting with `serde` when given)."""
    if url.startswith("memory://"):
        from langgraph.checkpoint.memory import InMemorySaver

        yield InMemorySaver(serde=serde)
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
        # Autocommit: each write takes the write lock at once and waits for it (busy timeout). In a
        # transaction begun by a read, SQLite cannot wait: "database is locked" at once when another
        # process wrote in between (measured: 90 of 100 simultaneous one-shot chats died of it).
        conn = sqlite3.connect(path, check_same_thread=False, timeout=30, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        try:
            sqlite_saver = SqliteSaver(conn, serde=serde)
            sqlite_saver.setup()
            yield sqlite_saver
        finally:
            conn.close()
    elif backend == "postgresql":
        from langgraph.checkpoint.postgres import PostgresSaver
        from psycopg.rows import dict_row
        from psycopg_pool import ConnectionPool

        kwargs = {"autocommit": True, "prepare_threshold": 0, "row_factory": dict_row}
        with ConnectionPool(libpq_url(url), kwargs=kwargs, min_size=1, max_size=8, open=True) as pool:
            cls = sealed_saver(PostgresSaver) if is_sealing(serde) else PostgresSaver
            pg_saver = cls(pool, serde=serde)  # type: ignore[arg-type]  # a dict_row pool, as the saver reads it
            with pool.connection() as pg_conn:
                _locked_setup(pg_conn, pg_saver)
            yield pg_saver
    else:
        raise ConfigurationError(f"unsupported checkpoint database: {backend!r} (use sqlite or postgresql)")


def _locked_setup(conn: Any, saver: PostgresSaver) -> None:
    """The saver's migrations under a database-wide advisory lock (see `_async_locked_setup`)."""
    while not conn.execute("SELECT pg_try_advisory_lock(%s) AS ok", (SETUP_LOCK,)).fetchone()["ok"]:
        time.sleep(0.2)
    try:
        saver.setup()
    finally:
        conn.execute("SELECT pg_advisory_unlock(%s)", (SETUP_LOCK,))


def _sqlite_path(url: str) -> str:
    path = make_url(url).database or ":memory:"
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    return path


async def _async_locked_setup(conn: Any, saver: AsyncPostgresSaver) -> None:
    """Run the saver's migrations while holding a database-wide advisory lock.

    Replicas starting together would otherwise race on them (duplicate key in
    `checkpoint_migrations`). The lock is polled, not awaited: a session blocked in
    `pg_advisory_lock` keeps a transaction open, which the migrations' `CREATE INDEX
    CONCURRENTLY` in the lock holder would wait for, forever.
    """
    while not (await (await conn.execute("SELECT pg_try_advisory_lock(%s) AS ok", (SETUP_LOCK,))).fetchone())[
        "ok"
    ]:
        await asyncio.sleep(0.2)
    try:
        await saver.setup()
    finally:
        await conn.execute("SELECT pg_advisory_unlock(%s)", (SETUP_LOCK,))


@asynccontextmanager
async def open_async_checkpointer(
    url: str, *, serde: SerializerProtocol | None = None
) -> AsyncIterator[BaseCheckpointSaver[str]]:
    """The async twin of `graphs.checkpoint.open_checkpointer`: same URLs, same tables."""
    if url.startswith("memory://"):
        from langgraph.checkpoint.memory import InMemorySaver

        yield InMemorySaver(serde=serde)
        return
    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError as exc:  # say which setting is wrong
        raise ConfigurationError(f"SWITCHBOARD_CHECKPOINT_URL is not a database URL: {url!r}") from exc
    if backend == "sqlite":
        import aiosqlite
        from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

        path = await asyncio.to_thread(_sqlite_path, url)
        async with aiosqlite.connect(path, timeout=30, isolation_level=None) as conn:
            # WAL: the CLI and the server may use the same file at the same time.
            await conn.execute("PRAGMA journal_mode=WAL")
            sqlite_saver = AsyncSqliteSaver(conn, serde=serde)
            await sqlite_saver.setup()
            yield sqlite_saver
    elif backend == "postgresql":
        from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
        from psycopg.rows import dict_row
        from psycopg_pool import AsyncConnectionPool

        kwargs = {"autocommit": True, "prepare_threshold": 0, "row_factory": dict_row}
        async with AsyncConnectionPool(
            libpq_url(url), kwargs=kwargs, min_size=1, max_size=10, open=False
        ) as pool:
            acls = sealed_saver(AsyncPostgresSaver) if is_sealing(serde) else AsyncPostgresSaver
            pg_saver = acls(pool, serde=serde)  # type: ignore[arg-type]  # a dict_row pool, as the saver reads it
            async with pool.connection() as pg_conn:
                await _async_locked_setup(pg_conn, pg_saver)
            yield pg_saver
    else:
        raise ConfigurationError(f"unsupported checkpoint database: {backend!r} (use sqlite or postgresql)")


@contextmanager
def thread_turn_lock(url: str, thread_id: str) -> Iterator[None]:
    """One turn at a time on a thread whose checkpoints are in a SQLite file, across processes.

    Two processes taking a turn on the same thread at once would both start from the same
    checkpoint, and the second write would hide the first turn. PostgreSQL deployments serialise
    turns in the server's run queue; the CLI on SQLite takes a lock file beside the database.
    """
    if url.startswith("memory://") or make_url(url).get_backend_name() != "sqlite":
        yield
        return
    from hashlib import sha256

    from filelock import FileLock

    path = Path(_sqlite_path(url))
    if str(path) == ":memory:":
        yield
        return
    locks = path.with_name(path.name + ".locks")
    locks.mkdir(parents=True, exist_ok=True)
    with FileLock(locks / f"{sha256(thread_id.encode()).hexdigest()[:24]}.lock", timeout=600):
        yield
