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
from agents.tables import table_record
from switchboard.state import State

AGENT = "seat_agent"
INTENT = "book_seat"
# Bookings shown in one reply; the count of the rest follows.
MAX_LISTED = 10

STATUS_NAMES = {"confirmed": ("已确认", "confirmed"), "cancelled": ("已取消", "cancelled")}
HEADER = ("您的预订：", "Your bookings:")
HEADER_ON_FLIGHT = ("您在航班 {flight} 上的预订：", "Your bookings on flight {flight}:")
COLUMNS = (
    ("航班", "日期", "座位", "舱位", "状态", "确认号"),
    ("Flight", "Date", "Seat", "Cabin", "Status", "Confirmation"),
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
    tables = []
    if not bookings:
        reply = say(language, *(NONE_ON_FLIGHT if flight else NONE)).format(flight=flight)
    else:
        # Confirmed ones first; within each, the order the service gives (oldest first).
        ordered = sorted(bookings, key=lambda b: b.status != "confirmed")
        columns = COLUMNS[0] if language == "zh" else COLUMNS[1]
        table = table_record(columns, [_row(language, b) for b in ordered[:MAX_LISTED]])
        header = say(language, *(HEADER_ON_FLIGHT if flight else HEADER)).format(flight=flight)
        reply = header + "\n" + table["text"]
        tables.append(table)
        if len(ordered) > MAX_LISTED:
            reply += "\n" + say(language, *MORE).format(count=len(ordered) - MAX_LISTED)
    update = outcome(state, agent=AGENT, intent=INTENT, reply=reply, status="completed", log=log)
    update["tables"] = tables  # the web chat draws them as real tables
    return update


def _row(language: str, booking: Any) -> list[str]:
    zh, en = STATUS_NAMES.get(booking.status, (booking.status, booking.status))
    return [
        booking.flight_number,
        booking.flight_date.isoformat(),
        booking.seat,
        cabin_name(language, booking.cabin),
        say(language, zh, en),
        booking.confirmation_number,
    ]
