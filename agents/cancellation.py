"""Cancellation and refund specialist.

Workflow: find the booking (by confirmation number, or the user's booking on a named flight) ->
check it belongs to the caller -> quote the refund -> ask for a yes or no (the graph's
confirmation node interrupts) -> `build_cancel_executor_node` cancels. A "no" changes nothing.

A request to change what a fare allows ("mark my ticket refundable", "waive the fee", "把不可退的
票改成可退") is not a cancellation: it is declined, and nothing is proposed, so a "yes" that
follows cannot turn it into one. Refunds follow the fare's rules only.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from langgraph.runtime import Runtime

from agents.common import (
    ToolLog,
    closing,
    language_of,
    outcome,
    propose,
    say,
    screen_before_write,
    task_slots,
)
from agents.services import Services
from agents.specialist import ActionFn, ConfirmedAction, NodeFn, Roster, Specialist, StateUpdate
from switchboard.errors import Conflict, InputError, NotAllowed, NotFound
from switchboard.state import Context, State

AGENT = "cancellation_agent"
INTENT = "cancel_flight"
log_denials = logging.getLogger("switchboard.authorization")

ASK_BOOKING = (
    "请提供要取消的预订确认号（例如 ABC123）或航班号。",
    "Which booking should I cancel? Please give the confirmation number (for example ABC123) or the flight number.",
)
ASK_WHICH = (
    "请问要取消哪一个预订？您的有效预订：{bookings}。",
    "Which booking should I cancel? Your active bookings: {bookings}.",
)
NO_BOOKING_ON_FLIGHT = (
    "您在航班 {flight} 上没有有效的预订。",
    "You have no active booking on flight {flight}.",
)
# One reply for a booking that does not exist and one that is someone else's: a caller cannot
# probe which booking numbers exist.
NO_SUCH_BOOKING = (
    "在您的账户下没有找到确认号为 {code} 的预订，请核对。",
    "I couldn't find a booking with confirmation number {code} on your account. Please check it.",
)
WRONG_FLIGHT = (
    "确认号 {code} 对应的是航班 {actual}，不是 {given}。请核对后再试。",
    "Booking {code} is for flight {actual}, not {given}. Please check and try again.",
)
DEPARTED = (
    "航班已经起飞或到达，预订 {code} 无法再取消或退款。",
    "The flight has already departed, so booking {code} can no longer be cancelled or refunded.",
)
ALREADY_CANCELLED = (
    "预订 {code} 已经取消过了，无需再次操作。",
    "Booking {code} is already cancelled; nothing more to do.",
)
REASONS = {
    "flight_cancelled_full_refund": (
        "航班已被航空公司取消，全额退款",
        "the airline cancelled the flight, so the refund is in full",
    ),
    "voluntary_cancellation_fee": (
        "自愿取消，扣除手续费 {fee} {currency}",
        "voluntary cancellation, less a fee of {fee} {currency}",
    ),
}
CONFIRM = (
    "确认取消航班 {flight} 的预订 {code}（座位 {seat}）吗？可退款 {amount} {currency}（{reason}）。请回复“是”确认，或“否”保留预订。",
    "Cancel booking {code} on flight {flight} (seat {seat})? Refund: {amount} {currency} ({reason}). Reply yes to confirm or no to keep the booking.",
)
CANCELLED = (
    "预订 {code} 已取消。退款 {amount} {currency} 将在 7 个工作日内退回原支付方式。",
    "Booking {code} is cancelled. A refund of {amount} {currency} goes back to your original payment method within 7 working days.",
)


# Asking for different fare terms rather than a cancellation under the fare's own terms.
_CHANGE_TERMS = re.compile(
    r"\b(?:mark|make|set|change|switch|convert|turn|upgrade)\b[^.!?\n]{0,40}\b(?:as |to |into )?(?:fully )?refundable\b"
    r"|\b(?:waive|drop|remove|skip|forgive|cancel out|wipe)\b[^.!?\n]{0,20}\b(?:fees?|charges?|penalt(?:y|ies))\b"
    r"|\b(?:fees?|charges?|penalt(?:y|ies))\b[^.!?\n]{0,20}\b(?:waived|dropped|removed|wiped)\b"
    r"|(?:改成|改为|变成|调成|设为|标成|标记为|转成)[^。！？\n]{0,4}可退|(?:免|免掉|免除|免收|不收|别收|去掉|抹掉)[^。！？\n]{0,6}(?:手续费|违约金|退票费|罚金)",
    re.IGNORECASE,
)
TERMS_FIXED = (
    "抱歉，我不能更改票价规则、把不可退的票改为可退或免除手续费。退款按您所购票价的规则计算。如需按现有规则取消，请说“取消预订”并提供确认号。",
    "Sorry, I can't change a fare's rules, make a non-refundable ticket refundable or waive fees: refunds follow the rules of the fare you bought. To cancel under those rules, say \"cancel my booking\" with the confirmation number.",
)


def asks_to_change_terms(text: str) -> bool:
    """Whether the message asks for other fare terms (refundable, fees waived) rather than a cancellation."""
    return bool(_CHANGE_TERMS.search(text))


def _booking_list(bookings: list[Any]) -> str:
    return ", ".join(f"{b.confirmation_number} ({b.flight_number})" for b in bookings)


def build_cancellation_node(services: Services, roster: Roster) -> NodeFn:
    def cancel_flight(state: State, runtime: Runtime[Context]) -> StateUpdate:
        language = language_of(state)
        user = runtime.context.user_id
        slots = task_slots(state, INTENT)
        log = ToolLog()

        def done(reply: str, status: str, **extra: Any) -> StateUpdate:
            return outcome(state, agent=AGENT, intent=INTENT, reply=reply, status=status, log=log, **extra)

        if asks_to_change_terms(state.get("text", "")):
            return done(say(language, *TERMS_FIXED), "refused")
        if refusal := screen_before_write(services, state, user, agent=AGENT, intent=INTENT):
            return refusal
        code = slots.get("confirmation_number")
        if not code:
            found = _only_booking(services, user, slots, log, language)
            if isinstance(found, tuple):
                reply, status = found
                return done(
                    reply, status, **({"slots": slots, "keep_active": True} if status == "needs_info" else {})
                )
            code = found
        try:
            quote = log.run(
                "quote_refund",
                {"confirmation_number": code},
                lambda: services.airline.quote_refund(user, code),
            )
        except Conflict:
            return done(say(language, *DEPARTED).format(code=code), "failed")
        except (NotFound, NotAllowed, InputError):
            kept = {k: v for k, v in slots.items() if k != "confirmation_number"}
            reply = say(language, *NO_SUCH_BOOKING).format(code=code)
            return done(reply, "needs_info", slots=kept, keep_active=True)
        booking, flight = quote.booking, slots.get("flight_number")
        if flight and booking.flight_number != flight:
            # Keep the task open: "sorry, it is on FL789" should carry on from here.
            kept = {k: v for k, v in slots.items() if k != "flight_number"}
            reply = say(language, *WRONG_FLIGHT).format(code=code, actual=booking.flight_number, given=flight)
            return done(reply, "needs_info", slots=kept, keep_active=True)
        if booking.status == "cancelled":
            return done(say(language, *ALREADY_CANCELLED).format(code=code), "completed")
        question = _question(language, quote)
        pending = propose(
            "cancel_booking",
            agent=AGENT,
            intent=INTENT,
            args={"confirmation_number": code, "flight_number": booking.flight_number},
            question=question,
        )
        return done(question, "awaiting_confirmation", pending=pending)

    return cancel_flight


def _only_booking(
    services: Services, user: str, slots: dict[str, str], log: ToolLog, language: str
) -> str | tuple[str, str]:
    """The confirmation number of the one booking the user means, or (reply, status) to ask."""
    flight = slots.get("flight_number")
    bookings = log.run(
        "list_bookings",
        {"flight_number": flight},
        lambda: services.airline.user_bookings(user, flight_number=flight),
    )
    if flight and not bookings:
        return say(language, *NO_BOOKING_ON_FLIGHT).format(flight=flight), "failed"
    if len(bookings) != 1 or not flight:
        template = ASK_WHICH if bookings else ASK_BOOKING
        return say(language, *template).format(bookings=_booking_list(bookings)), "needs_info"
    return str(bookings[0].confirmation_number)


def _question(language: str, quote: Any) -> str:
    booking = quote.booking
    reason_zh, reason_en = REASONS.get(quote.reason, (quote.reason, quote.reason))
    reason = say(language, reason_zh, reason_en).format(fee=f"{quote.fee:.2f}", currency=quote.currency)
    return say(language, *CONFIRM).format(
        flight=booking.flight_number,
        code=booking.confirmation_number,
        seat=booking.seat,
        amount=f"{quote.refund_amount:.2f}",
        currency=quote.currency,
        reason=reason,
    )


def build_cancel_executor_node(services: Services, roster: Roster) -> ActionFn:
    """Cancels the booking the user has just confirmed (once: the proposal id is the request key)."""

    def cancel_booking(state: State, runtime: Runtime[Context]) -> StateUpdate:
        language = language_of(state)
        pending = state["pending"]
        if pending is None:
            raise ValueError("no confirmed proposal to carry out")
        code = pending["args"]["confirmation_number"]
        log = ToolLog()
        close = closing(state, agent=AGENT, intent=INTENT, log=log)
        try:
            result = log.run(
                "cancel_booking",
                {"confirmation_number": code},
                lambda: services.airline.cancel_booking(
                    runtime.context.user_id, code, request_id=pending["id"]
                ),
            )
        except Conflict:
            return close(say(language, *DEPARTED).format(code=code), "failed")
        except (NotFound, NotAllowed):
            return close(say(language, *NO_SUCH_BOOKING).format(code=code), "failed")
        amount = f"{result.refund_amount:.2f}"
        return close(
            say(language, *CANCELLED).format(code=code, amount=amount, currency=result.currency), "completed"
        )

    return cancel_booking


DECLINED = (
    "好的，没有取消，预订 {confirmation_number} 保持不变。",
    "OK, I have not cancelled anything: booking {confirmation_number} stays as it is.",
)

SPECIALIST = Specialist(
    intent=INTENT,
    agent=AGENT,
    meaning="cancel a booking or refund a ticket",
    build=build_cancellation_node,
    title=("取消退款", "Cancellation"),
    capability=("取消预订和退款", "cancel bookings and refund tickets"),
    slots=("confirmation_number", "flight_number"),
    reviewed=True,
    # `quote_refund` alone completes only when the booking was already cancelled.
    job_tools=frozenset({"cancel_booking", "quote_refund"}),
    lookup_tools=frozenset({"list_bookings"}),
    write_tools=frozenset({"cancel_booking"}),
    confirmed_writes=frozenset({"cancel_booking"}),
    actions=(
        ConfirmedAction(
            "cancel_booking",
            build_cancel_executor_node,
            declined=DECLINED,
            summary=("取消预订 {confirmation_number}", "cancelling booking {confirmation_number}"),
            yes_words=("cancel", "cancel it", "取消", "取消吧", "退"),
        ),
    ),
)
