"""Demo data of the airline desk: the fixtures of CONTRACTS §3 plus about forty realistic flights.

Deterministic (one `random.Random(42)` drives everything and no clock is read): two seeds give
identical rows. Occupied seats are confirmed bookings of synthetic passengers `PAX0001`..`PAX2000`
(one booking per passenger per flight), 30-60 % load per flight.

Fixtures:
    FL123  PEK->PVG  2025-06-20 14:00  on_time   gate B12   economy 500.00 / business 1200.00 USD
    FL456  PVG->CAN  2025-06-20 15:30  delayed 45 min, gate C05   economy 600.00 / business 1400.00 USD
    FL789  CAN->PEK  2025-06-20 19:00  cancelled               economy 650.00 / business 1500.00 USD
    ABC123 USER123 on FL789, seat 14C economy, fare_paid 650.00 USD, confirmed.

Seat maps of the fixtures: business rows 1-4 (A C D F), economy rows 5-30 (A-F).
Pinned around the demo seats, so the "seat taken" paths can be exercised:
    FL123  12A free;  12B, 12C, 11A, 13A occupied  (alternatives to 12B come from rows 11-13)
    FL456  15B free;  15A, 15C, 14B, 16B occupied
    FL789  14C held by USER123 (ABC123)
Long-haul flights (10 h and more) add a first cabin: first rows 1-2 (A F), business rows 3-8
(A C D F), economy rows 9-40 (A-F).
"""

from __future__ import annotations

import random
import string
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, func, select

from tools.airline_models import AIRLINE_TABLES, Booking, Complaint, Fare, Flight, Seat
from tools.db import Base

SEED = 42
FIRST_DAY = datetime(2025, 6, 20)
DAYS = 8  # 2025-06-20 .. 2025-06-27
EXTRA_FLIGHTS = 40
PASSENGERS = 2000

# (flight, origin, destination, departure, minutes, status, gate, delay, {cabin: price})
_FIXTURE_FLIGHTS: tuple[tuple[str, str, str, datetime, int, str, str | None, int, dict[str, str]], ...] = (
    ("FL123", "PEK", "PVG", datetime(2025, 6, 20, 14, 0), 135, "on_time", "B12", 0,
     {"economy": "500.00", "business": "1200.00"}),
    ("FL456", "PVG", "CAN", datetime(2025, 6, 20, 15, 30), 150, "delayed", "C05", 45,
     {"economy": "600.00", "business": "1400.00"}),
    ("FL789", "CAN", "PEK", datetime(2025, 6, 20, 19, 0), 190, "cancelled", None, 0,
     {"economy": "650.00", "business": "1500.00"}),
)  # fmt: skip
_FIXTURE_BOOKING = {
    "confirmation_number": "ABC123",
    "user_id": "USER123",
    "flight_number": "FL789",
    "seat": "14C",
    "cabin": "economy",
    "fare_paid": Decimal("650.00"),
}
# Seats pinned free (False) or occupied (True) on the fixture flights.
_PINNED: dict[str, dict[str, bool]] = {
    "FL123": {"12A": False, "12B": True, "12C": True, "11A": True, "13A": True},
    "FL456": {"15B": False, "15A": True, "15C": True, "14B": True, "16B": True},
    "FL789": {"14C": False},  # ABC123's seat, not a synthetic passenger's
}

AIRLINES = ("FL", "CA", "MU", "CZ", "HU")
# (origin, destination, block minutes)
ROUTES: tuple[tuple[str, str, int], ...] = (
    ("PEK", "PVG", 135), ("PVG", "PEK", 140), ("PEK", "SHA", 130), ("SHA", "PEK", 135),
    ("PEK", "CAN", 195), ("CAN", "PEK", 190), ("PEK", "SZX", 200), ("SZX", "PEK", 205),
    ("PEK", "CTU", 180), ("CTU", "PEK", 170), ("PEK", "HGH", 130), ("HGH", "PEK", 135),
    ("PVG", "CAN", 150), ("SHA", "SZX", 150), ("SZX", "SHA", 145), ("SHA", "CTU", 200),
    ("CAN", "CTU", 140), ("SZX", "HGH", 140), ("CTU", "HGH", 170), ("HGH", "CAN", 145),
    ("PVG", "HKG", 165), ("HKG", "PVG", 160), ("PEK", "HKG", 220), ("CAN", "HKG", 70),
    ("PEK", "NRT", 215), ("NRT", "PEK", 235), ("PVG", "NRT", 180), ("NRT", "PVG", 200),
    ("PVG", "ICN", 125), ("PEK", "ICN", 120), ("CAN", "SIN", 240), ("SIN", "CAN", 235),
    ("PVG", "SIN", 345), ("SZX", "BKK", 175), ("PEK", "LHR", 690), ("LHR", "PEK", 620),
    ("PVG", "LHR", 735), ("PEK", "JFK", 810), ("JFK", "PEK", 835), ("PVG", "JFK", 900),
    ("PVG", "CDG", 760), ("PEK", "FRA", 640), ("CAN", "SYD", 560), ("HKG", "SIN", 235),
)  # fmt: skip
LONG_HAUL_MINUTES = 600

# cabin -> (first row, last row, letters)
NARROW_BODY: tuple[tuple[str, int, int, str], ...] = (
    ("business", 1, 4, "ACDF"),
    ("economy", 5, 30, "ABCDEF"),
)
WIDE_BODY: tuple[tuple[str, int, int, str], ...] = (
    ("first", 1, 2, "AF"),
    ("business", 3, 8, "ACDF"),
    ("economy", 9, 40, "ABCDEF"),
)
_FARE_FACTORS = {"economy": Decimal("1"), "business": Decimal("2.4"), "first": Decimal("4.5")}


def create_airline_schema(engine: Engine) -> None:
    """Create the airline tables that do not exist yet (the other tables of `Base` are left alone)."""
    Base.metadata.create_all(engine, tables=list(AIRLINE_TABLES), checkfirst=True)


def drop_airline_schema(engine: Engine) -> None:
    Base.metadata.drop_all(engine, tables=list(AIRLINE_TABLES), checkfirst=True)


def seed_airline(engine: Engine, *, reset: bool = True) -> dict[str, int]:
    """Load the demo data; returns the row count of each airline table.

    `reset=True` drops and recreates the airline tables first. `reset=False` creates what is
    missing and loads the data only into an empty `flights` table, so it is safe to run twice.
    """
    if reset:
        drop_airline_schema(engine)
    create_airline_schema(engine)
    with engine.begin() as conn:
        empty = conn.execute(select(func.count()).select_from(Flight.__table__)).scalar_one() == 0
        if empty:
            for table, rows in build_rows().items():
                if rows:
                    conn.execute(table.insert(), rows)
    return airline_counts(engine)


def airline_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for table in AIRLINE_TABLES
        }


def build_rows() -> dict[Any, list[dict[str, Any]]]:
    """All rows to insert, per table, in insertion order. Pure and deterministic."""
    rng = random.Random(SEED)
    flights: list[dict[str, Any]] = []
    layouts: dict[str, tuple[tuple[str, int, int, str], ...]] = {}
    fares: list[dict[str, Any]] = []

    for number, origin, dest, departs, minutes, status, gate, delay, prices in _FIXTURE_FLIGHTS:
        flights.append(_flight(number, origin, dest, departs, minutes, status, gate, delay))
        layouts[number] = NARROW_BODY
        fares += [_fare(number, cabin, Decimal(price)) for cabin, price in prices.items()]

    taken = {f["flight_number"] for f in flights}
    for _ in range(EXTRA_FLIGHTS):
        origin, dest, minutes = rng.choice(ROUTES)
        number = f"{rng.choice(AIRLINES)}{rng.randint(101, 9899)}"
        while number in taken:
            number = f"{rng.choice(AIRLINES)}{rng.randint(101, 9899)}"
        taken.add(number)
        day = rng.randrange(DAYS)
        departs = FIRST_DAY + timedelta(days=day, hours=6, minutes=5 * rng.randrange(17 * 12))
        status, gate, delay = _operations(rng, first_day=day == 0)
        flights.append(_flight(number, origin, dest, departs, minutes, status, gate, delay))
        layout = WIDE_BODY if minutes >= LONG_HAUL_MINUTES else NARROW_BODY
        layouts[number] = layout
        economy = _money(Decimal(90 + 2.1 * minutes) * Decimal(rng.uniform(0.85, 1.15)))
        fares += [_fare(number, cabin, _money(economy * _FARE_FACTORS[cabin])) for cabin, *_ in layout]

    price = {(f["flight_number"], f["cabin"]): f["price"] for f in fares}
    departures = {f["flight_number"]: f["departure_time"] for f in flights}
    seats: list[dict[str, Any]] = []
    bookings: list[dict[str, Any]] = [_fixture_booking(departures["FL789"])]
    used_codes = {_FIXTURE_BOOKING["confirmation_number"]}

    for flight in flights:
        number = flight["flight_number"]
        flight_seats = [
            (f"{row}{letter}", cabin)
            for cabin, first, last, letters in layouts[number]
            for row in range(first, last + 1)
            for letter in letters
        ]
        seats += [{"flight_number": number, "seat": s, "cabin": c} for s, c in flight_seats]
        load = rng.uniform(0.3, 0.6)
        pinned = _PINNED.get(number, {})
        occupied = [(s, c) for s, c in flight_seats if pinned.get(s, rng.random() < load)]
        passengers = rng.sample(range(1, PASSENGERS + 1), len(occupied))
        for (seat, cabin), pax in zip(occupied, passengers, strict=True):
            code = _confirmation_number(rng)
            while code in used_codes:
                code = _confirmation_number(rng)
            used_codes.add(code)
            booked = departures[number] - timedelta(days=rng.randint(1, 60), minutes=rng.randrange(1440))
            bookings.append(
                {
                    "confirmation_number": code,
                    "user_id": f"PAX{pax:04d}",
                    "flight_number": number,
                    "seat": seat,
                    "cabin": cabin,
                    "status": "confirmed",
                    "fare_paid": price[(number, cabin)],
                    "currency": "USD",
                    "refund_amount": None,
                    "created_at": booked,
                    "updated_at": booked,
                }
            )

    return {
        Flight.__table__: flights,
        Seat.__table__: seats,
        Fare.__table__: fares,
        Booking.__table__: bookings,
        Complaint.__table__: [],
    }


def _flight(
    number: str,
    origin: str,
    dest: str,
    departs: datetime,
    minutes: int,
    status: str,
    gate: str | None,
    delay: int,
) -> dict[str, Any]:
    return {
        "flight_number": number,
        "origin": origin,
        "destination": dest,
        "departure_time": departs,
        "arrival_time": departs + timedelta(minutes=minutes),
        "status": status,
        "gate": gate,
        "delay_minutes": delay,
    }


def _operations(rng: random.Random, *, first_day: bool) -> tuple[str, str | None, int]:
    """(status, gate, delay_minutes): the first day has flights in every state, later days are planned."""
    statuses: tuple[str, ...]
    weights: tuple[int, ...]
    if first_day:
        statuses, weights = (
            ("arrived", "departed", "boarding", "on_time", "delayed", "cancelled"),
            (3, 2, 1, 3, 2, 1),
        )
    else:
        statuses, weights = ("on_time", "delayed", "cancelled"), (7, 2, 1)
    status = rng.choices(statuses, weights)[0]
    delay = rng.choice((15, 20, 30, 45, 60, 90, 120, 180)) if status == "delayed" else 0
    gate_known = status != "cancelled" and (first_day or rng.random() < 0.5)
    gate = f"{rng.choice('ABCDE')}{rng.randint(1, 40):02d}" if gate_known else None
    return status, gate, delay


def _fare(number: str, cabin: str, price: Decimal) -> dict[str, Any]:
    return {"flight_number": number, "cabin": cabin, "price": price, "currency": "USD"}


def _money(value: Decimal) -> Decimal:
    # Whole dollars, like a published fare.
    return value.quantize(Decimal("1")).quantize(Decimal("0.01"))


def _confirmation_number(rng: random.Random) -> str:
    return "".join(rng.choice(string.ascii_uppercase) for _ in range(3)) + f"{rng.randrange(1000):03d}"


def _fixture_booking(departure: datetime) -> dict[str, Any]:
    booked = departure - timedelta(days=21)
    return {**_FIXTURE_BOOKING, "status": "confirmed", "currency": "USD", "refund_amount": None,
            "created_at": booked, "updated_at": booked}  # fmt: skip
