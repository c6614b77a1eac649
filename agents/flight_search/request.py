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
    unserved_origin, unserved_destination
                          a place the route names that the timetable does not serve, as written
                          ("长沙" in "明天广州到长沙的航班"); the other end keeps its role
    unserved_country      its ISO country, when the list of unserved places knows it ("CN")

Roles of places: "from X", "从X", "X出发" make X the origin; "to Y", "去Y", "到Y", "飞Y", "飞往Y"
the destination; of two places without such words ("北京 上海", "PEK PVG") the first is the
origin; a single place without one is the destination ("北京的航班"). Unserved places
(`agents.flight_search.unserved`) take part in the same roles; a listed one with no route word
counts only beside another place or with words of flying ("长沙的天气" states no route).
"""

from __future__ import annotations

import re
from datetime import date

from agents.flight_search.unserved import Spot, flying_words, route_spots
from agents.flight_search.when import find_dates, find_times, hhmm

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
    "unserved_origin",
    "unserved_destination",
    "unserved_country",
)
# Slots that make a message a search on their own (with or without a flight number).
ROUTE_SLOTS = ("origin", "destination", "unserved_origin", "unserved_destination")
UNSERVED_SLOTS = ("unserved_origin", "unserved_destination")

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


def _marked(text: str, spot: Spot) -> str | None:
    """The role a route word next to `spot` gives it: "origin", "destination" or None."""
    before, after = text[: spot.start], text[spot.end :]
    if _ORIGIN_BEFORE.search(before) or _ORIGIN_AFTER.search(after):
        return "origin"
    return "destination" if _DESTINATION_BEFORE.search(before) else None


def _roles(text: str, spots: list[Spot]) -> tuple[Spot | None, Spot | None]:
    origin: Spot | None = None
    destination: Spot | None = None
    unmarked: list[Spot] = []
    for spot in spots:
        role = _marked(text, spot)
        if role == "origin":
            origin = origin or spot
        elif role == "destination":
            destination = destination or spot
        else:
            unmarked.append(spot)
    for spot in unmarked:
        if origin is None and (
            destination is not None and spot.start < destination.start or len(unmarked) > 1
        ):
            origin = spot
        elif destination is None:
            destination = spot
        elif origin is None:
            origin = spot
    return origin, destination


def _stated_spots(text: str) -> list[Spot]:
    """The places of `text` that take part in a route (see the module docstring)."""
    spots = route_spots(text)
    if len(spots) > 1 or flying_words(text):
        return spots
    return [s for s in spots if s.place is not None or _marked(text, s)]


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
    for role, spot in zip(("origin", "destination"), _roles(text, _stated_spots(text)), strict=True):
        if spot is not None and spot.place is not None:
            slots[role] = spot.place.key
        elif spot is not None:
            slots[f"unserved_{role}"] = spot.name
            if spot.country:
                slots.setdefault("unserved_country", spot.country)
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


def unserved(slots: dict[str, str]) -> bool:
    """Whether the route names a place the timetable does not serve."""
    return any(name in slots for name in UNSERVED_SLOTS)
