"""The validator: one SELECT over allow-listed tables and columns, allow-listed functions, a row cap."""

from __future__ import annotations

import pytest

from switchboard.errors import UnsafeQuery
from tools.inventory.schema import ALLOWED_COLUMNS, describe_schema, schema_text
from tools.inventory.validate import validate_sql

ACCEPTED = [
    "SELECT COUNT(*) FROM vehicles WHERE brand = 'BYD' AND status = 'in_stock'",
    "SELECT v.brand, AVG(v.guide_price) AS p FROM vehicles AS v JOIN stores AS s ON v.store_id = s.store_id "
    "WHERE s.city = 'Shanghai' GROUP BY v.brand ORDER BY p DESC LIMIT 5",
    "SELECT strftime('%Y-%m', intake_date) AS month, COUNT(*) FROM vehicles GROUP BY month",
    "SELECT * FROM vehicles WHERE intake_date >= date('2026-11-15', '-30 days')",
    "WITH t AS (SELECT brand, COUNT(*) AS c FROM vehicles GROUP BY brand) SELECT brand, c FROM t WHERE c > 100",
    "SELECT brand, COUNT(*) FILTER (WHERE status = 'sold') FROM vehicles GROUP BY brand",
    "SELECT brand, RANK() OVER (ORDER BY COUNT(*) DESC) FROM vehicles GROUP BY brand",
    "SELECT COUNT(*) FROM vehicles WHERE store_id IN (SELECT store_id FROM stores WHERE city = 'Beijing')",
    "SELECT CASE WHEN guide_price > 300000 THEN 'high' ELSE 'low' END AS band, COUNT(*) FROM vehicles GROUP BY band",
]

REJECTED = [
    ("DROP TABLE vehicles", "unsafe"),
    ("DELETE FROM vehicles", "unsafe"),
    ("update vehicles set guide_price = 0", "unsafe"),
    ("INSERT INTO stores VALUES ('S99', 'x', 'y')", "unsafe"),
    ("SELECT 1; DROP TABLE vehicles", "unsafe"),
    ("SELECT * FROM bookings", "unsafe"),
    ("SELECT brand FROM vehicles UNION SELECT text FROM complaints", "unsafe"),
    ("SELECT (SELECT text FROM complaints LIMIT 1) FROM vehicles", "unsafe"),
    ("WITH x AS (DELETE FROM vehicles RETURNING *) SELECT * FROM x", "unsafe"),
    ("PRAGMA table_info(vehicles)", "unsafe"),
    ("ATTACH DATABASE 'x.db' AS x", "unsafe"),
    ("SELECT load_extension('x.so')", "unsafe"),
    ("SELECT readfile('/etc/passwd')", "unsafe"),
    ("SELECT * FROM pragma_table_info('vehicles')", "unsafe"),
    ("SELECT * FROM sqlite_master", "unsafe"),
    ("SELECT * FROM main.vehicles", "unsafe"),
    ("SELECT * INTO copy FROM vehicles", "unsafe"),
    ("SELECT * FROM vehicles FOR UPDATE", "unsafe"),
    ("SELECT pg_sleep(10)", "unsafe"),
    ("SELECT * FROM information_schema.tables", "unsafe"),
    ("SELECT * FROM vehicles WHERE vehicle_id = ?", "unsafe"),
    ("VACUUM", "unsafe"),
    ("SELECT password FROM vehicles", "invalid"),
    ("SELEC * FROM vehicles", "invalid"),
    ("", "invalid"),
    ("SELECT * FROM vehicles LIMIT (SELECT 5)", "invalid"),
]


@pytest.mark.parametrize("sql", ACCEPTED)
def test_reads_over_the_inventory_are_accepted(sql):
    checked = validate_sql(sql)
    assert checked.tables and set(checked.tables) <= {"vehicles", "stores"}


@pytest.mark.parametrize(("sql", "kind"), REJECTED)
def test_everything_else_is_rejected_with_a_reason(sql, kind):
    with pytest.raises(UnsafeQuery) as info:
        validate_sql(sql)
    assert info.value.details["kind"] == kind
    assert str(info.value)


def test_row_cap_is_applied_but_not_shown():
    checked = validate_sql("SELECT vehicle_id FROM vehicles", row_cap=50)
    assert "LIMIT" not in checked.sql and checked.exec_sql.endswith("LIMIT 51")
    small = validate_sql("SELECT vehicle_id FROM vehicles LIMIT 5", row_cap=50)
    assert small.exec_sql.endswith("LIMIT 5") and small.limit == 5
    big = validate_sql("SELECT vehicle_id FROM vehicles LIMIT 100000", row_cap=50)
    assert big.exec_sql.endswith("LIMIT 51")


def test_what_runs_is_regenerated_without_comments():
    checked = validate_sql("SELECT vehicle_id FROM vehicles -- a comment\nWHERE brand = 'BYD' /* another */")
    assert "--" not in checked.exec_sql and "/*" not in checked.exec_sql
    assert "brand = 'BYD'" in checked.exec_sql


def test_postgres_dialect():
    checked = validate_sql(
        "SELECT to_char(intake_date, 'YYYY-MM') AS m, COUNT(*) FROM vehicles GROUP BY m", dialect="postgresql"
    )
    assert "TO_CHAR" in checked.sql
    with pytest.raises(UnsafeQuery):
        validate_sql("SELECT current_setting('data_directory')", dialect="postgresql")


def test_schema_description_matches_the_allow_list():
    schema = describe_schema()
    described = {t["name"]: [c["name"] for c in t["columns"]] for t in schema["tables"]}
    assert described == {k: list(v) for k, v in ALLOWED_COLUMNS.items()}
    status = next(c for c in schema["tables"][1]["columns"] if c["name"] == "status")
    assert status["values"] == ["in_stock", "reserved", "sold"]
    assert "比亚迪" in schema_text() and "Mercedes-Benz" in schema_text()
