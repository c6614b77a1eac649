"""The assembled assistant for a process: services, graph and checkpointer from settings."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import inspect

from graphs.assistant import build_graph
from graphs.checkpoint import open_checkpointer
from graphs.services import Services, build_services
from switchboard.settings import Settings


def ensure_seeded(services: Services) -> None:
    """A fresh clone works at once: the demo data is created on first use."""
    tables = set(inspect(services.engine).get_table_names())
    if "bookings" not in tables:
        from tools.seed import seed_airline

        seed_airline(services.engine, reset=False)
    if "vehicles" not in tables:
        from tools.inventory.seed import seed_inventory

        seed_inventory(services.engine, reset=False)


@contextmanager
def open_assistant(settings: Settings, **overrides: Any) -> Iterator[Any]:
    """The compiled assistant graph with the configured checkpointer."""
    services = build_services(settings, **overrides)
    ensure_seeded(services)
    with open_checkpointer(settings.checkpoint_url) as checkpointer:
        yield build_graph(services).compile(checkpointer=checkpointer)
