"""The airline desk as a typed service: flight status, fares, seat maps, bookings, refunds, complaints.

`AirlineService(engine)` is plain Python over SQLAlchemy. Every method normalises and validates its
arguments (`InputError`), checks that the caller owns what it touches (another user's booking is
"not found", in the same words as a booking that does not exist) and can be called twice with the
same effect: the writes a user confirms carry a `request_id` and are done at most once. Expected
failures raise `switchboard.errors` with a machine readable `details["code"]`:

    NotFound    no_such_flight, no_such_seat, no_such_fare, no_such_booking
    Conflict    flight_not_bookable, flight_departed, seat_taken (alternatives=[...]),
                already_booked (booking=BookingInfo), booking_cancelled, busy

Races are settled by the database, not by the checks: the partial unique indexes of
`tools.airline_models` reject a second confirmed booking of a seat (or of a user on a flight); the
loser's IntegrityError is turned into the Conflict a fresh look at the data explains.

    service.py     AirlineService: the reads, the writes and the retry after a lost race
    records.py     rows found and checked (no such flight, not your booking, not bookable)
    inputs.py      argument normalisation: flight numbers, seats, confirmation numbers, cabins, users
    seats.py       seat positions and the free seats nearest to a wanted one
    complaints.py  complaint text, fingerprint, categories and the keyword classifier
    results.py     the frozen result models and their construction from rows
"""

from tools.airline.complaints import (
    COMPLAINT_CATEGORIES,
    MAX_COMPLAINT_CHARS,
    ComplaintCategory,
    classify_complaint,
    normalize_complaint_category,
)
from tools.airline.inputs import (
    normalize_cabin,
    normalize_confirmation_number,
    normalize_flight_number,
    normalize_seat,
    normalize_user_id,
)
from tools.airline.records import BOOKABLE_STATUSES
from tools.airline.results import (
    BookingInfo,
    BookingResult,
    CancellationResult,
    ComplaintInfo,
    FareInfo,
    FlightInfo,
    Money,
    RefundQuote,
    SeatInfo,
    SeatMap,
)
from tools.airline.seats import SeatPosition, rank_nearby, seat_position
from tools.airline.service import CANCELLATION_FEES, AirlineService
from tools.airline_models import BOOKING_STATUSES, CABINS

__all__ = [
    "BOOKABLE_STATUSES",
    "BOOKING_STATUSES",
    "CABINS",
    "CANCELLATION_FEES",
    "COMPLAINT_CATEGORIES",
    "ComplaintCategory",
    "MAX_COMPLAINT_CHARS",
    "AirlineService",
    "BookingInfo",
    "BookingResult",
    "CancellationResult",
    "ComplaintInfo",
    "FareInfo",
    "FlightInfo",
    "Money",
    "RefundQuote",
    "SeatInfo",
    "SeatMap",
    "SeatPosition",
    "classify_complaint",
    "normalize_cabin",
    "normalize_complaint_category",
    "normalize_confirmation_number",
    "normalize_flight_number",
    "normalize_seat",
    "normalize_user_id",
    "rank_nearby",
    "seat_position",
]
