"""The aircraft types of the timetable and their cabin layouts (seat maps).

A layout is a list of (cabin, first row, last row, seat letters). The narrow body is the seat map
the demo fixtures FL123, FL456 and FL789 have always had: business rows 1-4 (A C D F), economy
rows 5-30 (A-F). Long-haul flights fly a wide body with a first cabin.
"""

from __future__ import annotations

from typing import Any

Layout = tuple[tuple[str, int, int, str], ...]

NARROW_BODY = "A320"
LARGE_NARROW_BODY = "A321"
WIDE_BODY = "B789"

# code -> (name, layout)
AIRCRAFT: dict[str, tuple[str, Layout]] = {
    NARROW_BODY: ("Airbus A320", (("business", 1, 4, "ACDF"), ("economy", 5, 30, "ABCDEF"))),
    LARGE_NARROW_BODY: ("Airbus A321", (("business", 1, 5, "ACDF"), ("economy", 6, 36, "ABCDEF"))),
    WIDE_BODY: (
        "Boeing 787-9",
        (("first", 1, 2, "AF"), ("business", 3, 8, "ACDF"), ("economy", 9, 40, "ABCDEF")),
    ),
}
# Flights at least this long fly the wide body.
LONG_HAUL_MINUTES = 480


def seats_of(aircraft: str) -> list[tuple[str, str]]:
    """(seat, cabin) of every seat of `aircraft`, front to back."""
    _, layout = AIRCRAFT[aircraft]
    return [
        (f"{row}{letter}", cabin)
        for cabin, first, last, letters in layout
        for row in range(first, last + 1)
        for letter in letters
    ]


def cabins_of(aircraft: str) -> list[str]:
    return [cabin for cabin, *_ in AIRCRAFT[aircraft][1]]


def aircraft_for(minutes: int, busy_route: bool) -> str:
    """The type a route of `minutes` flies: wide body for long haul, the larger narrow body on the
    busiest domestic routes."""
    if minutes >= LONG_HAUL_MINUTES:
        return WIDE_BODY
    return LARGE_NARROW_BODY if busy_route else NARROW_BODY


def fleet_rows() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Rows of `aircraft` and `aircraft_seats`."""
    aircraft = [{"code": code, "name": name} for code, (name, _) in AIRCRAFT.items()]
    seats = [
        {"aircraft": code, "seat": seat, "cabin": cabin}
        for code in AIRCRAFT
        for seat, cabin in seats_of(code)
    ]
    return aircraft, seats
