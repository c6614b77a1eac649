"""Seat specialist: book a seat, change one the user holds, or show the user's bookings.

Workflow: gather flight and seat -> check the seat (it exists, it is free, the flight is open) ->
- the user already holds a seat on that flight: propose the change (a yes carries it out);
- "change my seat" without a booking on that flight: say so and propose a new booking at its fare;
- flight and seat given in one message ("为 FL456 预订座位 15B"): book at once;
- otherwise (the details came over several messages): propose the booking with its fare.
A seat that is taken is never proposed: the user gets free seats nearby instead. "Show my
bookings", "我的座位是几号" list the user's own bookings.
"""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agents.common import (
    UNKNOWN_FLIGHT,
    ToolLog,
    closing,
    context_flight,
    language_of,
    outcome,
    propose,
    say,
    screen_before_write,
    task_slots,
)
from agents.dialogue import asks_for_own_bookings, asks_to_change_seat
from agents.fares import cabin_name, price
from agents.flight_search.desk import answer_search, flight_day, flight_label, picked_note, wants_search
from agents.flight_status import status_name
from agents.my_bookings import list_bookings
from agents.services import Services
from agents.specialist import ActionFn, ConfirmedAction, NodeFn, Roster, Specialist, StateUpdate
from switchboard.errors import Conflict, InputError, NotAllowed, NotFound
from switchboard.state import Context, State
from tools.airline import BOOKABLE_STATUSES
from tools.airline.seats import rank_nearby

AGENT = "seat_agent"
INTENT = "book_seat"
# Free seats offered instead of a taken one.
ALTERNATIVES = 3

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
NO_BOOKING_TO_CHANGE = (
    "您在航班 {flight} 上没有预订，无法改座。是否改为新预订座位 {seat}（{cabin}，{price}）？请回复“是”预订，或“否”放弃。",
    "You have no booking on flight {flight}, so there is no seat to change. Book seat {seat} ({cabin}, {price}) as a new booking instead? Reply yes to book or no to leave it.",
)
CONFIRM_BOOKING = (
    "为您预订航班 {flight} 的座位 {seat}（{cabin}），票价 {price}。请回复“是”确认预订，或“否”放弃。",
    "Book seat {seat} on flight {flight} ({cabin}) for {price}? Reply yes to book or no to leave it.",
)
CHANGE_IMPOSSIBLE = (
    "预订 {code} 已无法更改座位（预订已取消或航班不再开放选座）。",
    "Booking {code} can no longer change seats (it is cancelled or the flight is closed).",
)
CHANGED = (
    "已将您在航班 {flight} 的座位由 {old} 改为 {new}，确认号 {code}。",
    "Done: your seat on flight {flight} is now {new} (was {old}). Confirmation number: {code}.",
)


def _seat_taken_reply(language: str, flight: str, seat: str, alternatives: list[str]) -> str:
    if alternatives:
        return say(language, *SEAT_TAKEN).format(
            flight=flight, seat=seat, alternatives=", ".join(alternatives)
        )
    return say(language, *SEAT_TAKEN_FULL).format(flight=flight, seat=seat)


def _alternatives(exc: Conflict) -> list[str]:
    """The free seats a "seat taken" conflict offers instead."""
    value = exc.details.get("alternatives")
    return [str(seat) for seat in value] if isinstance(value, list | tuple) else []


class SeatRequest:
    """One seat request being worked out: who, which flight and seat, and what was looked up."""

    def __init__(self, services: Services, state: State, runtime: Runtime[Context]) -> None:
        self.services = services
        self.state = state
        self.user = runtime.context.user_id
        self.language = language_of(state)
        self.slots = task_slots(state, INTENT)
        self.log = ToolLog()
        self.day: str | None = None
        self.dated = False

    def done(self, reply: str, status: str, **extra: Any) -> StateUpdate:
        return outcome(
            self.state, agent=AGENT, intent=INTENT, reply=reply, status=status, log=self.log, **extra
        )

    def ask(self, reply: str, drop: str | None = None) -> StateUpdate:
        """Keep the task open (without the slot `drop`, which was wrong) and ask again."""
        kept = {k: v for k, v in self.slots.items() if k != drop}
        return self.done(reply, "needs_info", slots=kept, keep_active=True)

    def say(self, texts: tuple[str, str], **values: Any) -> str:
        return say(self.language, *texts).format(**values)

    def choose_day(self, day: str | None) -> None:
        """The departure meant (ISO date): picked, stated or the user's own; None: the next one."""
        self.day = day
        self.dated = bool(day)  # replies name the date only when the user chose one

    def flight(self, flight: str) -> str:
        """How replies name the flight: "CA1501", or "CA1501 on 2026-12-05" for a chosen date."""
        return flight_label(flight, self.day if self.dated else None, self.language)

    def on_day(self) -> dict[str, str]:
        """The tool arguments that say which departure: none for the default one."""
        return {"flight_date": self.day} if self.day else {}


def build_seat_node(services: Services, roster: Roster) -> NodeFn:
    def book_seat(state: State, runtime: Runtime[Context]) -> StateUpdate:
        request = SeatRequest(services, state, runtime)
        text, stated = state.get("text", ""), state.get("entities") or {}
        if asks_for_own_bookings(text) and "seat" not in stated:
            return list_bookings(services, state, request.user, request.slots.get("flight_number"))
        if wants_search(state, INTENT):  # "book a flight from Beijing to Shanghai tomorrow"
            return answer_search(services, state, runtime, agent=AGENT, intent=INTENT, purpose="book")
        slots = request.slots
        changing = "seat" in slots and "flight_number" not in slots and asks_to_change_seat(text)
        if changing and (booking := _booking_to_change(request, context_flight(state))):
            slots["flight_number"] = booking.flight_number
            request.choose_day(booking.flight_date.isoformat())
        missing = tuple(name for name in ("flight_number", "seat") if name not in slots)
        if missing:
            return request.ask(picked_note(state, request.language) + request.say(ASK[missing]))
        if refusal := screen_before_write(services, state, request.user, agent=AGENT, intent=INTENT):
            return refusal
        flight, change = slots["flight_number"], asks_to_change_seat(text)
        # A flight picked from a list ("the second one, 12A") is confirmed like one given over
        # several messages: only a number the user typed with the seat books at once.
        typed = {"flight_number", "seat"} <= set(stated) and not stated.get("picked")
        request.choose_day(request.day or flight_day(state, INTENT, flight))
        return _decide(request, flight, slots["seat"], typed and not change, change)

    return book_seat


def _booking_to_change(request: SeatRequest, talked_about: str | None) -> Any:
    """The booking of "change my seat to 14C": the user's only one, or the one on the flight this
    conversation was last about ("book me 12A on FL123" ... "can I switch to 20C?")."""
    bookings = request.log.run(
        "list_bookings", {}, lambda: request.services.airline.user_bookings(request.user)
    )
    if len(bookings) == 1:
        return bookings[0]
    on_flight = [booking for booking in bookings if booking.flight_number == talked_about]
    return on_flight[0] if len(on_flight) == 1 else None


def _decide(request: SeatRequest, flight: str, seat: str, one_shot: bool, change: bool) -> StateUpdate:
    """Check the seat, then propose, book or explain (see the module docstring)."""
    airline = request.services.airline
    try:
        # The seat map settles which departure is meant (the next one unless a date was chosen);
        # its status and the user's booking are that departure's.
        seat_map = request.log.run(
            "seat_map",
            {"flight_number": flight, **request.on_day()},
            lambda: airline.seat_map(flight, request.day),
        )
        request.day = seat_map.flight_date.isoformat()
        status = request.log.run(
            "flight_status",
            {"flight_number": flight, **request.on_day()},
            lambda: airline.flight_status(flight, request.day),
        )
    except (NotFound, InputError):
        return request.ask(request.say(UNKNOWN_FLIGHT, flight=request.flight(flight)), "flight_number")
    if status.status not in BOOKABLE_STATUSES:
        name = status_name(request.language, status.status)
        return request.done(request.say(NOT_BOOKABLE, flight=request.flight(flight), status=name), "failed")
    info = next((s for s in seat_map.seats if s.seat == seat), None)
    if info is None:
        return request.ask(request.say(NO_SUCH_SEAT, flight=request.flight(flight), seat=seat), "seat")
    held = request.log.run(
        "list_bookings",
        {"flight_number": flight, **request.on_day()},
        lambda: airline.user_bookings(request.user, flight_number=flight, flight_date=request.day),
    )
    if held and held[0].seat == seat:
        booking = held[0]
        cabin = cabin_name(request.language, booking.cabin)
        reply = request.say(
            ALREADY_HELD,
            flight=request.flight(flight),
            seat=seat,
            cabin=cabin,
            code=booking.confirmation_number,
        )
        return request.done(reply, "completed")
    if not info.free:
        free = [s.seat for s in seat_map.seats if s.free and s.cabin == info.cabin]
        alternatives = rank_nearby(seat, free)[:ALTERNATIVES]
        return request.ask(
            _seat_taken_reply(request.language, request.flight(flight), seat, alternatives), "seat"
        )
    if held:
        return _propose_change(request, held[0], seat)
    if one_shot and not change:
        return _book_now(request, flight, seat)
    return _propose_booking(request, flight, seat, info.cabin, change)


def _propose_change(request: SeatRequest, booking: Any, seat: str) -> StateUpdate:
    question = request.say(
        CONFIRM_CHANGE,
        flight=request.flight(booking.flight_number),
        old=booking.seat,
        code=booking.confirmation_number,
        new=seat,
    )
    args = {
        "confirmation_number": booking.confirmation_number,
        "new_seat": seat,
        "flight_number": booking.flight_number,
        "old_seat": booking.seat,
    }
    pending = propose("change_seat", agent=AGENT, intent=INTENT, args=args, question=question)
    return request.done(question, "awaiting_confirmation", pending=pending)


def _propose_booking(request: SeatRequest, flight: str, seat: str, cabin: str, change: bool) -> StateUpdate:
    """A paid booking the user did not ask for in one message: its fare first, then a yes."""
    airline = request.services.airline
    args = {"flight_number": flight, "cabin": cabin, **request.on_day()}
    try:
        fares = request.log.run("fare_quote", args, lambda: airline.fares(flight, cabin, request.day))
    except (NotFound, InputError):
        return request.ask(request.say(NO_SUCH_SEAT, flight=request.flight(flight), seat=seat), "seat")
    fare = price(fares[0])
    template = NO_BOOKING_TO_CHANGE if change else CONFIRM_BOOKING
    question = request.say(
        template,
        flight=request.flight(flight),
        seat=seat,
        cabin=cabin_name(request.language, cabin),
        price=fare,
    )
    # The yes books the departure whose fare was quoted, even if it comes after midnight.
    proposal = {
        "flight_number": flight,
        "seat": seat,
        "price": fare,
        **request.on_day(),
        "dated": request.dated,
    }
    pending = propose("reserve_seat", agent=AGENT, intent=INTENT, args=proposal, question=question)
    return request.done(question, "awaiting_confirmation", pending=pending)


def _book_now(request: SeatRequest, flight: str, seat: str, request_id: str | None = None) -> StateUpdate:
    airline = request.services.airline
    label = request.flight(flight)
    try:
        result = request.log.run(
            "book_seat",
            {"flight_number": flight, "seat": seat, **request.on_day()},
            lambda: airline.book_seat(request.user, flight, seat, request.day, request_id=request_id),
        )
    except NotFound as exc:
        if exc.details.get("code") == "no_such_seat":
            return request.ask(request.say(NO_SUCH_SEAT, flight=label, seat=seat), "seat")
        return request.ask(request.say(UNKNOWN_FLIGHT, flight=label), "flight_number")
    except InputError:
        return request.ask(request.say(ASK[("flight_number", "seat")]), "seat")
    except Conflict as exc:
        if exc.details.get("code") == "seat_taken":
            alternatives = _alternatives(exc)
            return request.ask(_seat_taken_reply(request.language, label, seat, alternatives), "seat")
        if exc.details.get("code") == "already_booked":
            return _propose_change(request, exc.details["booking"], seat)
        status = status_name(request.language, str(exc.details.get("flight_status", "")))
        return request.done(request.say(NOT_BOOKABLE, flight=label, status=status), "failed")
    booking = result.booking
    template = BOOKED if result.created else ALREADY_HELD
    reply = request.say(
        template,
        flight=label,
        seat=booking.seat,
        cabin=cabin_name(request.language, booking.cabin),
        code=booking.confirmation_number,
    )
    return request.done(reply, "completed")


def build_reserve_seat_node(services: Services, roster: Roster) -> ActionFn:
    """Books the seat the user has just confirmed, at the fare they were told (once per proposal)."""

    def reserve_seat(state: State, runtime: Runtime[Context]) -> StateUpdate:
        pending = state["pending"]
        if pending is None:
            raise ValueError("no confirmed proposal to carry out")
        request = SeatRequest(services, state, runtime)
        args = pending["args"]
        request.choose_day(args.get("flight_date"))
        request.dated = bool(args.get("dated"))
        update = _book_now(request, args["flight_number"], args["seat"], request_id=pending["id"])
        update.update(pending=None, confirmed=None)
        update["facts"] = [*update["facts"], {k: v for k, v in args.items() if k != "dated"}]
        return update

    return reserve_seat


def build_seat_change_node(services: Services, roster: Roster) -> ActionFn:
    """Carries out a seat change the user has just confirmed (once per proposal)."""

    def change_seat(state: State, runtime: Runtime[Context]) -> StateUpdate:
        language = language_of(state)
        pending = state["pending"]
        if pending is None:
            raise ValueError("no confirmed proposal to carry out")
        args = dict(pending["args"])
        flight, code, new_seat = args["flight_number"], args["confirmation_number"], args["new_seat"]
        log = ToolLog()
        close = closing(state, agent=AGENT, intent=INTENT, log=log)
        try:
            booking = log.run(
                "change_seat",
                {"confirmation_number": code, "new_seat": new_seat},
                lambda: services.airline.change_seat(
                    runtime.context.user_id, code, new_seat, request_id=pending["id"]
                ),
            )
        except Conflict as exc:
            if exc.details.get("code") != "seat_taken":
                return close(say(language, *CHANGE_IMPOSSIBLE).format(code=code), "failed")
            alternatives = _alternatives(exc)
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


DECLINED_CHANGE = (
    "好的，座位没有更改，您仍是 {old_seat}。",
    "OK, your seat is unchanged: you keep {old_seat}.",
)
DECLINED_BOOKING = ("好的，没有预订座位 {seat}。", "OK, I haven't booked seat {seat}.")

SPECIALIST = Specialist(
    intent=INTENT,
    agent=AGENT,
    meaning="reserve or change a seat on a flight, or show the user's bookings",
    build=build_seat_node,
    title=("座位", "Seats"),
    capability=("预订或更换座位", "book or change seats"),
    slots=("flight_number", "seat"),
    claims=asks_for_own_bookings,
    reviewed=True,
    job_tools=frozenset({"book_seat", "change_seat", "list_bookings"}),
    lookup_tools=frozenset({"flight_status", "seat_map", "fare_quote", "search_flights"}),
    write_tools=frozenset({"book_seat", "change_seat"}),
    confirmed_writes=frozenset({"change_seat"}),  # a booking stated in one message is made at once
    actions=(
        ConfirmedAction(
            "change_seat",
            build_seat_change_node,
            declined=DECLINED_CHANGE,
            summary=("把座位改为 {new_seat}", "changing your seat to {new_seat}"),
            yes_words=("change it", "换吧", "改吧"),
        ),
        ConfirmedAction(
            "reserve_seat",
            build_reserve_seat_node,
            declined=DECLINED_BOOKING,
            summary=("预订航班 {flight_number} 的座位 {seat}", "booking seat {seat} on {flight_number}"),
            yes_words=("book it", "订吧", "订"),
        ),
    ),
)
