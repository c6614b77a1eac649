"""The benchmark suite behind `switchboard bench`: where a turn's time goes, measured in one run.

Every figure that matters is a ratio against a baseline measured in the same process and the same
run, so a busy or slow machine changes both sides alike:

- a turn through the whole assistant graph against a bare three-node LangGraph graph with the
  same SQLite checkpointer, plus the cost of each stage measured alone;
- growth with conversation length: time and checkpoint size per turn from turn 1 to 200;
- router decisions per second; inventory and knowledge answers; cold start of one CLI turn;
- evaluation throughput with 1 and 2 workers; the production server with 1 and 2 workers against
  a bare graph on the same server (`bench.server_bench`).

Run `python -m bench.suite` or `switchboard bench [--quick] [--out FILE]`.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from bench.baseline import (
    TURNS,
    bare_graph,
    bench_settings,
    percentile,
    summary,
    timed,
    turn_vs_bare,
    workspace,
)
from switchboard.settings import Settings

__all__ = ["bare_graph", "bench_settings", "percentile", "summary", "turn_vs_bare", "workspace"]


def stage_breakdown(settings: Settings, repeat: int) -> dict[str, Any]:
    """Each stage of a turn measured alone; what a whole turn costs beyond them is the framework
    (node scheduling, state merging) and the checkpoint writes."""
    from agents.critic import critique
    from agents.slots import extract
    from graphs.services import build_services
    from tools.db import get_engine

    services = build_services(settings, engine=get_engine(settings.database_url))
    text = "查询航班 FL123 的状态"
    info = services.airline.flight_status("FL123")
    facts = [info.model_dump(mode="json")]
    reply = "航班 FL123（PEK → PVG）状态：准点，计划起飞时间 2025-06-20 14:00。"
    stages: dict[str, Callable[[], Any]] = {
        "input_guard": lambda: services.input_guard.check(text, user_id="BENCH"),
        "router_classifier": lambda: services.intent_model.predict(text),
        "slot_extraction": lambda: extract(text),
        "specialist_tool (flight_status query)": lambda: services.airline.flight_status("FL123"),
        "critic": lambda: critique(reply, facts, "zh", user_text=text),
        "output_guard": lambda: services.output_guard.check(
            reply, own_text=text, allowed_ids=set(), language="zh"
        ),
    }
    for fn in stages.values():  # warm
        fn()
    return {name: summary(timed(fn, repeat)) for name, fn in stages.items()}


def checkpoint_bytes(path: Path, thread_id: str) -> int:
    """Size of the newest checkpoint of a thread and the writes stored with it."""
    import sqlite3

    with sqlite3.connect(path) as conn:
        row = conn.execute(
            "select checkpoint_id, length(checkpoint) + length(metadata) from checkpoints"
            " where thread_id = ? order by checkpoint_id desc limit 1",
            (thread_id,),
        ).fetchone()
        if row is None:
            return 0
        writes = conn.execute(
            "select coalesce(sum(length(value)), 0) from writes where thread_id = ? and checkpoint_id = ?",
            (thread_id, row[0]),
        ).fetchone()[0]
    return int(row[1] + writes)


def growth(settings: Settings, length: int) -> dict[str, Any]:
    """Time and checkpoint size per turn on one thread from turn 1 to `length`."""
    from graphs.app import open_assistant
    from graphs.runner import run_turn

    path = Path(settings.checkpoint_url.removeprefix("sqlite:///"))
    times: list[float] = []
    sizes: list[int] = []
    with open_assistant(settings) as graph:
        run_turn(graph, user_id="BENCH2", thread_id="warm-growth", text="hello")
        for i in range(length):
            start = time.perf_counter()
            run_turn(graph, user_id="BENCH2", thread_id="growth", text=TURNS[i % len(TURNS)])
            times.append(time.perf_counter() - start)
            sizes.append(checkpoint_bytes(path, "growth"))

    def window(center: int) -> float:
        # Median of a window of turns around `center` (1-based): single turns are noisy.
        lo, hi = max(0, center - 6), min(len(times), center + 5)
        return statistics.median(times[lo:hi])

    early, late = min(10, length), length
    return {
        "turns": length,
        "turn10_ms": round(window(early) * 1000, 3),
        f"turn{late}_ms": round(window(late) * 1000, 3),
        "late_vs_early": round(window(late) / window(early), 3),
        "checkpoint_bytes_turn10": sizes[early - 1],
        f"checkpoint_bytes_turn{late}": sizes[-1],
        "per_turn_ms": [round(t * 1000, 3) for t in times],
        "checkpoint_bytes": sizes,
    }


def router_throughput(settings: Settings, repeat: int) -> dict[str, Any]:
    from agents.intent_model import load_intent_model

    model = load_intent_model(settings.model_dir)
    texts = [*TURNS, "在库的比亚迪有几辆？", "可以带充电宝上飞机吗", "写一首诗", "refund my ticket please"]
    model.predict(texts[0])
    times = timed(lambda: [model.predict(t) for t in texts], repeat)
    per_decision = [t / len(texts) for t in times]
    return {**summary(per_decision), "decisions_per_s": round(len(texts) * repeat / sum(times))}


def inventory_and_search(settings: Settings, repeat: int) -> dict[str, Any]:
    from agents.inventory import build_inventory_agent
    from agents.knowledge import build_knowledge_agent
    from tools.db import get_engine
    from tools.inventory.seed import seed_inventory

    engine = get_engine(settings.database_url)
    seed_inventory(engine, 5000, reset=False)
    inventory = build_inventory_agent(settings, engine=engine)
    knowledge = build_knowledge_agent(settings)
    questions = ["在库的比亚迪有几辆？", "top 5 by guide price", "各城市特斯拉的平均指导价"]
    searches = ["可以带充电宝上飞机吗", "What is the baggage allowance in economy?", "儿童安全座椅多少钱"]
    for q in questions:
        inventory.answer(q, "zh")
    for q in searches:
        knowledge.answer(q, "zh")
    sql_times = [t for q in questions for t in timed(partial(inventory.answer, q, "zh"), repeat)]
    search_times = [t for q in searches for t in timed(partial(knowledge.answer, q, "zh"), repeat)]
    return {
        "text_to_sql_5000_vehicles": summary(sql_times),
        "knowledge_search_10_docs": summary(search_times),
    }


def cold_start(folder: Path, runs: int) -> dict[str, Any]:
    """Wall time of `switchboard chat --json` for one turn in a new process (databases existing)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SWITCHBOARD_", "OPENAI_"))}
    env.update(
        SWITCHBOARD_DATABASE_URL=f"sqlite:///{folder / 'app.db'}",
        SWITCHBOARD_CHECKPOINT_URL=f"sqlite:///{folder / 'checkpoints.db'}",
        LANGSMITH_TRACING="false",
    )
    command = [str(Path(sys.executable).with_name("switchboard")), "chat", "--json", "--thread"]
    times = []
    for i in range(runs):
        start = time.perf_counter()
        subprocess.run(
            [*command, f"cold-{i}", "查询航班 FL123 的状态"],
            env=env,
            check=True,
            capture_output=True,
            timeout=120,
        )
        times.append(time.perf_counter() - start)
    return {"runs_s": [round(t, 3) for t in times], "median_s": round(statistics.median(times), 3)}


def eval_throughput(settings: Settings, workers: tuple[int, ...] = (1, 2)) -> dict[str, Any]:
    """Cases per second of an evaluation run of the quick dataset with 1 and N worker processes."""
    from evals.harness.dataset import DATASET_DIR, QUICK_DATASET, load_dataset
    from evals.harness.runner import run_cases

    cases = load_dataset([DATASET_DIR / QUICK_DATASET])
    result: dict[str, Any] = {"cases": len(cases)}
    for count in workers:
        _runs, stats = run_cases(cases, settings, workers=count, progress=False, quiet_logs=True)
        result[f"workers_{count}"] = stats.as_dict()
    return result


def server_load() -> dict[str, Any]:
    """The production server (langhost, PostgreSQL + Redis) against a bare graph on it, 1 and 2
    workers, 1 and 8 conversations at once (bench.server_bench; more levels: run it directly)."""
    from bench.server_bench import run as run_server_bench

    return run_server_bench(
        workers=[1, 2],
        levels=[1, 8],
        turns=5,
        jobs=10,
        postgres_url=os.environ.get("SWITCHBOARD_BENCH_POSTGRES_URL"),
        redis_url=os.environ.get("SWITCHBOARD_BENCH_REDIS_URL"),
    )


def run(quick: bool = False) -> dict[str, Any]:
    repeat = 30 if quick else 120
    with workspace() as folder:
        settings = bench_settings(folder)
        report: dict[str, Any] = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]}}
        # Twice the turns of the other measures: its ratio is the one a busy machine moves most.
        report["turn"] = turn_vs_bare(settings, turns=2 * repeat)
        report["stages"] = stage_breakdown(settings, repeat=repeat * 5)
        report["growth"] = growth(settings, length=60 if quick else 200)
        report["router"] = router_throughput(settings, repeat=repeat)
        report["inventory_and_search"] = inventory_and_search(settings, repeat=5 if quick else 20)
        report["cold_start"] = cold_start(folder, runs=2 if quick else 5)
        report["evaluation"] = eval_throughput(settings)
        # Starting a server takes tens of seconds: the quick run leaves it out.
        report["server"] = None if quick else server_load()
    growth_key = "late_vs_early"
    report["turn_ratio_vs_bare_langgraph"] = report["turn"]["ratio_p50"]
    report["overhead_ratio_vs_bare_langgraph"] = report["turn"]["overhead_ratio_p50"]
    report["turn200_vs_turn10"] = report["growth"][growth_key]
    report["cold_start_s"] = report["cold_start"]["median_s"]
    return report


def table(report: dict[str, Any]) -> str:
    turn, growth_ = report["turn"], report["growth"]
    spread = turn["overhead_ratio_spread"]
    lines = [
        f"{'measure':46} {'value':>24}",
        f"{'turn, assistant p50 / p95 (ms)':46} {turn['assistant']['p50_ms']:>11} / {turn['assistant']['p95_ms']:<10}",
        f"{'turn, bare 3-node LangGraph p50 / p95 (ms)':46} {turn['bare_langgraph']['p50_ms']:>11} / {turn['bare_langgraph']['p95_ms']:<10}",
        f"{'turn ratio vs bare (p50 / p95)':46} {turn['ratio_p50']:>11} / {turn['ratio_p95']:<10}",
        f"{'turn without models p50 (ms) / vs bare':46} {turn['assistant_without_models']['p50_ms']:>11} / {turn['overhead_ratio_p50']:<10}",
        f"{'  same ratio, lowest / highest of 6 stretches':46} {spread['block_min']:>11} / {spread['block_max']:<10}",
        f"{'  turn by turn, p25 / p50 / p75':46} {' / '.join(str(v) for v in spread['turn_by_turn_p25_p50_p75']):>24}",
        f"{'  CPU outside models / bare graph CPU p50 (ms)':46} {turn['cpu']['assistant_without_models_p50_ms']:>11} / {turn['cpu']['bare_langgraph_p50_ms']:<10}",
        f"{'  load average before / after':46} {' / '.join(str(v) for v in turn['load_average_before_after']):>24}",
    ]
    for name, stats in report["stages"].items():
        lines.append(f"{'  stage ' + name + ' p50 (ms)':46} {stats['p50_ms']:>24}")
    late = growth_["turns"]
    lines += [
        f"{f'turn 10 / turn {late} median (ms)':46} {growth_['turn10_ms']:>11} / {growth_[f'turn{late}_ms']:<10}",
        f"{f'turn {late} vs turn 10':46} {growth_['late_vs_early']:>24}",
        f"{f'checkpoint bytes turn 10 / turn {late}':46} {growth_['checkpoint_bytes_turn10']:>11} / {growth_[f'checkpoint_bytes_turn{late}']:<10}",
        f"{'router decisions/s (p95 ms)':46} {report['router']['decisions_per_s']:>11} / {report['router']['p95_ms']:<10}",
        f"{'text-to-SQL p50 / p95 (ms, 5,000 vehicles)':46} {report['inventory_and_search']['text_to_sql_5000_vehicles']['p50_ms']:>11} / {report['inventory_and_search']['text_to_sql_5000_vehicles']['p95_ms']:<10}",
        f"{'knowledge search p50 / p95 (ms)':46} {report['inventory_and_search']['knowledge_search_10_docs']['p50_ms']:>11} / {report['inventory_and_search']['knowledge_search_10_docs']['p95_ms']:<10}",
        f"{'cold start, one CLI turn (s, median)':46} {report['cold_start']['median_s']:>24}",
    ]
    evaluation = report["evaluation"]
    for key in sorted(k for k in evaluation if k.startswith("workers_")):
        label = f"evaluation cases/s, {key.split('_')[1]} worker(s) (steady)"
        lines.append(
            f"{label:46} {evaluation[key]['cases_per_s']:>11} / {evaluation[key]['steady_cases_per_s']:<10}"
        )
    if report["server"]:
        from bench.server_bench import table as server_table

        lines += ["production server (langhost, PostgreSQL + Redis):", server_table(report["server"])]
    else:
        lines.append(f"{'production server':46} {'(left out of --quick)':>24}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench.suite", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (about a minute)")
    parser.add_argument("--out", type=Path, help="write the JSON report here")
    args = parser.parse_args(argv)
    report = run(quick=args.quick)
    print(table(report))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
        print(f"report written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
