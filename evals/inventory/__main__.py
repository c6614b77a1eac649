"""`python -m evals.inventory`: execution accuracy of the inventory agent on hand-written gold SQL.

Seeds a fresh SQLite database with the default 5,000 vehicles (deterministic), asks every
question through `InventoryAgent.answer` (follow-ups carry the previous turn's state), runs the
agent's final SQL and the gold SQL on the same database and compares the result sets
(`evals.inventory.compare`). Relative dates are resolved against a fixed "today". A case marked
ambiguous may carry `alt_sql`, a second reading its author also accepts (fresh8); the report says
which cases passed on it (`alt_reading`).
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from evals.inventory.compare import results_match

HERE = Path(__file__).resolve().parent
DATASETS = {
    "main": HERE / "questions.jsonl",
    "fresh": HERE / "fresh.jsonl",
    "holdout": HERE / "holdout.jsonl",
    "paraphrase": HERE / "paraphrase.jsonl",
    "paraphrase2": HERE / "paraphrase2.jsonl",
    "fresh2": HERE / "fresh2.jsonl",
    "paraphrase3": HERE / "paraphrase3.jsonl",
    "fresh3": HERE / "fresh3.jsonl",
    "fresh4": HERE / "fresh4.jsonl",
    "fresh5": HERE / "fresh5.jsonl",
    "fresh6": HERE / "fresh6.jsonl",
    "fresh7": HERE / "fresh7.jsonl",
    "fresh8": HERE / "fresh8.jsonl",
    "fresh9": HERE / "fresh9.jsonl",
}
EVAL_TODAY = date(2026, 11, 15)


def load(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def evaluate(cases: list[dict[str, Any]], db_path: Path, *, engine: str = "local") -> dict[str, Any]:
    from agents.inventory import build_inventory_agent
    from switchboard.settings import Settings
    from tools.db import make_engine

    app_engine = make_engine(f"sqlite:///{db_path}")
    agent = build_inventory_agent(
        Settings(database_url=f"sqlite:///{db_path}"), engine=app_engine, today=EVAL_TODAY
    )
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    results = []
    for case in cases:
        started = time.perf_counter()
        previous = None
        for turn in case.get("context", []):
            previous = agent.answer(turn, case["lang"], previous).followup_state
        answer = agent.answer(case["question"], case["lang"], previous)
        elapsed = (time.perf_counter() - started) * 1000
        gold = conn.execute(case["gold_sql"]).fetchall()
        # an ambiguous question ("ambiguous": true) also accepts its second reading, `alt_sql`
        alt = conn.execute(case["alt_sql"]).fetchall() if case.get("alt_sql") else None
        passed, error, by_alt = False, None, False
        if answer.status == "completed" and answer.sql:
            try:
                pred = conn.execute(answer.sql).fetchall()
                ordered = bool(case.get("ordered"))
                passed = results_match(gold, pred, ordered=ordered)
                if not passed and alt is not None:
                    passed = by_alt = results_match(alt, pred, ordered=ordered)
            except sqlite3.Error as exc:
                error = str(exc)
        else:
            error = f"status {answer.status}"
        results.append(
            {
                "id": case["id"],
                "lang": case["lang"],
                "question": case["question"],
                "passed": passed,
                "status": answer.status,
                "sql": answer.sql,
                "gold_sql": case["gold_sql"],
                "alt_reading": by_alt,
                "error": error,
                "attempts": len(answer.attempts),
                "latency_ms": round(elapsed, 2),
            }
        )
    conn.close()
    app_engine.dispose()

    def accuracy(items: list[dict[str, Any]]) -> float | None:
        return round(sum(r["passed"] for r in items) / len(items), 4) if items else None

    return {
        "engine": engine,
        "today": EVAL_TODAY.isoformat(),
        "cases": len(results),
        "accuracy": accuracy(results),
        "accuracy_zh": accuracy([r for r in results if r["lang"] == "zh"]),
        "accuracy_en": accuracy([r for r in results if r["lang"] == "en"]),
        "n_zh": sum(r["lang"] == "zh" for r in results),
        "n_en": sum(r["lang"] == "en" for r in results),
        "results": results,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.inventory", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--dataset",
        action="append",
        help="main, fresh, holdout, paraphrase, paraphrase2, fresh2, paraphrase3, fresh3, fresh4, fresh5, fresh6, fresh7, fresh8, fresh9 or a JSONL path (repeatable; default: main, fresh, holdout)",
    )
    parser.add_argument(
        "--vehicles", type=int, default=5000, help="size of the seeded database (default 5000)"
    )
    parser.add_argument("--out", type=Path, help="write the full report (JSON) here")
    parser.add_argument("--show-failures", action="store_true", help="print every failed case")
    args = parser.parse_args(argv)

    from tools.db import make_engine
    from tools.inventory.seed import seed_inventory

    names = args.dataset or ["main", "fresh", "holdout"]
    report: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "eval.db"
        seed_engine = make_engine(f"sqlite:///{db_path}")
        seed_inventory(seed_engine, args.vehicles)
        seed_engine.dispose()
        for name in names:
            path = DATASETS.get(name, Path(name))
            if not path.exists():
                print(f"python -m evals.inventory: error: no dataset {path}", file=sys.stderr)
                return 2
            report[name] = evaluate(load(path), db_path)

    print(f"{'dataset':<10} {'cases':>5} {'overall':>8} {'zh':>14} {'en':>14}")
    for name, r in report.items():
        print(
            f"{name:<10} {r['cases']:>5} {r['accuracy']:>8.1%} {r['accuracy_zh']:>8.1%} (n={r['n_zh']:<3}) {r['accuracy_en']:>8.1%} (n={r['n_en']:<3})"
        )
        failures = [x for x in r["results"] if not x["passed"]]
        if failures and args.show_failures:
            for x in failures:
                print(
                    f"  FAIL {x['id']} {x['question']}\n       got:  {x['sql']}\n       gold: {x['gold_sql']}\n       ({x['error'] or 'different result'})"
                )
        elif failures:
            print(f"  failed: {', '.join(x['id'] for x in failures)}")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
