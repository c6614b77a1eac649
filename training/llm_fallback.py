"""The router's LLM fallback on the dev split's unsure cases.

    OPENAI_API_KEY=... [OPENAI_BASE_URL=...] python -m training.llm_fallback [--limit N] [--json]

The router asks the LLM only when the classifier's confidence is below its threshold. This takes
the dev split's utterances below the threshold, asks the configured LLM each one exactly as the
router does (its prompt and its JSON schema of one label, within the usual per-call timeout), and
compares with the gold label: the share the LLM gets right, the share the classifier's own best
guess gets right on the same utterances (what the LLM must beat), and the share of replies that
were a valid label at all.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from agents.intent_model import load_intent_model
from agents.llm import build_chat_model
from agents.llm_budget import turn_scope
from agents.llm_calls import ask_json
from agents.registry import ROSTER
from agents.router import router_prompt, router_schema
from switchboard.settings import Settings, get_settings
from training.intent import load_rows, split_rows


def unsure_dev_rows(settings: Settings) -> list[tuple[str, str, str]]:
    """(text, gold label, classifier's guess) for the dev rows below the router's threshold."""
    model = load_intent_model(settings.model_dir)
    threshold = settings.router_threshold or model.threshold
    _train, dev = split_rows(load_rows())
    predictions = model.predict_many([row.text for row in dev])
    return [
        (row.text, row.label, p.label)
        for row, p in zip(dev, predictions, strict=True)
        if p.confidence < threshold
    ]


def evaluate(settings: Settings, limit: int = 0) -> dict[str, Any]:
    from langchain_core.messages import HumanMessage, SystemMessage

    chat_model = build_chat_model(settings)
    if chat_model is None:
        raise SystemExit("no LLM configured: set OPENAI_API_KEY (and OPENAI_BASE_URL)")
    rows = unsure_dev_rows(settings)
    rows = rows[:limit] if limit else rows
    system, schema = SystemMessage(router_prompt(ROSTER)), router_schema(ROSTER)
    llm_right = guess_right = valid = 0
    latencies: list[float] = []
    for text, gold, guess in rows:
        started = time.perf_counter()
        with turn_scope(settings.llm_timeout_s, settings.llm_timeout_s):  # one call per utterance
            answer = ask_json(settings, chat_model, "router", [system, HumanMessage(text)], schema)
        latencies.append(time.perf_counter() - started)
        valid += answer is not None
        llm_right += answer is not None and answer["intent"] == gold
        guess_right += guess == gold
    n = len(rows)
    latencies.sort()
    return {
        "model": settings.llm_model,
        "unsure_dev_rows": n,
        "llm_accuracy": round(llm_right / n, 4) if n else None,
        "classifier_guess_accuracy": round(guess_right / n, 4) if n else None,
        "valid_label_share": round(valid / n, 4) if n else None,
        "latency_s": {"p50": round(latencies[n // 2], 2), "max": round(latencies[-1], 2)} if n else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m training.llm_fallback", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--limit", type=int, default=0, help="at most this many utterances (0: all)")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = parser.parse_args(argv)
    result = evaluate(get_settings(), args.limit)
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:28} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
