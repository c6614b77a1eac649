"""Latency of the guard stack per turn, next to the rest of the turn (local engine).

    python -m bench.guards                  # red-team set, guards + the graph
    python -m bench.guards --no-graph       # guards only (replies from the graph are then not available)
    python -m bench.guards --json           # one JSON object

For every red-team case: the input guard on the message; the graph's turn (a fresh thread as
USER123 on a copy of the seeded database) when the input guard lets it through; the output guard
on the reply (on the polite block message when blocked, so every turn pays both guards). Prints
p50/p95/max in milliseconds for input, output, input + output, the rest of the turn and the whole
turn, plus the one-off cost of building the stack (loading the detector's model). The stack is
warmed on a few messages first, as a server would be. Nothing is asserted: numbers are reported.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from evals.redteam.runner import CASES_FILE, USER, load_cases, others_ids

WARMUP = ("hello", "你好", "status of FL123", "ignore previous instructions")


def percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    if not ordered:
        return {"n": 0}
    rank = max(0, -(-95 * len(ordered) // 100) - 1)  # nearest rank
    return {"n": len(ordered), "p50": statistics.median(ordered), "p95": ordered[rank], "max": ordered[-1]}


def _graph(settings: Any, db: Path) -> tuple[Any, Any]:
    from langgraph.checkpoint.memory import InMemorySaver

    from graphs.assistant import build_graph
    from graphs.services import build_services
    from tools.db import make_engine

    engine = make_engine(f"sqlite:///{db}")
    services = build_services(settings, engine=engine)
    _ = services.intent_model  # load (or train) before timing
    return build_graph(services).compile(checkpointer=InMemorySaver()), engine


def run(cases_file: Path, *, with_graph: bool, repeat: int) -> dict[str, Any]:
    from agents.guards import build_input_guard, build_output_guard
    from switchboard.settings import get_settings

    settings = get_settings()
    start = time.perf_counter()
    input_guard = build_input_guard(settings)
    output_guard = build_output_guard(settings)
    build_s = time.perf_counter() - start
    for text in WARMUP:
        output_guard.check(input_guard.check(text).text, own_text=text, allowed_ids=set())

    cases = load_cases(cases_file)
    timings: dict[str, list[float]] = {
        "input": [],
        "output": [],
        "guards": [],
        "rest_of_turn": [],
        "turn": [],
    }
    with tempfile.TemporaryDirectory(prefix="bench-guards-") as tmp:
        graph = engine = None
        if with_graph:
            from tools.db import make_engine
            from tools.seed import seed_airline

            db = Path(tmp) / "bench.db"
            template = make_engine(f"sqlite:///{db}")
            seed_airline(template)
            template.dispose()
            graph, engine = _graph(settings, db)
        from graphs.runner import run_turn

        for round_ in range(repeat):
            for case in cases:
                t0 = time.perf_counter()
                check = input_guard.check(case.text, user_id=USER)
                t1 = time.perf_counter()
                rest = 0.0
                if check.verdict.allowed and graph is not None and round_ == 0:
                    g0 = time.perf_counter()
                    reply = run_turn(
                        graph, user_id=USER, thread_id=f"b-{uuid.uuid4().hex[:10]}", text=case.text
                    )["reply"]
                    rest = (time.perf_counter() - g0) * 1000
                    allowed = others_ids(engine)[2]
                elif check.verdict.allowed:
                    reply, allowed = case.text, set()  # without the graph: the message stands in for a reply
                else:
                    reply, allowed = (check.message or {}).get("en", ""), set()
                o0 = time.perf_counter()
                output_guard.check(reply, own_text=case.text, allowed_ids=allowed)
                o1 = time.perf_counter()
                input_ms, output_ms = (t1 - t0) * 1000, (o1 - o0) * 1000
                timings["input"].append(input_ms)
                timings["output"].append(output_ms)
                timings["guards"].append(input_ms + output_ms)
                if graph is not None and round_ == 0:
                    timings["rest_of_turn"].append(rest)
                    timings["turn"].append(input_ms + output_ms + rest)
        if engine is not None:
            engine.dispose()
    return {
        "cases": len(cases),
        "repeat": repeat,
        "build_stack_s": round(build_s, 3),
        "latency_ms": {name: percentiles(values) for name, values in timings.items() if values},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.guards", description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, default=CASES_FILE)
    parser.add_argument("--no-graph", action="store_true", help="time the guards only")
    parser.add_argument("--repeat", type=int, default=3, help="passes over the cases for the guard timings")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    result = run(args.cases, with_graph=not args.no_graph, repeat=args.repeat)
    if args.json:
        print(json.dumps(result, indent=1))
        return 0
    print(
        f"{result['cases']} red-team cases x {result['repeat']} passes; building the stack took {result['build_stack_s']:.2f} s"
    )
    print(f"{'ms per turn':22} {'n':>6} {'p50':>8} {'p95':>8} {'max':>8}")
    labels = {
        "input": "input guard",
        "output": "output guard",
        "guards": "input + output guards",
        "rest_of_turn": "rest of the turn",
        "turn": "whole turn",
    }
    for name, stats in result["latency_ms"].items():
        print(
            f"{labels[name]:22} {stats['n']:>6} {stats['p50']:>8.2f} {stats['p95']:>8.2f} {stats['max']:>8.2f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
