"""Helpers for tests that build their own databases."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from switchboard.clock import Clock
from tools.db import make_engine

# The tests' seed date (today in the default time zone when the run starts: the demo data lives
# in the present) and the frozen instant their clocks show: 09:00 that morning.
SEED_DATE = Clock().today()
FROZEN_NOW = f"{SEED_DATE.isoformat()}T09:00:00"


def frozen_clock(at: str = FROZEN_NOW) -> Clock:
    """A clock stopped at `at` (naive: in the default time zone)."""
    return Clock(frozen=at)


def free_seat(engine: Engine, flight_number: str, flight_date: str, cabin: str = "economy") -> str:
    """A seat still free on that departure: the seeded passengers' seats change with the seed date
    (today), so a seat written into a test is taken on some days."""
    from tools.airline import AirlineService

    seats = AirlineService(engine, frozen_clock()).seat_map(flight_number, flight_date).seats
    # From the back, as the tests' seats were ("30F"): a short one such as "8A" said alone is another
    # test's subject.
    return next(s.seat for s in reversed(seats) if s.free and s.cabin == cabin and s.position == "window")


if TYPE_CHECKING:
    from bench.server_process import ServerProcess


def sqlite_copy(template: Path, target: Path, **engine_kwargs: Any) -> Engine:
    """An engine over a copy of a seeded SQLite file (much cheaper than seeding again)."""
    shutil.copyfile(template, target)
    return make_engine(f"sqlite:///{target}", **engine_kwargs)


@contextmanager
def server_on_seeded_copy(
    seeded: Path, workdir: Path, keys: dict[str, str], extra_env: dict[str, str] | None = None
) -> Iterator[ServerProcess]:
    """A `langgraph dev` server over a copy of the seeded database, one API key per user."""
    shutil.copyfile(seeded, workdir / "app.db")
    env = {
        "SWITCHBOARD_DATABASE_URL": f"sqlite:///{workdir / 'app.db'}",
        "SWITCHBOARD_CHECKPOINT_URL": f"sqlite:///{workdir / 'checkpoints.db'}",
        "SWITCHBOARD_API_KEYS": ",".join(f"{key}:{user}" for user, key in keys.items()),
        "OPENAI_API_KEY": "",
        **(extra_env or {}),
    }
    from bench.server_process import langgraph_server

    with langgraph_server(workdir, env) as process:
        yield process


@contextmanager
def app_engine(server: ServerProcess) -> Iterator[Engine]:
    """An engine over the application database a test server uses."""
    engine = make_engine(f"sqlite:///{server.workdir / 'app.db'}")
    try:
        yield engine
    finally:
        engine.dispose()
