"""Flight search: departures by route, date or date range, time of day, cabin and price.

`FlightSearch(engine, clock).search(...)` normalises its arguments (places by any name the desk
knows, ISO dates, "HH:MM" times), then runs two plain SQL statements through SQLAlchemy: the
matching departures with their price and the count of all matches (a window function), limited
to one page; then the fares of that page. Both use indexes (`ix_flights_route`,
`ix_flights_departures`, `ix_flights_arrivals`, the fares' primary key).

Every flight of the timetable is nonstop: `nonstop=True` is accepted and changes nothing, and no
connections are offered.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, get_args

from sqlalchemy import ColumnElement, Connection, Engine, Select, and_, func, null, select

from switchboard.clock import Clock
from switchboard.errors import InputError
from tools.airline.inputs import CABIN_ORDER, normalize_cabin, normalize_flight_date
from tools.airline.places import Place, place
from tools.airline.results import FareInfo, FlightOption, FlightSearchResult, flight_option
from tools.airline_models import Fare, Flight
from tools.db import table_of

SortKey = Literal["departure", "price", "duration", "arrival"]
SORT_KEYS: tuple[str, ...] = get_args(SortKey)
MAX_LIMIT = 50
MAX_DAYS = 31  # the longest date range one search covers
_TIME = re.compile(r"^\s*(\d{1,2})(?::(\d{2}))?\s*$")
# The search's filters in the order `FlightSearch._query` takes them, with their defaults.
_QUERY_ARGS: tuple[tuple[str, Any], ...] = (
    ("origin", None),
    ("destination", None),
    ("date_from", None),
    ("date_to", None),
    ("depart_after", None),
    ("depart_before", None),
    ("cabin", None),
    ("max_price", None),
    ("sort", "departure"),
    ("limit", 5),
    ("nonstop", None),
    ("time_zone", None),
)


def minute_of_day(value: object, what: str) -> int | None:
    """ "14:30", "9", 870 or a `time` -> minutes after midnight (0-1440); None stays None."""
    if value is None:
        return None
    if isinstance(value, time):
        return value.hour * 60 + value.minute
    if isinstance(value, int) and not isinstance(value, bool):
        minutes = value
    elif isinstance(value, str) and (match := _TIME.match(value)):
        minutes = int(match.group(1)) * 60 + int(match.group(2) or 0)
    else:
        raise InputError(f"{what} must be a time of day such as 09:00, got {str(value)[:20]!r}")
    if not 0 <= minutes <= 1440:
        raise InputError(f"{what} must be between 00:00 and 24:00")
    return minutes


def _price(value: object) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise InputError("max_price must be a number")
    try:
        price = Decimal(str(value))
    except InvalidOperation:
        raise InputError(f"max_price must be a number, got {str(value)[:20]!r}") from None
    if not price.is_finite() or price < 0 or price > 1_000_000:
        raise InputError("max_price must be a number from 0 to 1,000,000")
    return price


def _place(value: object, what: str) -> Place | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return place(value)
    except InputError as exc:
        raise InputError(f"{what}: {exc}") from None


@dataclass(frozen=True)
class SearchQuery:
    """A search's arguments, checked and normalised."""

    origin: Place | None
    destination: Place | None
    date_from: date
    date_to: date
    after: int | None  # minutes after midnight, local at the origin
    before: int | None
    cabin: str | None
    max_price: Decimal | None
    sort: str
    limit: int


class FlightSearch:
    """Searches the timetable of one engine; `clock` says what "today" and "not yet departed" mean."""

    def __init__(self, engine: Engine, clock: Clock | None = None) -> None:
        self._engine = engine
        self.clock = clock or Clock()

    def search(
        self,
        origin: str | None = None,
        destination: str | None = None,
        date_from: date | str | None = None,
        date_to: date | str | None = None,
        depart_after: str | int | time | None = None,
        depart_before: str | int | time | None = None,
        cabin: str | None = None,
        max_price: Decimal | float | str | None = None,
        sort: str = "departure",
        limit: int = 5,
        nonstop: bool | None = None,
        include_departed: bool = False,
        include_cancelled: bool = True,
        time_zone: str | None = None,
    ) -> FlightSearchResult:
        """Departures matching every given filter, one page of `limit`, with the count of all.

        Without dates: from today (in `time_zone`, default the clock's) for `MAX_DAYS` days.
        Departed flights are left out unless `include_departed`; with `max_price` or sorting by
        price the price is the `cabin`'s fare, else the lowest fare of the flight.
        """
        query = self._query(
            origin, destination, date_from, date_to, depart_after, depart_before, cabin, max_price, sort, limit,
            nonstop, time_zone,
        )  # fmt: skip
        now = self._now()
        statement = _statement(query, now, include_departed, include_cancelled)
        # Core rows, not ORM objects: a search reads and never writes, so no identity map.
        with self._engine.connect() as conn:
            rows = [row._mapping for row in conn.execute(statement)]
            fares = _fares(conn, [(row["flight_number"], row["flight_date"]) for row in rows])
        options = [
            flight_option(row, now, fares.get((row["flight_number"], row["flight_date"]), []), query.cabin)
            for row in rows
        ]
        return FlightSearchResult(
            flights=tuple(options),
            total=rows[0]["total"] if rows else 0,
            origin=query.origin.codes if query.origin else None,
            destination=query.destination.codes if query.destination else None,
            date_from=query.date_from,
            date_to=query.date_to,
            cabin=query.cabin,
            sort=query.sort,
        )

    def page_statement(self, **filters: Any) -> Select[Any]:
        """The first statement `search(**filters)` runs (one page and the count), for query plans
        and benchmarks."""
        departed = bool(filters.pop("include_departed", False))
        cancelled = bool(filters.pop("include_cancelled", True))
        unknown = set(filters) - {name for name, _ in _QUERY_ARGS}
        if unknown:
            raise InputError(f"unknown search arguments: {', '.join(sorted(unknown))}")
        query = self._query(*(filters.get(name, default) for name, default in _QUERY_ARGS))
        return _statement(query, self._now(), departed, cancelled)

    def _now(self) -> datetime:
        return self.clock.now().astimezone(UTC).replace(tzinfo=None)

    def _query(
        self,
        origin: object,
        destination: object,
        date_from: object,
        date_to: object,
        depart_after: object,
        depart_before: object,
        cabin: object,
        max_price: object,
        sort: object,
        limit: object,
        nonstop: object,
        time_zone: str | None,
    ) -> SearchQuery:
        """The arguments checked and normalised (one-line InputError on anything wrong)."""
        where_from, where_to = _place(origin, "origin"), _place(destination, "destination")
        if where_from is None and where_to is None:
            raise InputError("give an origin or a destination (a city, an airport or an IATA code)")
        if where_from and where_to and set(where_from.codes) & set(where_to.codes):
            raise InputError("the origin and the destination are the same place")
        first = normalize_flight_date(date_from) or self.clock.today(time_zone)
        last = normalize_flight_date(date_to) or (
            first if date_from is not None else first + timedelta(days=MAX_DAYS - 1)
        )
        if last < first:
            raise InputError("date_to is before date_from")
        if (last - first).days >= MAX_DAYS:
            raise InputError(f"a search covers at most {MAX_DAYS} days")
        after = minute_of_day(depart_after, "depart_after")
        before = minute_of_day(depart_before, "depart_before")
        if after is not None and before is not None and after >= before:
            raise InputError("depart_after must be earlier than depart_before")
        if sort not in SORT_KEYS:
            raise InputError(f"sort must be one of {', '.join(SORT_KEYS)}")
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
            raise InputError(f"limit must be an integer from 1 to {MAX_LIMIT}")
        if nonstop is not None and not isinstance(nonstop, bool):
            raise InputError("nonstop must be true or false")
        return SearchQuery(
            origin=where_from,
            destination=where_to,
            date_from=first,
            date_to=last,
            after=after,
            before=before,
            cabin=None if cabin is None else normalize_cabin(cabin),
            max_price=_price(max_price),
            sort=sort,
            limit=limit,
        )


def _statement(
    query: SearchQuery, now: datetime, include_departed: bool, include_cancelled: bool
) -> Select[Any]:
    """One page of matching departures: (Flight, price, count of all matches)."""
    fares_of_flight = and_(Fare.flight_number == Flight.flight_number, Fare.flight_date == Flight.flight_date)
    price_of = select(func.min(Fare.price)).where(fares_of_flight)
    if query.cabin is not None:
        price_of = price_of.where(Fare.cabin == query.cabin)
    price = price_of.scalar_subquery()
    conditions: list[ColumnElement[bool]] = [Flight.flight_date.between(query.date_from, query.date_to)]
    if query.origin is not None:
        conditions.append(Flight.origin.in_(query.origin.codes))
    if query.destination is not None:
        conditions.append(Flight.destination.in_(query.destination.codes))
    if query.after is not None:
        conditions.append(Flight.departure_minute >= query.after)
    if query.before is not None:
        conditions.append(Flight.departure_minute < query.before)
    if not include_departed:
        conditions.append(Flight.departure_utc > now)
    if not include_cancelled:
        conditions.append(Flight.status != "cancelled")
    if query.cabin is not None:
        conditions.append(price.is_not(None))  # the flight sells that cabin
    if query.max_price is not None:
        conditions.append(price <= query.max_price)
    order = {
        "departure": (Flight.departure_utc, Flight.flight_number),
        "price": (price, Flight.departure_utc, Flight.flight_number),
        "duration": (Flight.duration_minutes, Flight.departure_utc, Flight.flight_number),
        "arrival": (Flight.arrival_utc, Flight.flight_number),
    }[query.sort]
    # The price of every match is computed only when it filters or orders them; otherwise the
    # page's fares come from the second statement and the matches cost an index range alone.
    needs_price = query.sort == "price" or query.max_price is not None or query.cabin is not None
    shown_price: ColumnElement[Any] = price if needs_price else null()
    return (
        select(*table_of(Flight).columns, shown_price.label("price"), func.count().over().label("total"))
        .where(*conditions)
        .order_by(*order)
        .limit(query.limit)
    )


def fares_statement(keys: Sequence[tuple[str, date]]) -> Select[Any]:
    """The fares of the given departures (the second statement of a search), and perhaps a few of
    the same numbers on the other dates asked for, which the caller drops: two IN lists on the
    primary key's columns (a row-value IN list would scan the whole table in SQLite)."""
    numbers = sorted({number for number, _ in keys})
    days = sorted({day for _, day in keys})
    return select(*table_of(Fare).columns).where(Fare.flight_number.in_(numbers), Fare.flight_date.in_(days))


def _fares(conn: Connection, keys: Sequence[tuple[str, date]]) -> dict[tuple[str, date], list[FareInfo]]:
    """Every fare of the given departures, cabin order within each."""
    if not keys:
        return {}
    wanted = set(keys)
    rows = [
        row for row in conn.execute(fares_statement(keys)) if (row.flight_number, row.flight_date) in wanted
    ]
    found: dict[tuple[str, date], list[FareInfo]] = {}
    for fare in sorted(rows, key=lambda f: CABIN_ORDER.get(f.cabin, 99)):
        found.setdefault((fare.flight_number, fare.flight_date), []).append(
            FareInfo(
                flight_number=fare.flight_number,
                flight_date=fare.flight_date,
                cabin=fare.cabin,
                price=fare.price,
                currency=fare.currency,
            )
        )
    return found


__all__ = [
    "SORT_KEYS",
    "FlightOption",
    "FlightSearch",
    "FlightSearchResult",
    "SortKey",
    "fares_statement",
    "minute_of_day",
]
