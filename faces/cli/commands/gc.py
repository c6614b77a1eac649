"""`switchboard gc [--keep N] [--json]`: prune old checkpoints (see `graphs.retention`)."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict


def _keep(value: str) -> int:
    try:
        count = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if not 1 <= count <= 1_000_000:
        raise argparse.ArgumentTypeError("must be between 1 and 1,000,000")
    return count


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from graphs.retention import DEFAULT_KEEP

    parser = subparsers.add_parser(
        "gc", help="keep the newest N checkpoints of every thread, delete the rest"
    )
    parser.add_argument(
        "--keep",
        type=_keep,
        default=DEFAULT_KEEP,
        help=f"checkpoints kept per thread (default {DEFAULT_KEEP})",
    )
    parser.add_argument("--json", action="store_true", help="print the counts as JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from graphs.retention import prune_checkpoints
    from switchboard.settings import get_settings

    pruned = prune_checkpoints(get_settings().checkpoint_url, keep=args.keep)
    if args.json:
        print(json.dumps(asdict(pruned)))
    else:
        print(
            f"{pruned.checkpoints_deleted} checkpoints deleted; {pruned.checkpoints_kept} kept "
            f"in {pruned.threads} threads (at most {args.keep} each)"
        )
    return 0
