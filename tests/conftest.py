"""Shared fixtures: a fresh seeded database per test, graphs compiled with an in-memory saver."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from switchboard.settings import Settings
from tools.db import make_engine
from tools.seed import seed_airline


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Unit tests never reach the network: only loopback connections are allowed."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (host.startswith("127.") or host in ("localhost", "::1") or host.startswith("/")):
            raise RuntimeError(f"network access in a test: {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "switchboard.db"


@pytest.fixture
def engine(db_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{db_path}")
    seed_airline(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def settings(tmp_path: Path, db_path: Path) -> Settings:
    return Settings(
        database_url=f"sqlite:///{db_path}",
        checkpoint_url=f"sqlite:///{tmp_path / 'checkpoints.db'}",
        openai_api_key=None,
        _env_file=None,  # type: ignore[call-arg]
    )


@pytest.fixture
def make_graph(settings: Settings, engine: Engine) -> Callable[..., Any]:
    """Compile the assistant over the test database with a fresh in-memory saver."""
    from langgraph.checkpoint.memory import InMemorySaver

    from graphs.assistant import build_graph
    from graphs.services import build_services

    def make(**overrides: Any) -> Any:
        services = build_services(settings, engine=engine, **overrides)
        return build_graph(services).compile(checkpointer=InMemorySaver())

    return make


@pytest.fixture
def thread_id() -> str:
    return f"t-{uuid.uuid4().hex[:10]}"
