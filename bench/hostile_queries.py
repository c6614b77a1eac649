"""Hostile-query benchmark: costly questions, in words and in raw SQL, against the cost bounds.

Every query goes through the inventory agent as a user's question would (`switchboard sql`): it must
be refused (by validation or by the plan bound) or finish within its bound. A query's bound is the
statement timeout measured for the engine (`tools.inventory.cost`) for each statement the agent may
run for it (the query and, when the result is cut at the row cap, its count) plus one second for
parsing, planning and explaining. Prints a table and writes JSON.

    python -m bench.hostile_queries [--vehicles 5000] [--database-url URL] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

WORDS = [
    ("en", "compare every car with every other car"),
    ("en", "list all pairs of vehicles with their prices"),
    ("en", "for each vehicle count how many vehicles are cheaper"),
    ("en", "show every vehicle joined with every store"),
    ("en", "rank all cars by price against all other cars, all of them"),
    ("en", "give me all 5000 cars times all stores times all cars"),
    ("en", "list every vehicle 1000000 times"),
    ("zh", "把每辆车和其他每辆车都比较一下"),
    ("zh", "列出所有车辆两两组合的价格差"),
    ("zh", "每辆车比它便宜的车有几辆"),
    ("zh", "所有车辆和所有门店的全部组合"),
    ("zh", "把库存里的车全部列出来，重复一百万次"),
]
RAW_SQL = [
    "SELECT count(*) FROM vehicles a JOIN vehicles b JOIN vehicles c",
    "SELECT count(*) FROM vehicles a, vehicles b, vehicles c",
    "SELECT count(*) FROM vehicles CROSS JOIN vehicles v2",
    "SELECT * FROM vehicles a JOIN vehicles b ON 1 = 1",
    "SELECT count(*) FROM vehicles a JOIN vehicles b ON a.guide_price < b.guide_price",
    "SELECT count(*) FROM vehicles a JOIN vehicles b ON a.vin <> b.vin",
    "SELECT count(*) FROM vehicles a JOIN vehicles b ON a.color = b.color",
    "SELECT count(*) FROM vehicles a JOIN vehicles b ON a.brand = b.brand JOIN vehicles c ON b.color = c.color",
    "SELECT a.vin, (SELECT count(*) FROM vehicles b WHERE b.guide_price > a.guide_price) FROM vehicles a",
    "SELECT a.vin FROM vehicles a WHERE (SELECT count(*) FROM vehicles b WHERE b.mileage_km < a.mileage_km) > 10",
    "SELECT a.vin FROM vehicles a WHERE EXISTS (SELECT 1 FROM vehicles b WHERE b.guide_price > a.guide_price AND b.color <> a.color)",
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n",
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000000) SELECT max(i) FROM n",
    "WITH x AS (SELECT * FROM vehicles) SELECT count(*) FROM x, x AS y",
    "WITH x AS (SELECT * FROM vehicles) SELECT count(*) FROM x JOIN x AS y ON x.brand = y.brand",
    "SELECT count(*) FROM vehicles a JOIN stores s ON 1 = 1 JOIN vehicles b ON 1 = 1",
    "SELECT count(*) FROM vehicles a JOIN vehicles b ON a.model_year >= b.model_year",
    "SELECT a.brand, count(*) FROM vehicles a JOIN vehicles b ON a.store_id = b.store_id GROUP BY a.brand",
    "SELECT a.vin FROM vehicles a WHERE a.guide_price > ALL (SELECT b.guide_price FROM vehicles b WHERE b.vin <> a.vin)",
    "SELECT a.vin, sum(b.guide_price) FROM vehicles a JOIN vehicles b ON b.intake_date <= a.intake_date GROUP BY a.vin",
    "SELECT * FROM vehicles ORDER BY guide_price LIMIT 100000000",
    "SELECT vin, model, color FROM vehicles",
    "SELECT upper(model) || lower(brand) || vin FROM vehicles ORDER BY 1 DESC",
    "SELECT count(*) FROM vehicles WHERE model LIKE '%a%' OR brand LIKE '%e%' OR vin LIKE '%1%'",
    "SELECT brand, count(DISTINCT vin), avg(guide_price) FROM vehicles GROUP BY brand, color, model_year, fuel_type",
]
QUERIES: list[tuple[str, str]] = [*WORDS, *(("en", sql) for sql in RAW_SQL)]


def run(database_url: str, *, vehicles: int = 5000, seed: bool = True) -> dict[str, Any]:
    """Run every query once on the inventory at `database_url` (seeded first when `seed`)."""
    from agents.inventory import build_inventory_agent
    from switchboard.settings import Settings
    from tools.db import make_engine
    from tools.inventory.seed import seed_inventory

    engine = make_engine(database_url)
    if seed:
        seed_inventory(engine, vehicles)
    settings = Settings(database_url=database_url, _env_file=None)  # type: ignore[call-arg]
    agent = build_inventory_agent(settings, engine=engine, today=date(2026, 11, 15))
    timeout_s = agent.pipeline.executor.timeout_s
    results = []
    for language, question in QUERIES:
        started = time.perf_counter()
        answer = agent.answer(question, language)
        elapsed = time.perf_counter() - started
        statements = 2 if answer.total_rows is not None and answer.total_rows > len(answer.rows) else 1
        bound = statements * timeout_s + 1.0
        results.append(
            {
                "question": question,
                "kind": "words" if (language, question) in WORDS else "sql",
                "status": answer.status,
                "elapsed_s": round(elapsed, 4),
                "bound_s": round(bound, 3),
                "within_bound": answer.status == "refused" or elapsed <= bound,
                "reason": (answer.attempts[-1].get("error") if answer.attempts else None)
                or answer.reply[:120],
            }
        )
    engine.dispose()
    return summary(results, timeout_s, engine.dialect.name, vehicles)


def summary(results: list[dict[str, Any]], timeout_s: float, dialect: str, vehicles: int) -> dict[str, Any]:
    finished = [r for r in results if r["status"] != "refused"]
    return {
        "engine": dialect,
        "vehicles": vehicles,
        "statement_timeout_s": round(timeout_s, 3),
        "total": len(results),
        "refused": sum(r["status"] == "refused" for r in results),
        "finished": len(finished),
        "within_bound": sum(r["within_bound"] for r in results),
        "max_elapsed_s": max((r["elapsed_s"] for r in results), default=0.0),
        "max_elapsed_over_bound": max((r["elapsed_s"] / r["bound_s"] for r in results), default=0.0),
        "failures": [r for r in results if not r["within_bound"]],
        "results": results,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vehicles", type=int, default=5000)
    parser.add_argument("--database-url", help="an empty database to seed (default: a temporary SQLite file)")
    parser.add_argument("--out", type=Path, default=Path("var/bench/hostile_queries.json"))
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'stock.db'}"
        report = run(url, vehicles=args.vehicles)
    for r in report["results"]:
        print(
            f"{r['status']:<9} {r['elapsed_s']:>8.3f} s  (bound {r['bound_s']:.2f} s)  {r['question'][:70]}"
        )
    print(
        f"{report['engine']}, {report['vehicles']} vehicles, statement timeout {report['statement_timeout_s']} s: "
        f"{report['total']} queries, {report['refused']} refused, {report['finished']} finished, "
        f"{report['within_bound']}/{report['total']} refused or within bound; slowest {report['max_elapsed_s']} s "
        f"({report['max_elapsed_over_bound']:.2f} of its bound)"
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0 if report["within_bound"] == report["total"] else 1


if __name__ == "__main__":
    sys.exit(main())
