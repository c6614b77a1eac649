"""`switchboard audit`: the audit trail of writes (bookings, seat changes, cancellations, complaints).

For an operator: reads the application database directly (`tools.audit`), newest first.
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime

from switchboard.errors import InputError

ACTIONS = ("book_seat", "change_seat", "cancel_booking", "file_complaint")


def _since(value: str) -> datetime:
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO date or time: {value!r}") from None


def _limit(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if not 1 <= number <= 100_000:
        raise argparse.ArgumentTypeError("must be between 1 and 100,000")
    return number


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("audit", help="who wrote what, through which face, when")
    parser.add_argument("--user", help="only this user's records")
    parser.add_argument("--action", choices=ACTIONS, help="only this kind of write")
    parser.add_argument("--since", type=_since, help="only from this date or time on (ISO, UTC)")
    parser.add_argument("--limit", type=_limit, default=100, help="at most this many rows (default 100)")
    parser.add_argument("--json", action="store_true", help="print a JSON list")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from switchboard.identity import USER_ID
    from switchboard.settings import get_settings
    from tools.audit import entries
    from tools.db import get_engine

    if args.user is not None and not USER_ID.match(args.user):
        raise InputError("user id must be 1-128 characters of letters, digits and _.:@-")
    rows = entries(
        get_engine(get_settings().database_url),
        user_id=args.user,
        action=args.action,
        since=args.since,
        limit=args.limit,
    )
    if args.json:
        print(json.dumps([row.as_dict() for row in rows], ensure_ascii=False))
        return 0
    if not rows:
        print("no writes recorded" + (f" for {args.user}" if args.user else ""))
    for row in rows:
        details = ", ".join(f"{k}={v}" for k, v in row.details.items() if v is not None)
        proposal = f" (proposal {row.request_id})" if row.request_id else ""
        print(
            f"{row.at}  {row.user_id:<10} {row.face:<17} {row.action:<15} {row.target:<12} {details}{proposal}"
        )
    return 0
