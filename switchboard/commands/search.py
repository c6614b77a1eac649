"""`switchboard search`: knowledge search (placeholder until its issue lands)."""

from switchboard.commands._unavailable import register_unavailable


def register(subparsers):  # type: ignore[no-untyped-def]
    register_unavailable(subparsers, "search", "knowledge search")
