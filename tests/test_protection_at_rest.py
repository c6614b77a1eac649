"""What is stored, on SQLite and PostgreSQL, with and without a checkpoint key: no full card number
anywhere, encrypted checkpoints hold no readable text, the migration masks and re-encrypts what
is already stored (key rotation included), and every write leaves an audit row."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from langchain_core.messages import HumanMessage
from pydantic import SecretStr
from sqlalchemy import Engine, text

from graphs.app import open_graph, open_services
from graphs.checkpoint import libpq_url
from graphs.encryption import key_id, new_key
from graphs.protect import migrate
from graphs.runner import run_turn
from switchboard.errors import ConfigurationError
from switchboard.face import acting_face
from switchboard.privacy import has_full_card_number
from switchboard.settings import Settings
from tests.conftest import throwaway_pg_database
from tools.audit import entries

CARD = "4111 1111 1111 1111"
MARKER = "zebra-umbrella-marker"
KEY_A, KEY_B = new_key(), new_key()


@dataclass
class Store:
    settings: Settings
    backend: str

    def with_keys(self, keys: str | None) -> Store:
        return Store(
            self.settings.model_copy(update={"checkpoint_keys": SecretStr(keys) if keys else None}),
            self.backend,
        )


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    base = {"openai_api_key": None, "_env_file": None}
    if request.param == "sqlite":
        settings = Settings(
            database_url=f"sqlite:///{tmp_path / 'app.db'}",
            checkpoint_url=f"sqlite:///{tmp_path / 'cp.db'}",
            **base,
        )  # type: ignore[call-arg]
        yield Store(settings, "sqlite")
        return
    with throwaway_pg_database() as url:
        yield Store(Settings(database_url=url, checkpoint_url=url, **base), "postgresql")  # type: ignore[call-arg]


def stored_bytes(settings: Settings) -> bytes:
    """Every byte the checkpoint tables hold (values, blobs, pending writes, inline JSON)."""
    url = settings.checkpoint_url
    chunks: list[bytes] = []
    if url.startswith("sqlite"):
        with closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as conn:
            for table, cols in (("checkpoints", "type, checkpoint, metadata"), ("writes", "type, value")):
                for row in conn.execute(f"SELECT {cols} FROM {table}"):
                    chunks.extend(
                        v if isinstance(v, bytes) else str(v).encode() for v in row if v is not None
                    )
    else:
        with psycopg.connect(libpq_url(url)) as conn:
            for sql in (
                "SELECT type, checkpoint::text, metadata::text FROM checkpoints",
                "SELECT type, blob FROM checkpoint_blobs",
                "SELECT type, blob FROM checkpoint_writes",
            ):
                for row in conn.execute(sql):
                    chunks.extend(
                        bytes(v) if isinstance(v, bytes | memoryview) else str(v).encode()
                        for v in row
                        if v is not None
                    )
    return b"\n".join(chunks)


def typed_card(text: str) -> bool:
    """Whether the card number the tests type is in `text` (as typed or without its spaces)."""
    return CARD in text or CARD.replace(" ", "") in text


def readable(blob: bytes) -> str:
    return blob.decode("utf-8", errors="ignore")


@contextmanager
def assistant(store: Store) -> Iterator[Any]:
    services = open_services(store.settings)
    with open_graph(services) as graph:
        yield graph, services.engine


def talk(store: Store, thread: str, *messages: str) -> list[dict[str, Any]]:
    with assistant(store) as (graph, _):
        return [dict(run_turn(graph, user_id="USER123", thread_id=thread, text=m)) for m in messages]


@pytest.mark.parametrize("keys", [None, KEY_A], ids=["plain", "encrypted"])
def test_a_conversation_stores_no_card_and_with_a_key_no_readable_text(
    store: Store, keys: str | None
) -> None:
    store = store.with_keys(keys)
    first, second = talk(store, "t-rest", f"FL123 的状态 {MARKER}, card {CARD}", "FL456 呢？")
    assert second["intent"] == "flight_status" and "FL456" in second["reply"]
    raw = stored_bytes(store.settings)
    assert raw and not typed_card(readable(raw))
    if keys is None:
        assert MARKER in readable(raw)  # the check below can see text when it is there
    else:
        assert MARKER not in readable(raw) and "FL456" not in readable(raw)
        assert f"aesgcm.{key_id(__import__('base64').b64decode(KEY_A))}" in readable(raw)
    with assistant(store) as (graph, _):  # read back: the conversation is whole
        values = graph.get_state({"configurable": {"thread_id": "t-rest"}}).values
        texts = [m.content for m in values["messages"] if isinstance(m, HumanMessage)]
    assert texts[0].startswith("FL123 的状态") and "**** 1111" in texts[0]


def test_an_encrypted_conversation_read_without_keys_fails_with_one_clear_line(store: Store) -> None:
    talk(store.with_keys(KEY_A), "t-locked", "FL123 的状态")
    with pytest.raises(ConfigurationError, match="encrypted .* SWITCHBOARD_CHECKPOINT_KEYS is not set"):
        talk(store.with_keys(None), "t-locked", "FL456 呢？")
    with pytest.raises(ConfigurationError, match="SWITCHBOARD_CHECKPOINT_KEYS is not set"):
        migrate(store.settings, engine_of(store))  # it cannot read them without the key


def test_the_migration_masks_old_data_and_rotates_the_key(store: Store) -> None:
    plain = store.with_keys(None)
    with assistant(plain) as (graph, engine):
        # Data from before masking: a raw input straight into the graph (its input checkpoint
        # keeps the message as sent) and a complaint row written by an older version.
        graph.invoke(
            {"messages": [HumanMessage(f"FL123 status, my card {CARD} {MARKER}")]},
            {"configurable": {"thread_id": "t-old"}},
            context=__import__("switchboard.state", fromlist=["Context"]).Context(user_id="USER123"),
        )
        plant_complaint(engine)
    assert typed_card(readable(stored_bytes(plain.settings)))

    first = plain.with_keys(KEY_A)
    report = migrate(first.settings, engine_of(first))
    assert report.complaints_masked == 1 and report.values_masked >= 1 and report.values_encrypted >= 1
    raw = readable(stored_bytes(first.settings))
    assert not typed_card(raw) and MARKER not in raw
    (stored,) = query(engine_of(first), "SELECT text FROM complaints WHERE complaint_id = 'CMP-0LDC0DE1'")
    assert stored[0] == "charged twice on **** 1111"

    # Rotation: the new key first, migrate, then the old key can go.
    rotated = first.with_keys(f"{KEY_B},{KEY_A}")
    migrate(rotated.settings, engine_of(rotated))
    assert key_id(__import__("base64").b64decode(KEY_A)) not in readable(stored_bytes(rotated.settings))
    only_new = first.with_keys(KEY_B)
    with assistant(only_new) as (graph, _):
        history = list(graph.get_state_history({"configurable": {"thread_id": "t-old"}}))
        values = graph.get_state({"configurable": {"thread_id": "t-old"}}).values
    assert history and "**** 1111" in values["messages"][0].content
    assert migrate(only_new.settings, engine_of(only_new)).values_masked == 0  # nothing left to mask


def engine_of(store: Store) -> Engine:
    from tools.db import get_engine

    return get_engine(store.settings.database_url)


def query(engine: Engine, sql: str) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql))]


def plant_complaint(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO complaints (complaint_id, user_id, text, text_sha256, category, status, created_at)"
                " VALUES ('CMP-0LDC0DE1', 'USER123', :t, 'x', 'refund', 'open', CURRENT_TIMESTAMP)"
            ),
            {"t": f"charged twice on {CARD}"},
        )


def test_every_write_is_audited_with_face_user_and_time(store: Store) -> None:
    with acting_face("cli"):
        talk(store, "t-audit", "为 FL456 预订座位 15B")
    services = open_services(store.settings)
    with acting_face("mcp"):
        services.airline.file_complaint("USER123", f"card {CARD} was charged twice")
        services.airline.cancel_booking("USER123", "ABC123")
    rows = entries(services.engine, user_id="USER123")
    assert [(r.action, r.face) for r in rows] == [
        ("cancel_booking", "mcp"),
        ("file_complaint", "mcp"),
        ("book_seat", "cli"),
    ]
    booking = rows[2]
    assert booking.details["flight"] == "FL456" and booking.details["seat"] == "15B" and booking.at
    assert rows[0].target == "ABC123" and rows[0].details["refund"] is not None
    assert not has_full_card_number(json.dumps([r.as_dict() for r in rows]))
    assert entries(services.engine, user_id="USER456") == []
