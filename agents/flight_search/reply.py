"""Search results as a reply: a sentence saying what was searched and found, a short table (the
first `SHOWN` flights), the count of the rest, and what the user can say next.

Every figure in the reply comes from the search result or the query as understood, and the facts
handed to the critic (`search_facts`) hold each of them: flight numbers, dates and times, airport
codes, statuses, fares, the row numbers and counts.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from agents.airline_words import cabin_name, status_name
from agents.common import as_json, say
from agents.flight_search.picks import ListedFlight
from agents.tables import table_record, text_table
from switchboard.state import TableRecord
from tools.airline import FlightOption, FlightSearchResult
from tools.airline.places import Place, place, place_of_codes, route_partners, served_cities

SHOWN = 5
WEEKDAYS = (
    ("周一", "Mon"),
    ("周二", "Tue"),
    ("周三", "Wed"),
    ("周四", "Thu"),
    ("周五", "Fri"),
    ("周六", "Sat"),
    ("周日", "Sun"),
)

HEADERS = {
    "n": ("序号", "#"),
    "flight": ("航班", "Flight"),
    "date": ("日期", "Date"),
    "departs": ("起飞", "Departs"),
    "arrives": ("到达", "Arrives"),
    "route": ("航线", "Route"),
    "status": ("状态", "Status"),
    "lowest": ("最低票价", "Lowest fare"),
}
NEXT_STEP = {
    "book": (
        "要预订哪一班？请告诉我序号或起飞时间（例如“第二个”或“9点那班”）。",
        'Which one would you like to book? Tell me its number or time (e.g. "the second one" or "the 9 o\'clock one").',
    ),
    "status": (
        "如需预订，请告诉我是哪一班（例如“订第二个”）。",
        'To book one, tell me which (e.g. "book the second one").',
    ),
    "fares": (
        "票价为单程、每位乘客、美元计价。如需预订，请告诉我是哪一班（例如“订第二个”）。",
        'Fares are one way, per passenger, in USD. To book one, tell me which (e.g. "book the second one").',
    ),
}
NONE_FOUND = ("没有找到{what}的航班。", "I found no flights {what}.")
ALTERNATIVES = ("该航线最近的航班如下：", "The next flights on this route:")
NOT_SERVED = (
    "抱歉，我们的航线不覆盖{places}，时刻表里没有这条航线的航班。",
    "Sorry, our timetable does not serve {places}, so there are no flights on this route.",
)
FLY_FROM = ("从{place}出发可以飞往：", "From {place} we fly to:")
FLY_TO = ("可以飞往{place}的城市：", "Flights to {place} leave from:")
NEARBY = ("我们在附近服务的城市：", "Cities we serve nearby:")
SERVED = ("我们服务的城市：", "Cities we serve:")
TRY_ANOTHER = (
    "请换一个城市再查（例如“{example}的航班”）。",
    'Try one of these instead (e.g. "flights {example}").',
)
OFFERED = 8
CURRENCY_NOTE = (
    "（票价以美元计，无法按人民币金额筛选，以下未按价格筛选。）",
    "(Fares are in USD, so I couldn't apply a limit in yuan; the list is not filtered by price.)",
)


def place_label(key: str | None, codes: tuple[str, ...] | None, language: str) -> str | None:
    """How the reply names a place: as the user named it (a city, an airport), else by its codes."""
    if key:
        return place(key).label(language)
    return None if not codes else place_of_codes(codes).label(language)


def describe_query(result: FlightSearchResult, slots: dict[str, str], language: str) -> str:
    """ "from Beijing to Shanghai on 2026-12-04 (Fri), departing 05:00–12:00" in the user's language."""
    zh = language == "zh"
    origin = place_label(slots.get("origin"), result.origin, language)
    destination = place_label(slots.get("destination"), result.destination, language)
    if zh:
        route = (f"从{origin}" if origin else "") + (f"到{destination}" if destination else "出发")
    else:
        route = " ".join(
            p for p in (f"from {origin}" if origin else "", f"to {destination}" if destination else "") if p
        )
    when = _dates(result.date_from, result.date_to, language) if "date_from" in slots else ""
    extras = []
    after, before = slots.get("depart_after"), slots.get("depart_before")
    if after and before:
        extras.append(f"{after}–{before} 起飞" if zh else f"departing {after}–{before}")
    elif after or before:  # an open end is said in words: no clock time the search was not given
        extras.append(
            (f"{after} 以后起飞" if after else f"{before} 以前起飞")
            if zh
            else (f"departing after {after}" if after else f"departing before {before}")
        )
    if result.cabin:
        extras.append(cabin_name(language, result.cabin))
    if slots.get("max_price") and slots.get("price_currency") != "CNY":
        extras.append(f"{slots['max_price']} USD 以内" if zh else f"up to {slots['max_price']} USD")
    if zh:
        return "，".join([when + route, *extras])
    return ", ".join([" ".join(p for p in (route, when) if p), *extras])


def _dates(first: date, last: date, language: str) -> str:
    def one(day: date) -> str:
        zh, en = WEEKDAYS[day.weekday()]
        return f"{day.isoformat()}（{zh}）" if language == "zh" else f"{day.isoformat()} ({en})"

    if first == last:
        return one(first) if language == "zh" else f"on {one(first)}"
    return f"{one(first)} 至 {one(last)}" if language == "zh" else f"from {one(first)} to {one(last)}"


def _status(option: FlightOption, language: str) -> str:
    name = status_name(language, option.status)
    if option.status == "delayed" and option.delay_minutes:
        return (
            f"{name} {option.delay_minutes} 分钟"
            if language == "zh"
            else f"{name} {option.delay_minutes} min"
        )
    return name


def _money(option_fare: Any) -> str:
    return f"{option_fare.price:.2f} {option_fare.currency}"


def flight_table(
    result: FlightSearchResult, purpose: str, language: str
) -> tuple[list[str], list[list[str]]]:
    """Columns and rows of the first `SHOWN` flights; the fare columns depend on the purpose."""
    flights = result.flights[:SHOWN]
    if purpose == "fares":
        cabins = [
            c for c in ("economy", "business", "first") if any(f.cabin == c for o in flights for f in o.fares)
        ]
    else:
        cabins = [result.cabin] if result.cabin else []
    fare_headers = [_title(cabin_name(language, c)) for c in cabins] or [say(language, *HEADERS["lowest"])]
    keys = ["n", "flight", "date", "departs", "arrives", "route", "status"]
    columns = [say(language, *HEADERS[k]) for k in keys] + fare_headers
    rows = []
    for n, option in enumerate(flights, start=1):
        row = [
            str(n),
            option.flight_number,
            option.flight_date.isoformat(),
            option.departure_time.strftime("%H:%M"),
            option.arrival_time.strftime("%H:%M"),
            f"{option.origin} → {option.destination}",
            _status(option, language),
        ]
        if cabins:
            by_cabin = {f.cabin: f for f in option.fares}
            row += [_money(by_cabin[c]) if c in by_cabin else "—" for c in cabins]
        else:
            row.append(f"{option.price:.2f} {option.currency}" if option.price is not None else "—")
        rows.append(row)
    return columns, rows


def _title(name: str) -> str:
    return name[:1].upper() + name[1:]


def listed(result: FlightSearchResult) -> list[ListedFlight]:
    """What the state keeps of the shown flights, for picking one next."""
    return [
        {
            "n": n,
            "flight_number": o.flight_number,
            "flight_date": o.flight_date.isoformat(),
            "departs": o.departure_time.strftime("%H:%M"),
            "price": None if o.price is None else f"{o.price:.2f}",
            "status": o.status,
        }
        for n, o in enumerate(result.flights[:SHOWN], start=1)
    ]


def found_reply(
    result: FlightSearchResult, slots: dict[str, str], purpose: str, language: str
) -> tuple[str, TableRecord]:
    """The reply for a search that found flights, and its table."""
    what = describe_query(result, slots, language)
    shown = min(len(result.flights), SHOWN)
    if language == "zh":
        head = f"{what}，共有 {result.total} 个航班" + (
            f"，以下是前 {shown} 个：" if result.total > shown else "："
        )
    else:
        head = f"Flights {what}: {result.total} found" + (
            f"; here are the first {shown}:" if result.total > shown else ":"
        )
    columns, rows = flight_table(result, purpose, language)
    table = text_table(columns, rows)
    parts = [head, table]
    if slots.get("price_currency") == "CNY":
        parts.insert(0, say(language, *CURRENCY_NOTE))
    parts.append(say(language, *NEXT_STEP[purpose]))
    return "\n".join(parts), table_record(columns, rows, table)


def none_reply(
    result: FlightSearchResult,
    slots: dict[str, str],
    language: str,
    nearest: FlightSearchResult | None,
    purpose: str,
) -> tuple[str, TableRecord | None]:
    """The reply when nothing matched: say so, and offer the route's next flights when there are."""
    what = describe_query(result, slots, language)
    reply = say(language, *NONE_FOUND).format(what=what)
    if nearest is None or not nearest.flights:
        return reply, None
    columns, rows = flight_table(nearest, purpose, language)
    table = text_table(columns, rows)
    return "\n".join(
        [reply, say(language, *ALTERNATIVES), table, say(language, *NEXT_STEP[purpose])]
    ), table_record(columns, rows, table)


def search_facts(result: FlightSearchResult, slots: dict[str, str]) -> list[dict[str, Any]]:
    """What the critic may check the reply against: the flights shown, counts and the query."""
    shown = result.flights[:SHOWN]
    query: dict[str, Any] = {
        "total": result.total,
        "shown": len(shown),
        "more": result.total - len(shown),
        # The dates searched, which the reply names ("from 2026-12-07 to 2026-12-13").
        "date_from": result.date_from.isoformat(),
        "date_to": result.date_to.isoformat(),
    }
    for key in ("depart_after", "depart_before"):
        if key in slots:  # as a date-time, the form the critic reads times in
            query[key] = f"{result.date_from.isoformat()}T{slots[key]}:00"
    if "max_price" in slots:
        query["max_price"] = slots["max_price"]
    facts: list[dict[str, Any]] = [{"search": query}]
    for n, option in enumerate(shown, start=1):
        facts.append({"n": n, **as_json(option)})
    return facts


def unserved_reply(slots: dict[str, str], language: str) -> tuple[str, dict[str, Any]]:
    """The reply when a route names a place the timetable does not serve: say so, naming it as
    written, and offer the served places nearest the question (no table of another route)."""
    zh = language == "zh"
    names = [slots[k] for k in ("unserved_origin", "unserved_destination") if k in slots]
    quoted = "和".join(f"“{n}”" for n in names) if zh else " and ".join(f'"{n}"' for n in names)
    lines = [say(language, *NOT_SERVED).format(places=quoted)]
    head, offered = _offer(slots, language)
    shown = offered[:OFFERED]
    listing = ("、" if zh else ", ").join(p.label(language) for p in shown)
    rest = len(offered) - len(shown)
    if rest:
        listing += f" 等 {len(offered)} 个城市" if zh else f" and {rest} more"
    if shown:
        lines.append(f"{head}{listing}。" if zh else f"{head} {listing}.")
    lines.append(say(language, *TRY_ANOTHER).format(example=_example(slots, offered, language)))
    facts = {
        "unserved": names,
        "offered": [p.name for p in offered],
        "offered_count": len(offered),
        "more": rest,
    }
    return ("" if zh else " ").join(lines), facts


def _example(slots: dict[str, str], offered: list[Place], language: str) -> str:
    """A route the user could ask instead: the served end and the first place offered."""
    ends = [place(slots[r]) if r in slots else None for r in ("origin", "destination")]
    spare = [p for p in offered if p not in ends] or [place("Beijing"), place("Shanghai")]
    origin = ends[0] or spare.pop(0)
    flown = route_partners(origin.key, "origin") if ends[1] is None else []
    destination = ends[1] or (flown or spare or [place("Shanghai")])[0]
    if language == "zh":
        return f"{origin.label(language)}到{destination.label(language)}"
    return f"from {origin.label(language)} to {destination.label(language)}"


def _offer(slots: dict[str, str], language: str) -> tuple[str, list[Place]]:
    """What to offer instead: the places flown to or from the served end of the route; else the
    served cities in the unserved place's country (`country` when the list knew it); else all."""
    for role in ("origin", "destination"):
        if role in slots:
            name = place(slots[role]).label(language)
            template = FLY_FROM if role == "origin" else FLY_TO
            return say(language, *template).format(place=name), route_partners(slots[role], role)
    nearby = served_cities(slots["unserved_country"]) if slots.get("unserved_country") else []
    if nearby:
        return say(language, *NEARBY), nearby
    return say(language, *SERVED), served_cities()
