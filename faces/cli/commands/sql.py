"""`switchboard sql [--json] "question"`: ask the vehicle inventory in Chinese or English.

Prints the reply (a sentence and a small table), or with --json one object:
`{"sql", "columns", "rows", "attempts", "status", "reply"}` (CONTRACTS §2 plus status and reply;
`sql` is null when nothing ran, e.g. a refused request). Exit codes: 0 answered; 1 understood but
not answered (refused, needs_info, failed; the JSON/reply says why); 2 bad input (empty, longer
than the limit, binary) or over the rate limit ("too many turns: try again in N s"). An empty database is seeded with the 5,000-vehicle demo stock on first
use so that a fresh clone works.
"""

from __future__ import annotations

import argparse
import json
import re
import sys

from switchboard.errors import InputError

_SURROGATES = re.compile(r"[\ud800-\udfff]")  # undecodable bytes in argv (surrogateescape)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("sql", help="ask the vehicle inventory (text-to-SQL, read-only)")
    parser.add_argument("question", nargs="?", help='e.g. "在库的比亚迪有几辆？" or "top 5 by guide price"')
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the reply")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from switchboard.settings import get_settings
    from tools.inventory.pipeline import check_question

    settings = get_settings()
    question = args.question
    if question is None:
        raise InputError('a question is required, e.g. switchboard sql "How many BYDs are in stock?"')
    if _SURROGATES.search(question):
        raise InputError("the question is not valid text (binary input)")
    check_question(question, settings.max_input_chars)

    from agents.inventory import build_inventory_agent
    from agents.llm import build_chat_model
    from switchboard.text import detect_language
    from tools.db import get_engine
    from tools.inventory.seed import inventory_ready, seed_inventory

    engine = get_engine(settings.database_url)
    if not inventory_ready(engine):
        counts = seed_inventory(engine, reset=False)
        print(
            f"switchboard sql: the inventory was empty; seeded {counts['vehicles']:,} demo vehicles",
            file=sys.stderr,
        )
    from switchboard.ratelimit import shared_limiter

    agent = build_inventory_agent(settings, engine=engine, chat_model=build_chat_model(settings))
    # An inventory question is a turn of the default user (the CLI acts as it), limited like
    # on every face; across processes with a redis:// SWITCHBOARD_RATE_LIMIT_STORAGE.
    with shared_limiter(settings).admit(settings.default_user_id, "turn"):
        answer = agent.answer(question, detect_language(question) or "en")
    if args.json:
        payload = {
            "sql": answer.sql,
            "columns": answer.columns,
            "rows": answer.rows,
            "attempts": len(answer.attempts),
            "status": answer.status,
            "reply": answer.reply,
        }
        print(json.dumps(payload, ensure_ascii=False))
    else:
        print(answer.reply)
    return 0 if answer.status == "completed" else 1
