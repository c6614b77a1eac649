"""Deterministic demo stock: `seed_inventory(engine, n)` (re)creates `stores` and `vehicles` only.

The same `n` always gives the same rows, whatever the day (dates are relative to the catalogue's
fixed `REFERENCE_DATE`), and the first k vehicles of a big seed are the k vehicles of a small one.
Rows are generated lazily and inserted in chunks inside one transaction, and the indexes are built
after the load (much faster than maintaining them row by row); then ANALYZE gives the planner the
statistics it needs to pick them. Other tables of the database (the airline desk) are never touched.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from datetime import timedelta
from itertools import accumulate, islice
from typing import Generic, TypeVar

from sqlalchemy import Engine, func, inspect, select
from sqlalchemy.schema import CreateIndex, CreateTable

from tools.inventory.catalog import (
    BRANDS,
    COLOR_WEIGHTS,
    INTAKE_DAYS,
    REFERENCE_DATE,
    STORES,
    BrandInfo,
    ModelInfo,
)
from tools.inventory.models import INVENTORY_TABLES, Store, Vehicle

SEED = 20241101
CHUNK = 20_000
MAX_VEHICLES = 10_000_000

_VIN_CHARS = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"  # VINs never use I, O or Q
_VIN_VALUES = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
_YEAR_CODES = {2023: "P", 2024: "R", 2025: "S", 2026: "T", 2027: "V"}


def _vin(rng: random.Random, wmi: str, model_year: int, index: int) -> str:
    """A well-formed VIN (ISO 3779 check digit); the serial part makes it unique per vehicle."""
    vds = "".join(rng.choice(_VIN_CHARS[:-1]) for _ in range(5))
    plant = _VIN_CHARS[10 + index // 1_000_000]  # a new "plant" letter for every million vehicles
    serial = f"{index % 1_000_000:06d}"
    body = f"{wmi}{vds}0{_YEAR_CODES.get(model_year, 'T')}{plant}{serial}"
    check = sum(_VIN_VALUES[c] * w for c, w in zip(body, _VIN_WEIGHTS, strict=True)) % 11
    return f"{body[:8]}{'X' if check == 10 else check}{body[9:]}"


def _trim_prices(model: ModelInfo) -> list[int]:
    """Three to four trims between the model's lowest and highest guide price (ending in 800)."""
    steps = 4 if model.price_max - model.price_min >= 60_000 else 3
    raw = [model.price_min + (model.price_max - model.price_min) * i / (steps - 1) for i in range(steps)]
    return [
        int(round(p / 1000) * 1000 - 200) if i not in (0, steps - 1) else int(p) for i, p in enumerate(raw)
    ]


T = TypeVar("T")


class _Picker(Generic[T]):
    """Weighted choice with precomputed cumulative weights (random.choices would redo them per call)."""

    def __init__(self, items: list[T], weights: list[int]) -> None:
        self.items = items
        self.cum = list(accumulate(weights))

    def __call__(self, rng: random.Random) -> T:
        return rng.choices(self.items, cum_weights=self.cum)[0]


def vehicle_id(index: int) -> str:
    """'V00001' for 1; at least five digits, more for a million vehicles and beyond."""
    return f"V{index:05d}"


def generate_vehicles(n: int) -> Iterator[dict[str, object]]:
    """The first `n` vehicles of the demo stock, as dictionaries of column values."""
    rng = random.Random(SEED)
    brand_pick = _Picker(list(BRANDS), [b.weight for b in BRANDS])
    model_picks = {b.name: _Picker(list(b.models), [m.weight for m in b.models]) for b in BRANDS}
    fuel_picks = {
        (b.name, m.name): _Picker(list(m.fuels), list(m.fuels.values())) for b in BRANDS for m in b.models
    }
    trims = {(b.name, m.name): _trim_prices(m) for b in BRANDS for m in b.models}
    store_pick = _Picker([s.store_id for s in STORES], [s.weight for s in STORES])
    color_pick = _Picker(list(COLOR_WEIGHTS), list(COLOR_WEIGHTS.values()))
    for index in range(1, n + 1):
        brand: BrandInfo = brand_pick(rng)
        model: ModelInfo = model_picks[brand.name](rng)
        # More recent intakes are more frequent (stock turns over), older ones are mostly sold.
        age = int(INTAKE_DAYS * rng.random() ** 1.3)
        intake = REFERENCE_DATE - timedelta(days=age)
        if intake.month >= 7:
            model_year = intake.year + (1 if rng.random() < 0.5 else 0)
        else:
            model_year = intake.year - (1 if rng.random() < 0.2 else 0)
        p_sold = 0.1 + 0.8 * age / INTAKE_DAYS
        roll = rng.random()
        status = "sold" if roll < p_sold else ("reserved" if roll < p_sold + 0.1 else "in_stock")
        roll = rng.random()
        if roll < 0.9:
            mileage = rng.randint(0, 50)  # new cars: delivery and test kilometres
        elif roll < 0.97:
            mileage = rng.randint(51, 300)  # moved between stores
        else:
            mileage = rng.randint(500, 8000)  # demonstrators
        yield {
            "vehicle_id": vehicle_id(index),
            "vin": _vin(rng, brand.wmi, model_year, index),
            "brand": brand.name,
            "model": model.name,
            "model_year": model_year,
            "body_type": model.body_type,
            "fuel_type": fuel_picks[(brand.name, model.name)](rng),
            "color": color_pick(rng),
            "intake_date": intake,
            "guide_price": rng.choice(trims[(brand.name, model.name)]),
            "status": status,
            "store_id": store_pick(rng),
            "mileage_km": mileage,
        }


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            "stores": conn.execute(select(func.count()).select_from(Store)).scalar_one(),
            "vehicles": conn.execute(select(func.count()).select_from(Vehicle)).scalar_one(),
        }


def inventory_ready(engine: Engine) -> bool:
    """True when both tables exist and hold vehicles."""
    names = set(inspect(engine).get_table_names())
    return {"stores", "vehicles"} <= names and _counts(engine)["vehicles"] > 0


def seed_inventory(engine: Engine, n_vehicles: int = 5000, *, reset: bool = True) -> dict[str, int]:
    """Create (reset=True: drop and recreate) `stores` and `vehicles` and fill them; return the counts.

    With reset=False, existing tables that already hold vehicles are left as they are.
    """
    if isinstance(n_vehicles, bool) or not isinstance(n_vehicles, int):
        raise TypeError("n_vehicles must be an int")
    if not 0 <= n_vehicles <= MAX_VEHICLES:
        raise ValueError(f"n_vehicles must be between 0 and {MAX_VEHICLES:,}")
    if not reset and inventory_ready(engine):
        return _counts(engine)
    stores_t, vehicles_t = INVENTORY_TABLES
    started = time.perf_counter()
    with engine.connect() as conn:
        conn.info["write"] = True  # SQLite: take the write lock at BEGIN (tools.db)
        try:
            with conn.begin():
                # Only our two tables, children first; DDL is transactional on SQLite and PostgreSQL.
                vehicles_t.drop(conn, checkfirst=True)
                stores_t.drop(conn, checkfirst=True)
                conn.execute(CreateTable(stores_t))
                conn.execute(CreateTable(vehicles_t))
                conn.execute(
                    stores_t.insert(),
                    [{"store_id": s.store_id, "name": s.name, "city": s.city} for s in STORES],
                )
                rows = generate_vehicles(n_vehicles)
                while chunk := list(islice(rows, CHUNK)):
                    conn.execute(vehicles_t.insert(), chunk)
                for table in INVENTORY_TABLES:
                    for index in sorted(table.indexes, key=lambda i: i.name or ""):
                        conn.execute(CreateIndex(index))
            # Statistics outside the load transaction (PostgreSQL's ANALYZE may not run inside one
            # on some setups; SQLite does not mind either way).
            conn.exec_driver_sql("ANALYZE stores")
            conn.exec_driver_sql("ANALYZE vehicles")
            if conn.in_transaction():
                conn.commit()
        finally:
            conn.info.pop("write", None)
    counts = _counts(engine)
    counts["elapsed_ms"] = int((time.perf_counter() - started) * 1000)
    return counts
