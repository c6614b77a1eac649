"""The assembled assistant for a process: services, graph and checkpointer from settings.

The one composition root of every face: `open_assistant` for a face that only needs the graph,
`open_services` + `open_graph` for one that also calls the services directly (the MCP server).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import inspect

from graphs.assistant import build_graph
from graphs.checkpoint import open_checkpointer
from graphs.encryption import serde_for
from graphs.services import Services, build_services
from switchboard.settings import Settings


def ensure_seeded(services: Services) -> None:
    """A fresh clone works at once: the demo data is created on first use, and the timetable of an
    existing database is extended to two weeks ahead of today (a quick check when it is)."""
    from tools.seed import seed_airline

    tables = set(inspect(services.engine).get_table_names())
    seed_airline(services.engine, reset=False, today=services.clock.today())
    if "vehicles" not in tables:
        from tools.inventory.seed import seed_inventory

        seed_inventory(services.engine, reset=False)


def open_services(settings: Settings, **overrides: Any) -> Services:
    """The services of `settings` over seeded databases."""
    services = build_services(settings, **overrides)
    ensure_seeded(services)
    return services


@contextmanager
def open_graph(services: Services) -> Iterator[Any]:
    """The compiled assistant graph over `services`, with the configured checkpointer."""
    settings = services.settings
    with open_checkpointer(settings.checkpoint_url, serde=serde_for(settings)) as checkpointer:
        yield build_graph(services).compile(checkpointer=checkpointer)


@contextmanager
def open_assistant(settings: Settings, **overrides: Any) -> Iterator[Any]:
    """The compiled assistant graph with the configured checkpointer."""
    with open_graph(open_services(settings, **overrides)) as graph:
        yield graph
