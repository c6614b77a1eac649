"""Data protection on the LangGraph server: every endpoint walked with PII planted, masked run
input, checkpoints (encrypted with a key), and 429 with Retry-After for a key over its limit; on
SQLite with a checkpoint key and on PostgreSQL without one."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from langgraph_sdk import get_sync_client

from bench.server_process import ServerProcess
from graphs.encryption import new_key
from switchboard.settings import Settings
from tests.conftest import throwaway_pg_database
from tests.helpers import server_on_seeded_copy
from tests.test_protection_at_rest import stored_bytes
from tools.db import make_engine
from tools.inventory.seed import seed_inventory
from tools.seed import seed_airline

KEYS = {"USER123": "key-walk-123", "USER456": "key-walk-456", "USER789": "key-walk-789"}
CARD = "4111 1111 1111 1111"
OTHER_CARD = "5500 0055 5555 5559"
OTHER_MARKER = "other-users-secret-marker"


@dataclass(frozen=True)
class Walked:
    """A server of the walk and where it keeps its checkpoints."""

    process: ServerProcess
    checkpoint_url: str
    encrypted: bool


# SQLite with a checkpoint key, and PostgreSQL without one: both databases, both ways.
@pytest.fixture(scope="module", params=["sqlite-encrypted", "postgresql-plain"])
def walked(
    request: pytest.FixtureRequest, seeded_sqlite: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Walked]:
    workdir = tmp_path_factory.mktemp("server-walk")
    extra = {"SWITCHBOARD_RATE_LIMIT_TURNS": "12/minute"}
    if request.param == "sqlite-encrypted":
        extra["SWITCHBOARD_CHECKPOINT_KEYS"] = new_key()
        with server_on_seeded_copy(seeded_sqlite, workdir, KEYS, extra) as process:
            yield Walked(process, f"sqlite:///{workdir / 'checkpoints.db'}", encrypted=True)
        return
    with throwaway_pg_database() as url:
        engine = make_engine(url)
        seed_airline(engine)
        seed_inventory(engine, 1000)
        engine.dispose()
        extra |= {"SWITCHBOARD_DATABASE_URL": url, "SWITCHBOARD_CHECKPOINT_URL": url}
        with server_on_seeded_copy(seeded_sqlite, workdir, KEYS, extra) as process:
            yield Walked(process, url, encrypted=False)


@pytest.fixture
def server(walked: Walked) -> ServerProcess:
    return walked.process


def client(server: ServerProcess, user: str) -> Any:
    return get_sync_client(url=server.url, api_key=None, headers={"Authorization": f"Bearer {KEYS[user]}"})


def say(sdk: Any, thread_id: str, message: str) -> dict[str, Any]:
    return sdk.runs.wait(thread_id, "switchboard", input={"messages": [{"role": "user", "content": message}]})


def leaks(payload: str, other_thread: str) -> list[str]:
    found = [card for card in (CARD, OTHER_CARD) if card in payload or card.replace(" ", "") in payload]
    return found + [s for s in (OTHER_MARKER, other_thread, "USER456") if s in payload]


def test_every_endpoint_returns_no_full_card_and_no_other_users_data(server: ServerProcess) -> None:
    other = client(server, "USER456")
    other_thread = other.threads.create()["thread_id"]
    say(other, other_thread, f"我要投诉，卡 {OTHER_CARD} 被重复扣款 {OTHER_MARKER}")

    me = client(server, "USER123")
    thread = me.threads.create()["thread_id"]
    values = say(me, thread, f"FL123 的状态？我的卡号 {CARD}")
    run = me.runs.list(thread)[0]
    streamed = list(
        me.runs.stream(
            thread,
            "switchboard",
            input={"messages": [{"role": "user", "content": f"FL456 呢 {CARD}"}]},
            stream_mode=["values", "updates"],
        )
    )
    assistant = me.assistants.search()[0]
    answers: dict[str, Any] = {
        "runs.wait": values,
        "runs.stream": [chunk.data for chunk in streamed],
        "threads.search": me.threads.search(),
        "threads.get": me.threads.get(thread),
        "threads.get_state": me.threads.get_state(thread),
        "threads.get_history": me.threads.get_history(thread),
        "runs.list": me.runs.list(thread),
        "runs.get": me.runs.get(thread, run["run_id"]),
        "runs.join": me.runs.join(thread, run["run_id"]),
        "assistants.search": me.assistants.search(),
        "assistants.get": me.assistants.get(assistant["assistant_id"]),
        "assistants.get_graph": me.assistants.get_graph(assistant["assistant_id"]),
        "assistants.get_schemas": me.assistants.get_schemas(assistant["assistant_id"]),
    }
    headers = {"Authorization": f"Bearer {KEYS['USER123']}"}
    for path in (
        f"/threads/{other_thread}",
        f"/threads/{other_thread}/state",
        f"/threads/{other_thread}/history",
    ):
        response = httpx.get(server.url + path, headers=headers)
        assert response.status_code == 404, path
        answers[path] = response.text.replace(other_thread, "<the id sent>")  # its own id echoed back
    for method, path in (("post", "/store/items/search"), ("post", "/runs/crons/search"), ("get", "/info")):
        answers[path] = httpx.request(method.upper(), server.url + path, headers=headers, json={}).text
    for name, answer in answers.items():
        payload = answer if isinstance(answer, str) else json.dumps(answer, ensure_ascii=False, default=str)
        assert not leaks(payload, other_thread), (name, leaks(payload, other_thread), payload[:400])
    # The card was masked before the server stored the run, and the reply shows the last four.
    assert "**** 1111" in json.dumps(answers["runs.get"], ensure_ascii=False)
    assert "FL123" in values["reply"]


def test_checkpoints_on_disk_hold_no_card_and_with_a_key_no_readable_text(walked: Walked) -> None:
    me = client(walked.process, "USER123")
    thread = me.threads.create()["thread_id"]
    say(me, thread, f"disk-check-marker FL789 status, card {CARD}")
    settings = Settings(checkpoint_url=walked.checkpoint_url, _env_file=None)  # type: ignore[call-arg]
    raw = stored_bytes(settings)
    assert raw and CARD.encode() not in raw and CARD.replace(" ", "").encode() not in raw
    if walked.encrypted:
        assert b"disk-check-marker" not in raw and b"FL789" not in raw
    else:  # plain: the same check does see text that is there
        assert b"disk-check-marker" in raw


def test_a_key_over_its_turn_rate_gets_429_with_retry_after(server: ServerProcess) -> None:
    sdk = client(server, "USER789")
    thread = sdk.threads.create()["thread_id"]
    headers = {"Authorization": f"Bearer {KEYS['USER789']}"}
    body = {"assistant_id": "switchboard", "input": {"messages": [{"role": "user", "content": "你好"}]}}
    codes = [
        httpx.post(
            f"{server.url}/threads/{thread}/runs/wait", json=body, headers=headers, timeout=60
        ).status_code
        for _ in range(14)
    ]
    assert codes.count(200) == 12 and codes[-1] == 429
    refused = httpx.post(f"{server.url}/threads/{thread}/runs/wait", json=body, headers=headers, timeout=60)
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    assert "try again in" in refused.json()["detail"]
    # Another key is not affected.
    other = httpx.post(
        f"{server.url}/threads/search", json={}, headers={"Authorization": f"Bearer {KEYS['USER456']}"}
    )
    assert other.status_code == 200
