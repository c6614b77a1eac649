"""Arguments as callers type them -> the canonical codes of the desk, or a one-line InputError."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from switchboard.errors import InputError
from tools.airline_models import CABINS

_FLIGHT_RE = re.compile(r"([A-Z]{2}|[A-Z][0-9]|[0-9][A-Z])([0-9]{1,4})([A-Z]?)")
_SEAT_RE = re.compile(r"([0-9]{1,2})([A-HJK])")  # no I: airlines skip it
_CONFIRMATION_RE = re.compile(r"[A-Z]{3}[0-9]{3}")
_USER_RE = re.compile(r"[\w.@:+\-]{1,128}")
_SPACES = re.compile(r"[\s\-_]+")
_CABIN_ALIASES = {
    "economy": "economy",
    "eco": "economy",
    "coach": "economy",
    "经济舱": "economy",
    "经济": "economy",
    "business": "business",
    "商务舱": "business",
    "商务": "business",
    "公务舱": "business",
    "first": "first",
    "first class": "first",
    "头等舱": "first",
    "头等": "first",
}
CABIN_ORDER = {cabin: i for i, cabin in enumerate(CABINS)}


def _code(value: object, what: str, max_len: int = 16) -> str:
    """NFKC (full-width letters become ASCII), separators removed, upper case."""
    if not isinstance(value, str):
        raise InputError(f"{what} must be a string, got {type(value).__name__}")
    cleaned = _SPACES.sub("", unicodedata.normalize("NFKC", value)).upper()
    if not cleaned:
        raise InputError(f"{what} is empty")
    if len(cleaned) > max_len:
        raise InputError(f"{what} is too long")
    return cleaned


def normalize_flight_number(value: object) -> str:
    """'fl 123', 'ＦＬ１２３', 'FL0123' -> 'FL123'; anything else -> InputError."""
    code = _code(value, "flight number")
    match = _FLIGHT_RE.fullmatch(code)
    if match is None or int(match.group(2)) == 0:
        raise InputError(f"not a flight number: {code!r} (expected e.g. FL123)")
    airline, number, suffix = match.groups()
    return f"{airline}{int(number)}{suffix}"


def normalize_seat(value: object) -> str:
    """'12a', '012A' -> '12A'; anything else -> InputError."""
    code = _code(value, "seat")
    match = _SEAT_RE.fullmatch(code)
    if match is None or int(match.group(1)) == 0:
        raise InputError(f"not a seat: {code!r} (expected a row and a letter, e.g. 12A)")
    return f"{int(match.group(1))}{match.group(2)}"


def normalize_confirmation_number(value: object) -> str:
    """'abc123' -> 'ABC123'; anything else -> InputError."""
    code = _code(value, "confirmation number")
    if _CONFIRMATION_RE.fullmatch(code) is None:
        raise InputError(
            f"not a confirmation number: {code!r} (expected 3 letters and 3 digits, e.g. ABC123)"
        )
    return code


def normalize_cabin(value: object) -> str:
    """'Economy', '经济舱' -> 'economy'; unknown names -> InputError."""
    if not isinstance(value, str):
        raise InputError(f"cabin must be a string, got {type(value).__name__}")
    key = " ".join(unicodedata.normalize("NFKC", value).lower().split())
    key = key.removesuffix(" class") if key != "first class" else key
    if key not in _CABIN_ALIASES:
        raise InputError(f"unknown cabin {value[:40]!r} (expected one of {', '.join(CABINS)})")
    return _CABIN_ALIASES[key]


def normalize_user_id(value: object) -> str:
    if not isinstance(value, str):
        raise InputError(f"user id must be a string, got {type(value).__name__}")
    user_id = value.strip()
    if _USER_RE.fullmatch(user_id) is None:
        raise InputError("user id must be 1-128 letters, digits or . @ : + - _")
    return user_id


_REQUEST_ID_RE = re.compile(r"[A-Za-z0-9_.:-]{8,64}")


def normalize_request_id(value: object) -> str | None:
    """A request id (a proposal's idempotency key): 8-64 letters, digits and `_.:-`, or None."""
    if value is None:
        return None
    if not isinstance(value, str) or not _REQUEST_ID_RE.fullmatch(value):
        raise InputError("a request id is 8-64 letters, digits or _.:-")
    return value


def normalize_flight_date(value: object) -> date | None:
    """A departure date: a `date`, an ISO string ('2026-12-05'), or None (the one meant now)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise InputError(f"a flight date must be an ISO date string, got {type(value).__name__}")
    text = unicodedata.normalize("NFKC", value).strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"not a date: {text[:20]!r} (expected YYYY-MM-DD, e.g. 2026-12-05)") from None
