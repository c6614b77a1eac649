"""The timetable day by day: departures of the recurring schedule, their fares, and the status a
traveller sees at a given moment.

Each departure (a flight number on a date) is drawn from its own random generator, seeded by the
number and the date, so a day looks the same whenever it is generated: seeding today or extending
the timetable next week adds the same rows for the same date. What depends on how far ahead a day
was when it was generated (known delays and gates only for the next day or so; more seats sold
close to departure) is computed from `generated_on`.

Statuses follow the clock: `status_at` turns the operations' status (on_time, delayed, cancelled,
or a stage they set by hand) into what a traveller sees now: boarding from 40 minutes before the
(estimated) departure, departed after it, arrived after the arrival.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from tools.airline.fleet import aircraft_for, cabins_of
from tools.airline.places import time_zone_of
from tools.airline.schedule import BUSY_ROUTES, SCHEDULE, ScheduledFlight

SEED = 42
BOARDING_MINUTES = 40
# Stages a flight goes through; an operations' stage is never undone by the clock.
_STAGES = {"on_time": 0, "delayed": 0, "boarding": 1, "departed": 2, "arrived": 3}
_BY_STAGE = {1: "boarding", 2: "departed", 3: "arrived"}
CABIN_FACTORS = {"economy": Decimal("1"), "business": Decimal("2.4"), "first": Decimal("4.5")}
# Friday and Sunday are the expensive days, Tuesday and Wednesday the cheap ones.
WEEKDAY_FACTORS = {1: 1.0, 2: 0.92, 3: 0.92, 4: 1.0, 5: 1.12, 6: 1.0, 7: 1.12}
# Known operations (delays, cancellations, gates) reach this many days ahead of `generated_on`.
OPERATIONS_HORIZON_DAYS = 1


def status_at(
    status: str, departure_utc: datetime, duration_minutes: int, delay_minutes: int, now_utc: datetime
) -> str:
    """The status a traveller sees at `now_utc` (naive UTC), see the module docstring."""
    if status == "cancelled":
        return status
    departs = departure_utc + timedelta(minutes=delay_minutes)
    if now_utc >= departs + timedelta(minutes=duration_minutes):
        stage = 3
    elif now_utc >= departs:
        stage = 2
    elif now_utc >= departs - timedelta(minutes=BOARDING_MINUTES):
        stage = 1
    else:
        stage = 0
    stored = _STAGES.get(status, 0)
    return _BY_STAGE[max(stage, stored)] if max(stage, stored) else status


def local_to_utc(moment: datetime, airport: str) -> datetime:
    """A naive local time at `airport` as naive UTC."""
    aware = moment.replace(tzinfo=ZoneInfo(time_zone_of(airport)))
    return aware.astimezone(UTC).replace(tzinfo=None)


def utc_to_local(moment: datetime, airport: str) -> datetime:
    return moment.replace(tzinfo=UTC).astimezone(ZoneInfo(time_zone_of(airport))).replace(tzinfo=None)


def flight_row(
    number: str,
    origin: str,
    destination: str,
    departs: datetime,
    minutes: int,
    aircraft: str,
    status: str = "on_time",
    gate: str | None = None,
    delay: int = 0,
) -> dict[str, Any]:
    """A `flights` row for a departure at local time `departs` lasting `minutes`."""
    departure_utc = local_to_utc(departs, origin)
    arrival_utc = departure_utc + timedelta(minutes=minutes)
    return {
        "flight_number": number,
        "flight_date": departs.date(),
        "origin": origin,
        "destination": destination,
        "departure_time": departs,
        "arrival_time": utc_to_local(arrival_utc, destination),
        "departure_utc": departure_utc,
        "arrival_utc": arrival_utc,
        "departure_minute": departs.hour * 60 + departs.minute,
        "duration_minutes": minutes,
        "aircraft": aircraft,
        "status": status,
        "gate": gate,
        "delay_minutes": delay,
    }


def departures(
    first_day: date, days: int, schedule: Iterable[ScheduledFlight] = SCHEDULE
) -> Iterator[tuple[ScheduledFlight, date]]:
    """Every (scheduled flight, date) of `days` days from `first_day`, day by day."""
    flights = list(schedule)
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        for flight in flights:
            if flight.flies_on(day.isoweekday()):
                yield flight, day


def instance_rng(number: str, day: date, purpose: str) -> random.Random:
    return random.Random(f"{SEED}:{purpose}:{number}:{day.isoformat()}")


def departure_row(flight: ScheduledFlight, day: date, generated_on: date) -> dict[str, Any]:
    """The `flights` row of `flight` on `day`, as known on `generated_on`."""
    rng = instance_rng(flight.number, day, "operations")
    # Every draw is made whatever the day, so a day's draws never depend on when it was generated.
    draw = rng.random()
    delay_choice = rng.choice((15, 20, 30, 45, 60, 90, 120))
    gate_name = f"{rng.choice('ABCDE')}{rng.randint(1, 40):02d}"
    status, gate, delay = "on_time", None, 0
    if (day - generated_on).days <= OPERATIONS_HORIZON_DAYS:
        if draw < 0.03:
            status = "cancelled"
        elif draw < 0.16:
            status, delay = "delayed", delay_choice
        if status != "cancelled":
            gate = gate_name
    aircraft = aircraft_for(flight.minutes, (flight.origin, flight.destination) in BUSY_ROUTES)
    departs = datetime.combine(day, flight.departs)
    return flight_row(
        flight.number,
        flight.origin,
        flight.destination,
        departs,
        flight.minutes,
        aircraft,
        status,
        gate,
        delay,
    )


def money(value: float | Decimal) -> Decimal:
    # Whole dollars, like a published fare.
    return Decimal(value).quantize(Decimal("1")).quantize(Decimal("0.01"))


def base_fare(number: str, minutes: int) -> float:
    """The economy fare a flight number starts from: longer flights cost more, each number its own."""
    rng = random.Random(f"{SEED}:fare:{number}")
    return (60 + 1.9 * minutes) * rng.uniform(0.85, 1.15)


def fare_rows(row: dict[str, Any]) -> list[dict[str, Any]]:
    """The fares of one departure: by route (its length), cabin, weekday and that day's demand."""
    day: date = row["flight_date"]
    demand = instance_rng(row["flight_number"], day, "fare").uniform(0.9, 1.25)
    economy = money(
        base_fare(row["flight_number"], row["duration_minutes"]) * WEEKDAY_FACTORS[day.isoweekday()] * demand
    )
    return [
        {
            "flight_number": row["flight_number"],
            "flight_date": day,
            "cabin": cabin,
            "price": money(economy * CABIN_FACTORS[cabin]),
            "currency": "USD",
        }
        for cabin in cabins_of(row["aircraft"])
    ]


def load_factor(day: date, generated_on: date, rng: random.Random) -> float:
    """The share of seats sold: about half the day of departure, a few percent two weeks ahead (the
    demo database stays small: most of its bookings are on the next few days)."""
    ahead = max((day - generated_on).days, 0)
    return min(0.9, (0.025 + 0.55 * math.exp(-ahead / 1.8)) * rng.uniform(0.8, 1.2))
