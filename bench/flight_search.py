"""`python -m bench.flight_search`: flight search latency vs bare SQL, at the seeded size and at 100x.

Two databases are built under `var/bench/` (and reused): the demo seed (the recurring timetable
for 15 days, fixtures and passengers) and the same timetable with every flight number flying 100
times a day (flights and fares only: the search reads nothing else). For a fixed set of common
searches the benchmark times `FlightSearch.search` (argument checks, place names, the two
statements through SQLAlchemy, result models) against the *same two statements* rendered as SQL
and run on a plain sqlite3 connection, in the same run, interleaved. It reports p50/p95 of both
and their ratios, and whether every query plan uses an index. Compare the ratios, not the
absolute times: they are wall-clock on this machine.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
import time
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from switchboard.clock import Clock
from switchboard.settings import VAR_DIR

BENCH_DIR = VAR_DIR / "bench"
TODAY = date(2026, 12, 3)
SCALE = 100

# (label, search arguments): the searches people make most, in the forms the chat sends them.
SEARCHES: list[tuple[str, dict[str, Any]]] = [
    ("city to city, one day", {"origin": "北京", "destination": "上海", "date_from": "2026-12-04"}),
    (
        "city to city, morning",
        {"origin": "Beijing", "destination": "Shanghai", "date_from": "2026-12-04", "depart_before": "12:00"},
    ),
    ("airport to airport, upcoming", {"origin": "PEK", "destination": "PVG"}),
    ("route, cheapest first", {"origin": "Washington", "destination": "Boston", "sort": "price"}),
    (
        "route, a week",
        {"origin": "BOS", "destination": "DEN", "date_from": "2026-12-07", "date_to": "2026-12-13"},
    ),
    ("to a city, one day", {"destination": "北京", "date_from": "2026-12-04"}),
    ("from a city, one day", {"origin": "广州", "date_from": "2026-12-05"}),
    (
        "business under a price",
        {"origin": "上海", "destination": "广州", "cabin": "business", "max_price": 1200, "sort": "price"},
    ),
    ("long haul, fastest", {"origin": "PEK", "destination": "London", "sort": "duration"}),
    ("no such route", {"origin": "SYD", "destination": "DEN"}),
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def _scaled_schedule(factor: int) -> list[Any]:
    """Every scheduled number `factor` times a day: new two-letter codes, departures spread out."""
    from tools.airline.schedule import SCHEDULE

    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    codes = [
        a + b
        for a in letters
        for b in letters
        if a + b not in {"FL", "CA", "MU", "CZ", "HU", "UA", "AA", "DL"}
    ]
    flights = []
    for k in range(factor):
        for i, flight in enumerate(SCHEDULE, start=1):
            minutes = (flight.departs.hour * 60 + flight.departs.minute + 7 * k) % 1440
            departs = flight.departs.replace(hour=minutes // 60, minute=minutes % 60)
            number = flight.number if k == 0 else f"{codes[k]}{i:04d}"
            flights.append(replace(flight, number=number, departs=departs))
    return flights


def build_db(factor: int, rebuild: bool) -> Path:
    """The benchmark database: the demo seed (factor 1) or the timetable at `factor` x (flights and fares)."""
    from sqlalchemy import func, insert, select

    from tools.airline.fleet import fleet_rows
    from tools.airline.timetable import departure_row, departures, fare_rows
    from tools.airline_models import Aircraft, AircraftSeat, Fare, Flight
    from tools.db import make_engine
    from tools.seed import DAYS, create_airline_schema, drop_airline_schema, seed_airline

    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    path = BENCH_DIR / f"flights-x{factor}-{TODAY.isoformat()}.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            built = path.exists() and "flights" in engine.dialect.get_table_names(conn)
            count = conn.execute(select(func.count()).select_from(Flight)).scalar_one() if built else 0
        if count and not rebuild:
            return path
        if factor == 1:
            seed_airline(engine, today=TODAY)
            return path
        drop_airline_schema(engine)
        create_airline_schema(engine)
        aircraft, seats = fleet_rows()
        with engine.begin() as conn:
            conn.execute(insert(Aircraft), aircraft)
            conn.execute(insert(AircraftSeat), seats)
            batch: list[dict[str, Any]] = []
            for flight, day in departures(TODAY, DAYS, _scaled_schedule(factor)):
                batch.append(departure_row(flight, day, TODAY))
                if len(batch) >= 20_000:
                    _insert(conn, batch, fare_rows, Flight, Fare)
                    batch = []
            _insert(conn, batch, fare_rows, Flight, Fare)
    finally:
        engine.dispose()
    return path


def _insert(
    conn: Any, batch: list[dict[str, Any]], fare_rows: Any, flight_model: Any, fare_model: Any
) -> None:
    if batch:
        conn.execute(flight_model.__table__.insert(), batch)
        conn.execute(fare_model.__table__.insert(), [fare for row in batch for fare in fare_rows(row)])


def _sql(statement: Any, dialect: Any) -> str:
    return str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


def run_size(factor: int, repeat: int, rebuild: bool) -> dict[str, Any]:
    from tools.airline.search import FlightSearch, fares_statement
    from tools.db import make_engine

    path = build_db(factor, rebuild)
    engine = make_engine(f"sqlite:///{path}")
    search = FlightSearch(engine, Clock(frozen=f"{TODAY.isoformat()}T09:00"))
    raw = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    with raw:
        flights = raw.execute("select count(*) from flights").fetchone()[0]
    tool_ms: list[float] = []
    bare_ms: list[float] = []
    rows: list[dict[str, Any]] = []
    for label, args in SEARCHES:
        result = search.search(**args)  # warm caches; its page gives the fares statement's keys
        keys = [(f.flight_number, f.flight_date) for f in result.flights]
        page_sql = _sql(search.page_statement(**args), engine.dialect)
        fares_sql = _sql(fares_statement(keys), engine.dialect) if keys else None
        plan = [r[3] for r in raw.execute(f"EXPLAIN QUERY PLAN {page_sql}")]
        tool, bare = [], []
        for _ in range(repeat):
            start = time.perf_counter()
            raw.execute(page_sql).fetchall()
            if fares_sql:
                raw.execute(fares_sql).fetchall()
            bare.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            search.search(**args)
            tool.append((time.perf_counter() - start) * 1000)
        tool_ms += tool
        bare_ms += bare
        flights_scan = [step for step in plan if step.startswith("SCAN flights")]
        rows.append(
            {
                "search": label,
                "total": result.total,
                "tool_p50_ms": round(statistics.median(tool), 3),
                "bare_p50_ms": round(statistics.median(bare), 3),
                "index": not flights_scan,
                "plan": plan,
            }
        )
    raw.close()
    engine.dispose()
    return {
        "factor": factor,
        "flights": flights,
        "tool_p50_ms": round(percentile(tool_ms, 0.5), 3),
        "tool_p95_ms": round(percentile(tool_ms, 0.95), 3),
        "bare_p50_ms": round(percentile(bare_ms, 0.5), 3),
        "bare_p95_ms": round(percentile(bare_ms, 0.95), 3),
        "ratio_p50": round(percentile(tool_ms, 0.5) / percentile(bare_ms, 0.5), 2),
        "ratio_p95": round(percentile(tool_ms, 0.95) / percentile(bare_ms, 0.95), 2),
        "searches": rows,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.flight_search", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--scale", type=int, default=SCALE, help=f"flights multiplier of the large run ({SCALE})"
    )
    parser.add_argument("--repeat", type=int, default=30, help="timed runs per search and side (default 30)")
    parser.add_argument("--out", type=Path, help="write the JSON report here")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the databases under var/bench/")
    args = parser.parse_args(argv)
    if not 2 <= args.scale <= 1000 or not 1 <= args.repeat <= 1000:
        parser.error("--scale must be 2-1000 and --repeat 1-1000")
    sizes = [run_size(f, args.repeat, args.rebuild) for f in (1, args.scale)]
    report = {"today": TODAY.isoformat(), "sizes": sizes}
    for size in sizes:
        print(
            f"x{size['factor']:<4} {size['flights']:>7} flights  search p50 {size['tool_p50_ms']:.2f} ms "
            f"p95 {size['tool_p95_ms']:.2f} ms | bare SQL p50 {size['bare_p50_ms']:.2f} ms "
            f"p95 {size['bare_p95_ms']:.2f} ms | ratio p50 {size['ratio_p50']}x p95 {size['ratio_p95']}x"
        )
        for row in size["searches"]:
            flag = "index" if row["index"] else "SCAN"
            print(
                f"    {row['search']:<32} {row['total']:>6} found  {row['tool_p50_ms']:>7.2f} ms "
                f"vs {row['bare_p50_ms']:>6.2f} ms  {flag}"
            )
    if args.out:
        args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0 if all(row["index"] for size in sizes for row in size["searches"]) else 1


if __name__ == "__main__":
    sys.exit(main())
