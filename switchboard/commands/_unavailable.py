"""Placeholder for commands whose capability has not landed yet: a plain one-line error."""

from __future__ import annotations

import argparse
import sys


def register_unavailable(subparsers: argparse._SubParsersAction, name: str, help_text: str) -> None:
    parser = subparsers.add_parser(name, help=f"{help_text} (not available yet)")
    parser.add_argument("rest", nargs=argparse.REMAINDER)

    def handler(_args: argparse.Namespace) -> int:
        print(f"switchboard {name}: error: {help_text} is not available yet", file=sys.stderr)
        return 2

    parser.set_defaults(handler=handler)
