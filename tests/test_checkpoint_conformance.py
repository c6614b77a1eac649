"""`langgraph-checkpoint-conformance` against the savers the project opens, SQLite and PostgreSQL.

Two ways in, same tables: the server's async savers (`graphs.checkpoint.open_async_checkpointer`) and
the CLI's sync savers (`graphs.checkpoint.open_checkpointer`, seen through a thread-offloading
async view, since the suite drives the async interface). PostgreSQL runs where
SWITCHBOARD_TEST_POSTGRES_URL is set (always in CI).
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver, ChannelVersions, Checkpoint, CheckpointMetadata
from langgraph.checkpoint.conformance import checkpointer_test, validate

from graphs.checkpoint import open_async_checkpointer, open_checkpointer

BASE = {"put", "put_writes", "get_tuple", "list", "delete_thread"}


class SyncSaverView(BaseCheckpointSaver):
    """The async interface of a sync saver, each call run in a worker thread (as an app would)."""

    def __init__(self, inner: BaseCheckpointSaver) -> None:
        super().__init__(serde=inner.serde)
        self.inner = inner

    def get_next_version(self, current: Any, channel: Any) -> Any:
        return self.inner.get_next_version(current, channel)

    async def aget_tuple(self, config: RunnableConfig) -> Any:
        return await asyncio.to_thread(self.inner.get_tuple, config)

    async def alist(
        self,
        config: RunnableConfig | None,
        *,
        filter: dict[str, Any] | None = None,
        before: RunnableConfig | None = None,
        limit: int | None = None,
    ) -> AsyncIterator[Any]:
        items = await asyncio.to_thread(
            lambda: list(self.inner.list(config, filter=filter, before=before, limit=limit))
        )
        for item in items:
            yield item

    async def aput(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> RunnableConfig:
        return await asyncio.to_thread(self.inner.put, config, checkpoint, metadata, new_versions)

    async def aput_writes(
        self, config: RunnableConfig, writes: Sequence[tuple[str, Any]], task_id: str, task_path: str = ""
    ) -> None:
        await asyncio.to_thread(self.inner.put_writes, config, writes, task_id, task_path)

    async def adelete_thread(self, thread_id: str) -> None:
        await asyncio.to_thread(self.inner.delete_thread, thread_id)


def check(registered: Any) -> None:
    report = asyncio.run(validate(registered))
    report.print_report()
    failures = {name: r.failures for name, r in report.results.items() if r.failures}
    assert report.passed_all_base(), failures
    assert report.passed_all(), failures
    assert {name for name, r in report.results.items() if r.passed} >= BASE


@pytest.fixture
def sqlite_urls(tmp_path: Path) -> Iterator[str]:
    """A fresh SQLite file for each suite the validator runs."""
    return (f"sqlite:///{tmp_path / f'checkpoints-{n}.db'}" for n in itertools.count())


def test_the_servers_sqlite_saver_conforms(sqlite_urls: Iterator[str]) -> None:
    @checkpointer_test(name="server SQLite (AsyncSqliteSaver)")
    async def saver() -> AsyncIterator[BaseCheckpointSaver]:
        async with open_async_checkpointer(next(sqlite_urls)) as opened:
            yield opened

    check(saver)


def test_the_clis_sqlite_saver_conforms(sqlite_urls: Iterator[str]) -> None:
    @checkpointer_test(name="CLI SQLite (SqliteSaver)")
    async def saver() -> AsyncIterator[BaseCheckpointSaver]:
        with open_checkpointer(next(sqlite_urls)) as opened:
            yield SyncSaverView(opened)

    check(saver)


def empty_tables(url: str) -> None:
    """Each suite starts from empty checkpoint tables (the saver's `setup()` created them)."""
    from tools.db import make_engine

    engine = make_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql("TRUNCATE checkpoints, checkpoint_blobs, checkpoint_writes")
    engine.dispose()


@pytest.mark.postgres
def test_the_servers_postgres_saver_conforms(postgres_url: str) -> None:
    @checkpointer_test(name="server PostgreSQL (AsyncPostgresSaver)")
    async def saver() -> AsyncIterator[BaseCheckpointSaver]:
        async with open_async_checkpointer(postgres_url) as opened:
            await asyncio.to_thread(empty_tables, postgres_url)
            yield opened

    check(saver)


@pytest.mark.postgres
def test_the_clis_postgres_saver_conforms(postgres_url: str) -> None:
    @checkpointer_test(name="CLI PostgreSQL (PostgresSaver)")
    async def saver() -> AsyncIterator[BaseCheckpointSaver]:
        with open_checkpointer(postgres_url) as opened:
            empty_tables(postgres_url)
            yield SyncSaverView(opened)

    check(saver)


# With SWITCHBOARD_CHECKPOINT_KEYS set every value goes through the encrypted serializer, and the
# PostgreSQL savers keep no plain value inline (`graphs.encryption.sealed_saver`): the same suite.
def encrypted_serde():  # type: ignore[no-untyped-def]
    from graphs.encryption import checkpoint_serde, new_key

    return checkpoint_serde(new_key())


def test_the_encrypted_sqlite_savers_conform(sqlite_urls: Iterator[str]) -> None:
    @checkpointer_test(name="server SQLite, encrypted")
    async def server() -> AsyncIterator[BaseCheckpointSaver]:
        async with open_async_checkpointer(next(sqlite_urls), serde=encrypted_serde()) as opened:
            yield opened

    @checkpointer_test(name="CLI SQLite, encrypted")
    async def cli() -> AsyncIterator[BaseCheckpointSaver]:
        with open_checkpointer(next(sqlite_urls), serde=encrypted_serde()) as opened:
            yield SyncSaverView(opened)

    check(server)
    check(cli)


@pytest.mark.postgres
def test_the_encrypted_postgres_savers_conform(postgres_url: str) -> None:
    @checkpointer_test(name="server PostgreSQL, encrypted and sealed")
    async def server() -> AsyncIterator[BaseCheckpointSaver]:
        async with open_async_checkpointer(postgres_url, serde=encrypted_serde()) as opened:
            await asyncio.to_thread(empty_tables, postgres_url)
            yield opened

    @checkpointer_test(name="CLI PostgreSQL, encrypted and sealed")
    async def cli() -> AsyncIterator[BaseCheckpointSaver]:
        with open_checkpointer(postgres_url, serde=encrypted_serde()) as opened:
            empty_tables(postgres_url)
            yield SyncSaverView(opened)

    check(server)
    check(cli)
