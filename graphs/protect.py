"""What is already stored, brought up to the rules: personal data masked, checkpoints (re-)encrypted.

`migrate(settings)` (the command `switchboard protect migrate`) is safe to run again and again:

- complaints: the text of every complaint masked (`switchboard.privacy.mask_at_rest`), its
  fingerprint recomputed;
- checkpoints (SQLite or PostgreSQL): every stored value (checkpoints, channel blobs, pending
  writes) is read with any configured key, its strings and messages masked, and written back with
  the current serializer: encrypted with the first key of `SWITCHBOARD_CHECKPOINT_KEYS` (which is
  how a key is rotated), or plain without keys. On PostgreSQL the plain values a checkpoint keeps
  inline (in its JSON column) are masked there too and, with a key, moved into encrypted blobs.

It works on the tables of LangGraph's savers directly (same layout as `langgraph-checkpoint-sqlite`
3.x and `langgraph-checkpoint-postgres` 3.x), one row at a time, so it needs no more memory than
the largest checkpoint.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from typing import Any

from langchain_core.messages import BaseMessage
from langgraph.checkpoint.serde.base import SerializerProtocol
from sqlalchemy import Engine, select, update
from sqlalchemy.engine import make_url

from graphs.checkpoint import libpq_url
from graphs.encryption import PlainSerializer, checkpoint_serde, is_encrypted
from switchboard.privacy import mask_deep, mask_text
from switchboard.settings import Settings


@dataclass
class Report:
    """What a migration changed."""

    complaints_masked: int = 0
    values_rewritten: int = 0
    values_masked: int = 0
    values_encrypted: int = 0
    inline_moved: int = 0
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def mask_state(value: Any) -> Any:
    """A stored value with personal data masked: strings, containers and chat messages.

    A whole checkpoint has only its channel values masked: its versions and ids are not text.
    """
    if isinstance(value, dict) and "channel_values" in value and "channel_versions" in value:
        return {**value, "channel_values": mask_state(value["channel_values"])}
    if isinstance(value, BaseMessage):
        content = value.content
        masked = mask_text(content) if isinstance(content, str) else mask_state(content)
        return value if masked == content else value.model_copy(update={"content": masked})
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {
            k: v if k == "id" or (isinstance(k, str) and k.endswith("_id")) else mask_state(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [mask_state(v) for v in value]
    if isinstance(value, tuple):
        return tuple(mask_state(v) for v in value)
    return value


def serializers(settings: Settings) -> tuple[SerializerProtocol, SerializerProtocol]:
    """(reader, writer): the reader opens plain and encrypted values alike."""
    keys = settings.checkpoint_keys.get_secret_value() if settings.checkpoint_keys else None
    encrypted = checkpoint_serde(keys)
    plain = PlainSerializer()
    return (encrypted or plain), (encrypted or plain)


class Rewriter:
    """One stored value: read, masked, written back with the current serializer."""

    def __init__(self, settings: Settings, report: Report) -> None:
        self.reader, self.writer = serializers(settings)
        self.encrypting = settings.checkpoint_keys is not None and bool(
            settings.checkpoint_keys.get_secret_value()
        )
        self.report = report

    def __call__(self, type_name: str | None, blob: bytes | None) -> tuple[str, bytes] | None:
        """The new (type, bytes), or None when the value is to stay as it is."""
        if type_name is None or blob is None or type_name == "empty":
            return None
        value = self.reader.loads_typed((type_name, bytes(blob)))
        masked = mask_state(value)
        if masked is value or masked == value:
            if not self.encrypting and not is_encrypted(type_name):
                return None
        else:
            self.report.values_masked += 1
        new_type, new_blob = self.writer.dumps_typed(masked)
        self.report.values_rewritten += 1
        if is_encrypted(new_type):
            self.report.values_encrypted += 1
        return new_type, new_blob


def mask_complaints(engine: Engine, report: Report) -> None:
    from tools.airline.complaints import fingerprint
    from tools.airline_models import Complaint
    from tools.db import table_of, write_session

    table = table_of(Complaint)
    with write_session(engine) as session:
        rows = session.execute(select(table.c.complaint_id, table.c.text)).all()
        for complaint_id, text in rows:
            masked = mask_text(text)
            if masked != text:
                session.execute(
                    update(table)
                    .where(table.c.complaint_id == complaint_id)
                    .values(text=masked, text_sha256=fingerprint(masked))
                )
                report.complaints_masked += 1


def migrate(settings: Settings, engine: Engine) -> Report:
    """Mask the complaints and rewrite every checkpoint (see the module docstring)."""
    report = Report()
    mask_complaints(engine, report)
    url = settings.checkpoint_url
    if url.startswith("memory://"):
        report.notes.append("checkpoints are in memory: nothing stored")
        return report
    rewrite = Rewriter(settings, report)
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        _migrate_sqlite(make_url(url).database or "", rewrite)
    elif backend == "postgresql":
        _migrate_postgres(libpq_url(url), rewrite)
    return report


# ------------------------------------------------------------------------------ SQLite

_SQLITE_TABLES = {
    "checkpoints": (("thread_id", "checkpoint_ns", "checkpoint_id"), "type", "checkpoint"),
    "writes": (("thread_id", "checkpoint_ns", "checkpoint_id", "task_id", "idx"), "type", "value"),
}


def _migrate_sqlite(path: str, rewrite: Rewriter) -> None:
    with closing(sqlite3.connect(path, timeout=30)) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        for table, (keys, type_col, blob_col) in _SQLITE_TABLES.items():
            if table not in tables:
                continue
            where = " AND ".join(f"{k} = ?" for k in keys)
            rows = conn.execute(f"SELECT {', '.join(keys)}, {type_col}, {blob_col} FROM {table}").fetchall()
            for row in rows:
                new = rewrite(row[-2], row[-1])
                if new is not None:
                    conn.execute(
                        f"UPDATE {table} SET {type_col} = ?, {blob_col} = ? WHERE {where}", (*new, *row[:-2])
                    )
            conn.commit()


# ------------------------------------------------------------------------------ PostgreSQL


@contextmanager
def _pg(url: str) -> Iterator[Any]:
    import psycopg

    with psycopg.connect(url, autocommit=False) as conn:
        yield conn


def _migrate_postgres(url: str, rewrite: Rewriter) -> None:
    with _pg(url) as conn:
        tables = {
            r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        }
        if "checkpoint_blobs" in tables:
            _rewrite_pg(
                conn,
                "checkpoint_blobs",
                ("thread_id", "checkpoint_ns", "channel", "version"),
                "blob",
                rewrite,
            )
        if "checkpoint_writes" in tables:
            keys = ("thread_id", "checkpoint_ns", "checkpoint_id", "task_id", "idx")
            _rewrite_pg(conn, "checkpoint_writes", keys, "blob", rewrite)
        if "checkpoints" in tables:
            _inline_values_pg(conn, rewrite)
        conn.commit()


def _rewrite_pg(conn: Any, table: str, keys: tuple[str, ...], blob_col: str, rewrite: Rewriter) -> None:
    where = " AND ".join(f"{k} = %s" for k in keys)
    rows = conn.execute(f"SELECT {', '.join(keys)}, type, {blob_col} FROM {table}").fetchall()
    for row in rows:
        new = rewrite(row[-2], row[-1])
        if new is not None:
            conn.execute(f"UPDATE {table} SET type = %s, {blob_col} = %s WHERE {where}", (*new, *row[:-2]))


def _inline_values_pg(conn: Any, rewrite: Rewriter) -> None:
    """Plain values kept inside a checkpoint's JSON: masked, and with a key moved into blobs."""
    rows = conn.execute(
        "SELECT thread_id, checkpoint_ns, checkpoint_id, checkpoint FROM checkpoints"
    ).fetchall()
    for thread_id, ns, checkpoint_id, checkpoint in rows:
        data = checkpoint if isinstance(checkpoint, dict) else json.loads(checkpoint)
        values: dict[str, Any] = data.get("channel_values") or {}
        versions: dict[str, Any] = data.get("channel_versions") or {}
        changed = False
        for channel, value in list(values.items()):
            if rewrite.encrypting and channel in versions:
                kind, blob = rewrite.writer.dumps_typed(mask_deep(value))
                conn.execute(
                    "INSERT INTO checkpoint_blobs (thread_id, checkpoint_ns, channel, version, type, blob)"
                    " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                    (thread_id, ns, channel, str(versions[channel]), kind, blob),
                )
                del values[channel]
                rewrite.report.inline_moved += 1
                changed = True
            elif isinstance(value, str) and mask_text(value) != value:
                values[channel] = mask_text(value)
                rewrite.report.values_masked += 1
                changed = True
        if changed:
            data["channel_values"] = values
            conn.execute(
                "UPDATE checkpoints SET checkpoint = %s::jsonb WHERE thread_id = %s AND checkpoint_ns = %s"
                " AND checkpoint_id = %s",
                (json.dumps(data), thread_id, ns, checkpoint_id),
            )


MigrateFn = Callable[[Settings, Engine], Report]
