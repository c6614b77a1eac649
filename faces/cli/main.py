"""The `switchboard` command: one subcommand per module of `faces.cli.commands`.

Each command module has `register(subparsers)`, which adds its parser and sets `handler`, a
function of the parsed arguments returning the exit code. Modules are imported lazily per
command so that `switchboard chat` does not pay for the evaluation or MCP stacks.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from faces.tracing import bounded_tracing
from switchboard.errors import SwitchboardError
from switchboard.face import acting_face
from switchboard.logs import configure_logging
from switchboard.settings import get_settings

COMMANDS = (
    "chat",
    "history",
    "voice",
    "seed",
    "sql",
    "search",
    "eval",
    "mcp",
    "bench",
    "gc",
    "audit",
    "protect",
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # One line on stderr and exit 2, as every subcommand promises for bad input.
        self.exit(2, f"{self.prog}: error: {message}\n")


def _build_parser(command: str | None) -> argparse.ArgumentParser:
    parser = _Parser(prog="switchboard", description="Switchboard customer-service assistant")
    subparsers = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name in COMMANDS:
        if command in (None, name):
            importlib.import_module(f"faces.cli.commands.{name}").register(subparsers)
        else:
            subparsers.add_parser(name)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    command = argv[0] if argv and argv[0] in COMMANDS else None
    args = _build_parser(command).parse_args(argv)
    try:
        configure_logging(get_settings())
        with bounded_tracing(), acting_face("cli"):
            return int(args.handler(args) or 0)
    except SwitchboardError as exc:
        print(f"switchboard {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
