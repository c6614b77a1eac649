"""Flight status specialist: status, delay, departure time and gate of one flight."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agents.airline_words import STATUS_NAMES, describe_flight, status_name
from agents.common import UNKNOWN_FLIGHT, ToolLog, context_flight, language_of, outcome, say, task_slots
from agents.flight_search.desk import answer_own_flight, answer_search, flight_day, stated_day, wants_search
from agents.services import Services
from agents.specialist import NodeFn, Roster, Specialist, StateUpdate
from switchboard.errors import InputError, NotFound
from switchboard.state import Context, State

# The status words live in agents.airline_words; their old home still exports them.
__all__ = [
    "AGENT",
    "INTENT",
    "SPECIALIST",
    "STATUS_NAMES",
    "build_flight_status_node",
    "describe_flight",
    "status_name",
]

AGENT = "flight_status_agent"
INTENT = "flight_status"

NO_DEPARTURE = ("航班 {flight} 在 {day} 没有航班。", "Flight {flight} does not fly on {day}.")
ASK_FLIGHT = (
    "请告诉我航班号（例如 FL123），我来帮您查询状态。",
    "Which flight? Tell me the flight number (for example FL123) and I'll check its status.",
)


def build_flight_status_node(services: Services, roster: Roster) -> NodeFn:
    def flight_status(state: State, runtime: Runtime[Context]) -> StateUpdate:
        language = language_of(state)
        slots = task_slots(state, INTENT)
        if not slots.get("flight_number"):
            if (state.get("entities") or {}).get("own_flight"):
                return answer_own_flight(services, state, runtime, agent=AGENT, intent=INTENT)
            if wants_search(state, INTENT):
                return answer_search(services, state, runtime, agent=AGENT, intent=INTENT, purpose="status")
        flight = slots.get("flight_number") or context_flight(state)
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

        def status_on(when: str | None) -> Any:
            args = {"flight_number": flight, **({"flight_date": when} if when else {})}
            return log.run("flight_status", args, lambda: services.airline.flight_status(flight, when))

        try:
            try:
                info = status_on(day)
            except NotFound:
                if not (day and stated_day(state, INTENT)):
                    raise
                # "Is FL456 late today?" of a flight leaving tomorrow: its next departure, dated.
                info = status_on(None)
        except (NotFound, InputError):
            template = NO_DEPARTURE if day and _flies(services, flight) else UNKNOWN_FLIGHT
            reply = say(language, *template).format(flight=flight, day=day)
            return outcome(state, agent=AGENT, intent=INTENT, reply=reply, status="failed", log=log)
        return outcome(
            state,
            agent=AGENT,
            intent=INTENT,
            reply=describe_flight(language, info),
            status="completed",
            log=log,
        )

    return flight_status


def _flies(services: Services, flight: str) -> bool:
    """Whether the flight number exists at all (on some other date)."""
    try:
        services.airline.flight_status(flight)
    except (NotFound, InputError):
        return False
    return True


SPECIALIST = Specialist(
    intent=INTENT,
    agent=AGENT,
    meaning="status, delay, departure time or gate of a flight; flights on a route (timetable)",
    build=build_flight_status_node,
    title=("航班状态", "Flight status"),
    capability=("查询航班状态", "check flight status"),
    slots=("flight_number",),
    followup=True,
    followup_slots=("flight_number",),
    reviewed=True,
    # A timetable question is answered by a search; "is my flight on time?" looks up the bookings.
    job_tools=frozenset({"flight_status", "search_flights"}),
    lookup_tools=frozenset({"list_bookings"}),
)
