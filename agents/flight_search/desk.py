"""The flight search as the airline specialists use it: one call, one reply.

`answer_search` runs the search a message asks for (its slots on top of the last search's when
the message only refines it: "what about Friday?", "只看上午的"), and returns the specialist's
state update: a reply with a short table, the table for the web chat, the list kept for picking
("the second one") and the facts the critic checks. The purpose shapes the reply: the status desk
shows statuses, the fare desk every cabin's fare, the seat desk asks which one to book and keeps
its task open.

`answer_own_flight` finds the user's own booking a message means ("is my flight to Shanghai on
time?") and reports its status.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from langgraph.runtime import Runtime

from agents.airline_words import describe_flight
from agents.common import ToolLog, as_json, language_of, outcome, say, task_slots
from agents.flight_search.reply import (
    SHOWN,
    describe_query,
    found_reply,
    listed,
    none_reply,
    search_facts,
    unserved_reply,
)
from agents.flight_search.request import SEARCH_SLOTS, states_route, unserved
from agents.services import Services
from agents.specialist import StateUpdate
from switchboard.errors import InputError, NotFound
from switchboard.state import Context, FlightList, State
from tools.airline import FlightSearchResult, place

CANNOT_SEARCH = (
    "抱歉，无法按这个条件查询航班，请换个说法（例如“明天北京到上海的航班”）。",
    'Sorry, I can\'t search flights like that ({detail}). Try e.g. "flights from Beijing to Shanghai tomorrow".',
)
NO_ROUTE = ("我们没有{what}的航班。", "We have no flights {what}.")
OWN_NONE = ("您没有符合条件的有效预订。", "You have no confirmed booking that matches.")
OWN_NONE_TO = ("您没有{what}的有效预订。", "You have no confirmed booking {what}.")
ASK_WHICH = (
    "请告诉我航班号（例如 FL123），我来帮您查询状态。",
    "Which flight do you mean? Tell me its number (for example FL123).",
)
OWN_MANY = ("您有 {count} 个符合条件的预订：", "You have {count} matching bookings:")
# Refinements keep the last search's route; a new route starts a new search.
REFINEMENTS = ("date_from", "date_to", "depart_after", "depart_before", "max_price", "price_currency", "sort")


def search_slots(state: State, intent: str) -> dict[str, str]:
    """The search this turn asks for (see the module docstring)."""
    stated = {k: v for k, v in (state.get("entities") or {}).items() if k in SEARCH_SLOTS}
    if states_route(stated):
        return stated
    stored = {k: v for k, v in task_slots(state, intent).items() if k in SEARCH_SLOTS}
    shown = state.get("flights_shown")
    previous = dict(shown["query"]) if shown else {}
    return {**previous, **stored, **stated}


def wants_search(state: State, intent: str) -> bool:
    """Whether this turn asks for a search rather than one flight by number: a route stated now
    (a new search even in the middle of a booking), or a refinement of the last search while no
    flight has been chosen."""
    stated = state.get("entities") or {}
    if stated.get("flight_number"):
        return False
    if states_route({k: v for k, v in stated.items() if k in SEARCH_SLOTS}):
        return True
    if task_slots(state, intent).get("flight_number"):
        return False
    return bool(state.get("flights_shown")) and any(k in stated for k in REFINEMENTS)


def _tool_args(
    slots: dict[str, str], cabin: str | None, purpose: str, time_zone: str | None
) -> dict[str, Any]:
    args: dict[str, Any] = {
        "origin": slots.get("origin"),
        "destination": slots.get("destination"),
        "date_from": slots.get("date_from"),
        "date_to": slots.get("date_to"),
        "depart_after": slots.get("depart_after"),
        "depart_before": slots.get("depart_before"),
        "cabin": cabin,
        "sort": slots.get("sort", "departure"),
        "limit": SHOWN,
        # A status question about a day shows the day's flights that already left too.
        "include_departed": purpose == "status" and "date_from" in slots,
        "include_cancelled": purpose == "status",
        "time_zone": time_zone,
    }
    if slots.get("max_price") and slots.get("price_currency") != "CNY":
        args["max_price"] = slots["max_price"]  # the tool reads the number; the record stays JSON
    return {k: v for k, v in args.items() if v is not None}


def _nearest(services: Services, args: dict[str, Any], log: ToolLog) -> FlightSearchResult | None:
    """The route's next flights from today, when a search with dates or limits found nothing."""
    narrowed = ("date_from", "date_to", "depart_after", "depart_before", "max_price", "cabin")
    if not any(k in args for k in narrowed):
        return None  # the search was the route alone: there is nothing nearer to offer
    kept = ("origin", "destination", "limit", "time_zone", "include_cancelled")
    route: dict[str, Any] = {k: args[k] for k in kept if k in args}
    return log.run("search_flights", route, lambda: services.airline.search_flights(**route))


def answer_search(
    services: Services, state: State, runtime: Runtime[Context], *, agent: str, intent: str, purpose: str
) -> StateUpdate:
    """The specialist's update for a search turn (purpose: "status", "fares" or "book")."""
    language = language_of(state)
    slots = search_slots(state, intent)
    if unserved(slots):
        return _answer_unserved(state, slots, agent=agent, intent=intent, purpose=purpose)
    cabin = task_slots(state, intent).get("cabin")
    args = _tool_args(slots, cabin, purpose, runtime.context.time_zone)
    log = ToolLog()
    try:
        result = log.run("search_flights", args, lambda: services.airline.search_flights(**args))
    except InputError as exc:
        reply = say(language, *CANNOT_SEARCH).format(detail=str(exc))
        return outcome(state, agent=agent, intent=intent, reply=reply, status="failed", log=log)
    table = None
    shown = result
    if result.flights:
        reply, table = found_reply(result, slots, purpose, language)
    else:
        nearest = _nearest(services, args, log)
        if nearest is not None and nearest.flights:
            reply, table = none_reply(result, slots, language, nearest, purpose)
            shown = nearest
        else:
            reply = _no_route(result, slots, language, nearest is None)
    keep = purpose == "book"
    update = outcome(
        state,
        agent=agent,
        intent=intent,
        reply=reply,
        status="needs_info" if keep else ("completed" if shown.flights else "failed"),
        log=log,
        slots=slots if keep else None,
        keep_active=keep,
    )
    update["facts"] = search_facts(shown, slots) + (
        search_facts(result, slots)[:1] if shown is not result else []
    )
    update["tables"] = [table] if table else []
    if shown.flights:
        update["flights_shown"] = FlightList(
            agent=agent, query=slots, options=[dict(o) for o in listed(shown)]
        )
    return update


def _answer_unserved(
    state: State, slots: dict[str, str], *, agent: str, intent: str, purpose: str
) -> StateUpdate:
    """A route with a place the timetable does not serve: no search of another route, no table;
    a booking stays open for the user to name another place."""
    reply, facts = unserved_reply(slots, language_of(state))
    keep = purpose == "book"
    update = outcome(
        state,
        agent=agent,
        intent=intent,
        reply=reply,
        status="needs_info" if keep else "failed",
        log=ToolLog(),
        slots={k: v for k, v in slots.items() if not k.startswith("unserved_")} if keep else None,
        keep_active=keep,
    )
    update["facts"] = [facts]
    update["tables"] = []
    return update


def _no_route(result: FlightSearchResult, slots: dict[str, str], language: str, route_only: bool) -> str:
    what = describe_query(result, slots, language)
    template = NO_ROUTE if route_only else ("没有找到{what}的航班。", "I found no flights {what}.")
    return say(language, *template).format(what=what)


def _on_dates(booking: Any, slots: dict[str, str]) -> bool:
    if "date_from" not in slots:
        return True
    first, last = date.fromisoformat(slots["date_from"]), date.fromisoformat(slots["date_to"])
    return bool(first <= booking.flight_date <= last)


def _on_route(info: Any, slots: dict[str, str]) -> bool:
    if unserved(slots):
        return False  # no booking goes where the timetable does not fly
    return all(
        getattr(info, key) in place(slots[key]).codes for key in ("origin", "destination") if key in slots
    )


def answer_own_flight(
    services: Services, state: State, runtime: Runtime[Context], *, agent: str, intent: str
) -> StateUpdate:
    """The status of the user's own booking(s) the message means (by route and date, if given);
    none of them: say so and ask which flight (the task stays open for its number)."""
    language = language_of(state)
    slots = {k: v for k, v in (state.get("entities") or {}).items() if k in SEARCH_SLOTS}
    user = runtime.context.user_id
    log = ToolLog()
    bookings = log.run("list_bookings", {}, lambda: services.airline.user_bookings(user))
    found = []
    for booking in (b for b in bookings if _on_dates(b, slots)):
        try:
            info = _status_of(services, log, booking)
        except NotFound:
            continue
        if _on_route(info, slots):
            found.append((booking, info))
    if not found:
        what = _own_what(slots, language)
        none = say(language, *OWN_NONE_TO).format(what=what) if what else say(language, *OWN_NONE)
        reply = none + ("" if language == "zh" else " ") + say(language, *ASK_WHICH)
        return outcome(
            state, agent=agent, intent=intent, reply=reply, status="needs_info", log=log, keep_active=True
        )
    lines = [describe_flight(language, info) for _, info in found]
    if len(found) > 1:
        lines.insert(0, say(language, *OWN_MANY).format(count=len(found)))
    update = outcome(state, agent=agent, intent=intent, reply="\n".join(lines), status="completed", log=log)
    update["facts"] = [*update["facts"], *(as_json(b) for b, _ in found), {"matching_bookings": len(found)}]
    return update


def _status_of(services: Services, log: ToolLog, booking: Any) -> Any:
    """The status of the departure a booking holds a seat on."""
    args = {"flight_number": booking.flight_number, "flight_date": booking.flight_date.isoformat()}
    return log.run(
        "flight_status",
        args,
        lambda: services.airline.flight_status(booking.flight_number, booking.flight_date),
    )


def _own_what(slots: dict[str, str], language: str) -> str:
    """ "to Shanghai on 2026-12-03" / "2026-12-03到上海": the booking the user asked about."""
    parts = []
    if "date_from" in slots:
        days = (
            slots["date_from"]
            if slots["date_from"] == slots["date_to"]
            else f"{slots['date_from']}–{slots['date_to']}"
        )
        parts.append(days if language == "zh" else f"on {days}")
    if "origin" in slots:
        name = place(slots["origin"]).label(language)
        parts.append(f"从{name}出发" if language == "zh" else f"from {name}")
    if "destination" in slots:
        name = place(slots["destination"]).label(language)
        parts.append(f"到{name}" if language == "zh" else f"to {name}")
    if "unserved_origin" in slots:
        name = slots["unserved_origin"]
        parts.append(f"从{name}出发" if language == "zh" else f"from {name}")
    if "unserved_destination" in slots:
        name = slots["unserved_destination"]
        parts.append(f"到{name}" if language == "zh" else f"to {name}")
    if language != "zh" and parts and parts[0].startswith("on "):
        parts.append(parts.pop(0))  # "to Shanghai on 2026-12-03"
    return ("" if language == "zh" else " ").join(parts)


def stated_day(state: State, intent: str) -> bool:
    """Whether `flight_day` comes from words of this message rather than a chosen departure: a
    flight that does not fly that day is then asked about on its own next departure."""
    return not task_slots(state, intent).get("flight_date") and bool(
        (state.get("entities") or {}).get("date_from")
    )


def flight_day(state: State, intent: str, flight: str | None = None) -> str | None:
    """The departure date meant for a flight named by number: picked from a list with it, or one
    day this message states ("CA1501 tomorrow"), or the date of the flight talked about last
    ("and business on it?"); None: the departure the desk means by default."""
    slots = task_slots(state, intent)
    if slots.get("flight_date"):
        return slots["flight_date"]
    stated = state.get("entities") or {}
    if stated.get("date_from") and stated.get("date_from") == stated.get("date_to"):
        return stated["date_from"]
    context = (state.get("slots") or {}).get("_context") or {}
    if flight is not None and context.get("flight_number") == flight:
        return context.get("flight_date")
    return None


def flight_label(flight: str, day: str | None, language: str) -> str:
    """ "CA1501" or, when a date was chosen, "CA1501 (2026-12-05)" for the reply templates."""
    if not day:
        return flight
    return f"{flight}（{day}）" if language == "zh" else f"{flight} on {day}"


def picked_note(state: State, language: str) -> str:
    """ "You chose CA1501 on 2026-12-05, 08:00." when this message picked a flight from a list."""
    stated = state.get("entities") or {}
    if not stated.get("picked"):
        return ""
    shown = state.get("flights_shown")
    options = shown["options"] if shown else []
    chosen = next((o for o in options if str(o.get("n")) == stated["picked"]), None)
    if chosen is None:
        return ""
    return say(
        language,
        f"已选择航班 {chosen['flight_number']}（{chosen['flight_date']} {chosen['departs']} 起飞）。",
        f"You chose flight {chosen['flight_number']} on {chosen['flight_date']} at {chosen['departs']}. ",
    )
