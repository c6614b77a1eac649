"""The answer critic: does a reply state only what this turn's tool results support, in the user's language?

`critique(reply, facts, language)` is deterministic. It reads the claims a reply makes - flight
numbers, confirmation numbers, complaint ids, seats, gates, airport codes, dates, times, amounts and
other numbers, status words - and checks each against the facts (the JSON of the tool results),
allowing the formats the replies use ("500.00 USD" for price "500.00", "14:00" and "2025-06-20" for
"2025-06-20T14:00:00", "on time" / "准点" for status "on_time"). It also checks the reply's language
with `switchboard.text.detect_language`. Text that is not a claim about the records is skipped:
examples ("for example FL123", "例如 12A") and the service commitments of the reply templates
("within 7 working days", "3 个工作日内"). Codes and numbers the user stated themselves
(`user_text`) count as supported: echoing the user is not a claim from a tool. With no facts
there is nothing to check claims against, and only the language is checked.

`revise(reply, facts, language, problems)` is the one bounded revision: a plain reply built from
the facts alone, in the right language, so it is consistent by construction.

The LLM critic (`agents.llm_critic`) asks a chat model the same question and keeps this critic as
its floor.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from agents.slots import confirmation_numbers, flight_numbers, seats
from switchboard.text import detect_language

# Status words a reply may state, and the fact values (or substrings of them) that support each.
STATUS_WORDS: dict[str, tuple[str, ...]] = {
    "on time": ("on_time", "on time"),
    "delayed": ("delayed", "delay"),
    "cancelled": ("cancelled", "canceled"),
    "canceled": ("cancelled", "canceled"),
    "boarding": ("boarding",),
    "departed": ("departed",),
    "arrived": ("arrived",),
    "confirmed": ("confirmed",),
    "准点": ("on_time", "准点"),
    "延误": ("delayed", "delay", "延误"),
    "已取消": ("cancelled", "已取消"),
    "正在登机": ("boarding", "正在登机"),
    "已起飞": ("departed", "已起飞"),
    "已到达": ("arrived", "已到达"),
    "已确认": ("confirmed", "已确认"),
}
_STATUS = re.compile(
    "|".join(
        rf"(?<![A-Za-z]){re.escape(w)}(?![A-Za-z])" for w in sorted(STATUS_WORDS, key=len, reverse=True)
    ),
    re.IGNORECASE,
)

# Not claims about the records: examples and the templates' service commitments.
_EXAMPLE = re.compile(
    r"(?:for example|for instance|e\.g\.|例如|比如|如)[:：,，]?\s*[^)）。.;；?？!！]*", re.IGNORECASE
)
_COMMITMENT = re.compile(
    r"\d+\s*(?:个)?(?:工作日|小时内|天内)|\d+\s+(?:working|business) days|\d+\s+hours?", re.IGNORECASE
)
_COMPLAINT_ID = re.compile(r"\bCMP-[0-9A-F]{8}\b", re.IGNORECASE)
_GATE = re.compile(r"(?:gate|登机口)\s*([A-Z]\d{1,3}[A-Z]?)\b", re.IGNORECASE)
_AIRPORT = re.compile(r"(?<![A-Za-z])[A-Z]{3}(?![A-Za-z0-9])")
_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_TIME = re.compile(r"(?<!\d)(\d{1,2}):(\d{2})(?::\d{2})?(?!\d)")
_NUMBER = re.compile(r"(?<![\w.])\d+(?:,\d{3})*(?:\.\d+)?(?![\w])")
_DATETIME_VALUE = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})")


class CriticVerdict(NamedTuple):
    ok: bool
    problems: list[str]


class _Support:
    """Everything the facts can support, in comparable forms."""

    def __init__(self, facts: list[dict[str, Any]], user_text: str) -> None:
        self.strings: list[str] = []
        self.codes: set[str] = set()
        self.numbers: set[Decimal] = set()
        self.dates: set[str] = set()
        self.times: set[str] = set()
        self.has_airports = False
        for key, value in _leaves(facts):
            if key in ("origin", "destination"):
                self.has_airports = True
            if isinstance(value, bool) or value is None:
                continue
            if isinstance(value, int | float | Decimal):
                self._number(str(value))
                continue
            text = str(value)
            self.strings.append(text.lower())
            self.codes.add(text.upper())
            if match := _DATETIME_VALUE.match(text):
                self.dates.add(match.group(1))
                self.times.add(f"{int(match.group(2))}:{match.group(3)}")
            for number in _NUMBER.findall(text):
                self._number(number)
        for values in _lists(facts):  # "3 bookings" may count a list the tool returned
            self.numbers.add(Decimal(values))
        # What the user said themselves is not a claim the reply makes about the records.
        self.codes.update(token.upper() for token in re.findall(r"[A-Za-z0-9-]{2,}", user_text))
        for number in _NUMBER.findall(user_text):
            self._number(number)

    def _number(self, text: str) -> None:
        with contextlib.suppress(InvalidOperation):  # "1.2.3" is not a number; nothing to support
            self.numbers.add(Decimal(text.replace(",", "")))

    def has_number(self, text: str) -> bool:
        try:
            return Decimal(text.replace(",", "")) in self.numbers
        except InvalidOperation:
            return False

    def has_status(self, word: str) -> bool:
        supports = (
            STATUS_WORDS[word.lower()] if word.lower() in STATUS_WORDS else STATUS_WORDS.get(word, (word,))
        )
        return any(s in value for value in self.strings for s in supports)


def _leaves(value: Any, key: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, str(k))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _leaves(item, key)
    else:
        yield key, value


def _lists(value: Any) -> Iterator[int]:
    if isinstance(value, dict):
        for v in value.values():
            yield from _lists(v)
    elif isinstance(value, list | tuple):
        yield len(value)
        for item in value:
            yield from _lists(item)


def _claims_text(reply: str) -> str:
    """The reply without the parts that are not claims about records."""
    return _COMMITMENT.sub(" ", _EXAMPLE.sub(" ", reply))


def check_claims(reply: str, facts: list[dict[str, Any]], user_text: str = "") -> list[str]:
    """The reply's claims that the facts do not support, as short problem descriptions."""
    support = _Support(facts, user_text)
    text = _claims_text(reply)
    problems: list[str] = []

    def need(kind: str, value: str, ok: bool) -> None:
        if not ok:
            problems.append(f"{kind} {value} is not in the tool results")

    for code in _COMPLAINT_ID.findall(text):
        need("complaint id", code.upper(), code.upper() in support.codes)
    text = _COMPLAINT_ID.sub(" ", text)  # its hex digits must not read as a flight number or seat
    for code in flight_numbers(text):
        need("flight number", code, code in support.codes)
    for code in confirmation_numbers(text):
        need("confirmation number", code, code in support.codes)
    for seat in seats(text):
        need("seat", seat, seat in support.codes)
    for gate in _GATE.findall(text):
        need("gate", gate.upper(), gate.upper() in support.codes)
    if support.has_airports:
        for code in _AIRPORT.findall(text):
            need("code", code, code in support.codes)
    for year, month, day in _DATE.findall(text):
        value = f"{year}-{month}-{day}"
        need("date", value, value in support.dates or value in support.codes)
    for hour, minute in _TIME.findall(text):
        need("time", f"{hour}:{minute}", f"{int(hour)}:{minute}" in support.times)
    for word in dict.fromkeys(m.group(0) for m in _STATUS.finditer(text)):
        need("status", word, support.has_status(word))
    # Numbers left once every code, date and time above is taken out.
    rest = _GATE.sub(" ", _TIME.sub(" ", _DATE.sub(" ", text)))
    rest = re.sub(
        r"(?<![A-Za-z0-9])[A-Za-z]{1,4}\d+[A-Za-z]?(?![A-Za-z0-9])|(?<![A-Za-z0-9])\d{1,2}[A-Ka-k](?![A-Za-z0-9])",
        " ",
        rest,
    )
    for number in dict.fromkeys(_NUMBER.findall(rest)):
        need("number", number, support.has_number(number))
    return problems


def critique(reply: str, facts: list[dict[str, Any]], language: str, *, user_text: str = "") -> CriticVerdict:
    """Whether `reply` states only what `facts` support and is written in `language`."""
    problems: list[str] = []
    written_in = detect_language(reply)
    if written_in is not None and language in ("zh", "en") and written_in != language:
        problems.append(f"language: the reply is in {written_in}, the user writes {language}")
    if facts:
        problems += check_claims(reply, facts, user_text)
    return CriticVerdict(not problems, problems)


# ---------------------------------------------------------------------------------------------
# Revision: a plain reply from the facts alone

_FALLBACK = {
    "zh": "抱歉，我没能给出准确的回复。请再告诉我一次您需要办理什么。",
    "en": "Sorry, I couldn't put together an accurate answer. Could you tell me again what you need?",
}
_FIELD_NAMES = {
    "flight_number": ("航班", "flight"),
    "confirmation_number": ("确认号", "confirmation number"),
    "complaint_id": ("投诉编号", "complaint"),
    "seat": ("座位", "seat"),
    "cabin": ("舱位", "cabin"),
    "status": ("状态", "status"),
    "gate": ("登机口", "gate"),
    "departure_time": ("计划起飞", "scheduled departure"),
    "estimated_departure": ("预计起飞", "estimated departure"),
    "delay_minutes": ("延误分钟", "delay in minutes"),
    "price": ("票价", "fare"),
    "refund_amount": ("退款", "refund"),
    "fee": ("手续费", "fee"),
    "fare_paid": ("已付票价", "fare paid"),
    "category": ("类别", "category"),
    "origin": ("出发", "from"),
    "flight_date": ("日期", "date"),
    "destination": ("到达", "to"),
}
# Internal or noisy fields a customer does not need in a plain summary.
_SKIP = {
    "user_id",
    "created_at",
    "updated_at",
    "created",
    "text",
    "already_cancelled",
    "reason",
    "currency",
    "arrival_time",
    "seats",
    "duration_minutes",
    "aircraft",
    "fares",
}
_MONEY = {"price", "refund_amount", "fee", "fare_paid"}


_RECORD_STATUS = {
    "confirmed": ("已确认", "confirmed"),
    "open": ("处理中", "open"),
    "closed": ("已结案", "closed"),
}


def _display(key: str, value: Any, language: str, currency: str | None) -> str:
    # The specialists' own names for statuses, cabins and categories: the revision reads like them.
    from agents.airline_words import STATUS_NAMES, cabin_name
    from agents.complaints import CATEGORY_NAMES

    text = str(value)
    names = {"status": {**_RECORD_STATUS, **STATUS_NAMES}, "category": CATEGORY_NAMES}.get(key)
    if names is not None:
        zh, en = names.get(text, (text, text.replace("_", " ")))
        return zh if language == "zh" else en
    if key == "cabin":
        return cabin_name(language, text)
    if match := _DATETIME_VALUE.match(text):
        return f"{match.group(1)} {match.group(2)}:{match.group(3)}"
    if key in _MONEY and currency:
        return f"{text} {currency}"
    return text


def _summary(fact: dict[str, Any], language: str) -> str:
    nested = {k: v for k, v in fact.items() if isinstance(v, dict)}
    flat = {
        k: v for k, v in fact.items() if not isinstance(v, dict | list) and v is not None and k not in _SKIP
    }
    # Nothing to say about a delay of zero, or an estimate that is the schedule.
    if not flat.get("delay_minutes"):
        flat.pop("delay_minutes", None)
    if flat.get("estimated_departure") == flat.get("departure_time"):
        flat.pop("estimated_departure", None)
    currency = fact.get("currency") or next(
        (v.get("currency") for v in nested.values() if v.get("currency")), None
    )
    parts = []
    for key, value in flat.items():
        zh, en = _FIELD_NAMES.get(key, (key, key.replace("_", " ")))
        label = zh if language == "zh" else en
        parts.append(
            f"{label} {_display(key, value, language, currency)}"
            if language == "zh"
            else f"{label}: {_display(key, value, language, currency)}"
        )
    sentences = [("，" if language == "zh" else "; ").join(parts)] if parts else []
    sentences += [_summary(v, language) for v in nested.values()]
    return ("" if language == "zh" else " ").join(s for s in sentences if s)


def revise(reply: str, facts: list[dict[str, Any]], language: str, problems: list[str]) -> str:
    """The one bounded revision: a plain reply from the facts alone, in `language`."""
    lang = "zh" if language == "zh" else "en"
    summaries = [s for s in (_summary(fact, lang) for fact in facts if isinstance(fact, dict)) if s]
    if not summaries:
        return _FALLBACK[lang]
    if lang == "zh":
        return "根据查询结果：" + "。".join(summaries) + "。"
    return "Here is what I found: " + ". ".join(summaries) + "."
