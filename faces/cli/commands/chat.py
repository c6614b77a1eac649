"""`switchboard chat`: talk to the assistant in the terminal, or run one turn (`--json`)."""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from typing import TYPE_CHECKING, Any

from switchboard.errors import InputError

if TYPE_CHECKING:
    from graphs.runner import TurnResult
    from switchboard.ratelimit import UserLimiter

PROMPT = "you> "
HELP = "Type a message; /new starts a new conversation, /quit (or Ctrl-D) leaves."


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("chat", help="chat with the assistant")
    parser.add_argument(
        "message", nargs="?", help="one message to send ('-' reads it from stdin); omit for interactive chat"
    )
    parser.add_argument("--user", help="user id (default: SWITCHBOARD_DEFAULT_USER_ID, USER123)")
    parser.add_argument("--thread", help="conversation id; reuse it to continue a conversation")
    parser.add_argument("--json", action="store_true", help="print the turn as one JSON object")
    parser.add_argument(
        "--from",
        dest="from_checkpoint",
        metavar="CHECKPOINT",
        help="continue the thread from this earlier checkpoint (see `switchboard history`) as a new "
        "branch; the database is not rewound",
    )
    parser.set_defaults(handler=run)


def _read_message(argument: str) -> str:
    if argument != "-":
        return argument
    data = sys.stdin.buffer.read()
    return data.decode("utf-8", errors="surrogateescape")


def run(args: argparse.Namespace) -> int:
    from graphs.app import open_assistant
    from graphs.checkpoint import thread_turn_lock
    from graphs.runner import run_turn, validate_ids
    from switchboard.settings import get_settings

    settings = get_settings()
    user = settings.default_user_id if args.user is None else args.user
    thread = args.thread or uuid.uuid4().hex[:12]
    validate_ids(user, thread)
    if args.message is None and args.json:
        raise InputError("--json needs a message")
    if args.from_checkpoint is not None and not args.thread:
        raise InputError("--from needs the --thread the checkpoint belongs to")
    from switchboard.ratelimit import shared_limiter

    limiter = shared_limiter(settings)  # shared across processes with a redis:// storage
    message = None if args.message is None else _read_message(args.message)
    if message is not None and not message.strip():
        raise InputError("the message is empty")
    with open_assistant(settings) as graph:
        if message is not None:

            def show(result: TurnResult) -> None:
                # Shown as soon as it is final, before the turn is saved (see `run_turn`).
                print(json.dumps(result, ensure_ascii=False) if args.json else result["reply"], flush=True)

            with limiter.admit(user, "turn"), thread_turn_lock(settings.checkpoint_url, thread):
                run_turn(
                    graph,
                    user_id=user,
                    thread_id=thread,
                    text=message,
                    on_reply=show,
                    from_checkpoint=args.from_checkpoint,
                )
            return 0
        if args.from_checkpoint is not None:
            from graphs.history import fork

            with thread_turn_lock(settings.checkpoint_url, thread):
                fork(graph, user_id=user, thread_id=thread, checkpoint_id=args.from_checkpoint)
            print(f"(conversation {thread} goes on from checkpoint {args.from_checkpoint}, as a new branch)")
        return _interactive(graph, user, thread, limiter)


def _interactive(graph: Any, user: str, thread: str, limiter: UserLimiter) -> int:
    from graphs.runner import run_turn
    from switchboard.errors import RateLimited

    print(f"Switchboard — user {user}, conversation {thread}. {HELP}")
    while True:
        try:
            line = input(PROMPT)
        except EOFError:
            print()
            return 0
        command = line.strip().lower()
        if command in ("/quit", "/exit"):
            return 0
        if command == "/new":
            thread = uuid.uuid4().hex[:12]
            print(f"(new conversation {thread})")
            continue
        if not line.strip():
            continue
        try:
            with limiter.admit(user, "turn"):
                run_turn(graph, user_id=user, thread_id=thread, text=line, on_reply=_show)
        except (InputError, RateLimited) as exc:
            print(f"error: {exc}")


def _show(result: TurnResult) -> None:
    print(f"bot> {result['reply']}", flush=True)
    if result["task_status"] == "awaiting_confirmation":
        print("     (answer yes or no)", flush=True)
