"""Rows of the airline tables found and checked: a missing row, a foreign booking or a flight that
takes no seats becomes the `switchboard.errors` exception a caller can show as is."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session

from switchboard.errors import Conflict, InputError, NotFound
from tools.airline.seats import rank_nearby
from tools.airline_models import AppliedRequest, Booking, Flight, Seat

denials = logging.getLogger("switchboard.authorization")

# Flights that can still take (or change) a seat.
BOOKABLE_STATUSES = frozenset({"on_time", "delayed", "boarding"})


def holds_seat() -> ColumnElement[bool]:
    """The join condition of a seat and the confirmed booking holding it."""
    return and_(
        Booking.flight_number == Seat.flight_number,
        Booking.seat == Seat.seat,
        Booking.status == "confirmed",
    )


def flight(session: Session, number: str) -> Flight:
    row = session.get(Flight, number)
    if row is None:
        raise NotFound(f"no flight {number}", code="no_such_flight", flight_number=number)
    return row


def seat(session: Session, number: str, seat: str) -> Seat:
    row = session.get(Seat, (number, seat))
    if row is None:
        raise NotFound(
            f"flight {number} has no seat {seat}", code="no_such_seat", flight_number=number, seat=seat
        )
    return row


def require_bookable(flight: Flight) -> None:
    if flight.status not in BOOKABLE_STATUSES:
        raise Conflict(
            f"flight {flight.flight_number} is {flight.status}; seats cannot be booked or changed",
            code="flight_not_bookable",
            flight_number=flight.flight_number,
            flight_status=flight.status,
        )


def holder(session: Session, number: str, seat: str) -> str | None:
    """The confirmation number of the confirmed booking holding the seat, if any."""
    return session.scalars(
        select(Booking.confirmation_number).where(
            Booking.flight_number == number, Booking.seat == seat, Booking.status == "confirmed"
        )
    ).first()


def own_booking(session: Session, user: str, number: str, for_update: bool = False) -> Booking:
    """The user's booking `number`. Another user's booking is "not found" too, word for word, so
    that no caller can learn which booking numbers exist; the denial is logged."""
    query = select(Booking).where(Booking.confirmation_number == number)
    if for_update:
        # PostgreSQL: a concurrent cancel/change of the same booking waits for this one.
        query = query.with_for_update()
    booking = session.scalars(query).first()
    if booking is not None and booking.user_id != user:
        denials.warning("user %s asked for booking %s of another user", user, number)
        booking = None
    if booking is None:
        raise NotFound(
            f"no booking {number} on your account", code="no_such_booking", confirmation_number=number
        )
    return booking


def applied(session: Session, request_id: str | None, user: str) -> str | None:
    """The stored result (JSON) of the write already done for `request_id`, if any."""
    if not request_id:
        return None
    row = session.get(AppliedRequest, request_id)
    if row is None:
        return None
    if row.user_id != user:  # a request id is no capability: someone else's is simply unknown
        raise InputError("this request id was used by another request")
    return row.result


def record_applied(session: Session, request_id: str | None, user: str, kind: str, result: str) -> None:
    """Remember the write done for `request_id` in the write's own transaction."""
    if request_id:
        session.add(
            AppliedRequest(
                request_id=request_id,
                user_id=user,
                kind=kind,
                result=result,
                created_at=datetime.now(UTC).replace(tzinfo=None, microsecond=0),
            )
        )


def free_near(session: Session, number: str, wanted: str, limit: int) -> list[str]:
    """Free seats of the wanted seat's cabin, nearest first."""
    target = seat(session, number, wanted)
    free = session.scalars(
        select(Seat.seat)
        .outerjoin(Booking, holds_seat())
        .where(
            Seat.flight_number == number,
            Seat.cabin == target.cabin,
            Booking.confirmation_number.is_(None),
        )
    ).all()
    return rank_nearby(wanted, list(free))[:limit]


def seat_taken(session: Session, number: str, wanted: str) -> Conflict:
    return Conflict(
        f"seat {wanted} on {number} is taken",
        code="seat_taken",
        flight_number=number,
        seat=wanted,
        alternatives=free_near(session, number, wanted, 3),
    )
