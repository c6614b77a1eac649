"""`switchboard sql`: inventory text-to-SQL (placeholder until its issue lands)."""

from switchboard.commands._unavailable import register_unavailable


def register(subparsers):  # type: ignore[no-untyped-def]
    register_unavailable(subparsers, "sql", "inventory text-to-SQL")
