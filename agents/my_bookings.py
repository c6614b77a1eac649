"""The user's own bookings, listed in chat ("show my bookings", "我的座位是几号", "what's my seat on FL456").

Part of the seat specialist's desk: the list comes from the same ownership-checked service call
the MCP tool `list_bookings` makes, in the user's language, newest last.
"""

from __future__ import annotations

from typing import Any

from agents.common import ToolLog, language_of, outcome, say
from agents.fares import cabin_name
from agents.services import Services
from agents.specialist import StateUpdate
from switchboard.state import State

AGENT = "seat_agent"
INTENT = "book_seat"
# Bookings shown in one reply; the count of the rest follows.
MAX_LISTED = 10

STATUS_NAMES = {"confirmed": ("已确认", "confirmed"), "cancelled": ("已取消", "cancelled")}
HEADER = ("您的预订：", "Your bookings:")
HEADER_ON_FLIGHT = ("您在航班 {flight} 上的预订：", "Your bookings on flight {flight}:")
LINE = (
    "航班 {flight}，座位 {seat}（{cabin}），{status}，确认号 {code}",
    "flight {flight}, seat {seat} ({cabin}), {status}, confirmation {code}",
)
MORE = ("另有 {count} 个预订未列出。", "{count} more not shown.")
NONE = ("您目前没有预订。", "You have no bookings at the moment.")
NONE_ON_FLIGHT = ("您在航班 {flight} 上没有预订。", "You have no booking on flight {flight}.")


def list_bookings(services: Services, state: State, user: str, flight: str | None) -> StateUpdate:
    """The reply listing `user`'s bookings (on `flight` only, when given)."""
    language = language_of(state)
    log = ToolLog()
    bookings = log.run(
        "list_bookings",
        {"flight_number": flight, "status": None},
        lambda: services.airline.user_bookings(user, flight_number=flight, status=None),
    )
    if not bookings:
        reply = say(language, *(NONE_ON_FLIGHT if flight else NONE)).format(flight=flight)
    else:
        # Confirmed ones first; within each, the order the service gives (oldest first).
        ordered = sorted(bookings, key=lambda b: b.status != "confirmed")
        lines = [_line(language, b) for b in ordered[:MAX_LISTED]]
        header = say(language, *(HEADER_ON_FLIGHT if flight else HEADER)).format(flight=flight)
        separator = "；" if language == "zh" else "; "
        reply = header + separator.join(lines) + ("。" if language == "zh" else ".")
        if len(ordered) > MAX_LISTED:
            reply += " " + say(language, *MORE).format(count=len(ordered) - MAX_LISTED)
    return outcome(state, agent=AGENT, intent=INTENT, reply=reply, status="completed", log=log)


def _line(language: str, booking: Any) -> str:
    zh, en = STATUS_NAMES.get(booking.status, (booking.status, booking.status))
    return say(language, *LINE).format(
        flight=booking.flight_number,
        seat=booking.seat,
        cabin=cabin_name(language, booking.cabin),
        status=say(language, zh, en),
        code=booking.confirmation_number,
    )
