"""`switchboard bench`: the benchmark suite (`bench/suite.py`), a table on stdout and a JSON file."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("bench", help="run the benchmark suite")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (about a minute)")
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("var/bench/suite.json"),
        help="JSON report (default var/bench/suite.json)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from bench.suite import main

    argv = ["--out", str(args.out)] + (["--quick"] if args.quick else [])
    return main(argv)
