"""Fares specialist: the price of a flight by cabin."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agents.airline_words import CABIN_NAMES, cabin_name, price
from agents.common import UNKNOWN_FLIGHT, ToolLog, context_flight, language_of, outcome, say, task_slots
from agents.flight_search.desk import answer_search, flight_day, stated_day, wants_search
from agents.services import Services
from agents.specialist import NodeFn, Roster, Specialist, StateUpdate
from switchboard.errors import InputError, NotFound
from switchboard.state import Context, State

# The cabin words live in agents.airline_words; their old home still exports them.
__all__ = ["AGENT", "CABIN_NAMES", "INTENT", "SPECIALIST", "build_fare_node", "cabin_name", "price"]

AGENT = "fare_agent"
INTENT = "price_inquiry"

ASK_FLIGHT = (
    "请告诉我要查询票价的航班号（例如 FL123），以及舱位（经济舱或商务舱）。",
    "Which flight would you like a fare for? Tell me the flight number (for example FL123) and, if you like, the cabin.",
)
NO_SUCH_CABIN = (
    "航班 {flight} 没有{cabin}。可选舱位：{options}",
    "Flight {flight} has no {cabin} cabin. Available: {options}",
)


def build_fare_node(services: Services, roster: Roster) -> NodeFn:
    def fares(state: State, runtime: Runtime[Context]) -> StateUpdate:
        language = language_of(state)
        slots = task_slots(state, INTENT)
        if wants_search(state, INTENT):
            return answer_search(services, state, runtime, agent=AGENT, intent=INTENT, purpose="fares")
        flight = slots.get("flight_number") or context_flight(state)
        cabin = slots.get("cabin")
        day = flight_day(state, INTENT, flight)
        if not flight:
            return outcome(
                state,
                agent=AGENT,
                intent=INTENT,
                reply=say(language, *ASK_FLIGHT),
                status="needs_info",
                slots=slots,
                keep_active=True,
            )
        log = ToolLog()

        def fares_on(when: str | None) -> Any:
            args = {"flight_number": flight, "cabin": cabin, **({"flight_date": when} if when else {})}
            return log.run("fare_quote", args, lambda: services.airline.fares(flight, flight_date=when))

        try:
            try:
                all_fares = fares_on(day)
            except NotFound:
                if not (day and stated_day(state, INTENT)):
                    raise
                all_fares = fares_on(None)  # a day it does not fly: its next departure, dated
        except (NotFound, InputError):
            reply = say(language, *UNKNOWN_FLIGHT).format(flight=flight)
            return outcome(state, agent=AGENT, intent=INTENT, reply=reply, status="failed", log=log)
        chosen = [f for f in all_fares if cabin is None or f.cabin == cabin]
        options = ", ".join(f"{cabin_name(language, f.cabin)} {price(f)}" for f in all_fares)
        if not chosen:
            log.calls[-1]["ok"] = False
            reply = say(language, *NO_SUCH_CABIN).format(
                flight=flight, cabin=cabin_name(language, cabin or ""), options=options
            )
            return outcome(state, agent=AGENT, intent=INTENT, reply=reply, status="failed", log=log)
        # A flight number flies on many days and its fares change with the day: say which.
        when = chosen[0].flight_date.isoformat() if chosen else ""
        if len(chosen) == 1:
            fare = chosen[0]
            reply = say(
                language,
                f"航班 {flight}（{when}）{cabin_name(language, fare.cabin)}票价为 {price(fare)}。",
                f"The {cabin_name(language, fare.cabin)} fare on flight {flight} ({when}) is {price(fare)}.",
            )
        else:
            reply = say(
                language,
                f"航班 {flight}（{when}）的票价：{options}。",
                f"Fares on flight {flight} ({when}): {options}.",
            )
        return outcome(state, agent=AGENT, intent=INTENT, reply=reply, status="completed", log=log)

    return fares


SPECIALIST = Specialist(
    intent=INTENT,
    agent=AGENT,
    meaning="the fare of a flight or cabin; fares of the flights on a route",
    build=build_fare_node,
    title=("票价", "Fares"),
    capability=("查询票价", "quote fares"),
    slots=("flight_number", "cabin"),
    followup=True,
    followup_slots=("flight_number",),
    reviewed=True,
    job_tools=frozenset({"fare_quote", "search_flights"}),  # fares by flight, or by route
)
