"""Cost bounds of text-to-SQL on SQLite and PostgreSQL: shapes refused at validation, plans refused
before they run, a timeout measured on the engine, and results counted past the row cap."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from agents.inventory import build_inventory_agent
from switchboard.errors import UnsafeQuery
from switchboard.settings import Settings
from tests.conftest import throwaway_pg_database
from tools.db import make_engine
from tools.inventory.cost import CostGuard
from tools.inventory.execute import ReadOnlyExecutor
from tools.inventory.seed import seed_inventory
from tools.inventory.validate import validate_sql

VEHICLES = 3000


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def stock(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('cost') / 'stock.db'}")
        seed_inventory(engine, VEHICLES)
        yield engine
        engine.dispose()
        return
    with throwaway_pg_database() as url:
        engine = make_engine(url)
        seed_inventory(engine, VEHICLES)
        yield engine
        engine.dispose()


def dialect(engine: Engine) -> str:
    return engine.dialect.name


def agent_for(engine: Engine):  # type: ignore[no-untyped-def]
    settings = Settings(database_url=engine.url.render_as_string(hide_password=False), _env_file=None)  # type: ignore[call-arg]
    return build_inventory_agent(settings, engine=engine, today=date(2026, 11, 15))


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT count(*) FROM vehicles a JOIN vehicles b JOIN vehicles c",
        "SELECT count(*) FROM vehicles a JOIN vehicles b ON 1 = 1",
        "SELECT count(*) FROM vehicles CROSS JOIN stores",
        "SELECT a.vin, b.vin FROM vehicles a, vehicles b",
        "SELECT a.vin FROM vehicles a, vehicles b WHERE a.brand = 'BYD'",
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n",
    ],
)
def test_joins_without_a_condition_and_recursion_are_refused_at_validation(sql: str) -> None:
    with pytest.raises(UnsafeQuery) as info:
        validate_sql(sql)
    assert info.value.details["kind"] in ("costly", "unsafe")


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT v.vin, s.city FROM vehicles v, stores s WHERE v.store_id = s.store_id",
        "SELECT v.vin FROM vehicles v JOIN stores s ON v.store_id = s.store_id",
        "WITH a AS (SELECT avg(guide_price) AS p FROM vehicles) SELECT v.vin FROM vehicles v CROSS JOIN a WHERE v.guide_price > a.p",
    ],
)
def test_joins_with_a_condition_pass_validation(sql: str) -> None:
    assert validate_sql(sql).sql


COSTLY_PLANS = [
    "SELECT count(*) FROM vehicles a JOIN vehicles b ON a.guide_price < b.guide_price",
    "SELECT a.vin, (SELECT count(*) FROM vehicles b WHERE b.mileage_km > a.mileage_km) FROM vehicles a",
    "SELECT count(*) FROM vehicles a JOIN vehicles b ON a.vin <> b.vin",
    "SELECT count(*) FROM vehicles a JOIN vehicles b ON a.color = b.color JOIN vehicles c ON b.brand = c.brand",
]


@pytest.mark.parametrize("sql", COSTLY_PLANS)
def test_a_plan_over_the_bound_is_refused_before_it_runs(stock: Engine, sql: str) -> None:
    guard = CostGuard.calibrated(ReadOnlyExecutor(stock))
    checked = validate_sql(sql, dialect=dialect(stock))
    with pytest.raises(UnsafeQuery, match="full scans") as info:
        guard.check(checked)
    assert info.value.details["kind"] == "costly"
    answer = agent_for(stock).answer(sql, "en")
    assert answer.status == "refused" and "full scans" in answer.reply and answer.rows == []


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT brand, count(*) FROM vehicles GROUP BY brand ORDER BY 2 DESC",
        "SELECT v.vin, s.city FROM vehicles v JOIN stores s ON v.store_id = s.store_id WHERE v.brand = 'BYD'",
        "SELECT * FROM vehicles WHERE guide_price > (SELECT avg(guide_price) FROM vehicles) ORDER BY guide_price",
    ],
)
def test_ordinary_plans_pass_the_bound(stock: Engine, sql: str) -> None:
    guard = CostGuard.calibrated(ReadOnlyExecutor(stock))
    assert guard.check(validate_sql(sql, dialect=dialect(stock))) <= guard.max_scans


def test_the_timeout_is_measured_on_the_engine_and_kept_in_bounds(stock: Engine) -> None:
    executor = ReadOnlyExecutor(stock)
    guard = CostGuard.calibrated(executor, timeout_scans=50, timeout_min_s=0.3, timeout_max_s=4)
    assert 0.3 <= executor.timeout_s <= 4
    assert executor.timeout_s == pytest.approx(min(max(50 * guard.scan_s, 0.3), 4))
    assert guard.table_rows["vehicles"] == VEHICLES


def test_a_result_cut_at_the_row_cap_is_counted_in_full(stock: Engine) -> None:
    answer = agent_for(stock).answer("SELECT vin, brand FROM vehicles WHERE status = 'in_stock'", "en")
    with stock.connect() as conn:
        matched = conn.exec_driver_sql("SELECT count(*) FROM vehicles WHERE status = 'in_stock'").scalar_one()
    assert matched > 200 and len(answer.rows) == 200
    assert answer.total_rows == matched
    assert (
        answer.reply.startswith(f"The query returned {matched:,} rows")
        and f"(showing the first 10 of {matched:,})" in answer.reply
    )
    assert not re.search(r"\b200 rows\b", answer.reply)
    zh = agent_for(stock).answer("SELECT vin, brand FROM vehicles WHERE status = 'in_stock'", "zh")
    assert zh.total_rows == matched and f"共 {matched:,} 行匹配，显示前 10 行" in zh.reply


def test_the_hostile_query_benchmark_refuses_or_bounds_every_query(tmp_path: Path) -> None:
    from bench.hostile_queries import QUERIES, run

    assert len(QUERIES) >= 30
    report = run(f"sqlite:///{tmp_path / 'stock.db'}", vehicles=VEHICLES)
    assert report["within_bound"] == report["total"], report["failures"]


def test_calibration_is_not_bound_by_the_small_timeout_it_sets(stock: Engine):
    """A busy machine may scan slower than a small statement timeout: the build must still work."""
    executor = ReadOnlyExecutor(stock, timeout_s=0.000001)  # any real scan takes longer than this
    seen: list[float] = []
    scalar = executor.scalar

    def recording(sql: str) -> object:
        seen.append(executor.timeout_s)
        return scalar(sql)

    executor.scalar = recording  # type: ignore[method-assign]
    guard = CostGuard.calibrated(executor, timeout_min_s=0.02, timeout_max_s=0.05)
    assert seen and min(seen) >= 1.0  # every measurement ran under the calibration budget
    assert guard.scan_s > 0 and 0.02 <= executor.timeout_s <= 0.05  # then the clock was set
