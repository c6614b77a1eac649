"""`python -m bench.inventory`: question-to-answer latency of the inventory agent vs bare SQL.

For each database size (default 5,000 and 1,000,000 vehicles; built once under `var/bench/` and
reused) the benchmark asks a fixed set of common questions through `InventoryAgent.answer` (local
engine: guard, parse, compile, validate, read-only execute, explain) and runs the *same final
SQL* (as executed, row cap included) on a plain read-only sqlite3 connection. It reports p50/p95
of both, their ratios, and the query plan of every question (EXPLAIN QUERY PLAN) with whether an
index is used. Timings are wall-clock on this machine; compare the ratios, not the absolutes.
"""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from switchboard.settings import VAR_DIR

BENCH_DIR = VAR_DIR / "bench"
TODAY = date(2026, 11, 15)

# (label, question, language): the filters people use most, each on an indexed column.
QUESTIONS: list[tuple[str, str, str]] = [
    ("brand + status count", "在库的比亚迪有几辆？", "zh"),
    ("model count", "How many Model Y are in stock?", "en"),
    ("price range", "20万以下的电动车有多少辆", "zh"),
    ("last month", "上个月入库了多少辆车", "zh"),
    ("quarter + brand", "How many BMWs arrived in Q3 2026?", "en"),
    ("last 30 days", "How many cars were received in the last 30 days?", "en"),
    ("city (join)", "How many vehicles are in stock in Shanghai?", "en"),
    ("store", "浦东店有多少辆在库车", "zh"),
    ("vehicle id", "V00042的指导价是多少", "zh"),
    ("top-5 by price", "top 5 most expensive Teslas", "en"),
    ("listing by model + month", "列出2026年10月入库的理想L9", "zh"),
    ("price between", "How many SUVs between 150k and 300k?", "en"),
    ("group by brand", "按品牌统计在库车辆数量", "zh"),
    ("which store most", "哪个门店的在库特斯拉最多？", "zh"),
    ("avg by city", "average guide price by city", "en"),
    ("fuel + status", "在库的混动车有多少辆", "zh"),
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def build_db(n: int, rebuild: bool) -> tuple[Path, dict[str, Any]]:
    """The benchmark database for `n` vehicles, seeded once and reused."""
    from tools.db import make_engine
    from tools.inventory.seed import generate_vehicles, seed_inventory

    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    path = BENCH_DIR / f"inventory_{n}.db"
    meta_path = path.with_suffix(".json")
    fingerprint = next(generate_vehicles(1))["vin"]
    if path.exists() and meta_path.exists() and not rebuild:
        meta = json.loads(meta_path.read_text())
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            count = conn.execute("SELECT COUNT(*) FROM vehicles").fetchone()[0]
            first = conn.execute("SELECT vin FROM vehicles WHERE vehicle_id = 'V00001'").fetchone()
        if count == n and first and first[0] == fingerprint:
            return path, {**meta, "reused": True}
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{path}")
    started = time.perf_counter()
    seed_inventory(engine, n)
    seconds = time.perf_counter() - started
    engine.dispose()
    meta = {
        "vehicles": n,
        "seed_seconds": round(seconds, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "db_mb": round(path.stat().st_size / 2**20, 1),
    }
    meta_path.write_text(json.dumps(meta))
    return path, {**meta, "reused": False}


def uses_index(plan: list[str]) -> bool:
    return any(
        "USING INDEX" in line or "USING COVERING INDEX" in line or "PRIMARY KEY" in line for line in plan
    )


def run_size(n: int, repeat: int, rebuild: bool) -> dict[str, Any]:
    from agents.inventory import build_inventory_agent
    from switchboard.settings import Settings
    from tools.db import make_engine
    from tools.inventory.validate import validate_sql

    path, meta = build_db(n, rebuild)
    engine = make_engine(f"sqlite:///{path}")
    agent = build_inventory_agent(
        Settings(database_url=f"sqlite:///{path}"), engine=engine, today=TODAY, timeout_s=30
    )
    bare = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    rows: list[dict[str, Any]] = []
    agent_all: list[float] = []
    bare_all: list[float] = []
    for label, question, language in QUESTIONS:
        answer = agent.answer(question, language)  # warm-up (and the SQL to replay bare)
        if answer.status != "completed" or not answer.sql:
            raise SystemExit(f"bench: {question!r} was not answered: {answer.reply}")
        checked = validate_sql(answer.sql)
        bare.execute(checked.exec_sql).fetchall()
        agent_ms, bare_ms = [], []
        for _ in range(repeat):
            started = time.perf_counter()
            agent.answer(question, language)
            agent_ms.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            bare.execute(checked.exec_sql).fetchall()
            bare_ms.append((time.perf_counter() - started) * 1000)
        plan = [str(r[-1]) for r in bare.execute("EXPLAIN QUERY PLAN " + checked.exec_sql).fetchall()]
        agent_all += agent_ms
        bare_all += bare_ms
        rows.append(
            {
                "label": label,
                "question": question,
                "sql": answer.sql,
                "agent_p50_ms": round(statistics.median(agent_ms), 3),
                "bare_p50_ms": round(statistics.median(bare_ms), 3),
                "ratio_p50": round(statistics.median(agent_ms) / max(statistics.median(bare_ms), 1e-6), 2),
                "plan": plan,
                "uses_index": uses_index(plan),
            }
        )
    bare.close()
    agent.pipeline.executor.dispose()
    engine.dispose()
    summary = {
        "agent_p50_ms": round(percentile(agent_all, 0.5), 3),
        "agent_p95_ms": round(percentile(agent_all, 0.95), 3),
        "bare_p50_ms": round(percentile(bare_all, 0.5), 3),
        "bare_p95_ms": round(percentile(bare_all, 0.95), 3),
    }
    summary["ratio_p50"] = round(summary["agent_p50_ms"] / max(summary["bare_p50_ms"], 1e-6), 2)
    summary["ratio_p95"] = round(summary["agent_p95_ms"] / max(summary["bare_p95_ms"], 1e-6), 2)
    summary["overhead_p50_ms"] = round(
        statistics.median(a - b for a, b in zip(agent_all, bare_all, strict=True)), 3
    )
    summary["questions_using_an_index"] = sum(r["uses_index"] for r in rows)
    return {"vehicles": n, "database": meta, "repeat": repeat, "summary": summary, "questions": rows}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.inventory", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default="5000,1000000", help="comma-separated vehicle counts (default 5000,1000000)"
    )
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per question (default 7)")
    parser.add_argument("--out", type=Path, help="write the JSON report here")
    parser.add_argument("--rebuild", action="store_true", help="reseed the databases under var/bench/")
    args = parser.parse_args(argv)
    try:
        sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        print("python -m bench.inventory: error: --sizes takes numbers, e.g. 5000,1000000", file=sys.stderr)
        return 2
    if not sizes or any(n < 100 for n in sizes) or args.repeat < 1:
        print("python -m bench.inventory: error: sizes must be >= 100 and --repeat >= 1", file=sys.stderr)
        return 2

    results = [run_size(n, args.repeat, args.rebuild) for n in sizes]
    report = {"today": TODAY.isoformat(), "sizes": results}
    for size in results:
        db, s = size["database"], size["summary"]
        print(
            f"\n{size['vehicles']:,} vehicles  (seed {db['seed_seconds']} s{', reused' if db.get('reused') else ''}, {db['db_mb']} MB)"
        )
        print(f"  {'question':<26} {'agent p50':>10} {'bare p50':>10} {'ratio':>7}  index")
        for q in size["questions"]:
            print(
                f"  {q['label']:<26} {q['agent_p50_ms']:>8.2f}ms {q['bare_p50_ms']:>8.2f}ms {q['ratio_p50']:>6.1f}x  {'yes' if q['uses_index'] else 'scan'}"
            )
        print(
            f"  {'ALL p50':<26} {s['agent_p50_ms']:>8.2f}ms {s['bare_p50_ms']:>8.2f}ms {s['ratio_p50']:>6.1f}x"
        )
        print(
            f"  {'ALL p95':<26} {s['agent_p95_ms']:>8.2f}ms {s['bare_p95_ms']:>8.2f}ms {s['ratio_p95']:>6.1f}x"
        )
        print(
            f"  median overhead of the agent over bare SQL: {s['overhead_p50_ms']:.2f} ms; "
            f"{s['questions_using_an_index']}/{len(size['questions'])} questions use an index"
        )
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
