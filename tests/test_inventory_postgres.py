"""The inventory on PostgreSQL: seed, answer, read-only transaction, statement timeout.

Runs only with SWITCHBOARD_TEST_POSTGRES_URL set (it reseeds `stores` and `vehicles` there).
"""

from __future__ import annotations

import os
from datetime import date

import pytest

from agents.inventory import build_inventory_agent
from switchboard.errors import ToolError
from switchboard.settings import Settings
from tools.db import make_engine
from tools.inventory.execute import ReadOnlyExecutor
from tools.inventory.seed import seed_inventory
from tools.inventory.validate import ValidatedQuery

URL = os.environ.get("SWITCHBOARD_TEST_POSTGRES_URL")
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not URL, reason="SWITCHBOARD_TEST_POSTGRES_URL is not set"),
]


@pytest.fixture(scope="module")
def pg():
    engine = make_engine(URL)
    seed_inventory(engine, 2000)
    yield engine
    engine.dispose()


def count(engine, sql: str) -> int:
    with engine.connect() as conn:
        return conn.exec_driver_sql(sql).scalar_one()


def test_questions_are_answered(pg):
    agent = build_inventory_agent(Settings(database_url=URL), engine=pg, today=date(2026, 11, 15))
    answer = agent.answer("在库的比亚迪有几辆？", "zh")
    assert answer.rows == [
        [count(pg, "SELECT COUNT(*) FROM vehicles WHERE brand = 'BYD' AND status = 'in_stock'")]
    ]
    quarterly = agent.answer("按季度统计2025年的入库数量", "zh")
    assert quarterly.status == "completed" and quarterly.rows[0][0].startswith("2025-Q")
    average = agent.answer("average price by city", "en")
    assert all(type(row[1]) in (int, float) for row in average.rows)  # Decimal made JSON-safe


def test_read_only_transaction_and_timeout(pg):
    executor = ReadOnlyExecutor(pg, timeout_s=0.5)
    before = count(pg, "SELECT COUNT(*) FROM vehicles")
    for sql in ("DELETE FROM vehicles", "UPDATE stores SET city = 'Mars'", "DROP TABLE vehicles"):
        with pytest.raises(ToolError, match="read-only"):
            executor.execute(ValidatedQuery(sql, sql, (), 10, None))
    with pytest.raises(ToolError) as info:
        executor.execute(ValidatedQuery("x", "SELECT pg_sleep(2)", (), 10, None))
    assert info.value.details["kind"] == "timeout"
    assert count(pg, "SELECT COUNT(*) FROM vehicles") == before
