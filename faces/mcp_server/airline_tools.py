"""The airline tools: flights (status, fares, seats) and the signed-in user's bookings.

Each tool translates to `tools.airline.AirlineService`; the user it acts for comes from the desk,
never from an argument. The docstrings are the descriptions the calling model reads.
"""

# No `from __future__ import annotations`: FastMCP reads the tools' annotations at registration.

from mcp.server.fastmcp import FastMCP

from faces.mcp_server.arguments import (
    BookingStatus,
    Cabin,
    ComplaintCategory,
    ComplaintText,
    Confirm,
    ConfirmationNumber,
    FlightDate,
    FlightNumber,
    Limit,
    MaxPrice,
    Place,
    RequestId,
    SearchDate,
    SeatCode,
    SortKey,
    TimeOfDay,
)
from faces.mcp_server.desk import ToolContext, desk_of, in_thread
from faces.mcp_server.hints import add_tool, readonly, writes
from faces.mcp_server.results import BookingList, CancelBookingOutcome, FareQuote
from tools.airline import (
    BookingInfo,
    BookingResult,
    ComplaintInfo,
    FlightInfo,
    FlightSearchResult,
    SeatMap,
)


async def search_flights(
    ctx: ToolContext,
    origin: Place | None = None,
    destination: Place | None = None,
    date_from: SearchDate | None = None,
    date_to: SearchDate | None = None,
    depart_after: TimeOfDay | None = None,
    depart_before: TimeOfDay | None = None,
    cabin: Cabin | None = None,
    max_price: MaxPrice | None = None,
    sort: SortKey = "departure",
    limit: Limit = 10,
    nonstop: bool | None = None,
) -> FlightSearchResult:
    """Find flights by route and date: origin and/or destination (cities mean all their
    airports), a date or a date range (default: from today on; one date_from alone is that day),
    a departure time window, a cabin, a highest fare in USD, and the order (departure, price,
    duration, arrival). Returns one page of flights (number, date, local times, status, every
    cabin's fare; `price` is the asked cabin's fare or the lowest) and `total`, the count of all
    matches. Departed flights are left out. Every flight is nonstop (nonstop=true changes
    nothing). Book one with book_seat, giving its flight_number and flight_date."""
    airline = desk_of(ctx).services.airline
    return await in_thread(
        lambda: airline.search_flights(
            origin=origin,
            destination=destination,
            date_from=date_from,
            date_to=date_to,
            depart_after=depart_after,
            depart_before=depart_before,
            cabin=cabin,
            max_price=max_price,
            sort=sort,
            limit=limit,
            nonstop=nonstop,
        )
    )


async def flight_status(
    ctx: ToolContext, flight_number: FlightNumber, flight_date: FlightDate | None = None
) -> FlightInfo:
    """Status of a flight: on time, delayed (with minutes), cancelled, boarding, departed,
    arrived; scheduled and estimated departure, gate, origin and destination. A flight number
    flies every day: give flight_date for one day, else the departure still of interest now.
    Times are local airport times."""
    return await in_thread(desk_of(ctx).services.airline.flight_status, flight_number, flight_date)


async def fare_quote(
    ctx: ToolContext,
    flight_number: FlightNumber,
    cabin: Cabin | None = None,
    flight_date: FlightDate | None = None,
) -> FareQuote:
    """Ticket prices of a flight per cabin (economy, business, first), with currency, on
    flight_date (default: its next departure). Give `cabin` for one cabin only; an error says when
    the flight sells no such cabin. To compare flights on a route, use search_flights."""
    fares = await in_thread(desk_of(ctx).services.airline.fares, flight_number, cabin, flight_date)
    return FareQuote(flight_number=fares[0].flight_number if fares else flight_number, fares=fares)


async def seat_map(
    ctx: ToolContext, flight_number: FlightNumber, flight_date: FlightDate | None = None
) -> SeatMap:
    """Every seat of a flight (on flight_date, default its next departure) with its cabin,
    position (window/aisle/middle) and whether it is free, plus free counts per cabin. Use it to
    pick a seat before book_seat."""
    return await in_thread(desk_of(ctx).services.airline.seat_map, flight_number, flight_date)


async def list_bookings(
    ctx: ToolContext,
    flight_number: FlightNumber | None = None,
    status: BookingStatus = "confirmed",
    flight_date: FlightDate | None = None,
) -> BookingList:
    """The signed-in user's bookings (confirmation number, flight and date, seat, cabin, fare,
    status), optionally for one flight number (and one date); by default only confirmed ones."""
    desk = desk_of(ctx)
    user = desk.acting_user(ctx)
    wanted = None if status == "all" else status
    bookings = await in_thread(desk.services.airline.user_bookings, user, flight_number, wanted, flight_date)
    return BookingList(bookings=bookings)


async def book_seat(
    ctx: ToolContext,
    flight_number: FlightNumber,
    seat: SeatCode,
    flight_date: FlightDate | None = None,
    request_id: RequestId | None = None,
) -> BookingResult:
    """Book `seat` on `flight_number` (on flight_date; default its next departure) for the
    signed-in user and return the booking with its confirmation number. Booking the same seat
    again returns the existing booking (created=false). A taken seat is an error that lists free
    seats nearby; a user who already holds another seat on the flight must use change_seat."""
    desk = desk_of(ctx)
    user = desk.acting_user(ctx)
    return await in_thread(
        desk.services.airline.book_seat, user, flight_number, seat, flight_date, request_id=request_id
    )


async def change_seat(
    ctx: ToolContext,
    confirmation_number: ConfirmationNumber,
    new_seat: SeatCode,
    request_id: RequestId | None = None,
) -> BookingInfo:
    """Move the signed-in user's booking to `new_seat` on the same flight (ask the user first).
    A taken seat is an error that lists free seats nearby."""
    desk = desk_of(ctx)
    user = desk.acting_user(ctx)
    return await in_thread(
        desk.services.airline.change_seat, user, confirmation_number, new_seat, request_id=request_id
    )


async def cancel_booking(
    ctx: ToolContext,
    confirmation_number: ConfirmationNumber,
    confirm: Confirm = False,
    request_id: RequestId | None = None,
) -> CancelBookingOutcome:
    """Cancel one of the signed-in user's bookings. This cannot be undone, so it takes two calls:
    first with confirm=false (the default), which changes nothing and returns the refund quote
    (amount, fee, reason) -- show it to the user and ask them; then, only after the user has
    agreed, call again with confirm=true to cancel and refund."""
    desk = desk_of(ctx)
    user = desk.acting_user(ctx)
    airline = desk.services.airline
    if not confirm:
        quote = await in_thread(airline.quote_refund, user, confirmation_number)
        if quote.reason == "already_cancelled":
            return CancelBookingOutcome(status="already_cancelled", refund_quote=quote)
        return CancelBookingOutcome(
            status="confirmation_required",
            refund_quote=quote,
            next_step="Show the refund to the user; if they agree, call cancel_booking again with confirm=true.",
        )
    result = await in_thread(airline.cancel_booking, user, confirmation_number, request_id=request_id)
    return CancelBookingOutcome(
        status="already_cancelled" if result.already_cancelled else "cancelled", cancellation=result
    )


async def file_complaint(
    ctx: ToolContext,
    text: ComplaintText,
    category: ComplaintCategory | None = None,
    flight_number: FlightNumber | None = None,
) -> ComplaintInfo:
    """Record a complaint of the signed-in user and return its complaint id. Without `category`
    the text is classified (delay, baggage, refund, staff, ...). Filing the same open complaint
    twice returns the first one (created=false)."""
    desk = desk_of(ctx)
    user = desk.acting_user(ctx)
    return await in_thread(desk.services.airline.file_complaint, user, text, category, flight_number)


def register(server: FastMCP) -> None:
    """Add the airline tools to `server`, in the order clients list them."""
    add_tool(server, search_flights, readonly("Search flights"))
    add_tool(server, flight_status, readonly("Flight status"))
    add_tool(server, fare_quote, readonly("Fare quote"))
    add_tool(server, seat_map, readonly("Seat map"))
    add_tool(server, list_bookings, readonly("My bookings"))
    add_tool(server, book_seat, writes("Book a seat", destructive=False))
    add_tool(server, change_seat, writes("Change seat", destructive=False))
    add_tool(server, cancel_booking, writes("Cancel a booking", destructive=True))
    add_tool(server, file_complaint, writes("File a complaint", destructive=False))
