"""Rows of the airline tables found and checked: a missing row, a foreign booking or a flight that
takes no seats becomes the `switchboard.errors` exception a caller can show as is."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session

from switchboard.errors import Conflict, InputError, NotFound
from tools.airline.seats import rank_nearby
from tools.airline.timetable import status_at
from tools.airline_models import AircraftSeat, AppliedRequest, Booking, Flight

denials = logging.getLogger("switchboard.authorization")

# Flights that can still take (or change) a seat, by the status a traveller sees now.
BOOKABLE_STATUSES = frozenset({"on_time", "delayed", "boarding"})
# A flight number without a date means, for its status, the departure still of interest this
# long after it landed (then the next one).
RECENT_ARRIVAL = timedelta(hours=6)


def holds_seat(flight: Flight) -> ColumnElement[bool]:
    """The join condition of a seat of `flight`'s aircraft and the confirmed booking holding it."""
    return and_(
        Booking.flight_number == flight.flight_number,
        Booking.flight_date == flight.flight_date,
        Booking.seat == AircraftSeat.seat,
        Booking.status == "confirmed",
    )


def current_status(flight: Flight, now: datetime) -> str:
    """What a traveller sees at `now` (naive UTC): the operations' status moved on by the clock."""
    return status_at(
        flight.status, flight.departure_utc, flight.duration_minutes, flight.delay_minutes or 0, now
    )


def flight(
    session: Session, number: str, day: date | None, now: datetime, *, current: bool = False
) -> Flight:
    """The departure of flight `number` on `day`; without a day, the one a traveller means now.

    That is the next departure not yet gone (for booking, fares, seat maps), or with `current`
    (for a status question) the one still of interest: not landed more than `RECENT_ARRIVAL` ago.
    When every departure is past, the last one.
    """
    if day is not None:
        row = session.get(Flight, (number, day))
        if row is None:
            raise NotFound(
                f"no flight {number} on {day.isoformat()}",
                code="no_such_flight",
                flight_number=number,
                flight_date=day.isoformat(),
            )
        return row
    rows = session.scalars(
        select(Flight).where(Flight.flight_number == number).order_by(Flight.flight_date)
    ).all()
    if not rows:
        raise NotFound(f"no flight {number}", code="no_such_flight", flight_number=number)
    for row in rows:
        departs = row.departure_utc + timedelta(minutes=row.delay_minutes or 0)
        until = departs + timedelta(minutes=row.duration_minutes) + RECENT_ARRIVAL if current else departs
        if until > now:
            return row
    return rows[-1]


def seat(session: Session, flight: Flight, seat: str) -> AircraftSeat:
    row = session.get(AircraftSeat, (flight.aircraft, seat))
    if row is None:
        raise NotFound(
            f"flight {flight.flight_number} has no seat {seat}",
            code="no_such_seat",
            flight_number=flight.flight_number,
            seat=seat,
        )
    return row


def require_bookable(flight: Flight, now: datetime) -> None:
    status = current_status(flight, now)
    if status not in BOOKABLE_STATUSES:
        raise Conflict(
            f"flight {flight.flight_number} on {flight.flight_date.isoformat()} is {status}; "
            "seats cannot be booked or changed",
            code="flight_not_bookable",
            flight_number=flight.flight_number,
            flight_date=flight.flight_date.isoformat(),
            flight_status=status,
        )


def holder(session: Session, flight: Flight, seat: str) -> str | None:
    """The confirmation number of the confirmed booking holding the seat, if any."""
    return session.scalars(
        select(Booking.confirmation_number).where(
            Booking.flight_number == flight.flight_number,
            Booking.flight_date == flight.flight_date,
            Booking.seat == seat,
            Booking.status == "confirmed",
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


def free_near(session: Session, flight: Flight, wanted: str, limit: int) -> list[str]:
    """Free seats of the wanted seat's cabin, nearest first."""
    target = seat(session, flight, wanted)
    free = session.scalars(
        select(AircraftSeat.seat)
        .outerjoin(Booking, holds_seat(flight))
        .where(
            AircraftSeat.aircraft == flight.aircraft,
            AircraftSeat.cabin == target.cabin,
            Booking.confirmation_number.is_(None),
        )
    ).all()
    return rank_nearby(wanted, list(free))[:limit]


def seat_taken(session: Session, flight: Flight, wanted: str) -> Conflict:
    return Conflict(
        f"seat {wanted} on {flight.flight_number} is taken",
        code="seat_taken",
        flight_number=flight.flight_number,
        flight_date=flight.flight_date.isoformat(),
        seat=wanted,
        alternatives=free_near(session, flight, wanted, 3),
    )
