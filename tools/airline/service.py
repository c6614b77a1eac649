"""`AirlineService`: the airline desk's reads and writes over one SQLAlchemy engine.

Every method normalises its arguments first (`tools.airline.inputs`), finds and checks the rows it
touches (`tools.airline.records`), and writes inside `_write`, which re-runs the whole attempt
after a lost race so the loser gets the answer the winner's committed row explains.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import Engine, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from switchboard.clock import Clock
from switchboard.errors import Conflict, InputError, NotFound
from tools.airline import records
from tools.airline.complaints import (
    classify_complaint,
    complaint_text,
    fingerprint,
    normalize_complaint_category,
)
from tools.airline.inputs import (
    CABIN_ORDER,
    normalize_cabin,
    normalize_confirmation_number,
    normalize_flight_date,
    normalize_flight_number,
    normalize_request_id,
    normalize_seat,
    normalize_user_id,
)
from tools.airline.refunds import refund_terms
from tools.airline.results import (
    BookingInfo,
    BookingResult,
    CancellationResult,
    ComplaintInfo,
    FareInfo,
    FlightInfo,
    RefundQuote,
    SeatInfo,
    SeatMap,
    booking_info,
    complaint_info,
    flight_info,
)
from tools.airline.search import FlightSearch, FlightSearchResult
from tools.airline.seats import seat_key, seat_position
from tools.airline_models import (
    BOOKING_STATUSES,
    CABINS,
    AircraftSeat,
    AppliedRequest,
    Booking,
    Complaint,
    Fare,
    Flight,
)
from tools.audit import ensure_audit_table
from tools.db import read_session, write_session

# Attempts at a write that lost a race (or drew a used confirmation number) before giving up.
_MAX_ATTEMPTS = 8


def _new_confirmation_number() -> str:
    letters = "".join(secrets.choice(string.ascii_uppercase) for _ in range(3))
    return letters + f"{secrets.randbelow(1000):03d}"


def _new_complaint_id() -> str:
    return "CMP-" + secrets.token_hex(4).upper()


def _is_unique_violation(exc: IntegrityError) -> bool:
    orig = exc.orig
    if getattr(orig, "sqlstate", None) == "23505":  # PostgreSQL unique_violation
        return True
    name = getattr(orig, "sqlite_errorname", "")
    return name in ("SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY") or "UNIQUE constraint" in str(
        orig
    )


T = TypeVar("T")


class AirlineService:
    """Flights, seats, fares, bookings and complaints over one SQLAlchemy engine.

    A flight is a number on a date: every method that takes a flight number takes an optional
    `flight_date` too; without it the departure a traveller means now (see `records.flight`),
    by `clock` (the system's unless given).
    """

    def __init__(self, engine: Engine, clock: Clock | None = None) -> None:
        self._engine = engine
        ensure_audit_table(engine)  # every write is audited in its own transaction (tools.audit)
        self.clock = clock or Clock()
        self._search = FlightSearch(engine, self.clock)

    def _now(self) -> datetime:
        """Now as naive UTC (whole seconds), how the tables store instants."""
        return self.clock.now().astimezone(UTC).replace(tzinfo=None, microsecond=0)

    # -- reads

    def flight_status(self, flight_number: str, flight_date: date | str | None = None) -> FlightInfo:
        number = normalize_flight_number(flight_number)
        day = normalize_flight_date(flight_date)
        now = self._now()
        with read_session(self._engine) as session:
            return flight_info(records.flight(session, number, day, now, current=True), now)

    def fares(
        self, flight_number: str, cabin: str | None = None, flight_date: date | str | None = None
    ) -> list[FareInfo]:
        number = normalize_flight_number(flight_number)
        wanted = None if cabin is None else normalize_cabin(cabin)
        day = normalize_flight_date(flight_date)
        with read_session(self._engine) as session:
            flight = records.flight(session, number, day, self._now())
            query = select(Fare).where(Fare.flight_number == number, Fare.flight_date == flight.flight_date)
            if wanted is not None:
                query = query.where(Fare.cabin == wanted)
            rows = session.scalars(query).all()
        if wanted is not None and not rows:
            raise NotFound(
                f"flight {number} has no {wanted} fare",
                code="no_such_fare",
                flight_number=number,
                cabin=wanted,
            )
        rows = sorted(rows, key=lambda f: CABIN_ORDER.get(f.cabin, 99))
        return [
            FareInfo(
                flight_number=f.flight_number,
                flight_date=f.flight_date,
                cabin=f.cabin,
                price=f.price,
                currency=f.currency,
            )
            for f in rows
        ]

    def search_flights(self, **filters: Any) -> FlightSearchResult:
        """Departures by route, dates, time of day, cabin and price (`FlightSearch.search`)."""
        return self._search.search(**filters)

    def seat_map(self, flight_number: str, flight_date: date | str | None = None) -> SeatMap:
        number = normalize_flight_number(flight_number)
        day = normalize_flight_date(flight_date)
        with read_session(self._engine) as session:
            flight = records.flight(session, number, day, self._now())
            rows = session.execute(
                select(AircraftSeat.seat, AircraftSeat.cabin, Booking.confirmation_number)
                .outerjoin(Booking, records.holds_seat(flight))
                .where(AircraftSeat.aircraft == flight.aircraft)
            ).all()
        seats = sorted(
            (SeatInfo(seat=s, cabin=c, position=seat_position(s), free=held is None) for s, c, held in rows),
            key=lambda info: seat_key(info.seat),
        )
        free_by_cabin = {cabin: 0 for cabin in CABINS if any(s.cabin == cabin for s in seats)}
        for info in seats:
            if info.free:
                free_by_cabin[info.cabin] += 1
        free = sum(free_by_cabin.values())
        return SeatMap(
            flight_number=number,
            flight_date=flight.flight_date,
            seats=tuple(seats),
            total=len(seats),
            free=free,
            occupied=len(seats) - free,
            free_by_cabin=free_by_cabin,
        )

    def free_seats_near(
        self, flight_number: str, seat: str, limit: int = 3, flight_date: date | str | None = None
    ) -> list[str]:
        number = normalize_flight_number(flight_number)
        wanted = normalize_seat(seat)
        day = normalize_flight_date(flight_date)
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 50:
            raise InputError("limit must be an integer from 1 to 50")
        with read_session(self._engine) as session:
            flight = records.flight(session, number, day, self._now())
            return records.free_near(session, flight, wanted, limit)

    def get_booking(self, user_id: str, confirmation_number: str) -> BookingInfo:
        user = normalize_user_id(user_id)
        number = normalize_confirmation_number(confirmation_number)
        with read_session(self._engine) as session:
            return booking_info(records.own_booking(session, user, number))

    def user_bookings(
        self,
        user_id: str,
        flight_number: str | None = None,
        status: str | None = "confirmed",
        flight_date: date | str | None = None,
    ) -> list[BookingInfo]:
        """The user's bookings, oldest first; on one flight number (any date, or `flight_date`)."""
        user = normalize_user_id(user_id)
        day = normalize_flight_date(flight_date)
        query = select(Booking).where(Booking.user_id == user)
        if flight_number is not None:
            query = query.where(Booking.flight_number == normalize_flight_number(flight_number))
        if day is not None:
            query = query.where(Booking.flight_date == day)
        if status is not None:
            if status not in BOOKING_STATUSES:
                raise InputError(f"status must be one of {', '.join(BOOKING_STATUSES)} or None")
            query = query.where(Booking.status == status)
        query = query.order_by(Booking.created_at, Booking.confirmation_number)
        with read_session(self._engine) as session:
            return [booking_info(b) for b in session.scalars(query)]

    def quote_refund(self, user_id: str, confirmation_number: str) -> RefundQuote:
        """What cancelling would refund now; changes nothing."""
        user = normalize_user_id(user_id)
        number = normalize_confirmation_number(confirmation_number)
        with read_session(self._engine) as session:
            booking = records.own_booking(session, user, number)
            info = booking_info(booking)
            if booking.status == "cancelled":
                refund = booking.refund_amount or Decimal("0.00")
                return RefundQuote(
                    booking=info,
                    refund_amount=refund,
                    fee=max(booking.fare_paid - refund, Decimal("0.00")),
                    currency=booking.currency,
                    reason="already_cancelled",
                )
            flight = records.flight(session, booking.flight_number, booking.flight_date, self._now())
            refund, fee, reason = refund_terms(booking, flight, self._now())
        return RefundQuote(booking=info, refund_amount=refund, fee=fee, currency=info.currency, reason=reason)

    def request_applied(self, request_id: str) -> bool:
        """Whether a write was already carried out for `request_id` (a confirmed proposal)."""
        key = normalize_request_id(request_id)
        with read_session(self._engine) as session:
            return session.get(AppliedRequest, key) is not None

    # -- writes

    def book_seat(
        self,
        user_id: str,
        flight_number: str,
        seat: str,
        flight_date: date | str | None = None,
        *,
        request_id: str | None = None,
    ) -> BookingResult:
        """Book a seat on the flight's departure on `flight_date` (default: its next one). With
        `request_id` (a confirmed proposal) the booking is made at most once: a replay returns
        the first result."""
        user = normalize_user_id(user_id)
        number = normalize_flight_number(flight_number)
        wanted = normalize_seat(seat)
        day = normalize_flight_date(flight_date)
        key = normalize_request_id(request_id)

        def attempt(session: Session) -> BookingResult:
            if (done := records.applied(session, key, user)) is not None:
                return BookingResult.model_validate_json(done)
            now = self._now()
            flight = records.flight(session, number, day, now)
            records.require_bookable(flight, now)
            seat_row = records.seat(session, flight, wanted)
            # One statement, one snapshot: under READ COMMITTED two separate checks could see a
            # concurrent winner in the second but not the first.
            current = self._claims(session, user, flight, wanted)
            mine = next((b for b in current if b.user_id == user), None)
            if mine is not None:
                if mine.seat == wanted:
                    return BookingResult(booking=booking_info(mine), created=False)
                raise Conflict(
                    f"you already hold seat {mine.seat} on {number} ({mine.confirmation_number}); "
                    "change the seat instead",
                    code="already_booked",
                    booking=booking_info(mine),
                )
            if current:
                raise records.seat_taken(session, flight, wanted)
            fare = session.get(Fare, (number, flight.flight_date, seat_row.cabin))
            if fare is None:
                raise NotFound(
                    f"flight {number} sells no {seat_row.cabin} fare",
                    code="no_such_fare",
                    flight_number=number,
                    cabin=seat_row.cabin,
                )
            now = self._now()
            booking = Booking(
                confirmation_number=self._unused_confirmation_number(session),
                user_id=user,
                flight_number=number,
                flight_date=flight.flight_date,
                aircraft=flight.aircraft,
                seat=wanted,
                cabin=seat_row.cabin,
                status="confirmed",
                fare_paid=fare.price,
                currency=fare.currency,
                refund_amount=None,
                created_at=now,
                updated_at=now,
            )
            session.add(booking)
            session.flush()  # the unique indexes speak here
            result = BookingResult(booking=booking_info(booking), created=True)
            records.record_applied(session, key, user, "book_seat", result.model_dump_json())
            return result

        return self._write(attempt)

    def change_seat(
        self, user_id: str, confirmation_number: str, new_seat: str, *, request_id: str | None = None
    ) -> BookingInfo:
        """Move a booking to another seat; with `request_id`, at most once (see `book_seat`)."""
        user = normalize_user_id(user_id)
        number = normalize_confirmation_number(confirmation_number)
        wanted = normalize_seat(new_seat)
        key = normalize_request_id(request_id)

        def attempt(session: Session) -> BookingInfo:
            if (done := records.applied(session, key, user)) is not None:
                return BookingInfo.model_validate_json(done)
            booking = records.own_booking(session, user, number, for_update=True)
            if booking.status != "confirmed":
                raise Conflict(
                    f"booking {number} is cancelled", code="booking_cancelled", booking=booking_info(booking)
                )
            if booking.seat == wanted:
                return booking_info(booking)
            now = self._now()
            flight = records.flight(session, booking.flight_number, booking.flight_date, now)
            records.require_bookable(flight, now)
            seat_row = records.seat(session, flight, wanted)
            if records.holder(session, flight, wanted) is not None:
                raise records.seat_taken(session, flight, wanted)
            booking.seat = wanted
            booking.cabin = seat_row.cabin
            booking.updated_at = self._now()
            session.flush()
            result = booking_info(booking)
            records.record_applied(session, key, user, "change_seat", result.model_dump_json())
            return result

        return self._write(attempt)

    def cancel_booking(
        self, user_id: str, confirmation_number: str, *, request_id: str | None = None
    ) -> CancellationResult:
        """Cancel and refund a booking; with `request_id`, at most once (see `book_seat`)."""
        user = normalize_user_id(user_id)
        number = normalize_confirmation_number(confirmation_number)
        key = normalize_request_id(request_id)

        def attempt(session: Session) -> CancellationResult:
            if (done := records.applied(session, key, user)) is not None:
                return CancellationResult.model_validate_json(done)
            booking = records.own_booking(session, user, number, for_update=True)
            if booking.status == "cancelled":
                return CancellationResult(
                    booking=booking_info(booking),
                    refund_amount=booking.refund_amount or Decimal("0.00"),
                    currency=booking.currency,
                    already_cancelled=True,
                )
            now = self._now()
            flight = records.flight(session, booking.flight_number, booking.flight_date, now)
            refund, _fee, _reason = refund_terms(booking, flight, now)
            booking.status = "cancelled"
            booking.refund_amount = refund
            booking.updated_at = self._now()
            session.flush()
            result = CancellationResult(
                booking=booking_info(booking),
                refund_amount=refund,
                currency=booking.currency,
                already_cancelled=False,
            )
            records.record_applied(session, key, user, "cancel_booking", result.model_dump_json())
            return result

        return self._write(attempt)

    def file_complaint(
        self, user_id: str, text: str, category: str | None = None, flight_number: str | None = None
    ) -> ComplaintInfo:
        """Record a complaint; the same open complaint filed again is returned, not duplicated.

        `category` None means: classify the text with `classify_complaint`.
        """
        user = normalize_user_id(user_id)
        body = complaint_text(text)
        kind = classify_complaint(body) if category is None else normalize_complaint_category(category)
        flight = None if flight_number is None else normalize_flight_number(flight_number)
        digest = fingerprint(body)

        def attempt(session: Session) -> ComplaintInfo:
            if flight is not None:
                records.flight(session, flight, None, self._now())
            existing = session.scalars(
                select(Complaint).where(
                    Complaint.user_id == user,
                    Complaint.text_sha256 == digest,
                    Complaint.status == "open",
                )
            ).first()
            if existing is not None:
                return complaint_info(existing, created=False)
            complaint_id = _new_complaint_id()
            while session.get(Complaint, complaint_id) is not None:
                complaint_id = _new_complaint_id()
            complaint = Complaint(
                complaint_id=complaint_id,
                user_id=user,
                text=body,
                text_sha256=digest,
                category=kind,
                flight_number=flight,
                status="open",
                created_at=self._now(),
            )
            session.add(complaint)
            session.flush()
            return complaint_info(complaint, created=True)

        return self._write(attempt)

    # -- internals

    def _write(self, attempt: Callable[[Session], T]) -> T:
        """Run `attempt` in a write transaction; after a lost race, look again from scratch.

        The retry re-runs every check, so the loser of a race gets the Conflict (or the idempotent
        answer) that the winner's committed row explains.
        """
        for _ in range(_MAX_ATTEMPTS):
            try:
                with write_session(self._engine) as session:
                    return attempt(session)
            except IntegrityError as exc:
                if not _is_unique_violation(exc):
                    raise  # a foreign key or check failing is a bug, not a race
                continue
        raise Conflict("the desk is busy with the same record; please try again", code="busy")

    @staticmethod
    def _claims(session: Session, user: str, flight: Flight, seat: str) -> list[Booking]:
        """Confirmed bookings on the flight held by `user` or holding `seat`."""
        return list(
            session.scalars(
                select(Booking).where(
                    Booking.flight_number == flight.flight_number,
                    Booking.flight_date == flight.flight_date,
                    Booking.status == "confirmed",
                    or_(Booking.user_id == user, Booking.seat == seat),
                )
            )
        )

    @staticmethod
    def _unused_confirmation_number(session: Session) -> str:
        # A collision slipping past this check (a concurrent insert) fails the primary key and
        # `_write` retries with a fresh number.
        number = _new_confirmation_number()
        while session.get(Booking, number) is not None:
            number = _new_confirmation_number()
        return number
