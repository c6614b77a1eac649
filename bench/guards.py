"""Latency of the guard stack per turn, next to the rest of the turn (local engine).

    python -m bench.guards                  # red-team set through the graph, guards timed inside the turn
    python -m bench.guards --no-graph       # guards only (the message stands in for the reply)
    python -m bench.guards --cases evals/redteam/blind2.jsonl --json

The graph calls the guards itself (the input guard in `ingest`, the write check in the complaint
agent, the output guard in `review`), so the benchmark hands the graph timing proxies of the real
guards: for every red-team case (a fresh thread as USER123 on a copy of the seeded database) it
records the time spent in the whole guard stack during that turn and the rest of the turn (the
turn's wall time minus the guards). Further passes (`--repeat`) time the guards alone on the same
messages and replies, for steadier percentiles. Prints p50/p95/max in milliseconds, plus the
one-off cost of building the stack (loading the three models). The stack is warmed on a few
messages first, as a server would be. Nothing is asserted: numbers are reported.
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


class Clock:
    """Milliseconds spent in the guards since the last reset, split by stage."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = {}

    def reset(self) -> None:
        self.spent = {"input": 0.0, "write": 0.0, "output": 0.0}

    def add(self, stage: str, start: float) -> None:
        self.spent[stage] += (time.perf_counter() - start) * 1000

    @property
    def total(self) -> float:
        return sum(self.spent.values())


class TimedInputGuard:
    """The real input guard, timed (what the graph's `ingest` and the complaint agent call)."""

    def __init__(self, guard: Any, clock: Clock) -> None:
        self.guard, self.clock = guard, clock

    def check(self, raw: str, *, user_id: str | None = None) -> Any:
        start = time.perf_counter()
        try:
            return self.guard.check(raw, user_id=user_id)
        finally:
            self.clock.add("input", start)

    def check_before_write(self, text: str, *, user_id: str | None = None) -> Any:
        start = time.perf_counter()
        try:
            return self.guard.check_before_write(text, user_id=user_id)
        finally:
            self.clock.add("write", start)


class TimedOutputGuard:
    """The real output guard, timed (what the graph's `review` calls)."""

    def __init__(self, guard: Any, clock: Clock) -> None:
        self.guard, self.clock = guard, clock

    def check(self, reply: str, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return self.guard.check(reply, **kwargs)
        finally:
            self.clock.add("output", start)


def _graph(settings: Any, db: Path, input_guard: Any, output_guard: Any) -> tuple[Any, Any]:
    from langgraph.checkpoint.memory import InMemorySaver

    from graphs.assistant import build_graph
    from graphs.services import build_services
    from tools.db import make_engine

    engine = make_engine(f"sqlite:///{db}")
    services = build_services(settings, engine=engine, input_guard=input_guard, output_guard=output_guard)
    _ = services.intent_model  # load before timing
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
    replies: dict[str, tuple[str, set[str]]] = {}
    clock = Clock()
    with tempfile.TemporaryDirectory(prefix="bench-guards-") as tmp:
        graph = engine = None
        if with_graph:
            from graphs.runner import run_turn
            from tools.db import make_engine
            from tools.seed import seed_airline

            db = Path(tmp) / "bench.db"
            template = make_engine(f"sqlite:///{db}")
            seed_airline(template)
            template.dispose()
            graph, engine = _graph(
                settings, db, TimedInputGuard(input_guard, clock), TimedOutputGuard(output_guard, clock)
            )
            for case in cases:
                clock.reset()
                t0 = time.perf_counter()
                result = run_turn(graph, user_id=USER, thread_id=f"b-{uuid.uuid4().hex[:10]}", text=case.text)
                turn = (time.perf_counter() - t0) * 1000
                replies[case.id] = (result["reply"], others_ids(engine)[2])
                timings["input"].append(clock.spent["input"] + clock.spent["write"])
                timings["output"].append(clock.spent["output"])
                timings["guards"].append(clock.total)
                timings["rest_of_turn"].append(turn - clock.total)
                timings["turn"].append(turn)
            engine.dispose()
        for _ in range(repeat - 1 if with_graph else repeat):
            for case in cases:
                t0 = time.perf_counter()
                check = input_guard.check(case.text, user_id=USER)
                t1 = time.perf_counter()
                if case.id in replies:
                    reply, allowed = replies[case.id]
                elif check.verdict.allowed:
                    reply, allowed = case.text, set()  # without the graph: the message stands in for a reply
                else:
                    reply, allowed = (check.message or {}).get("en", ""), set()
                o0 = time.perf_counter()
                output_guard.check(reply, own_text=case.text, allowed_ids=allowed)
                o1 = time.perf_counter()
                timings["input"].append((t1 - t0) * 1000)
                timings["output"].append((o1 - o0) * 1000)
                timings["guards"].append((t1 - t0 + o1 - o0) * 1000)
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
    parser.add_argument(
        "--repeat", type=int, default=3, help="passes over the cases (the first through the graph)"
    )
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
        "input": "input guard (+ write)",
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
