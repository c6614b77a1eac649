"""Shared fixtures: a fresh seeded database per test, graphs compiled with an in-memory saver."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from switchboard.settings import Settings, get_settings
from tests.helpers import FROZEN_NOW, SEED_DATE, sqlite_copy
from tools.db import make_engine
from tools.inventory.seed import seed_inventory
from tools.seed import seed_airline

# Third-party telemetry (DeepEval's) stays off in tests whatever the environment says, and no name
# outside this machine is even looked up: a background thread flushing at exit is covered too.
os.environ["DEEPEVAL_TELEMETRY_OPT_OUT"] = "1"
_LOCAL_NAMES = ("localhost", "127.0.0.1", "::1", "0.0.0.0", "")
_real_getaddrinfo = socket.getaddrinfo


def _local_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    name = host.decode() if isinstance(host, bytes) else str(host or "")
    if name not in _LOCAL_NAMES and not name.startswith("127.") and name != socket.gethostname():
        raise socket.gaierror(socket.EAI_NONAME, f"tests do not resolve outside names: {name!r}")
    return _real_getaddrinfo(host, *args, **kwargs)


socket.getaddrinfo = _local_getaddrinfo


@pytest.fixture(scope="session", autouse=True)
def built_models() -> Path:
    """The model directory with every artifact built: what `make install` built, or built here once.

    The build skips every model whose artifact for the current data exists, so after `make install`
    this only checks; a test never trains the product's models again.
    """
    from training.builder import build

    model_dir = Settings(_env_file=None).model_dir  # type: ignore[call-arg]
    build(model_dir)
    return model_dir


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Unit tests never reach the network: only loopback connections are allowed."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (
            host.startswith("127.") or host in ("localhost", "::1") or host.startswith("/")
        ):
            raise RuntimeError(f"network access in a test: {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """Each test starts with empty rate windows (the CLI's limiter lives as long as the process)."""
    from switchboard.ratelimit import clear_shared_limiters

    clear_shared_limiters()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "switchboard.db"


@pytest.fixture(scope="session")
def seeded_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One seeded SQLite file per run; each test gets a copy (cheaper than seeding again)."""
    path = tmp_path_factory.mktemp("seed") / "template.db"
    template = make_engine(f"sqlite:///{path}")
    seed_airline(template, today=SEED_DATE)
    seed_inventory(template, 1000)
    template.dispose()  # the last connection to close checkpoints the WAL into the file
    assert not path.with_name("template.db-wal").exists()
    return path


@pytest.fixture
def engine(seeded_sqlite: Path, db_path: Path) -> Iterator[Engine]:
    engine = sqlite_copy(seeded_sqlite, db_path)
    yield engine
    engine.dispose()


@pytest.fixture
def settings(tmp_path: Path, db_path: Path) -> Settings:
    return Settings(
        database_url=f"sqlite:///{db_path}",
        checkpoint_url=f"sqlite:///{tmp_path / 'checkpoints.db'}",
        openai_api_key=None,
        now=FROZEN_NOW,
        _env_file=None,  # type: ignore[call-arg]
    )


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    """The environment of a `switchboard` process in a test: fresh databases under `tmp_path`, the
    installed models (training them once is enough), no inherited SWITCHBOARD_/OPENAI_ settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SWITCHBOARD_", "OPENAI_"))}
    env.update(
        SWITCHBOARD_DATABASE_URL=f"sqlite:///{tmp_path / 'app.db'}",
        SWITCHBOARD_CHECKPOINT_URL=f"sqlite:///{tmp_path / 'checkpoints.db'}",
        SWITCHBOARD_MODEL_DIR=str(get_settings().model_dir),
        LANGSMITH_TRACING="false",
    )
    return env


@pytest.fixture(scope="session")
def intent_model(built_models: Path) -> Any:
    """The router's trained models (built once by `built_models`), for tests of real routing."""
    from agents.intent_model import load_intent_model

    return load_intent_model(get_settings().model_dir)


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


@contextmanager
def throwaway_pg_database() -> Iterator[str]:
    """A new database on the PostgreSQL server of SWITCHBOARD_TEST_POSTGRES_URL, dropped after.

    Skips when the variable is unset, except in CI (CI=true), where `.ci/run` starts a real
    server and a missing one is a failure.
    """
    server = os.environ.get("SWITCHBOARD_TEST_POSTGRES_URL")
    if not server:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must provide SWITCHBOARD_TEST_POSTGRES_URL (see .ci/run)")
        pytest.skip("SWITCHBOARD_TEST_POSTGRES_URL is not set")
    name = f"switchboard_test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """An empty PostgreSQL database for one test."""
    with throwaway_pg_database() as url:
        yield url


@pytest.fixture(scope="session")
def pg_database_url() -> Iterator[str]:
    """A PostgreSQL database shared by the tests of a run (they reseed it themselves)."""
    with throwaway_pg_database() as url:
        yield url
