"""Seeding: deterministic, realistic, fast enough, and it touches only `stores` and `vehicles`."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import inspect, text

from tools.db import make_engine
from tools.inventory.catalog import BRANDS, INTAKE_DAYS, REFERENCE_DATE, STORES
from tools.inventory.models import Vehicle
from tools.inventory.seed import _VIN_VALUES, _VIN_WEIGHTS, generate_vehicles, inventory_ready, seed_inventory


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    path = tmp_path_factory.mktemp("seed") / "app.db"
    engine = make_engine(f"sqlite:///{path}")
    counts = seed_inventory(engine, 3000)
    yield engine, counts
    engine.dispose()


def _rows(engine, sql: str) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql))]


def test_counts_and_ids(seeded):
    engine, counts = seeded
    assert counts["vehicles"] == 3000 and counts["stores"] == len(STORES)
    ids = [r[0] for r in _rows(engine, "SELECT vehicle_id FROM vehicles ORDER BY vehicle_id")]
    assert ids[0] == "V00001" and ids[-1] == "V03000"
    assert all(re.fullmatch(r"V\d{5,}", i) for i in ids)


def test_same_n_same_rows_and_prefix_stable():
    first = list(generate_vehicles(200))
    assert first == list(generate_vehicles(200))
    assert list(generate_vehicles(50)) == first[:50]
    assert first != list(generate_vehicles(201))[1:]


def test_vins_are_unique_and_well_formed(seeded):
    engine, _ = seeded
    vins = [r[0] for r in _rows(engine, "SELECT vin FROM vehicles")]
    assert len(set(vins)) == len(vins)
    for vin in vins[:500]:
        assert re.fullmatch(r"[A-HJ-NPR-Z0-9]{17}", vin)
        body = vin[:8] + "0" + vin[9:]
        check = sum(_VIN_VALUES[c] * w for c, w in zip(body, _VIN_WEIGHTS, strict=True)) % 11
        assert vin[8] == ("X" if check == 10 else str(check))


def test_values_are_consistent_with_the_catalogue(seeded):
    engine, _ = seeded
    models = {(b.name, m.name): m for b in BRANDS for m in b.models}
    rows = _rows(
        engine,
        "SELECT brand, model, body_type, fuel_type, guide_price, intake_date, model_year, mileage_km FROM vehicles",
    )
    earliest = REFERENCE_DATE - timedelta(days=INTAKE_DAYS)
    for brand, model, body, fuel, price, intake, year, _mileage in rows:
        info = models[(brand, model)]
        assert body == info.body_type and fuel in info.fuels
        assert info.price_min <= price <= info.price_max
        day = date.fromisoformat(intake)
        assert earliest <= day <= REFERENCE_DATE
        assert day.year - 1 <= year <= day.year + 1
    share_new = sum(r[-1] <= 50 for r in rows) / len(rows)
    assert share_new > 0.8


def test_every_city_has_two_or_three_stores(seeded):
    engine, _ = seeded
    per_city = dict(_rows(engine, "SELECT city, COUNT(*) FROM stores GROUP BY city"))
    assert len(per_city) >= 6 and all(2 <= n <= 3 for n in per_city.values())
    assert {"Shanghai", "Beijing", "Shenzhen", "Guangzhou", "Hangzhou", "Chengdu"} <= set(per_city)


def test_indexes_exist_and_are_used(seeded):
    engine, _ = seeded
    names = {i["name"] for i in inspect(engine).get_indexes("vehicles")}
    assert {i.name for i in Vehicle.__table__.indexes} <= names and len(names) >= 8
    assert _rows(engine, "SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'vehicles'")[0][0] > 0
    plan = _rows(
        engine, "EXPLAIN QUERY PLAN SELECT COUNT(*) FROM vehicles WHERE brand = 'BYD' AND status = 'in_stock'"
    )
    assert "INDEX" in plan[0][-1]


def test_seed_leaves_other_tables_alone(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'app.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE bookings (confirmation_number TEXT PRIMARY KEY, user_id TEXT)"))
        conn.execute(text("INSERT INTO bookings VALUES ('ABC123', 'USER123')"))
    seed_inventory(engine, 100)
    seed_inventory(engine, 50)  # reset: our two tables are recreated, bookings untouched
    assert _rows(engine, "SELECT * FROM bookings") == [("ABC123", "USER123")]
    assert _rows(engine, "SELECT COUNT(*) FROM vehicles") == [(50,)]
    engine.dispose()


def test_reset_false_keeps_existing_stock(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'app.db'}")
    assert not inventory_ready(engine)
    seed_inventory(engine, 120)
    assert seed_inventory(engine, 999, reset=False) == {"stores": len(STORES), "vehicles": 120}
    assert inventory_ready(engine)
    engine.dispose()


@pytest.mark.parametrize("bad", [-1, 10_000_001, 2.5, "100", True])
def test_bad_sizes_are_rejected(tmp_path, bad):
    engine = make_engine(f"sqlite:///{tmp_path / 'app.db'}")
    with pytest.raises((TypeError, ValueError)):
        seed_inventory(engine, bad)
    engine.dispose()
