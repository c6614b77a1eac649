"""What a message asks of the timetable: from where, to where, when, in which cabin, how cheap.

`read_search(text, today)` returns the slots a message states, as the strings the conversation
state keeps (see `SEARCH_SLOTS`):

    origin, destination   a place key: an airport code ("PKX") or a city ("Beijing")
    date_from, date_to    ISO dates
    depart_after, depart_before   "HH:MM", local at the origin
    max_price             a number of USD ("300"); price_currency "CNY" when the limit was in yuan
    sort                  "price" (cheapest), "duration" (fastest), "departure" (earliest)
    nonstop               "yes"
    own_flight            "yes": the user means their own booking ("is my flight to Shanghai on time")

Roles of places: "from X", "从X", "X出发" make X the origin; "to Y", "去Y", "到Y", "飞Y", "飞往Y"
the destination; of two places without such words ("北京 上海", "PEK PVG") the first is the
origin; a single place without one is the destination ("北京的航班").
"""

from __future__ import annotations

import re
from datetime import date

from agents.flight_search.when import find_dates, find_times, hhmm
from tools.airline import Mention, find_places

SEARCH_SLOTS = (
    "origin",
    "destination",
    "date_from",
    "date_to",
    "depart_after",
    "depart_before",
    "max_price",
    "price_currency",
    "sort",
    "nonstop",
    "own_flight",
)
# Slots that make a message a search on their own (with or without a flight number).
ROUTE_SLOTS = ("origin", "destination")

_ORIGIN_BEFORE = re.compile(
    r"(?:\bfrom|\bleaving|\bdeparting(?:\s+from)?|\bout\s+of|从|由|自)\s*$", re.IGNORECASE
)
_ORIGIN_AFTER = re.compile(r"^\s*(?:出发|起飞|始发|走的|飞出)")
_DESTINATION_BEFORE = re.compile(
    r"(?:\bto|\bfor|\binto|\btowards?|\barriving(?:\s+(?:in|at))?|\blanding\s+(?:in|at)|\bheading\s+to"
    r"|到|去|飞往|飞到|飞|前往|往|回|至|抵达)\s*$",
    re.IGNORECASE,
)
_PRICE_EN = re.compile(
    r"(?:under|below|less\s+than|cheaper\s+than|max(?:imum)?|at\s+most|up\s+to|no\s+more\s+than|<)\s*"
    r"(?:\$|usd\s*|us\$\s*|¥|rmb\s*|cny\s*)?\s*(\d[\d,]*(?:\.\d+)?)\s*(dollars?|bucks|usd|yuan|rmb|cny|元)?",
    re.IGNORECASE,
)
_PRICE_ZH = re.compile(
    r"(?:不超过|不高于|低于|少于|最多|便宜于)?\s*(\d[\d,]*(?:\.\d+)?)\s*(美元|美金|刀|元|块钱|块|人民币|usd|dollars?)?\s*"
    r"(?:以内|以下|之内|以下的|以内的)",
    re.IGNORECASE,
)
_PRICE_ZH_PREFIX = re.compile(
    r"(?:不超过|不高于|低于|少于)\s*(\d[\d,]*(?:\.\d+)?)\s*(美元|美金|刀|元|块钱|块|人民币)?"
)
_YUAN = re.compile(r"元|块|人民币|yuan|rmb|cny|¥", re.IGNORECASE)
_CHEAPEST = re.compile(
    r"cheapest|lowest\s+(?:price|fare)|least\s+expensive|best\s+price|最便宜|价格最低|票价最低|最低价",
    re.IGNORECASE,
)
_FASTEST = re.compile(r"fastest|quickest|shortest|最快|时间最短|用时最短|飞行时间最短", re.IGNORECASE)
_EARLIEST = re.compile(r"earliest|first\s+flight\s+of\s+the\s+day|最早", re.IGNORECASE)
_NONSTOP = re.compile(r"non-?stop|direct\s+flights?|直飞|不转机|不经停|没有经停", re.IGNORECASE)
_OWN = re.compile(
    r"\bmy\s+(?:flight|plane|booking|trip)\b|我的(?:航班|飞机|机票|预订|行程)|我订的|我坐的|我那班"
    r"|我(?:要)?(?:去|飞|到|回|从)[^，。？?!！]{1,12}的(?:航班|飞机|那班)",
    re.IGNORECASE,
)


def _roles(text: str, mentions: list[Mention]) -> tuple[Mention | None, Mention | None]:
    origin: Mention | None = None
    destination: Mention | None = None
    unmarked: list[Mention] = []
    for mention in mentions:
        before, after = text[: mention.start], text[mention.end :]
        if _ORIGIN_BEFORE.search(before) or _ORIGIN_AFTER.search(after):
            origin = origin or mention
        elif _DESTINATION_BEFORE.search(before):
            destination = destination or mention
        else:
            unmarked.append(mention)
    for mention in unmarked:
        if origin is None and (
            destination is not None and mention.start < destination.start or len(unmarked) > 1
        ):
            origin = mention
        elif destination is None:
            destination = mention
        elif origin is None:
            origin = mention
    return origin, destination


def _price(text: str) -> tuple[str, str] | None:
    """(amount, currency) of a price limit, currency "USD" or "CNY"."""
    for pattern in (_PRICE_EN, _PRICE_ZH, _PRICE_ZH_PREFIX):
        if match := pattern.search(text):
            amount = match.group(1).replace(",", "")
            return amount, "CNY" if _YUAN.search(match.group(0)) else "USD"
    return None


def read_search(text: str, today: date) -> dict[str, str]:
    """The search slots `text` states (see the module docstring); empty when it states none."""
    slots: dict[str, str] = {}
    origin, destination = _roles(text, find_places(text))
    if origin is not None:
        slots["origin"] = origin.place.key
    if destination is not None:
        slots["destination"] = destination.place.key
    if (span := find_dates(text, today)) is not None:
        slots["date_from"], slots["date_to"] = span.first.isoformat(), span.last.isoformat()
    if (window := find_times(text)) is not None:
        if window.after is not None:
            slots["depart_after"] = hhmm(window.after)
        if window.before is not None:
            slots["depart_before"] = hhmm(window.before)
    if (limit := _price(text)) is not None:
        slots["max_price"], slots["price_currency"] = limit
    if _CHEAPEST.search(text):
        slots["sort"] = "price"
    elif _FASTEST.search(text):
        slots["sort"] = "duration"
    elif _EARLIEST.search(text):
        slots["sort"] = "departure"
    if _NONSTOP.search(text):
        slots["nonstop"] = "yes"
    if _OWN.search(text):
        slots["own_flight"] = "yes"
    return slots


def states_route(slots: dict[str, str]) -> bool:
    return any(name in slots for name in ROUTE_SLOTS)
