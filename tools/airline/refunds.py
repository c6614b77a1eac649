"""What cancelling a booking refunds: the fare less the cabin's fee, all of it when the airline
cancelled the flight, nothing once the flight has left."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from switchboard.errors import Conflict
from tools.airline import records
from tools.airline.results import cents
from tools.airline_models import Booking, Flight

# Voluntary cancellation fee per cabin, in the fare's currency; the refund never goes below zero.
CANCELLATION_FEES: dict[str, Decimal] = {
    "economy": Decimal("100.00"),
    "business": Decimal("200.00"),
    "first": Decimal("300.00"),
}


def refund_terms(booking: Booking, flight: Flight, now: datetime) -> tuple[Decimal, Decimal, str]:
    """(refund, fee, reason) for cancelling a confirmed booking at `now`."""
    fare = cents(booking.fare_paid)
    status = records.current_status(flight, now)
    if status == "cancelled":
        return fare, Decimal("0.00"), "flight_cancelled_full_refund"
    if status in ("departed", "arrived"):
        raise Conflict(
            f"flight {flight.flight_number} has {status}; the booking can no longer be refunded",
            code="flight_departed",
            flight_number=flight.flight_number,
            flight_status=status,
        )
    refund = max(fare - CANCELLATION_FEES[booking.cabin], Decimal("0.00"))
    return refund, fare - refund, "voluntary_cancellation_fee"
