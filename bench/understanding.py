"""Turn latency with the semantic layer against the lexical models alone, measured in one run.

    python -m bench.understanding [--turns N]

Every message is distinct (the evaluation dataset's single-turn inputs), so the sentence encoder's
cache never answers: this is the cost of a new message. Both arms run the same graph, database and
guards in the same process; the lexical arm swaps in the TF-IDF router and drops the harm guard.
Reports p50/p95 of a whole turn per arm and their ratio.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

DATASET = Path(__file__).resolve().parents[1] / "evals" / "datasets" / "single_turn.jsonl"


def _inputs(limit: int) -> list[str]:
    texts = []
    for line in DATASET.read_text(encoding="utf-8").splitlines():
        if line.strip() and isinstance(text := json.loads(line).get("input"), str) and text.strip():
            texts.append(text)
    return list(dict.fromkeys(texts))[:limit]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


def _arm(settings: Any, db: Path, semantic: bool) -> Any:
    from langgraph.checkpoint.memory import InMemorySaver

    from agents.guards import build_input_guard
    from agents.intent_model import load_intent_model
    from graphs.assistant import build_graph
    from graphs.services import build_services
    from tools.db import make_engine

    overrides: dict[str, Any] = {"engine": make_engine(f"sqlite:///{db}")}
    if not semantic:
        guard = build_input_guard(settings)
        guard.guards = guard.guards[:2]  # injection and abuse: the harm guard is the semantic one
        overrides.update(intent_model=load_intent_model(settings.model_dir), input_guard=guard)
    services = build_services(settings, **overrides)
    return build_graph(services).compile(checkpointer=InMemorySaver())


def run(turns: int) -> dict[str, Any]:
    from graphs.runner import run_turn
    from switchboard.settings import get_settings
    from tools.db import make_engine
    from tools.seed import seed_airline

    settings = get_settings()
    texts = _inputs(turns)
    with tempfile.TemporaryDirectory(prefix="bench-understanding-") as tmp:
        template = Path(tmp) / "template.db"
        engine = make_engine(f"sqlite:///{template}")
        seed_airline(engine)
        engine.dispose()
        report: dict[str, Any] = {"turns": len(texts)}
        arms = {}
        for name in ("lexical", "semantic"):
            db = Path(tmp) / f"{name}.db"
            shutil.copyfile(template, db)
            arms[name] = _arm(settings, db, semantic=name == "semantic")
            run_turn(
                arms[name], user_id="USER123", thread_id=f"w-{uuid.uuid4().hex[:6]}", text="warm up 热身"
            )
        times: dict[str, list[float]] = {"lexical": [], "semantic": []}
        for text in texts:  # interleaved: both arms see the same load
            for name, graph in arms.items():
                start = time.perf_counter()
                run_turn(graph, user_id="USER123", thread_id=f"b-{uuid.uuid4().hex[:8]}", text=text)
                times[name].append((time.perf_counter() - start) * 1000)
        for name, values in times.items():
            report[name] = {
                "p50_ms": round(_percentile(values, 50), 2),
                "p95_ms": round(_percentile(values, 95), 2),
            }
        report["ratio_p50"] = round(report["semantic"]["p50_ms"] / report["lexical"]["p50_ms"], 2)
        report["ratio_p95"] = round(report["semantic"]["p95_ms"] / report["lexical"]["p95_ms"], 2)
        return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.understanding", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--turns", type=int, default=150, help="distinct messages per arm")
    args = parser.parse_args(argv)
    print(json.dumps(run(args.turns), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
