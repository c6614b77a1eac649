"""Redaction of personal data in replies: cards, phones, e-mails, Chinese ID and passport numbers, ids.

Values are found by `switchboard.privacy.find_personal_data`, on a folded view of the reply, so
full-width and other-script digits, zero-width characters and dots, spaces or dashes between
digit groups hide nothing. What is done with each:

- Payment cards (13-19 digits passing the Luhn check) are always masked to their last four
  digits, even the user's own: a full card number is never echoed (PCI DSS).
- Phone numbers, e-mail addresses, Chinese resident ID numbers and passport numbers are redacted
  unless they occur in `own_text` (what the user wrote in this conversation).
- Booking confirmation numbers (ABC123), complaint ids (CMP-1A2B3C4D) and account ids (USER456,
  PAX0042) are redacted unless they are in `allowed_ids` or in `own_text`: any other is another
  user's data. (Echoing a code the user typed is not a leak; it is theirs to know.)

Flight numbers, seats, gates, prices, dates and times do not match any of these shapes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from switchboard.privacy import (
    ACCOUNT_ID,
    ALL_KINDS,
    BOOKING_ID,
    CARD,
    COMPLAINT_ID,
    EMAIL,
    NATIONAL_ID,
    PASSPORT,
    PERSONAL_KINDS,
    PHONE,
    Finding,
    TextView,
    digits_of,
    find_personal_data,
    luhn_valid,
    replace_findings,
)

__all__ = [
    "ACCOUNT_ID",
    "BOOKING_ID",
    "CARD",
    "COMPLAINT_ID",
    "EMAIL",
    "NATIONAL_ID",
    "PASSPORT",
    "PERSONAL_KINDS",
    "PHONE",
    "OwnData",
    "Redaction",
    "luhn_valid",
    "redact",
]

_MASK = {"zh": "[已隐藏]", "en": "[redacted]"}


class Redaction(NamedTuple):
    text: str
    kinds: list[str]  # one entry per redacted value, in order of kind


def _phone_key(value: str) -> str:
    digits = digits_of(value)
    # +86 13812345678 and 13812345678 are the same number.
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            return digits[len(prefix) :]
    return digits


def _key(finding: Finding) -> str:
    if finding.kind == PHONE:
        return _phone_key(finding.value)
    return re.sub(r"[\s.\-]", "", finding.value).upper() if finding.kind != EMAIL else finding.value.lower()


class OwnData:
    """What the user wrote themselves: values of these shapes in it are theirs to see."""

    def __init__(self, own_text: str) -> None:
        # Each kind on its own: "+86 138-1234-5678" is the user's phone even if it also reads as a card.
        self.values = {(f.kind, _key(f)) for kind in ALL_KINDS for f in find_personal_data(own_text, (kind,))}
        self.codes = {m.upper() for m in re.findall(r"[A-Za-z0-9-]{5,}", TextView.of(own_text).view)}

    def owns(self, finding: Finding) -> bool:
        return (finding.kind, _key(finding)) in self.values


def redact(
    reply: str,
    *,
    own_text: str = "",
    allowed_ids: Iterable[str] = (),
    language: str = "en",
    kinds: Iterable[str] = ALL_KINDS,
) -> Redaction:
    """`reply` with other people's personal data and ids masked; `kinds` lists what was masked.

    The `kinds` argument narrows what is looked for (e.g. `PERSONAL_KINDS`: no record ids).
    """
    own = OwnData(own_text)
    allowed = {i.upper() for i in allowed_ids} | own.codes
    mask = _MASK.get(language, _MASK["en"])
    replaced: list[tuple[Finding, str]] = []
    for finding in find_personal_data(reply, tuple(kinds)):
        if finding.kind == CARD:
            replaced.append((finding, "**** " + digits_of(finding.value)[-4:]))
        elif finding.kind in (BOOKING_ID, COMPLAINT_ID, ACCOUNT_ID):
            if finding.value.upper() not in allowed:
                replaced.append((finding, mask))
        elif not own.owns(finding) and not (finding.kind == PASSPORT and finding.value.upper() in allowed):
            replaced.append((finding, mask))
    kinds = [f.kind for f, _ in sorted(replaced, key=lambda pair: ALL_KINDS.index(pair[0].kind))]
    return Redaction(replace_findings(reply, replaced), kinds)
