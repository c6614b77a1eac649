"""Picking a flight from the list a reply showed: "第二个", "the 9 o'clock one", "the cheapest",
"CA1501", "the last one", "下午两点那班".

`pick(text, options)` returns the chosen option or None. Options are what the conversation state
keeps of the last list (`ListedFlight`: its number in the list, flight number, date, local
departure time, price). A pick must point at exactly one listed flight: "the morning one" when
two morning flights were listed is no pick, and neither is "the fifth" of three.
"""

from __future__ import annotations

import re
from typing import Any, TypedDict

from agents.flight_search.when import cn_number
from agents.slots import flight_numbers


class ListedFlight(TypedDict):
    n: int  # its number in the list, from 1
    flight_number: str
    flight_date: str  # ISO
    departs: str  # "HH:MM", local
    price: str | None
    status: str


_ORDINALS_EN = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5, "6th": 6, "7th": 7, "8th": 8,
    "9th": 9, "10th": 10, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10,
}  # fmt: skip
_ORDINAL_EN = re.compile(
    r"\b(?:the\s+)?(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d{1,2}(?:st|nd|rd|th))"
    r"(?:\s+(?:one|flight|option|choice))?\b(?!\s+class)"
    r"|\b(?:number|no\.?|option|choice|flight)\s*#?\s*(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten)\b"
    r"|#\s*(\d{1,2})\b",
    re.IGNORECASE,
)
_ORDINAL_ZH = re.compile(r"第\s*(\d{1,2}|[一二两三四五六七八九十]{1,3})\s*(?:个|班|趟|架|条|项|种|行)?")
_LAST = re.compile(
    r"\bthe\s+last\s+(?:one|flight|option)\b|\bthe\s+last\b|最后(?:一|那)?(?:个|班|趟)|倒数第一",
    re.IGNORECASE,
)
# Public: the routing rule reads a pick by price as a pick, not as a price question.
CHEAPEST = re.compile(r"\bcheapest\b|最便宜|价格最低|票价最低", re.IGNORECASE)
_EARLIEST = re.compile(r"\bearliest\b|最早", re.IGNORECASE)
_LATEST = re.compile(r"\blatest\b|最晚", re.IGNORECASE)
_AT_EN = re.compile(
    r"\b(?:the\s+)?(?:one\s+(?:at|leaving\s+at|departing\s+at)\s+)?(\d{1,2})(?::(\d{2}))?\s*"
    r"(a\.?m\.?|p\.?m\.?|o'?clock)?\s*(?:one|flight|departure)?\b",
    re.IGNORECASE,
)
_AT_EN_CUE = re.compile(r"\b(?:one|flight|departure|o'?clock)\b|\d:\d{2}|\d\s*(?:a\.?m|p\.?m)", re.IGNORECASE)
_AT_ZH = re.compile(
    r"(早上|上午|中午|下午|傍晚|晚上)?\s*(\d{1,2}|[一二两三四五六七八九十]{1,3})\s*[点:：]\s*(半|\d{1,2}\s*分?)?\s*(?:的|那|起飞)"
)


def _index(options: list[ListedFlight], n: int | None) -> ListedFlight | None:
    return next((o for o in options if o["n"] == n), None) if n else None


def _minutes(departs: str) -> int:
    hour, minute = departs.split(":")
    return int(hour) * 60 + int(minute)


def _by_clock(
    options: list[ListedFlight], hour: int, minute: int | None, pm: bool | None
) -> ListedFlight | None:
    """The one listed flight leaving at hour[:minute] (a bare 1-11 may be am or pm)."""
    hours = [hour] if pm is None or hour >= 12 else [hour + 12 if pm else hour]
    if pm is None and hour < 12:
        hours.append(hour + 12)
    matches = [
        o
        for o in options
        if _minutes(o["departs"]) // 60 in hours and (minute is None or _minutes(o["departs"]) % 60 == minute)
    ]
    return matches[0] if len(matches) == 1 else None


def _clock_pick(text: str, options: list[ListedFlight]) -> ListedFlight | None:
    if match := _AT_ZH.search(text):
        hour = cn_number(match.group(2))
        extra = (match.group(3) or "").replace("分", "").strip()
        minute = 30 if extra == "半" else int(extra) if extra.isdigit() else None
        pm = (
            True
            if match.group(1) in ("下午", "傍晚", "晚上")
            else False
            if match.group(1) in ("早上", "上午")
            else None
        )
        if hour is not None:
            return _by_clock(options, hour, minute, pm)
    if _AT_EN_CUE.search(text):
        for match in _AT_EN.finditer(text):
            if (
                not match.group(2)
                and not match.group(3)
                and not re.search(r"\bone\b|\bflight\b", match.group(0))
            ):
                continue
            marker = (match.group(3) or "").lower()
            pm = True if marker.startswith("p") else False if marker.startswith("a") else None
            minute = int(match.group(2)) if match.group(2) else None
            if (found := _by_clock(options, int(match.group(1)), minute, pm)) is not None:
                return found
    return None


def pick(text: str, options: list[ListedFlight] | list[dict[str, Any]]) -> ListedFlight | None:
    """The listed flight `text` chooses, or None (see the module docstring)."""
    listed: list[ListedFlight] = [o for o in options if isinstance(o, dict)]  # type: ignore[misc]
    if not listed:
        return None
    numbers = {o["flight_number"] for o in listed}
    named = [code for code in flight_numbers(text) if code in numbers]
    if named:
        same = [o for o in listed if o["flight_number"] == named[0]]
        return same[0] if len(same) == 1 else None
    if match := _ORDINAL_ZH.search(text):
        return _index(listed, cn_number(match.group(1)))
    if _LAST.search(text):
        return max(listed, key=lambda o: o["n"])
    if CHEAPEST.search(text):
        priced = [o for o in listed if o.get("price")]
        return min(priced, key=lambda o: float(o["price"] or 0)) if priced else None
    if _EARLIEST.search(text):
        return min(listed, key=lambda o: (o["flight_date"], o["departs"]))
    if _LATEST.search(text):
        return max(listed, key=lambda o: (o["flight_date"], o["departs"]))
    if (by_clock := _clock_pick(text, listed)) is not None:
        return by_clock
    if match := _ORDINAL_EN.search(text):
        word = (match.group(1) or match.group(2) or match.group(3) or "").lower()
        return _index(listed, _ORDINALS_EN.get(word) or (int(word) if word.isdigit() else None))
    return None
