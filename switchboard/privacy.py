"""Personal data in free text: finding it whatever the separators, and masking it before it is stored.

Everything is matched on a *folded view* of the text, not on the text itself: every Unicode
decimal digit (full-width, Arabic-Indic, Devanagari, ...) and Chinese numeral becomes an ASCII
digit, other compatibility forms are NFKC-folded (full-width letters, dots, dashes and spaces),
and invisible format characters (zero-width spaces and joiners, bidi marks) are dropped. Each
character of the view remembers where it came from, so a value found in the view is replaced in
the original text, invisible characters inside it included. Digit groups may be separated by
spaces, dots, dashes, slashes, underscores or middle dots ("4111.1111.1111.1111").

Kinds, in the order they claim text (a span taken by one kind is not matched again):
    email, national_id (18 characters with a real birth date), card (13-19 digits passing the
    Luhn check), passport (a letter or two and 7-8 digits, or any number after "passport"/"护照"),
    phone (Chinese mobiles and landlines, +country and North-American formats), and the ids of
    records: booking_id (ABC123), complaint_id (CMP-1A2B3C4D), account_id (USER456, PAX0042).

`mask_at_rest` is what every face applies to a message before it reaches state, tools or a
database: cards keep their last four digits, the other personal identifiers a hint (ids of
records are left alone: the user needs them and tools check who owns them). The output guard
(`agents.guards.pii`) uses the same finder with its own rules about whose data it is.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

CARD = "card"
PHONE = "phone"
EMAIL = "email"
NATIONAL_ID = "national_id"
PASSPORT = "passport"
BOOKING_ID = "booking_id"
COMPLAINT_ID = "complaint_id"
ACCOUNT_ID = "account_id"

PERSONAL_KINDS = (EMAIL, NATIONAL_ID, CARD, PASSPORT, PHONE)
RECORD_KINDS = (BOOKING_ID, COMPLAINT_ID, ACCOUNT_ID)
ALL_KINDS = PERSONAL_KINDS + RECORD_KINDS

_CHINESE_DIGITS = dict(zip("零〇一二三四五六七八九", "00123456789", strict=True))
# Between two digits of one number: a few of these (after folding).
_SEP_CHARS = r" \t\n.\-_/·•‧・"
_SEP = f"[{_SEP_CHARS}]"
_DIGIT_RUN = re.compile(rf"\d(?:{_SEP}{{0,3}}\d)+")
_GROUP_SPLIT = re.compile(f"{_SEP}+")
# Letters and digits of ASCII: a Chinese character right before a number does not glue to it.
_ALNUM = "A-Za-z0-9"

_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}(?![\w-])"
)
_NATIONAL_ID = re.compile(
    rf"(?<![{_ALNUM}])(\d{{6}})((?:19|20)\d{{2}})(\d{{2}})(\d{{2}})(\d{{3}})([\dXx])(?![{_ALNUM}])"
)
_PASSPORT = re.compile(rf"(?<![{_ALNUM}-])(?:[EGDSPH][A-Z]?\d{{7,8}}|[A-Z]{{2}}\d{{7}})(?![{_ALNUM}])")
_PASSPORT_AFTER_WORD = re.compile(
    r"(?:passport|护照)(?:\s*(?:number|no\.?|#|号码|号))?\s*(?:is|:|：|为|是)?\s*([A-Za-z0-9]{6,12})(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_PS = r"[ .\-]"  # separators inside a phone number
_PHONE = re.compile(
    rf"(?<![{_ALNUM}_+])(?:"
    rf"(?:\+|00)\d{{1,3}}{_PS}?(?:\(\d{{1,4}}\){_PS}?)?\d{{2,4}}(?:{_PS}?\d{{2,4}}){{1,3}}"  # +86 138 1234 5678
    rf"|1[3-9]\d{_PS}?\d{{4}}{_PS}?\d{{4}}"  # Chinese mobile 13812345678 / 138.1234.5678
    rf"|0\d{{2,3}}{_PS}\d{{7,8}}|\(0\d{{2,3}}\)\s?\d{{7,8}}"  # Chinese landline 010-12345678
    rf"|\(\d{{3}}\)\s?\d{{3}}{_PS}\d{{4}}|\d{{3}}{_PS}\d{{3}}{_PS}\d{{4}}"  # North America
    rf")(?![{_ALNUM}_])"
)
_BOOKING_ID = re.compile(rf"(?<![{_ALNUM}])[A-Z]{{3}}\d{{3}}(?![{_ALNUM}])")
_COMPLAINT_ID = re.compile(rf"(?<![{_ALNUM}])CMP-[0-9A-F]{{8}}(?![{_ALNUM}])", re.IGNORECASE)
_ACCOUNT_ID = re.compile(rf"(?<![{_ALNUM}])(?:USER|PAX)\d{{3,}}(?![{_ALNUM}])")


class Finding(NamedTuple):
    """One value found: its kind, its span in the original text and its folded form."""

    kind: str
    start: int
    end: int
    value: str


class Masked(NamedTuple):
    text: str
    kinds: list[str]


def _fold_char(ch: str) -> str:
    if ch.isascii():
        return ch
    if unicodedata.category(ch) == "Cf":  # zero-width spaces and joiners, bidi marks, soft hyphen
        return ""
    if ch in _CHINESE_DIGITS:
        return _CHINESE_DIGITS[ch]
    digit = unicodedata.decimal(ch, None)
    if digit is not None:
        return str(digit)
    return unicodedata.normalize("NFKC", ch)


@dataclass(frozen=True)
class TextView:
    """The folded view of a text and, for each of its characters, the original index."""

    text: str
    view: str
    origin: tuple[int, ...]

    @classmethod
    def of(cls, text: str) -> TextView:
        # ASCII folds to itself: every turn masks the user's message (twice: the face, then
        # `ingest`) and the output guard reads the conversation, so the common case skips the loop.
        if text.isascii():
            return cls(text, text, tuple(range(len(text))))
        chars: list[str] = []
        origin: list[int] = []
        for index, ch in enumerate(text):
            if ch.isascii():
                chars.append(ch)
                origin.append(index)
                continue
            folded = _fold_char(ch)
            chars.append(folded)
            origin.extend([index] * len(folded))
        return cls(text, "".join(chars), tuple(origin))

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of the view's [start, end)."""
        return self.origin[start], self.origin[end - 1] + 1


def digits_of(text: str) -> str:
    """The digits of `text` in any script, as ASCII."""
    return "".join(ch for ch in TextView.of(text).view if ch.isdigit())


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


def valid_birth_date(year: str, month: str, day: str) -> bool:
    try:
        born = date(int(year), int(month), int(day))
    except ValueError:
        return False
    return date(1900, 1, 1) <= born <= date.today()


def _card_spans(view: str) -> Iterable[tuple[int, int]]:
    """Spans of the view holding a card number: 13-19 digits in consecutive groups passing Luhn.

    A run of digit groups may hold more than the card ("ref 12 4111 1111 1111 1111"): the
    longest window of whole groups that is a card is taken, left to right. Two groups joined by
    one dot are a decimal number, not a card.
    """
    for run in _DIGIT_RUN.finditer(view):
        groups = [(m.start() + run.start(), m.end() + run.start()) for m in re.finditer(r"\d+", run.group())]
        if len(groups) == 2 and view[groups[0][1] : groups[1][0]] == ".":
            continue  # one dot between two groups: a decimal number ("0.203930263133269")
        i = 0
        while i < len(groups):
            found = None
            for j in range(len(groups) - 1, i - 1, -1):
                if j == i + 1 and view[groups[i][1] : groups[j][0]] == ".":
                    continue  # one dot between two groups: a decimal number
                digits = "".join(view[a:b] for a, b in groups[i : j + 1])
                if 13 <= len(digits) <= 19 and luhn_valid(digits):
                    found = j
                    break
            if found is None:
                i += 1
                continue
            yield groups[i][0], groups[found][1]
            i = found + 1


def _regex_spans(pattern: re.Pattern[str], view: str, group: int = 0) -> Iterable[tuple[int, int]]:
    for match in pattern.finditer(view):
        if pattern is _NATIONAL_ID and not valid_birth_date(match.group(2), match.group(3), match.group(4)):
            continue
        if group and not any(ch.isdigit() for ch in match.group(group)):
            continue
        if pattern is _PHONE and len(re.sub(r"\D", "", match.group())) < 7:
            continue
        yield match.span(group)


def _spans(kind: str, view: str) -> Iterable[tuple[int, int]]:
    if kind == CARD:
        return _card_spans(view)
    if kind == PASSPORT:
        return [*_regex_spans(_PASSPORT, view), *_regex_spans(_PASSPORT_AFTER_WORD, view, 1)]
    pattern = {
        EMAIL: _EMAIL,
        NATIONAL_ID: _NATIONAL_ID,
        PHONE: _PHONE,
        BOOKING_ID: _BOOKING_ID,
        COMPLAINT_ID: _COMPLAINT_ID,
        ACCOUNT_ID: _ACCOUNT_ID,
    }[kind]
    return _regex_spans(pattern, view)


def find_personal_data(text: str, kinds: Iterable[str] = ALL_KINDS) -> list[Finding]:
    """Every value of `kinds` in `text`, in the order of `kinds` then of position; spans do not overlap."""
    view = TextView.of(text)
    taken: list[tuple[int, int]] = []
    found: list[Finding] = []
    for kind in kinds:
        for start, end in sorted(_spans(kind, view.view)):
            if any(start < b and a < end for a, b in taken):
                continue
            taken.append((start, end))
            original = view.span(start, end)
            found.append(Finding(kind, original[0], original[1], view.view[start:end]))
    return found


def replace_findings(text: str, findings: Iterable[tuple[Finding, str]]) -> str:
    """`text` with each finding's span replaced by its replacement."""
    out = text
    for finding, replacement in sorted(findings, key=lambda pair: pair[0].start, reverse=True):
        out = out[: finding.start] + replacement + out[finding.end :]
    return out


def mask_value(finding: Finding) -> str:
    """What is stored instead of a value: a hint that lets its owner recognise it, nothing more."""
    value = finding.value
    if finding.kind == CARD:
        return "**** " + digits_of(value)[-4:]
    if finding.kind == EMAIL:
        local, _, domain = value.partition("@")
        return f"{local[:1]}***@{domain}"
    if finding.kind == PHONE:
        return "***" + digits_of(value)[-4:]
    if finding.kind == PASSPORT:
        return "***" + value[-3:]
    return "***" + re.sub(r"\s", "", value)[-4:]  # national id


def mask_at_rest(text: str) -> Masked:
    """`text` as it may be stored: cards to their last four, other personal identifiers masked."""
    if not isinstance(text, str) or not text:
        return Masked(text, [])
    findings = find_personal_data(text, PERSONAL_KINDS)
    if not findings:
        return Masked(text, [])
    return Masked(replace_findings(text, [(f, mask_value(f)) for f in findings]), [f.kind for f in findings])


def mask_text(text: str) -> str:
    return mask_at_rest(text).text


def is_id_key(key: object) -> bool:
    """Whether values under `key` identify records, messages or checkpoints (`id`, `..._id`)."""
    return isinstance(key, str) and (key == "id" or key.endswith("_id"))


def mask_deep(value: Any) -> Any:
    """`value` with every string inside (dict values, list items) masked; other values as they are.

    Values under keys named `id` or `..._id` are identifiers of records and messages, left alone.
    """
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {key: item if is_id_key(key) else mask_deep(item) for key, item in value.items()}
    if isinstance(value, list):
        return [mask_deep(item) for item in value]
    if isinstance(value, tuple):
        return tuple(mask_deep(item) for item in value)
    return value


def has_full_card_number(text: str) -> bool:
    """Whether `text` holds a card number in full (in any format)."""
    return any(f.kind == CARD for f in find_personal_data(text, (CARD,)))
