"""`switchboard history --thread T [--user U] [--json] [--limit N]`: a thread's checkpoints.

One checkpoint per turn, oldest first, each with the message and reply of its turn, the node that
answered, its path through the graph and the proposal left waiting; `chat --from CHECKPOINT`
continues from any of them as a new branch (see `graphs.history`).
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from graphs.history import HistoryEntry

# Characters of a message or reply shown per line of the table (the JSON has them whole).
SHOWN = 72


def _limit(value: str) -> int:
    try:
        count = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if not 1 <= count <= 1000:
        raise argparse.ArgumentTypeError("must be between 1 and 1000")
    return count


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("history", help="list a conversation's checkpoints (one per turn)")
    parser.add_argument("--thread", required=True, help="conversation id")
    parser.add_argument("--user", help="user id (default: SWITCHBOARD_DEFAULT_USER_ID, USER123)")
    parser.add_argument("--json", action="store_true", help="print the checkpoints as a JSON list")
    parser.add_argument("--limit", type=_limit, help="only the newest N checkpoints")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from graphs.app import open_graph, open_services
    from graphs.history import thread_history
    from graphs.runner import validate_ids
    from switchboard.settings import get_settings

    settings = get_settings()
    user = settings.default_user_id if args.user is None else args.user
    validate_ids(user, args.thread)
    services = open_services(settings)
    with open_graph(services) as graph:
        entries = thread_history(
            graph,
            user_id=user,
            thread_id=args.thread,
            applied=services.airline.request_applied,
            limit=args.limit,
        )
    if args.json:
        print(json.dumps(entries, ensure_ascii=False))
    else:
        print(render(entries, args.thread, user))
    return 0


def _short(text: str | None) -> str:
    flat = " ".join((text or "").split())
    return flat if len(flat) <= SHOWN else flat[: SHOWN - 1] + "…"


def render(entries: list[HistoryEntry], thread: str, user: str) -> str:
    """The listing as text: one block per checkpoint, the current one starred."""
    branches = max((e["branch"] for e in entries), default=0)
    lines = [
        f"conversation {thread} of {user}: {len(entries)} checkpoints, {branches} branch"
        f"{'es' if branches != 1 else ''} (* = current; continue from any with "
        f'`switchboard chat --thread {thread} --from CHECKPOINT "message"`)'
    ]
    for entry in entries:
        mark = "*" if entry["current"] else " "
        time = entry["created_at"][:19].replace("T", " ")
        head = f"{mark} {entry['checkpoint_id']}  turn {entry['turn']}  branch {entry['branch']}  step {entry['step']}  {time}"
        lines.append(head)
        if entry["forked_from"]:
            lines.append(f"    branch starts here, from {entry['forked_from']}")
        else:
            lines.append(f"    you> {_short(entry['message'])}")
            lines.append(f"    bot> {_short(entry['reply'])}")
            lines.append(
                f"    {entry['node'] or '-'} · {entry['task_status'] or '-'} · path {' > '.join(entry['path']) or '-'}"
            )
        if pending := entry["pending"]:
            done = " (already carried out: a fork will not redo it)" if pending["applied"] else ""
            waits = "waits for yes/no" if entry["waiting"] else "pending"
            lines.append(f"    {waits}: {pending['kind']} {pending['id']}{done}")
    return "\n".join(lines)
