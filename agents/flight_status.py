"""Flight status specialist: status, delay, departure time and gate of one flight."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agents.common import UNKNOWN_FLIGHT, ToolLog, context_flight, language_of, outcome, say, task_slots
from agents.services import Services
from agents.specialist import NodeFn, Roster, Specialist, StateUpdate
from switchboard.errors import InputError, NotFound
from switchboard.state import Context, State

AGENT = "flight_status_agent"
INTENT = "flight_status"

STATUS_NAMES = {
    "on_time": ("准点", "on time"),
    "delayed": ("延误", "delayed"),
    "cancelled": ("已取消", "cancelled"),
    "boarding": ("正在登机", "boarding"),
    "departed": ("已起飞", "departed"),
    "arrived": ("已到达", "arrived"),
}

ASK_FLIGHT = (
    "请告诉我航班号（例如 FL123），我来帮您查询状态。",
    "Which flight? Tell me the flight number (for example FL123) and I'll check its status.",
)


def status_name(language: str, status: str) -> str:
    zh, en = STATUS_NAMES.get(status, (status, status.replace("_", " ")))
    return say(language, zh, en)


def describe_flight(language: str, info: Any) -> str:
    """One sentence with everything a traveller asks about a flight."""
    when = info.departure_time.strftime("%Y-%m-%d %H:%M")
    status = status_name(language, info.status)
    if language == "zh":
        text = f"航班 {info.flight_number}（{info.origin} → {info.destination}）状态：{status}，计划起飞时间 {when}"
        if info.status == "delayed" and info.delay_minutes:
            text += f"，预计延误 {info.delay_minutes} 分钟"
        if info.gate:
            text += f"，登机口 {info.gate}"
        return text + "。"
    text = f"Flight {info.flight_number} ({info.origin} → {info.destination}) is {status}; scheduled departure {when}"
    if info.status == "delayed" and info.delay_minutes:
        text += f", expected delay {info.delay_minutes} minutes"
    if info.gate:
        text += f", gate {info.gate}"
    return text + "."


def build_flight_status_node(services: Services, roster: Roster) -> NodeFn:
    def flight_status(state: State, runtime: Runtime[Context]) -> StateUpdate:
        language = language_of(state)
        slots = task_slots(state, INTENT)
        flight = slots.get("flight_number") or context_flight(state)
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
        try:
            info = log.run(
                "flight_status", {"flight_number": flight}, lambda: services.airline.flight_status(flight)
            )
        except (NotFound, InputError):
            reply = say(language, *UNKNOWN_FLIGHT).format(flight=flight)
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


SPECIALIST = Specialist(
    intent=INTENT,
    agent=AGENT,
    meaning="status, delay, departure time or gate of a flight",
    build=build_flight_status_node,
    title=("航班状态", "Flight status"),
    capability=("查询航班状态", "check flight status"),
    slots=("flight_number",),
    followup=True,
    followup_slots=("flight_number",),
    reviewed=True,
    job_tools=frozenset({"flight_status"}),
)
