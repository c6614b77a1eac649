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
    search.py      flight search by route, dates, time of day, cabin and price
    airports.py    the airports and every name people use for them (data)
    places.py      places named in text or arguments -> airport codes; the cities a route serves
    unserved.py    places people name that the timetable does not serve (data: Chinese and world cities)
    schedule.py    the recurring timetable (data); fleet.py: aircraft and seat maps
    timetable.py   departures day by day, fares, and statuses that follow the clock
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
    normalize_flight_date,
    normalize_flight_number,
    normalize_seat,
    normalize_user_id,
)
from tools.airline.places import Mention, Place, find_places, place
from tools.airline.records import BOOKABLE_STATUSES
from tools.airline.refunds import CANCELLATION_FEES
from tools.airline.results import (
    BookingInfo,
    BookingResult,
    CancellationResult,
    ComplaintInfo,
    FareInfo,
    FlightInfo,
    FlightOption,
    FlightSearchResult,
    Money,
    RefundQuote,
    SeatInfo,
    SeatMap,
)
from tools.airline.search import SORT_KEYS, FlightSearch
from tools.airline.seats import SeatPosition, rank_nearby, seat_position
from tools.airline.service import AirlineService
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
    "FlightOption",
    "FlightSearch",
    "FlightSearchResult",
    "Mention",
    "Money",
    "Place",
    "SORT_KEYS",
    "RefundQuote",
    "SeatInfo",
    "SeatMap",
    "SeatPosition",
    "classify_complaint",
    "find_places",
    "normalize_cabin",
    "normalize_complaint_category",
    "normalize_confirmation_number",
    "normalize_flight_date",
    "normalize_flight_number",
    "normalize_seat",
    "normalize_user_id",
    "place",
    "rank_nearby",
    "seat_position",
]
