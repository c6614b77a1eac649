"""What the airline desk returns: frozen pydantic models, and their construction from table rows."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict

from tools.airline.seats import SeatPosition
from tools.airline_models import Booking, Complaint, Flight

_CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    return value.quantize(_CENT)


Money = Annotated[Decimal, AfterValidator(cents)]


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True)


class FlightInfo(_Result):
    flight_number: str
    origin: str
    destination: str
    departure_time: datetime
    arrival_time: datetime
    status: str
    gate: str | None
    delay_minutes: int
    # departure_time + delay_minutes; None when the flight is cancelled.
    estimated_departure: datetime | None


class FareInfo(_Result):
    flight_number: str
    cabin: str
    price: Money
    currency: str


class SeatInfo(_Result):
    seat: str
    cabin: str
    position: SeatPosition
    free: bool


class SeatMap(_Result):
    flight_number: str
    seats: tuple[SeatInfo, ...]
    total: int
    free: int
    occupied: int
    free_by_cabin: dict[str, int]


class BookingInfo(_Result):
    confirmation_number: str
    user_id: str
    flight_number: str
    seat: str
    cabin: str
    status: str
    fare_paid: Money
    currency: str
    refund_amount: Money | None
    created_at: datetime
    updated_at: datetime


class BookingResult(_Result):
    booking: BookingInfo
    created: bool


class RefundQuote(_Result):
    booking: BookingInfo
    refund_amount: Money
    fee: Money
    currency: str
    # flight_cancelled_full_refund | voluntary_cancellation_fee | already_cancelled
    reason: str


class CancellationResult(_Result):
    booking: BookingInfo
    refund_amount: Money
    currency: str
    already_cancelled: bool


class ComplaintInfo(_Result):
    complaint_id: str
    user_id: str
    category: str
    status: str
    flight_number: str | None
    text: str
    created_at: datetime
    created: bool


def flight_info(flight: Flight) -> FlightInfo:
    estimated = (
        None
        if flight.status == "cancelled"
        else flight.departure_time + timedelta(minutes=flight.delay_minutes or 0)
    )
    return FlightInfo(
        flight_number=flight.flight_number,
        origin=flight.origin,
        destination=flight.destination,
        departure_time=flight.departure_time,
        arrival_time=flight.arrival_time,
        status=flight.status,
        gate=flight.gate,
        delay_minutes=flight.delay_minutes or 0,
        estimated_departure=estimated,
    )


def booking_info(booking: Booking) -> BookingInfo:
    return BookingInfo(
        confirmation_number=booking.confirmation_number,
        user_id=booking.user_id,
        flight_number=booking.flight_number,
        seat=booking.seat,
        cabin=booking.cabin,
        status=booking.status,
        fare_paid=booking.fare_paid,
        currency=booking.currency,
        refund_amount=booking.refund_amount,
        created_at=booking.created_at,
        updated_at=booking.updated_at,
    )


def complaint_info(complaint: Complaint, created: bool) -> ComplaintInfo:
    return ComplaintInfo(
        complaint_id=complaint.complaint_id,
        user_id=complaint.user_id,
        category=complaint.category,
        status=complaint.status,
        flight_number=complaint.flight_number,
        text=complaint.text,
        created_at=complaint.created_at,
        created=created,
    )
