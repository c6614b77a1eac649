"""What the airline desk returns: frozen pydantic models, and their construction from table rows."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, WithJsonSchema

from tools.airline.seats import SeatPosition
from tools.airline.timetable import status_at
from tools.airline_models import Booking, Complaint, Flight

_CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    return value.quantize(_CENT)


Money = Annotated[Decimal, AfterValidator(cents)]

# JSON Schema's "date-time" format is RFC 3339, which requires an offset, and these times carry
# none: a departure is the wall-clock time at its airport (what a boarding pass shows), a record's
# stamp is UTC stored naive. MCP clients that check formats (the TypeScript SDK, MCP Inspector)
# rejected every search result under the "date-time" pydantic would claim, so the schema says what
# the string is instead; the wire value is unchanged ("2026-12-06T07:20:00").
_NAIVE_ISO = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$"
LocalTime = Annotated[
    datetime,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": _NAIVE_ISO,
            "description": "wall-clock time at the airport, ISO 8601 without an offset",
        }
    ),
]
UtcStamp = Annotated[
    datetime,
    WithJsonSchema(
        {"type": "string", "pattern": _NAIVE_ISO, "description": "UTC, ISO 8601 without an offset"}
    ),
]


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True)


class FlightInfo(_Result):
    flight_number: str
    flight_date: date  # local date of departure: with the number, which flight this is
    origin: str
    destination: str
    departure_time: LocalTime  # local at the origin
    arrival_time: LocalTime  # local at the destination
    duration_minutes: int
    aircraft: str
    status: str  # as a traveller sees it now: on_time, delayed, boarding, departed, arrived, cancelled
    gate: str | None
    delay_minutes: int
    # departure_time + delay_minutes; None when the flight is cancelled.
    estimated_departure: LocalTime | None


class FareInfo(_Result):
    flight_number: str
    flight_date: date
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
    flight_date: date
    seats: tuple[SeatInfo, ...]
    total: int
    free: int
    occupied: int
    free_by_cabin: dict[str, int]


class BookingInfo(_Result):
    confirmation_number: str
    user_id: str
    flight_number: str
    flight_date: date
    seat: str
    cabin: str
    status: str
    fare_paid: Money
    currency: str
    refund_amount: Money | None
    created_at: UtcStamp
    updated_at: UtcStamp


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
    created_at: UtcStamp
    created: bool


def flight_info(flight: Flight, now: datetime) -> FlightInfo:
    """The flight as a traveller sees it at `now` (naive UTC)."""
    estimated = (
        None
        if flight.status == "cancelled"
        else flight.departure_time + timedelta(minutes=flight.delay_minutes or 0)
    )
    status = status_at(
        flight.status, flight.departure_utc, flight.duration_minutes, flight.delay_minutes or 0, now
    )
    return FlightInfo(
        flight_number=flight.flight_number,
        flight_date=flight.flight_date,
        origin=flight.origin,
        destination=flight.destination,
        departure_time=flight.departure_time,
        arrival_time=flight.arrival_time,
        duration_minutes=flight.duration_minutes,
        aircraft=flight.aircraft,
        status=status,
        gate=flight.gate,
        delay_minutes=flight.delay_minutes or 0,
        estimated_departure=estimated,
    )


def booking_info(booking: Booking) -> BookingInfo:
    return BookingInfo(
        confirmation_number=booking.confirmation_number,
        user_id=booking.user_id,
        flight_number=booking.flight_number,
        flight_date=booking.flight_date,
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


class FlightOption(_Result):
    """One departure found by a search, with its fares."""

    flight_number: str
    flight_date: date
    origin: str
    destination: str
    departure_time: LocalTime  # local at the origin
    arrival_time: LocalTime  # local at the destination
    duration_minutes: int
    aircraft: str
    status: str  # as a traveller sees it now
    delay_minutes: int
    fares: tuple[FareInfo, ...]
    # The fare the search was about: the asked cabin's, else the lowest; None if it sells none.
    price: Money | None
    currency: str | None


class FlightSearchResult(_Result):
    """One page of a search and the count of everything that matched."""

    flights: tuple[FlightOption, ...]
    total: int
    # The search as understood: airport codes, the date range, the cabin and the order.
    origin: tuple[str, ...] | None
    destination: tuple[str, ...] | None
    date_from: date
    date_to: date
    cabin: str | None
    sort: str


def flight_option(
    flight: Mapping[Any, Any], now: datetime, fares: list[FareInfo], cabin: str | None
) -> FlightOption:
    """A search's departure from its `flights` row (column -> value) and its fares."""
    chosen = [f for f in fares if f.cabin == cabin] if cabin else fares
    cheapest = min(chosen, key=lambda f: f.price, default=None)
    delay = flight["delay_minutes"] or 0
    return FlightOption(
        flight_number=flight["flight_number"],
        flight_date=flight["flight_date"],
        origin=flight["origin"],
        destination=flight["destination"],
        departure_time=flight["departure_time"],
        arrival_time=flight["arrival_time"],
        duration_minutes=flight["duration_minutes"],
        aircraft=flight["aircraft"],
        status=status_at(flight["status"], flight["departure_utc"], flight["duration_minutes"], delay, now),
        delay_minutes=delay,
        fares=tuple(fares),
        price=None if cheapest is None else cheapest.price,
        currency=None if cheapest is None else cheapest.currency,
    )
