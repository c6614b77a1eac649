"""Deterministic slot extraction: flight numbers, seats, cabins and confirmation codes.

Works on text already passed through `switchboard.text.normalize`, so full-width forms are ASCII.
Formats: flight numbers are two letters and 2-4 digits (FL123, ca 1234); confirmation codes are
three letters and three digits (ABC123) - the formats never overlap, so one regex cannot steal
from the other.
"""

from __future__ import annotations

import re
from typing import TypedDict

# Two-letter airline code, optional space or dash, 2-4 digits; not glued to other letters/digits.
_FLIGHT = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{2})[ -]?(\d{2,4})(?![0-9])")
_CONFIRMATION = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{3}\d{3})(?![A-Za-z0-9])")
# Seat: row 1-69 and a column letter A-K; "12A", "12 A", "座位12a", "seat 3c".
_SEAT = re.compile(r"(?<![A-Za-z0-9])([1-6]?\d)\s?([A-Ka-k])(?![A-Za-z0-9])")
_SEAT_WORDED = re.compile(
    r"(?:\brow\s*(\d{1,2})[,，]?\s*(?:seat)?\s*([A-Ka-k])|第?\s*(\d{1,2})\s*排\s*(?:座位?)?\s*([A-Ka-k]))(?![A-Za-z0-9])",
    re.IGNORECASE,
)

_CABINS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("premium_economy", ("premium economy", "超级经济舱", "高端经济舱")),
    ("business", ("business", "公务舱", "商务舱")),
    ("first", ("first class", "头等舱")),
    ("economy", ("economy", "coach", "经济舱")),
)

# English words that look like flight codes ("on 12", "to 300") are not airline codes.
_NOT_AIRLINE = {
    "ON",
    "TO",
    "IN",
    "AT",
    "OF",
    "IS",
    "NO",
    "MY",
    "BY",
    "OR",
    "AN",
    "AS",
    "UP",
    "WE",
    "IT",
    "SO",
    "DO",
    "GO",
    "BE",
    "ME",
    "HE",
    "US",
    "AM",
    "PM",
}


class Slots(TypedDict, total=False):
    flight_number: str
    seat: str
    cabin: str
    confirmation_number: str


def flight_numbers(text: str) -> list[str]:
    found = []
    for letters, digits in _FLIGHT.findall(text):
        code = letters.upper()
        if code not in _NOT_AIRLINE:
            found.append(f"{code}{digits}")
    return found


def confirmation_numbers(text: str) -> list[str]:
    return [code.upper() for code in _CONFIRMATION.findall(text)]


def _mask_flight(match: re.Match[str]) -> str:
    return match.group(0) if match.group(1).upper() in _NOT_AIRLINE else " "


def seats(text: str) -> list[str]:
    # Flight numbers and confirmation codes contain digit runs that must not read as rows.
    masked = _CONFIRMATION.sub(" ", _FLIGHT.sub(_mask_flight, text))
    found = [f"{int(r1 or r2)}{(c1 or c2).upper()}" for r1, c1, r2, c2 in _SEAT_WORDED.findall(masked)]
    found += [f"{int(row)}{col.upper()}" for row, col in _SEAT.findall(masked) if int(row) > 0]
    return list(dict.fromkeys(found))


def cabin(text: str) -> str | None:
    lowered = text.lower()
    for name, words in _CABINS:
        if any(word in lowered for word in words):
            return name
    return None


def extract(text: str) -> Slots:
    """Every slot the text states unambiguously (the first of each kind)."""
    slots: Slots = {}
    if flights := flight_numbers(text):
        slots["flight_number"] = flights[0]
    if codes := confirmation_numbers(text):
        slots["confirmation_number"] = codes[0]
    if seat_list := seats(text):
        slots["seat"] = seat_list[0]
    if cabin_name := cabin(text):
        slots["cabin"] = cabin_name
    return slots


def stated(text: str) -> dict[str, str]:
    """`extract` as a plain dict (slot name -> value), the shape the state keeps."""
    return {name: str(value) for name, value in extract(text).items()}
