"""`switchboard seed`: (re)create the demo databases (airline desk and vehicle inventory)."""

from __future__ import annotations

import argparse
import json
from datetime import date


def _vehicle_count(value: str) -> int:
    try:
        count = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if not 0 <= count <= 5_000_000:
        raise argparse.ArgumentTypeError("must be between 0 and 5,000,000")
    return count


def _seed_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("seed", help="(re)create the demo databases")
    parser.add_argument(
        "--vehicles", type=_vehicle_count, default=5000, help="vehicles in the inventory (default 5000)"
    )
    parser.add_argument(
        "--date",
        type=_seed_date,
        default=None,
        help="first day of the timetable, YYYY-MM-DD (default: today in SWITCHBOARD_TIME_ZONE)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from switchboard.settings import get_settings
    from tools.db import get_engine
    from tools.seed import seed_airline

    settings = get_settings()
    engine = get_engine(settings.database_url)
    counts = seed_airline(engine, reset=True, today=args.date or settings.clock().today())
    try:
        from tools.inventory.seed import seed_inventory
    except ImportError:
        pass  # the inventory capability is not installed yet
    else:
        counts.update(seed_inventory(engine, args.vehicles, reset=True))
    print(json.dumps(counts))
    return 0
