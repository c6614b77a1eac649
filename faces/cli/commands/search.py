"""`switchboard search [--json] [--reindex] "question"`: answer from the knowledge base.

Prints the answer and its sources, or with --json exactly
`{"answer": str, "sources": [{"doc_id", "title", "score", "snippet"}]}`. `--reindex` re-reads
`knowledge_base/` (drop a Markdown file there, then run it) and prints what was added, changed
and removed; the index is also built automatically on first use.
"""

from __future__ import annotations

import argparse
import json
import sys

from switchboard.errors import InputError
from switchboard.settings import get_settings
from switchboard.text import detect_language


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "search", help="answer a policy or price-list question from the knowledge base"
    )
    parser.add_argument("question", nargs="?", help="the question, in Chinese or English")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--reindex", action="store_true", help="re-read knowledge_base/ and update the index first"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    settings = get_settings()
    if args.question is None and not args.reindex:
        raise InputError("a question is required (or --reindex)")
    if args.question is not None:
        from tools.knowledge.query import validate_question

        validate_question(args.question, settings.max_input_chars)

    from agents import knowledge
    from agents.llm import build_chat_model

    agent = knowledge.build_knowledge_agent(settings, build_chat_model(settings))
    if args.reindex:
        report = agent.reindex()
        # With --json and a question, stdout is reserved for the answer object.
        out = sys.stderr if (args.json and args.question is not None) else sys.stdout
        if args.json and args.question is None:
            fields = ("added", "changed", "removed", "unchanged", "embedded")
            print(json.dumps({f: getattr(report, f) for f in fields}, ensure_ascii=False), file=out)
        else:
            for line in report.lines():
                print(line, file=out)
    if args.question is None:
        return 0

    from switchboard.ratelimit import shared_limiter

    language = detect_language(args.question) or "en"
    # A knowledge question is a turn of the default user, limited like on every face.
    with shared_limiter(settings).admit(settings.default_user_id, "turn"):
        result = agent.answer(args.question, language)
    if args.json:
        payload = {"answer": result.answer, "sources": [s.model_dump() for s in result.sources]}
        print(json.dumps(payload, ensure_ascii=False))
        return 0
    print(result.answer)
    if result.sources:
        print("\n" + ("来源：" if language == "zh" else "Sources:"))
        for source in result.sources:
            heading = source.snippet.split("\n", 1)[0]
            print(f"  [{source.doc_id}] {source.title} - {heading} (score {source.score:.2f})")
    return 0
