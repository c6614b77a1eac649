"""Redaction of personal data in replies: cards, phones, e-mails, Chinese ID and passport numbers, ids.

- Payment cards (13-19 digits, spaces or dashes allowed) that pass the Luhn check are always masked
  to their last four digits, even the user's own: a full card number is never echoed (PCI DSS).
  A digit run that fails Luhn is not a card and is left alone.
- Phone numbers (Chinese mobiles and landlines, +country formats, North-American formats),
  e-mail addresses, Chinese resident ID numbers (18 characters with a valid birth date) and passport
  numbers (a letter or two and 7-8 digits, or any number right after "passport"/"护照") are
  redacted unless they occur in `own_text` (what the user wrote in this conversation).
- Booking confirmation numbers (ABC123), complaint ids (CMP-1A2B3C4D) and account ids (USER456,
  PAX0042) are redacted unless they are in `allowed_ids` or in `own_text`: any other is another
  user's data. (Echoing a code the user typed is not a leak; it is theirs to know.)

Flight numbers, seats, gates, prices, dates and times do not match any of these shapes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date
from typing import NamedTuple

CARD = "card"
PHONE = "phone"
EMAIL = "email"
NATIONAL_ID = "national_id"
PASSPORT = "passport"
BOOKING_ID = "booking_id"
COMPLAINT_ID = "complaint_id"
ACCOUNT_ID = "account_id"

_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}(?![\w-])"
)
_CARD = re.compile(r"(?<![\d+-])(?:\d[ -]?){12,18}\d(?![\d-])")
_NATIONAL_ID = re.compile(
    r"(?<![\dA-Za-z])(\d{6})((?:19|20)\d{2})(\d{2})(\d{2})(\d{3})([\dXx])(?![\dA-Za-z])"
)
_PASSPORT = re.compile(r"(?<![A-Za-z0-9-])(?:[EGDSPH][A-Z]?\d{7,8}|[A-Z]{2}\d{7})(?![A-Za-z0-9])")
_PASSPORT_AFTER_WORD = re.compile(
    r"(?:passport|护照)(?:\s*(?:number|no\.?|#|号码|号))?\s*(?:is|:|：|为|是)?\s*([A-Za-z0-9]{6,12})(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_PHONE = re.compile(
    r"(?<![\w+])(?:"
    r"(?:\+|00)\d{1,3}[ -]?(?:\(\d{1,4}\)[ -]?)?\d{2,4}(?:[ -]?\d{2,4}){1,3}"  # +86 138 1234 5678, +1 (415) 555-0100
    r"|1[3-9]\d[ -]?\d{4}[ -]?\d{4}"  # Chinese mobile 13812345678 / 138 1234 5678
    r"|0\d{2,3}[ -]\d{7,8}|\(0\d{2,3}\)\s?\d{7,8}"  # Chinese landline 010-12345678
    r"|\(\d{3}\)\s?\d{3}[ -]\d{4}|\d{3}-\d{3}-\d{4}"  # North America
    r")(?![\w])"
)
_BOOKING_ID = re.compile(r"(?<![A-Za-z0-9])[A-Z]{3}\d{3}(?![A-Za-z0-9])")
_COMPLAINT_ID = re.compile(r"(?<![A-Za-z0-9])CMP-[0-9A-F]{8}(?![A-Za-z0-9])", re.IGNORECASE)
_ACCOUNT_ID = re.compile(r"(?<![A-Za-z0-9])(?:USER|PAX)\d{3,}(?![A-Za-z0-9])")

_MASK = {"zh": "[已隐藏]", "en": "[redacted]"}


class Redaction(NamedTuple):
    text: str
    kinds: list[str]  # one entry per redacted value, in order of kind


def luhn_valid(digits: str) -> bool:
    """The Luhn checksum of a string of digits (payment card numbers pass it)."""
    if not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _phone_key(text: str) -> str:
    digits = _digits(text)
    # +86 13812345678 and 13812345678 are the same number.
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            return digits[len(prefix) :]
    return digits


def _valid_birth_date(year: str, month: str, day: str) -> bool:
    try:
        born = date(int(year), int(month), int(day))
    except ValueError:
        return False
    return date(1900, 1, 1) <= born <= date.today()


class OwnData:
    """What the user wrote themselves: values of these shapes in it are theirs to see."""

    def __init__(self, own_text: str) -> None:
        self.emails = {m.lower() for m in _EMAIL.findall(own_text)}
        self.phones = {_phone_key(m) for m in _PHONE.findall(own_text)}
        self.ids = {m.group(0).upper() for m in _NATIONAL_ID.finditer(own_text)}
        self.passports = {m.upper() for m in _PASSPORT.findall(own_text)}
        self.passports |= {m.upper() for m in _PASSPORT_AFTER_WORD.findall(own_text)}
        self.codes = {m.upper() for m in re.findall(r"[A-Za-z0-9-]{5,}", own_text)}


def redact(
    reply: str, *, own_text: str = "", allowed_ids: Iterable[str] = (), language: str = "en"
) -> Redaction:
    """`reply` with other people's personal data and ids masked; `kinds` lists what was masked."""
    own = OwnData(own_text)
    allowed = {i.upper() for i in allowed_ids} | own.codes
    mask = _MASK.get(language, _MASK["en"])
    kinds: list[str] = []

    def sub(
        pattern: re.Pattern[str],
        kind: str,
        keep: Callable[[re.Match[str]], bool],
        text: str,
        replacement: Callable[[re.Match[str]], str] | None = None,
    ) -> str:
        def one(match: re.Match[str]) -> str:
            if keep(match):
                return match.group(0)
            kinds.append(kind)
            return replacement(match) if replacement else mask

        return pattern.sub(one, text)

    text = sub(_EMAIL, EMAIL, lambda m: m.group(0).lower() in own.emails, reply)
    # ID numbers before cards: an 18-digit ID can pass Luhn by chance, and the user's own stays visible.
    text = sub(
        _NATIONAL_ID,
        NATIONAL_ID,
        lambda m: not _valid_birth_date(m.group(2), m.group(3), m.group(4)) or m.group(0).upper() in own.ids,
        text,
    )
    text = sub(
        _CARD,
        CARD,
        lambda m: not (13 <= len(_digits(m.group(0))) <= 19 and luhn_valid(_digits(m.group(0)))),
        text,
        lambda m: "**** " + _digits(m.group(0))[-4:],
    )
    text = sub(_PASSPORT, PASSPORT, lambda m: m.group(0).upper() in own.passports, text)
    text = _redact_passport_after_word(text, own.passports, mask, kinds)
    text = sub(
        _PHONE, PHONE, lambda m: _phone_key(m.group(0)) in own.phones or len(_digits(m.group(0))) < 7, text
    )
    text = sub(_BOOKING_ID, BOOKING_ID, lambda m: m.group(0).upper() in allowed, text)
    text = sub(_COMPLAINT_ID, COMPLAINT_ID, lambda m: m.group(0).upper() in allowed, text)
    text = sub(_ACCOUNT_ID, ACCOUNT_ID, lambda m: m.group(0).upper() in allowed, text)
    return Redaction(text, kinds)


def _redact_passport_after_word(text: str, own: set[str], mask: str, kinds: list[str]) -> str:
    def one(match: re.Match[str]) -> str:
        value = match.group(1)
        if value.upper() in own or value == mask or not any(ch.isdigit() for ch in value):
            return match.group(0)
        kinds.append(PASSPORT)
        return match.group(0)[: match.start(1) - match.start(0)] + mask

    return _PASSPORT_AFTER_WORD.sub(one, text)
