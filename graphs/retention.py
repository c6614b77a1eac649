"""Checkpoint retention: keep the newest N checkpoints of every thread, delete the rest.

A turn writes one checkpoint (`durability="exit"`) and a thread keeps its last 40 messages, so each
checkpoint is bounded (about 8-14 KB); keeping N per thread bounds a thread's storage at about
N x 14 KB, however long the conversation runs. What is deleted: the older checkpoints, their
pending writes and (PostgreSQL) the channel blobs no kept checkpoint refers to. The newest
checkpoint of a thread is always kept: a conversation, and a confirmation it waits for, goes on.
`switchboard history` and `--from CHECKPOINT_ID` see only what is kept.

The tables are the ones the savers of `graphs.checkpoint` create (SqliteSaver: `checkpoints`,
`writes`; PostgresSaver: `checkpoints`, `checkpoint_writes`, `checkpoint_blobs`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text

from graphs.checkpoint import open_checkpointer
from switchboard.errors import InputError
from tools.db import make_engine

DEFAULT_KEEP = 20

_OLD = """
    SELECT thread_id, checkpoint_ns, checkpoint_id FROM (
        SELECT thread_id, checkpoint_ns, checkpoint_id, row_number() OVER (
            PARTITION BY thread_id, checkpoint_ns ORDER BY checkpoint_id DESC) AS newest_first
        FROM checkpoints) ranked
    WHERE newest_first > :keep
"""


@dataclass(frozen=True)
class Pruned:
    threads: int
    checkpoints_deleted: int
    checkpoints_kept: int


def prune_checkpoints(url: str, keep: int = DEFAULT_KEEP) -> Pruned:
    """Delete all but the newest `keep` checkpoints of every thread in the store at `url`."""
    if not isinstance(keep, int) or keep < 1:
        raise InputError("keep must be a whole number of at least 1")
    with open_checkpointer(url):
        pass  # the tables exist (created on first use) before they are pruned
    engine = make_engine(url)
    postgres = engine.dialect.name == "postgresql"
    writes = "checkpoint_writes" if postgres else "writes"
    old = f"(thread_id, checkpoint_ns, checkpoint_id) IN ({_OLD})"
    try:
        with engine.begin() as conn:
            conn.execute(text(f"DELETE FROM {writes} WHERE {old}"), {"keep": keep})
            deleted = conn.execute(text(f"DELETE FROM checkpoints WHERE {old}"), {"keep": keep}).rowcount
            if postgres:
                conn.execute(
                    text(
                        "DELETE FROM checkpoint_blobs b WHERE NOT EXISTS (SELECT 1 FROM checkpoints c "
                        "WHERE c.thread_id = b.thread_id AND c.checkpoint_ns = b.checkpoint_ns "
                        "AND c.checkpoint -> 'channel_versions' ->> b.channel = b.version)"
                    )
                )
            threads, kept = conn.execute(
                text("SELECT count(DISTINCT thread_id), count(*) FROM checkpoints")
            ).one()
        if not postgres:
            with engine.connect() as conn:  # give the freed pages back to the WAL checkpoint
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()
    return Pruned(threads=int(threads), checkpoints_deleted=int(deleted or 0), checkpoints_kept=int(kept))
