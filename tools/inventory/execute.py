"""Execution of validated SQL on a read-only connection, with a timeout and a row cap.

The second half of "SQL is read-only twice": even a statement that slipped past validation could
not write. SQLite files are opened with `file:...?mode=ro` (the OS-level open is read-only) plus
`PRAGMA query_only`; the timeout is a progress handler that interrupts the statement. PostgreSQL
runs every statement in a `READ ONLY` transaction with a local `statement_timeout`, rolled back.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import QueuePool

from switchboard.errors import ConfigurationError, ToolError
from tools.inventory.validate import ValidatedQuery

DEFAULT_TIMEOUT_S = 5.0
_READABLE = frozenset({"vehicles", "stores"})
_FORBIDDEN_FUNCTIONS = frozenset({"load_extension", "readfile", "writefile", "edit", "fts3_tokenizer"})


def _authorize(action: int, arg1: str | None, arg2: str | None, db: str | None, _trigger: str | None) -> int:
    """SQLite authorizer: reads of the inventory tables and plain functions, nothing else.

    A third wall behind validation and the read-only open: `VACUUM INTO`, `ATTACH` or reads of
    other tables are denied by the engine itself even if a statement got this far.
    """
    if action == sqlite3.SQLITE_SELECT:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_READ:
        return sqlite3.SQLITE_OK if arg1 in _READABLE and db in ("main", None) else sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_FUNCTION:
        return sqlite3.SQLITE_DENY if (arg2 or "").lower() in _FORBIDDEN_FUNCTIONS else sqlite3.SQLITE_OK
    if action == getattr(sqlite3, "SQLITE_RECURSIVE", 33):
        return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    rows: list[list[Any]]  # JSON-serialisable values
    truncated: bool  # more rows matched than the row cap
    elapsed_ms: float
    total: int | None = None  # rows the query matches in all, counted when it was truncated


def json_value(value: Any) -> Any:
    """A JSON-serialisable form of a database value (ISO dates, numbers for decimals)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    return value


def _sqlite_path(url: str) -> str | None:
    database = make_url(url).database
    if database in (None, "", ":memory:") or database.startswith("file:"):
        return None
    return str(Path(database).resolve())


class ReadOnlyExecutor:
    """Runs `ValidatedQuery` objects against the application database, read-only."""

    def __init__(self, engine: Engine, *, timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        self.dialect = engine.dialect.name
        self.timeout_s = timeout_s
        self._driver_error: type[Exception] = sqlite3.Error
        if self.dialect == "sqlite":
            path = _sqlite_path(engine.url.render_as_string(hide_password=False))
            if path is None:
                # An in-memory database cannot be reopened read-only; query_only still refuses writes.
                self._engine = engine
                self._memory = True
            else:
                self._path = path
                self._engine = create_engine(
                    "sqlite+pysqlite://", creator=self._connect_sqlite, poolclass=QueuePool, pool_size=4
                )
                self._memory = False
        elif self.dialect == "postgresql":
            self._engine = engine
            self._memory = False
            self._driver_error = engine.dialect.loaded_dbapi.Error  # psycopg raises its own errors here
        else:
            raise ConfigurationError(f"unsupported database for the inventory: {self.dialect}")

    def _connect_sqlite(self) -> sqlite3.Connection:
        if not Path(self._path).exists():
            raise ToolError(
                f"the inventory database {self._path} does not exist; run `switchboard seed`", kind="missing"
            )
        conn = sqlite3.connect(
            f"file:{quote(self._path)}?mode=ro", uri=True, check_same_thread=False, timeout=30
        )
        conn.execute("PRAGMA query_only=ON")
        return conn

    @property
    def sqlglot_dialect(self) -> str:
        return "postgres" if self.dialect == "postgresql" else "sqlite"

    def execute(self, query: ValidatedQuery) -> QueryResult:
        """Run the capped statement; raise ToolError(kind="timeout"|"execution") on failure."""
        started = time.perf_counter()
        try:
            columns, raw = self._run(query.exec_sql)
        except DBAPIError as exc:
            raise self._error(exc.orig or exc) from exc
        except (sqlite3.Error, self._driver_error) as exc:
            raise self._error(exc) from exc
        elapsed = (time.perf_counter() - started) * 1000
        truncated = len(raw) > query.row_cap
        rows = [[json_value(v) for v in row] for row in raw[: query.row_cap]]
        return QueryResult(columns=columns, rows=rows, truncated=truncated, elapsed_ms=elapsed)

    def scalar(self, sql: str) -> Any:
        """The first value of a read-only statement (calibration and counts)."""
        try:
            _, rows = self._run(sql)
        except DBAPIError as exc:
            raise self._error(exc.orig or exc) from exc
        except (sqlite3.Error, self._driver_error) as exc:
            raise self._error(exc) from exc
        return rows[0][0] if rows else None

    def count(self, query: ValidatedQuery) -> int | None:
        """How many rows `query` matches without the row cap (bounded by the same timeout);
        None when the count could not be made in time."""
        try:
            value = self.scalar(f"SELECT count(*) FROM ({query.count_sql}) AS matched")
        except ToolError:
            return None
        return int(value) if value is not None else None

    def plan_rows(self, sql: str) -> list[tuple[Any, ...]]:
        """SQLite's `EXPLAIN QUERY PLAN` rows (id, parent, notused, detail)."""
        _, rows = self._run("EXPLAIN QUERY PLAN " + sql)
        return [tuple(row) for row in rows]

    def plan_json(self, sql: str) -> Any:
        """PostgreSQL's plan of `sql` as JSON (nothing is run)."""
        _, rows = self._run("EXPLAIN (FORMAT JSON) " + sql)
        return rows[0][0]

    def explain(self, query: ValidatedQuery) -> list[str]:
        """The query plan, one line per step (SQLite EXPLAIN QUERY PLAN, PostgreSQL EXPLAIN)."""
        prefix = "EXPLAIN QUERY PLAN " if self.dialect == "sqlite" else "EXPLAIN "
        _, rows = self._run(prefix + query.exec_sql)
        return [str(row[-1]) for row in rows]

    def _error(self, exc: BaseException) -> ToolError:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if "not authorized" in message:
            return ToolError(
                "the database refused the statement (not a read of the inventory tables)", kind="denied"
            )
        if "interrupted" in message or "statement timeout" in message or "canceling statement" in message:
            return ToolError(
                f"the query took longer than {self.timeout_s:g} s and was stopped", kind="timeout"
            )
        return ToolError(f"the database rejected the query: {message}", kind="execution")

    def _run(self, sql: str) -> tuple[list[str], Sequence[Sequence[Any]]]:
        if self.dialect == "sqlite":
            raw = self._engine.raw_connection()  # the pooled DBAPI connection, without Core's bookkeeping
            try:
                return self._run_sqlite(raw.driver_connection, sql)
            finally:
                raw.close()
        with self._engine.connect() as conn:
            dbapi = conn.connection.dbapi_connection
            if dbapi is None:  # only after the pool invalidated the connection
                raise ToolError("the database connection was lost; please try again", kind="execution")
            transaction = conn.begin()
            try:
                conn.exec_driver_sql("SET TRANSACTION READ ONLY")
                conn.exec_driver_sql(f"SET LOCAL statement_timeout = {int(self.timeout_s * 1000)}")
                cursor = dbapi.cursor()
                try:
                    cursor.execute(sql)  # no parameters: psycopg does no %-processing
                    columns: list[str] = [d[0] for d in cursor.description or []]
                    rows = cursor.fetchall()
                finally:
                    cursor.close()
            finally:
                transaction.rollback()  # nothing to keep: the transaction was read-only anyway
            return columns, rows

    def _run_sqlite(self, dbapi: Any, sql: str) -> tuple[list[str], Sequence[Sequence[Any]]]:
        deadline = time.monotonic() + self.timeout_s
        dbapi.set_progress_handler(lambda: 1 if time.monotonic() > deadline else 0, 2000)
        if self._memory:
            dbapi.execute("PRAGMA query_only=ON")
        dbapi.set_authorizer(_authorize)
        cursor = dbapi.cursor()
        try:
            cursor.execute(sql)
            columns = [d[0] for d in cursor.description or []]
            rows = cursor.fetchall()
        finally:
            cursor.close()
            dbapi.set_authorizer(None)
            dbapi.set_progress_handler(None, 0)
            if self._memory:
                dbapi.execute("PRAGMA query_only=OFF")
        return columns, rows

    def dispose(self) -> None:
        if self.dialect == "sqlite" and not self._memory:
            self._engine.dispose()
