"""Demo data of the airline desk: a timetable from the seed date on, the fixtures of CONTRACTS §3,
and the synthetic passengers who fill the seats.

Deterministic: the same seed date gives the same rows (every random draw comes from a generator
seeded by what it is for; no clock is read here: callers pass the seed date).

Timetable: the recurring flights of `tools.airline.schedule` on every day of `DAYS` days from the
seed date (`tools.airline.timetable` draws each departure, its fares and its load). Seats are sold
to passengers `PAX0001`..`PAX2000` (one booking per passenger per flight), many close to
departure, few two weeks ahead. `extend_timetable` adds the days a long-lived database is missing,
so the timetable always reaches `DAYS` days ahead of today (see `graphs.app`).

Fixtures (one-off flights on the day after the seed date, seat map of the A320 layout: business
rows 1-4 A C D F, economy rows 5-30 A-F):
    FL123  PEK->PVG  14:00  on_time   gate B12           economy 500.00 / business 1200.00 USD
    FL456  PVG->CAN  15:30  delayed 45 min, gate C05      economy 600.00 / business 1400.00 USD
    FL789  CAN->PEK  19:00  cancelled                     economy 650.00 / business 1500.00 USD
    ABC123 USER123 on FL789, seat 14C economy, fare_paid 650.00 USD, confirmed.
Their bookings, every seat and passenger, are the ones they have always had
(`tools/airline/data/fixture_bookings.csv`): 12A on FL123 and 15B on FL456 free; 12B, 12C, 11A,
13A on FL123 and 15A, 15C, 14B, 16B on FL456 occupied; 14C on FL789 held by ABC123.
"""

from __future__ import annotations

import csv
import logging
import random
import string
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, MetaData, Table, func, insert, inspect, select
from sqlalchemy.exc import IntegrityError

from tools.airline.complaints import fingerprint
from tools.airline.fleet import NARROW_BODY, fleet_rows, seats_of
from tools.airline.schedule import SCHEDULE, ScheduledFlight
from tools.airline.timetable import (
    departure_row,
    departures,
    fare_rows,
    flight_row,
    instance_rng,
    load_factor,
)
from tools.airline_models import AIRLINE_TABLES, Aircraft, AircraftSeat, Booking, Complaint, Fare, Flight
from tools.db import Base, table_of

log = logging.getLogger(__name__)

DAYS = 15  # the seed date and the 14 days after it
PASSENGERS = 2000
FIXTURE_BOOKINGS = Path(__file__).resolve().parent / "airline" / "data" / "fixture_bookings.csv"
# Tables of earlier versions of the schema, dropped with the airline tables.
_LEGACY_TABLES = ("seats",)

# (flight, origin, destination, local departure, minutes, status, gate, delay, {cabin: price})
_FIXTURE_FLIGHTS: tuple[tuple[str, str, str, time, int, str, str | None, int, dict[str, str]], ...] = (
    ("FL123", "PEK", "PVG", time(14, 0), 135, "on_time", "B12", 0,
     {"economy": "500.00", "business": "1200.00"}),
    ("FL456", "PVG", "CAN", time(15, 30), 150, "delayed", "C05", 45,
     {"economy": "600.00", "business": "1400.00"}),
    ("FL789", "CAN", "PEK", time(19, 0), 190, "cancelled", None, 0,
     {"economy": "650.00", "business": "1500.00"}),
)  # fmt: skip
FIXTURE_NUMBERS = frozenset(f[0] for f in _FIXTURE_FLIGHTS)


def create_airline_schema(engine: Engine) -> None:
    """Create the airline tables that do not exist yet (the other tables of `Base` are left alone)."""
    Base.metadata.create_all(engine, tables=list(AIRLINE_TABLES), checkfirst=True)


def drop_airline_schema(engine: Engine) -> None:
    """Drop the airline tables as they are in the database, whatever version of the schema made them.

    The tables are reflected rather than taken from `Base`: an earlier version's foreign keys (its
    bookings referenced a `seats` table) decide the order, so SQLite's foreign-key checks pass.
    """
    names = {table.name for table in AIRLINE_TABLES} | set(_LEGACY_TABLES)
    existing = sorted(names & set(inspect(engine).get_table_names()))
    if not existing:
        return
    stored = MetaData()
    stored.reflect(engine, only=existing)
    stored.drop_all(engine)


def schema_is_current(engine: Engine) -> bool:
    """Whether an existing `flights` table has this version's shape (a flight is a number on a date)."""
    inspector = inspect(engine)
    if "flights" not in inspector.get_table_names():
        return True
    return "flight_date" in {c["name"] for c in inspector.get_columns("flights")}


def _stored_complaints(engine: Engine) -> list[dict[str, Any]]:
    """The complaints of an earlier schema version, with the columns this version still has (a row
    that lacks a required one is completed with what the current model would have written)."""
    if "complaints" not in inspect(engine).get_table_names():
        return []
    stored = Table("complaints", MetaData(), autoload_with=engine)
    current = table_of(Complaint)
    with engine.connect() as conn:
        rows = [dict(row._mapping) for row in conn.execute(select(stored))]
    defaults = {"status": "open", "category": "other", "created_at": datetime.now(UTC)}
    carried = []
    for row in rows:
        values = {column.name: row[column.name] for column in current.columns if column.name in row}
        if "text_sha256" in current.columns and "text_sha256" not in values:
            values["text_sha256"] = fingerprint(str(values.get("text", "")))
        carried.append({**{k: v for k, v in defaults.items() if k in current.columns}, **values})
    return carried


def seed_airline(
    engine: Engine, *, reset: bool = True, today: date | None = None, days: int = DAYS
) -> dict[str, int]:
    """Load the demo data from the seed date `today`; returns the row count of each airline table.

    `reset=True` drops and recreates the airline tables first. `reset=False` keeps what is there:
    it creates what is missing, loads the data into an empty `flights` table, and extends an
    existing timetable to `days` days ahead of `today`, so it is safe to run twice. A database of
    an earlier schema version is rebuilt either way (its flights and bookings are demo data), but
    the complaints users filed are carried over.
    """
    today = today or date.today()
    carried: list[dict[str, Any]] = []
    if not schema_is_current(engine):
        log.warning("the airline tables have an older shape: recreating them with fresh demo data")
        carried = _stored_complaints(engine)
        reset = True
    if reset:
        drop_airline_schema(engine)
    create_airline_schema(engine)
    if carried:
        with engine.begin() as conn:
            conn.execute(insert(table_of(Complaint)), carried)
    with engine.begin() as conn:
        empty = conn.execute(select(func.count()).select_from(table_of(Flight))).scalar_one() == 0
        if empty:
            # Indexes built once after the load cost far less than kept up row by row.
            indexes = list(table_of(Booking).indexes)
            for index in indexes:
                index.drop(conn)
            for table, rows in build_rows(today, days).items():
                _insert(conn, table, rows)
            for index in indexes:
                index.create(conn)
    if not empty:
        extend_timetable(engine, today, days)
    return airline_counts(engine)


def airline_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for table in AIRLINE_TABLES
        }


def build_rows(today: date, days: int = DAYS) -> dict[Table, list[dict[str, Any]]]:
    """All rows to insert, per table, in insertion order. Pure and deterministic."""
    aircraft, aircraft_seats = fleet_rows()
    flights, fares = _fixture_flights(today)
    bookings = _fixture_bookings(flights)
    used = {b["confirmation_number"] for b in bookings}
    timetable = [departure_row(f, day, today) for f, day in departures(today, days)]
    flights += timetable
    for row in timetable:
        fares += fare_rows(row)
    bookings += passenger_bookings(timetable, fares, today, used)
    return {
        table_of(Aircraft): aircraft,
        table_of(AircraftSeat): aircraft_seats,
        table_of(Flight): flights,
        table_of(Fare): fares,
        table_of(Booking): bookings,
        table_of(Complaint): [],
    }


def extend_timetable(
    engine: Engine, today: date, days: int = DAYS, schedule: Iterable[ScheduledFlight] = SCHEDULE
) -> int:
    """Add the departures of the days from `today` to `today + days - 1` that are missing; returns
    how many were added. A concurrent extension of the same days makes this one add nothing."""
    last = today + timedelta(days=days - 1)
    with engine.connect() as conn:
        latest = conn.execute(
            select(func.max(Flight.flight_date)).where(Flight.flight_number.not_in(FIXTURE_NUMBERS))
        ).scalar_one()
        if latest is not None and latest >= last:
            return 0
        used = set(conn.execute(select(Booking.confirmation_number)).scalars())
    first = today if latest is None or latest < today else latest + timedelta(days=1)
    flights = [
        departure_row(f, day, today) for f, day in departures(first, (last - first).days + 1, schedule)
    ]
    fares = [fare for row in flights for fare in fare_rows(row)]
    bookings = passenger_bookings(flights, fares, today, used)
    try:
        with engine.begin() as conn:
            _insert(conn, table_of(Flight), flights)
            _insert(conn, table_of(Fare), fares)
            _insert(conn, table_of(Booking), bookings)
    except IntegrityError:
        log.info("another process extended the timetable first")
        return 0
    log.info("timetable extended by %d departures (%s to %s)", len(flights), first, last)
    return len(flights)


def passenger_bookings(
    flights: list[dict[str, Any]], fares: list[dict[str, Any]], generated_on: date, used: set[str]
) -> list[dict[str, Any]]:
    """Synthetic passengers' confirmed bookings on `flights` (codes kept unique through `used`)."""
    price = {(f["flight_number"], f["flight_date"], f["cabin"]): f["price"] for f in fares}
    bookings: list[dict[str, Any]] = []
    sold_by = datetime.combine(generated_on, time(0, 0))
    for flight in flights:
        number, day = flight["flight_number"], flight["flight_date"]
        rng = instance_rng(number, day, "seats")
        load = load_factor(day, generated_on, rng)
        occupied = [(s, c) for s, c in seats_of(flight["aircraft"]) if rng.random() < load]
        passengers = rng.sample(range(1, PASSENGERS + 1), len(occupied))
        latest_sale = min(sold_by, flight["departure_utc"] - timedelta(hours=2))
        for (seat, cabin), pax in zip(occupied, passengers, strict=True):
            code = _confirmation_number(rng)
            while code in used:
                code = _confirmation_number(rng)
            used.add(code)
            booked = latest_sale - timedelta(days=rng.randint(0, 40), minutes=rng.randrange(1440))
            bookings.append(
                _booking(code, f"PAX{pax:04d}", flight, seat, cabin, price[(number, day, cabin)], booked)
            )
    return bookings


def _fixture_flights(today: date) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    day = today + timedelta(days=1)
    flights, fares = [], []
    for number, origin, dest, departs, minutes, status, gate, delay, prices in _FIXTURE_FLIGHTS:
        when = datetime.combine(day, departs)
        flights.append(flight_row(number, origin, dest, when, minutes, NARROW_BODY, status, gate, delay))
        fares += [
            {
                "flight_number": number,
                "flight_date": day,
                "cabin": cabin,
                "price": Decimal(p),
                "currency": "USD",
            }
            for cabin, p in prices.items()
        ]
    return flights, fares


def _fixture_bookings(flights: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The fixtures' bookings, seat for seat and passenger for passenger as they have always been."""
    by_number = {f["flight_number"]: f for f in flights}
    prices = {number: dict(p) for number, *_, p in _FIXTURE_FLIGHTS}
    bookings = []
    with FIXTURE_BOOKINGS.open(encoding="utf-8", newline="") as handle:
        for line in csv.DictReader(handle):
            flight = by_number[line["flight_number"]]
            booked = flight["departure_time"] - timedelta(
                minutes=int(line["booked_minutes_before_departure"])
            )
            price = Decimal(prices[line["flight_number"]][line["cabin"]])
            bookings.append(
                _booking(
                    line["confirmation_number"],
                    line["user_id"],
                    flight,
                    line["seat"],
                    line["cabin"],
                    price,
                    booked,
                )
            )
    return bookings


def _booking(
    code: str, user: str, flight: dict[str, Any], seat: str, cabin: str, price: Decimal, booked: datetime
) -> dict[str, Any]:
    return {
        "confirmation_number": code,
        "user_id": user,
        "flight_number": flight["flight_number"],
        "flight_date": flight["flight_date"],
        "aircraft": flight["aircraft"],
        "seat": seat,
        "cabin": cabin,
        "status": "confirmed",
        "fare_paid": price,
        "currency": "USD",
        "refund_amount": None,
        "created_at": booked,
        "updated_at": booked,
    }


def _confirmation_number(rng: random.Random) -> str:
    return "".join(rng.choices(string.ascii_uppercase, k=3)) + f"{rng.randrange(1000):03d}"


def _insert(conn: Any, table: Table, rows: list[dict[str, Any]]) -> None:
    # In slices: one huge executemany holds every parameter set in memory at once.
    for start in range(0, len(rows), 20_000):
        conn.execute(table.insert(), rows[start : start + 20_000])
