"""Seat specialist: book a seat, or change one after the user confirms.

Workflow: gather flight and seat -> book. A taken seat gets free alternatives and the question
stays open; a user who already holds a seat on that flight is asked to confirm the change (the
graph's confirmation node interrupts), and `build_seat_change_node` carries it out.
"""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agents.common import (
    UNKNOWN_FLIGHT,
    ToolLog,
    closing,
    language_of,
    outcome,
    say,
    screen_before_write,
    task_slots,
)
from agents.services import Services
from agents.specialist import ConfirmedAction, NodeFn, Roster, Specialist, StateUpdate
from switchboard.errors import Conflict, InputError, NotAllowed, NotFound
from switchboard.state import Context, PendingAction, State

AGENT = "seat_agent"
INTENT = "book_seat"

ASK = {
    ("flight_number", "seat"): (
        "好的，请告诉我航班号和座位号（例如：FL123，12A）。",
        "Sure. Which flight and which seat? For example: FL123, 12A.",
    ),
    ("flight_number",): ("请告诉我航班号（例如 FL123）。", "Which flight is it? For example FL123."),
    ("seat",): ("请告诉我您想要的座位号（例如 12A）。", "Which seat would you like? For example 12A."),
}
BOOKED = (
    "已为您预订航班 {flight} 的座位 {seat}（{cabin}），确认号 {code}。",
    "Done: seat {seat} on flight {flight} ({cabin}) is booked for you. Confirmation number: {code}.",
)
ALREADY_HELD = (
    "您已持有航班 {flight} 的座位 {seat}，确认号 {code}，无需重复预订。",
    "You already hold seat {seat} on flight {flight} (confirmation {code}); nothing more to do.",
)
SEAT_TAKEN = (
    "航班 {flight} 的座位 {seat} 已被占用。附近的空座：{alternatives}。请问您要哪一个？",
    "Seat {seat} on flight {flight} is taken. Free seats nearby: {alternatives}. Which one would you like?",
)
SEAT_TAKEN_FULL = (
    "航班 {flight} 的座位 {seat} 已被占用，且该舱位没有空座了。",
    "Seat {seat} on flight {flight} is taken, and there are no free seats left in that cabin.",
)
NO_SUCH_SEAT = (
    "航班 {flight} 没有座位 {seat}，请换一个座位号（例如 12A）。",
    "Flight {flight} has no seat {seat}. Please choose another one (for example 12A).",
)
NOT_BOOKABLE = (
    "航班 {flight} 当前状态为{status}，无法选座。",
    "Flight {flight} is {status}, so seats can't be booked on it.",
)
CONFIRM_CHANGE = (
    "您已持有航班 {flight} 的座位 {old}（确认号 {code}）。是否改为 {new}？请回复“是”确认，或“否”保留原座位。",
    "You already hold seat {old} on flight {flight} (confirmation {code}). Change it to {new}? Reply yes to confirm or no to keep your seat.",
)
CHANGE_IMPOSSIBLE = (
    "预订 {code} 已无法更改座位（预订已取消或航班不再开放选座）。",
    "Booking {code} can no longer change seats (it is cancelled or the flight is closed).",
)
CHANGED = (
    "已将您在航班 {flight} 的座位由 {old} 改为 {new}，确认号 {code}。",
    "Done: your seat on flight {flight} is now {new} (was {old}). Confirmation number: {code}.",
)


def _cabin(language: str, cabin: str) -> str:
    from agents.fares import cabin_name

    return cabin_name(language, cabin)


def _seat_taken_reply(language: str, flight: str, seat: str, alternatives: list[str]) -> str:
    if alternatives:
        return say(language, *SEAT_TAKEN).format(
            flight=flight, seat=seat, alternatives=", ".join(alternatives)
        )
    return say(language, *SEAT_TAKEN_FULL).format(flight=flight, seat=seat)


def build_seat_node(services: Services, roster: Roster) -> NodeFn:
    def book_seat(state: State, runtime: Runtime[Context]) -> StateUpdate:
        language = language_of(state)
        slots = task_slots(state, INTENT)
        log = ToolLog()
        if "seat" in slots and "flight_number" not in slots:
            # "Change my seat to 14C": with one booking the flight is not in doubt.
            bookings = log.run(
                "list_bookings", {}, lambda: services.airline.user_bookings(runtime.context.user_id)
            )
            if len(bookings) == 1:
                slots["flight_number"] = bookings[0].flight_number
        missing = tuple(name for name in ("flight_number", "seat") if name not in slots)
        if missing:
            return outcome(
                state,
                agent=AGENT,
                intent=INTENT,
                reply=say(language, *ASK[missing]),
                status="needs_info",
                log=log,
                slots=slots,
                keep_active=True,
            )
        flight, seat, user = slots["flight_number"], slots["seat"], runtime.context.user_id
        args = {"flight_number": flight, "seat": seat}

        def ask_again(reply: str, drop: str) -> dict[str, Any]:
            kept = {k: v for k, v in slots.items() if k != drop}
            return outcome(
                state,
                agent=AGENT,
                intent=INTENT,
                reply=reply,
                status="needs_info",
                log=log,
                slots=kept,
                keep_active=True,
            )

        if refusal := screen_before_write(services, state, user, agent=AGENT, intent=INTENT):
            return refusal
        try:
            result = log.run("book_seat", args, lambda: services.airline.book_seat(user, flight, seat))
        except NotFound as exc:
            if exc.details.get("code") == "no_such_seat":
                return ask_again(say(language, *NO_SUCH_SEAT).format(flight=flight, seat=seat), "seat")
            return ask_again(say(language, *UNKNOWN_FLIGHT).format(flight=flight), "flight_number")
        except InputError:
            return ask_again(say(language, *ASK[("flight_number", "seat")]), "seat")
        except Conflict as exc:
            code = exc.details.get("code")
            if code == "seat_taken":
                return ask_again(
                    _seat_taken_reply(language, flight, seat, list(exc.details.get("alternatives") or [])),
                    "seat",
                )
            if code == "already_booked":
                booking = exc.details["booking"]
                question = say(language, *CONFIRM_CHANGE).format(
                    flight=flight, old=booking.seat, code=booking.confirmation_number, new=seat
                )
                pending: PendingAction = {
                    "kind": "change_seat",
                    "agent": AGENT,
                    "intent": INTENT,
                    "args": {
                        "confirmation_number": booking.confirmation_number,
                        "new_seat": seat,
                        "flight_number": flight,
                        "old_seat": booking.seat,
                    },
                    "question": question,
                }
                return outcome(
                    state,
                    agent=AGENT,
                    intent=INTENT,
                    reply=question,
                    status="awaiting_confirmation",
                    log=log,
                    pending=pending,
                )
            from agents.flight_status import status_name

            status = status_name(language, str(exc.details.get("flight_status", "")))
            return outcome(
                state,
                agent=AGENT,
                intent=INTENT,
                reply=say(language, *NOT_BOOKABLE).format(flight=flight, status=status),
                status="failed",
                log=log,
            )
        booking = result.booking
        template = BOOKED if result.created else ALREADY_HELD
        reply = say(language, *template).format(
            flight=flight,
            seat=booking.seat,
            cabin=_cabin(language, booking.cabin),
            code=booking.confirmation_number,
        )
        return outcome(state, agent=AGENT, intent=INTENT, reply=reply, status="completed", log=log)

    return book_seat


def build_seat_change_node(services: Services, roster: Roster) -> NodeFn:
    """Carries out a seat change the user has just confirmed."""

    def change_seat(state: State, runtime: Runtime[Context]) -> StateUpdate:
        language = language_of(state)
        args = dict((state["pending"] or {})["args"])
        flight, code, new_seat = args["flight_number"], args["confirmation_number"], args["new_seat"]
        log = ToolLog()
        close = closing(state, agent=AGENT, intent=INTENT, log=log)
        try:
            booking = log.run(
                "change_seat",
                {"confirmation_number": code, "new_seat": new_seat},
                lambda: services.airline.change_seat(runtime.context.user_id, code, new_seat),
            )
        except Conflict as exc:
            if exc.details.get("code") != "seat_taken":
                return close(say(language, *CHANGE_IMPOSSIBLE).format(code=code), "failed")
            alternatives = list(exc.details.get("alternatives") or [])
            # The seat went while the user was deciding: offer others and keep the task open.
            reply = _seat_taken_reply(language, flight, new_seat, alternatives)
            return close(reply, "needs_info", slots={"flight_number": flight}, keep_active=True)
        except (NotFound, NotAllowed, InputError):
            return close(say(language, *NO_SUCH_SEAT).format(flight=flight, seat=new_seat), "failed")
        reply = say(language, *CHANGED).format(
            flight=flight, old=args["old_seat"], new=booking.seat, code=booking.confirmation_number
        )
        return close(reply, "completed")

    return change_seat


DECLINED = (
    "好的，座位没有更改，您仍是 {old_seat}。",
    "OK, your seat is unchanged: you keep {old_seat}.",
)

SPECIALIST = Specialist(
    intent=INTENT,
    agent=AGENT,
    meaning="reserve or change a seat on a flight",
    build=build_seat_node,
    title=("座位", "Seats"),
    capability=("预订或更换座位", "book or change seats"),
    slots=("flight_number", "seat"),
    reviewed=True,
    job_tools=frozenset({"book_seat", "change_seat"}),
    write_tools=frozenset({"book_seat", "change_seat"}),
    actions=(ConfirmedAction("change_seat", build_seat_change_node, DECLINED),),
)
