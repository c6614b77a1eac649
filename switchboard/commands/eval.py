"""`switchboard eval`: evaluation runs (placeholder until its issue lands)."""

from switchboard.commands._unavailable import register_unavailable


def register(subparsers):  # type: ignore[no-untyped-def]
    register_unavailable(subparsers, "eval", "evaluation runs")
