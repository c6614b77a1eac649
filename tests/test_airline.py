"""The airline desk: input normalisation, complaint classification, the seed and `AirlineService`.

Service tests run on a fresh seeded SQLite file per test. The concurrency and happy-path tests also
run on PostgreSQL when SWITCHBOARD_TEST_POSTGRES_URL is set (a throw-away database per run).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Engine, func, select, update
from sqlalchemy.exc import IntegrityError

import tools.airline.service as airline_service
from switchboard.errors import Conflict, InputError, NotFound
from tests.helpers import SEED_DATE, frozen_clock, sqlite_copy
from tools.airline import (
    AirlineService,
    classify_complaint,
    normalize_cabin,
    normalize_confirmation_number,
    normalize_flight_number,
    normalize_seat,
    rank_nearby,
    seat_position,
)
from tools.airline_models import FLIGHT_STATUSES, Booking, Complaint, Flight
from tools.db import make_engine
from tools.seed import build_rows, seed_airline

# ---------------------------------------------------------------- fixtures


@pytest.fixture
def svc(engine: Engine) -> AirlineService:
    return AirlineService(engine, frozen_clock())


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_engine(request, tmp_path) -> Iterator[Engine]:
    """A freshly seeded engine on SQLite, and on PostgreSQL when one is configured.

    The pool holds a connection per racing thread: with the default 5, threads queue for a
    connection and the races below would be too staggered to prove anything.
    """
    pool = {"pool_size": 25, "max_overflow": 5}
    if request.param == "sqlite":
        eng = sqlite_copy(request.getfixturevalue("seeded_sqlite"), tmp_path / "airline.db", **pool)
    else:
        eng = make_engine(request.getfixturevalue("pg_database_url"), **pool)
        seed_airline(eng, today=SEED_DATE)
    yield eng
    eng.dispose()


def confirmed_count(engine: Engine, flight: str, seat: str) -> int:
    with engine.connect() as conn:
        return conn.execute(
            select(func.count())
            .select_from(Booking)
            .where(Booking.flight_number == flight, Booking.seat == seat, Booking.status == "confirmed")
        ).scalar_one()


def free_seat(svc: AirlineService, flight: str, cabin: str, exclude: tuple[str, ...] = ()) -> str:
    return next(
        s.seat for s in svc.seat_map(flight).seats if s.free and s.cabin == cabin and s.seat not in exclude
    )


def occupied_seat(svc: AirlineService, flight: str, cabin: str = "economy") -> str:
    return next(s.seat for s in svc.seat_map(flight).seats if not s.free and s.cabin == cabin)


FIXTURE_DAY = SEED_DATE + timedelta(days=1)


def set_flight_status(engine: Engine, flight: str, status: str) -> None:
    with engine.begin() as conn:
        conn.execute(update(Flight).where(Flight.flight_number == flight).values(status=status))


# ---------------------------------------------------------------- pure functions


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("fl 123", "FL123"), ("FL123", "FL123"), ("ＦＬ１２３", "FL123"), ("FL0123", "FL123"), ("ca-981", "CA981"),
     (" mu5101 ", "MU5101"), ("3u8633", "3U8633")],
)  # fmt: skip
def test_normalize_flight_number(raw: str, expected: str) -> None:
    assert normalize_flight_number(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "123",
        "FLIGHT",
        "FL",
        "FL12345",
        "FL000",
        "FL1'; DROP TABLE flights;--",
        "x" * 500,
        None,
        123,
    ],
)
def test_normalize_flight_number_rejects(raw: object) -> None:
    with pytest.raises(InputError):
        normalize_flight_number(raw)


@pytest.mark.parametrize(
    ("raw", "expected"), [("12a", "12A"), (" 05B ", "5B"), ("１２Ａ", "12A"), ("1K", "1K")]
)
def test_normalize_seat(raw: str, expected: str) -> None:
    assert normalize_seat(raw) == expected


@pytest.mark.parametrize("raw", ["", "12", "A12", "0A", "123A", "12I", "12AB", None, 12])
def test_normalize_seat_rejects(raw: object) -> None:
    with pytest.raises(InputError):
        normalize_seat(raw)


def test_normalize_confirmation_number() -> None:
    assert normalize_confirmation_number(" abc123 ") == "ABC123"
    for bad in ("AB123", "ABCD12", "123ABC", "", None, 123456):
        with pytest.raises(InputError):
            normalize_confirmation_number(bad)


def test_normalize_cabin() -> None:
    assert normalize_cabin("Economy") == "economy"
    assert normalize_cabin("经济舱") == "economy"
    assert normalize_cabin("business class") == "business"
    assert normalize_cabin("头等舱") == "first"
    assert normalize_cabin("First Class") == "first"
    for bad in ("premium", "", None):
        with pytest.raises(InputError):
            normalize_cabin(bad)


def test_seat_position_and_rank_nearby() -> None:
    assert [seat_position(s) for s in ("12A", "12B", "12C", "12D", "12E", "12F")] == [
        "window", "middle", "aisle", "aisle", "middle", "window",
    ]  # fmt: skip
    # Same row first; within it the same position (window) before a closer aisle seat.
    assert rank_nearby("12A", ["30A", "12F", "13A", "11C", "12D", "12A"]) == [
        "12F",
        "12D",
        "13A",
        "11C",
        "30A",
    ]


@pytest.mark.parametrize(
    ("text_", "category"),
    [
        ("我要投诉，服务太差了", "service"),
        ("航班延误了三个小时，没人通知", "delay"),
        ("My flight was delayed for 5 hours", "delay"),
        ("我的行李丢了", "baggage"),
        ("my luggage arrived broken", "baggage"),
        ("申请退款一直没有到账", "refund"),
        ("I still have not received my refund", "refund"),
        ("空乘态度很差", "staff"),
        ("服务员态度很差", "staff"),  # 服务 is inside 服务员: the specific category wins
        ("The flight attendant was rude to me", "staff"),
        ("飞机上的餐太难吃了", "food"),
        ("the meal was cold", "food"),
        ("座位坏了，靠背放不下来", "seat"),
        ("no legroom at all in my seat", "seat"),
        ("厕所很脏", "cleanliness"),
        ("the cabin was filthy", "cleanliness"),
        ("I can't find my booking", "booking"),
        ("改签太麻烦了", "booking"),
        ("the weather is nice", "other"),
        ("", "other"),
    ],
)
def test_classify_complaint(text_: str, category: str) -> None:
    assert classify_complaint(text_) == category


def test_classify_complaint_ignores_word_fragments() -> None:
    # 'late' must not fire inside 'chocolate', nor 'bag' inside 'bagel'.
    assert classify_complaint("they ran out of chocolate bagels") == "other"


# ---------------------------------------------------------------- seed


def test_fixtures_exist_exactly(svc: AirlineService) -> None:
    # The day after the seed date, whatever the seed date is.
    fl123 = svc.flight_status("FL123")
    assert (fl123.status, fl123.departure_time) == (
        "on_time",
        datetime.combine(FIXTURE_DAY, datetime.min.time()).replace(hour=14),
    )
    fl456 = svc.flight_status("FL456")
    assert (fl456.status, fl456.departure_time) == (
        "delayed",
        datetime.combine(FIXTURE_DAY, datetime.min.time()).replace(hour=15, minute=30),
    )
    assert fl456.delay_minutes > 0
    assert svc.flight_status("FL789").status == "cancelled"

    def prices(flight: str) -> dict[str, tuple[str, str]]:
        return {f.cabin: (str(f.price), f.currency) for f in svc.fares(flight)}

    assert prices("FL123") == {"economy": ("500.00", "USD"), "business": ("1200.00", "USD")}
    assert prices("FL456") == {"economy": ("600.00", "USD"), "business": ("1400.00", "USD")}

    abc = svc.get_booking("USER123", "ABC123")
    assert (abc.user_id, abc.flight_number, abc.status) == ("USER123", "FL789", "confirmed")
    assert abc.fare_paid == Decimal("650.00")

    for flight, free, taken in (("FL123", "12A", "12B"), ("FL456", "15B", "15A")):
        seats = {s.seat: s for s in svc.seat_map(flight).seats}
        assert seats[free].free
        assert not seats[taken].free
    for flight in ("FL123", "FL456", "FL789"):
        seat_map = svc.seat_map(flight)
        assert 0 < seat_map.free < seat_map.total
        assert seat_map.free + seat_map.occupied == seat_map.total


def test_seed_is_deterministic_and_plausible() -> None:
    first, second = build_rows(SEED_DATE), build_rows(SEED_DATE)
    assert first == second
    rows = {table.name: table_rows for table, table_rows in first.items()}
    flights = rows["flights"]
    assert {f["status"] for f in flights} <= set(FLIGHT_STATUSES)
    assert {"on_time", "delayed", "cancelled"} <= {f["status"] for f in flights}
    assert all(f["arrival_utc"] > f["departure_utc"] for f in flights)
    days = {f["flight_date"] for f in flights}
    assert min(days) == SEED_DATE and max(days) >= SEED_DATE + timedelta(days=14)
    assert len({f["origin"] for f in flights} | {f["destination"] for f in flights}) >= 25
    seats = {}
    for seat in rows["aircraft_seats"]:
        seats[seat["aircraft"]] = seats.get(seat["aircraft"], 0) + 1
    sold: dict[tuple[str, object], int] = {}
    for booking in rows["bookings"]:
        key = (booking["flight_number"], booking["flight_date"])
        sold[key] = sold.get(key, 0) + 1
    # Close to departure about half the seats are sold, two weeks ahead a few.
    for ahead, low, high in ((0, 0.25, 0.8), (14, 0.0, 0.1)):
        day = SEED_DATE + timedelta(days=ahead)
        on_day = [f for f in flights if f["flight_date"] == day]
        load = sum(sold.get((f["flight_number"], day), 0) for f in on_day) / sum(
            seats[f["aircraft"]] for f in on_day
        )
        assert low < load < high, (ahead, load)


def test_seed_reset_keeps_other_tables_and_reset_false_is_idempotent(engine: Engine) -> None:
    # The vehicle inventory shares the database: an airline reset must leave it alone.
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE other_stuff (key TEXT PRIMARY KEY, name TEXT)")
        conn.exec_driver_sql("INSERT INTO other_stuff VALUES ('S1', 'Pudong')")
        vehicles = conn.exec_driver_sql("SELECT count(*) FROM vehicles").scalar_one()
    AirlineService(engine, frozen_clock()).book_seat("USER9", "FL123", "12A")

    again = seed_airline(engine, reset=False, today=SEED_DATE)  # keeps the booking, adds nothing
    assert confirmed_count(engine, "FL123", "12A") == 1
    fresh = seed_airline(engine, today=SEED_DATE)  # reset: the booking is gone
    assert confirmed_count(engine, "FL123", "12A") == 0
    assert again["bookings"] == fresh["bookings"] + 1
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM other_stuff").scalar_one() == 1
        assert conn.exec_driver_sql("SELECT count(*) FROM vehicles").scalar_one() == vehicles > 0


def test_database_refuses_a_double_booking(engine: Engine, svc: AirlineService) -> None:
    taken = occupied_seat(svc, "FL123")
    row = {"user_id": "INTRUDER", "flight_number": "FL123", "flight_date": FIXTURE_DAY, "aircraft": "A320",
           "seat": taken, "cabin": "economy", "status": "confirmed", "fare_paid": Decimal("1"), "currency": "USD",
           "created_at": datetime(2025, 1, 1), "updated_at": datetime(2025, 1, 1)}  # fmt: skip
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(Booking.__table__.insert(), {**row, "confirmation_number": "ZZZ001"})
    # ... but a cancelled booking of the same seat is history, not occupancy.
    with engine.begin() as conn:
        conn.execute(
            Booking.__table__.insert(), {**row, "confirmation_number": "ZZZ002", "status": "cancelled"}
        )


# ---------------------------------------------------------------- reads


def test_flight_status(svc: AirlineService) -> None:
    info = svc.flight_status(" fl456 ")
    assert info.flight_number == "FL456"
    assert (info.estimated_departure - info.departure_time).total_seconds() == info.delay_minutes * 60
    assert svc.flight_status("FL789").estimated_departure is None
    dumped = info.model_dump(mode="json")
    assert dumped["departure_time"] == f"{FIXTURE_DAY.isoformat()}T15:30:00"
    assert dumped["flight_date"] == FIXTURE_DAY.isoformat()
    with pytest.raises(NotFound) as err:
        svc.flight_status("ZZ999")
    assert err.value.details["code"] == "no_such_flight"


def test_fares(svc: AirlineService) -> None:
    (economy,) = svc.fares("fl123", "经济舱")
    assert economy.price == Decimal("500.00")
    assert economy.model_dump(mode="json")["price"] == "500.00"
    assert [f.cabin for f in svc.fares("FL123")] == ["economy", "business"]
    with pytest.raises(NotFound) as err:
        svc.fares("FL123", "first")
    assert err.value.details["code"] == "no_such_fare"
    with pytest.raises(InputError):
        svc.fares("FL123", "premium")
    with pytest.raises(NotFound):
        svc.fares("ZZ999")


def test_seat_map_matches_bookings(engine: Engine, svc: AirlineService) -> None:
    seat_map = svc.seat_map("FL123")
    with engine.connect() as conn:
        held = set(
            conn.execute(
                select(Booking.seat).where(Booking.flight_number == "FL123", Booking.status == "confirmed")
            ).scalars()
        )
    assert {s.seat for s in seat_map.seats if not s.free} == held
    assert seat_map.occupied == len(held)
    assert sum(seat_map.free_by_cabin.values()) == seat_map.free
    assert {s.cabin for s in seat_map.seats} == {"economy", "business"}
    assert seat_map.seats[0].seat == "1A"  # ordered by row, then letter


def test_free_seats_near(svc: AirlineService) -> None:
    near = svc.free_seats_near("FL123", "12B", limit=5)
    free = {s.seat for s in svc.seat_map("FL123").seats if s.free and s.cabin == "economy"}
    assert 0 < len(near) <= 5
    assert set(near) <= free
    assert "12B" not in near
    rows = [int(s[:-1]) for s in near]
    assert rows == sorted(rows, key=lambda r: abs(r - 12))
    with pytest.raises(NotFound):
        svc.free_seats_near("FL123", "99A")
    with pytest.raises(InputError):
        svc.free_seats_near("FL123", "12B", limit=0)


# ---------------------------------------------------------------- booking


@pytest.mark.parametrize(
    ("call", "args"),
    [
        ("flight_status", ("FL 12 3 4 5",)),
        ("book_seat", ("USER9", "not a flight", "12A")),
        ("book_seat", ("USER9", "FL123", "window")),
        ("book_seat", ("", "FL123", "12A")),
        ("book_seat", ("USER 9", "FL123", "12A")),
        ("book_seat", (None, "FL123", "12A")),
        ("get_booking", ("USER123", "ABC12")),
        ("cancel_booking", ("USER123", b"ABC123")),
        ("change_seat", ("USER123", "ABC123", "")),
        ("user_bookings", ("USER123", None, "pending")),
        ("quote_refund", ("USER123", "ABC-1234")),
    ],
)
def test_malformed_input(svc: AirlineService, call: str, args: tuple) -> None:
    with pytest.raises(InputError):
        getattr(svc, call)(*args)


def test_book_seat_happy_path(svc: AirlineService) -> None:
    result = svc.book_seat("USER9", "fl 123", "12a")
    booking = result.booking
    assert result.created
    assert re.fullmatch(r"[A-Z]{3}[0-9]{3}", booking.confirmation_number)
    assert (booking.flight_number, booking.seat, booking.cabin, booking.status) == (
        "FL123",
        "12A",
        "economy",
        "confirmed",
    )
    assert (booking.fare_paid, booking.currency, booking.refund_amount) == (Decimal("500.00"), "USD", None)
    assert not {s.seat: s for s in svc.seat_map("FL123").seats}["12A"].free
    assert svc.get_booking("USER9", booking.confirmation_number) == booking
    assert svc.user_bookings("USER9") == [booking]
    assert svc.user_bookings("USER9", flight_number="FL456") == []
    assert result.model_dump(mode="json")["booking"]["fare_paid"] == "500.00"


def test_book_business_seat_pays_business_fare(svc: AirlineService) -> None:
    seat = free_seat(svc, "FL456", "business")
    booking = svc.book_seat("USER9", "FL456", seat).booking
    assert (booking.cabin, booking.fare_paid) == ("business", Decimal("1400.00"))


def test_same_request_twice_books_once(engine: Engine, svc: AirlineService) -> None:
    first = svc.book_seat("USER9", "FL456", "15B")
    second = svc.book_seat("USER9", "FL456", "15b")
    assert (first.created, second.created) == (True, False)
    assert second.booking == first.booking
    with engine.connect() as conn:
        rows = conn.execute(
            select(func.count())
            .select_from(Booking)
            .where(Booking.flight_number == "FL456", Booking.seat == "15B")
        ).scalar_one()
    assert rows == 1


def test_the_seat_must_exist_on_the_flights_aircraft(engine: Engine) -> None:
    row = {"user_id": "INTRUDER", "flight_number": "FL123", "flight_date": FIXTURE_DAY, "seat": "12A",
           "cabin": "economy", "status": "confirmed", "fare_paid": Decimal("1"), "currency": "USD",
           "created_at": datetime(2025, 1, 1), "updated_at": datetime(2025, 1, 1)}  # fmt: skip
    # FL123 flies the A320: a booking that claims another aircraft, or a seat the A320 lacks,
    # is refused by the database itself.
    for bad in ({"aircraft": "B789", "seat": "2F", "confirmation_number": "ZZZ003"},
                {"aircraft": "A320", "seat": "40A", "confirmation_number": "ZZZ004"}):  # fmt: skip
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(Booking.__table__.insert(), {**row, **bad})


def test_second_seat_on_same_flight_is_already_booked(svc: AirlineService) -> None:
    first = svc.book_seat("USER9", "FL123", "12A").booking
    other = free_seat(svc, "FL123", "economy")
    with pytest.raises(Conflict) as err:
        svc.book_seat("USER9", "FL123", other)
    assert err.value.details["code"] == "already_booked"
    assert err.value.details["booking"] == first
    assert svc.user_bookings("USER9", "FL123") == [first]


def test_seat_taken_offers_free_alternatives(svc: AirlineService) -> None:
    with pytest.raises(Conflict) as err:
        svc.book_seat("USER9", "FL123", "12B")
    details = err.value.details
    assert details["code"] == "seat_taken"
    seats = {s.seat: s for s in svc.seat_map("FL123").seats}
    assert 1 <= len(details["alternatives"]) <= 3
    for alt in details["alternatives"]:
        assert seats[alt].free
        assert seats[alt].cabin == seats["12B"].cabin
    # The alternatives really can be booked.
    assert svc.book_seat("USER9", "FL123", details["alternatives"][0]).created


@pytest.mark.parametrize(
    ("flight", "seat", "code"),
    [("ZZ999", "12A", "no_such_flight"), ("FL123", "31A", "no_such_seat"), ("FL123", "2B", "no_such_seat")],
)
def test_book_unknown_flight_or_seat(svc: AirlineService, flight: str, seat: str, code: str) -> None:
    with pytest.raises(NotFound) as err:
        svc.book_seat("USER9", flight, seat)
    assert err.value.details["code"] == code


@pytest.mark.parametrize("status", ["cancelled", "departed", "arrived"])
def test_book_unbookable_flight(engine: Engine, svc: AirlineService, status: str) -> None:
    set_flight_status(engine, "FL123", status)
    with pytest.raises(Conflict) as err:
        svc.book_seat("USER9", "FL123", "12A")
    assert err.value.details["code"] == "flight_not_bookable"
    assert confirmed_count(engine, "FL123", "12A") == 0


def test_lost_race_becomes_a_clean_conflict(engine: Engine, svc: AirlineService, monkeypatch) -> None:
    """If a check misses a concurrent winner, the unique index refuses the row and the retry explains it."""
    taken = occupied_seat(svc, "FL123")
    real_claims = AirlineService._claims
    calls = []

    def blind_once(session, user, number, seat):  # type: ignore[no-untyped-def]
        calls.append(seat)
        return [] if len(calls) == 1 else real_claims(session, user, number, seat)

    monkeypatch.setattr(AirlineService, "_claims", staticmethod(blind_once))
    with pytest.raises(Conflict) as err:
        svc.book_seat("USER9", "FL123", taken)
    assert err.value.details["code"] == "seat_taken"
    assert len(calls) == 2  # refused by the index once, then explained
    assert confirmed_count(engine, "FL123", taken) == 1


def test_confirmation_number_collision_is_retried(svc: AirlineService, monkeypatch) -> None:
    numbers = iter(["ABC123", "ZZZ999"])
    monkeypatch.setattr(airline_service, "_new_confirmation_number", lambda: next(numbers))
    assert svc.book_seat("USER9", "FL123", "12A").booking.confirmation_number == "ZZZ999"


# ---------------------------------------------------------------- ownership


def test_other_users_booking_reads_as_not_found(engine: Engine, svc: AirlineService) -> None:
    before = svc.get_booking("USER123", "ABC123")
    for call, args in (
        (svc.get_booking, ("MALLORY", "ABC123")),
        (svc.cancel_booking, ("MALLORY", "ABC123")),
        (svc.change_seat, ("MALLORY", "ABC123", "20A")),
        (svc.quote_refund, ("MALLORY", "abc123")),
    ):
        with pytest.raises(NotFound) as err:
            call(*args)
        with pytest.raises(NotFound) as missing:
            call(args[0], "XYZ321", *args[2:])
        # Word for word what a booking that does not exist gets: nothing to probe.
        assert str(err.value) == str(missing.value).replace("XYZ321", "ABC123")
        assert err.value.details == {**missing.value.details, "confirmation_number": "ABC123"}
        assert "USER123" not in str(err.value)
    assert svc.get_booking("USER123", "ABC123") == before
    assert svc.user_bookings("MALLORY", status=None) == []


def test_a_confirmed_write_is_done_once_per_request_id(engine: Engine, svc: AirlineService) -> None:
    first = svc.cancel_booking("USER123", "ABC123", request_id="proposal-0001")
    again = svc.cancel_booking("USER123", "ABC123", request_id="proposal-0001")
    assert again == first and not first.already_cancelled  # the replay returns the first result
    assert svc.request_applied("proposal-0001") and not svc.request_applied("proposal-0002")
    booked = svc.book_seat("USER123", "FL123", "12A", request_id="proposal-0003")
    assert svc.book_seat("USER123", "FL123", "12A", request_id="proposal-0003") == booked
    code = booked.booking.confirmation_number
    first_seat = free_seat(svc, "FL123", "economy")
    moved = svc.change_seat("USER123", code, first_seat, request_id="proposal-0004")
    # Replayed after the seat moved on: still the first result, not a second change.
    svc.change_seat("USER123", code, free_seat(svc, "FL123", "economy"))
    assert svc.change_seat("USER123", code, first_seat, request_id="proposal-0004") == moved
    assert svc.get_booking("USER123", code).seat != first_seat
    with pytest.raises(InputError):  # another user's request id is no capability
        svc.cancel_booking("MALLORY", "ABC123", request_id="proposal-0001")
    with pytest.raises(InputError):
        svc.cancel_booking("USER123", "ABC123", request_id="bad id!")


def test_unknown_booking_is_not_found(svc: AirlineService) -> None:
    for call, args in (
        (svc.get_booking, ("USER123", "QQQ000")),
        (svc.cancel_booking, ("USER123", "QQQ000")),
        (svc.change_seat, ("USER123", "QQQ000", "20A")),
        (svc.quote_refund, ("USER123", "QQQ000")),
    ):
        with pytest.raises(NotFound) as err:
            call(*args)
        assert err.value.details["code"] == "no_such_booking"


# ---------------------------------------------------------------- refunds and cancellation


def test_cancel_is_idempotent_and_frees_the_seat(engine: Engine, svc: AirlineService) -> None:
    assert confirmed_count(engine, "FL789", "14C") == 1
    first = svc.cancel_booking("USER123", "abc123")
    assert not first.already_cancelled
    assert (first.booking.status, first.refund_amount, first.currency) == (
        "cancelled",
        Decimal("650.00"),
        "USD",
    )
    assert first.booking.refund_amount == Decimal("650.00")
    assert {s.seat: s for s in svc.seat_map("FL789").seats}["14C"].free
    assert confirmed_count(engine, "FL789", "14C") == 0

    second = svc.cancel_booking("USER123", "ABC123")
    assert second.already_cancelled
    assert second.booking == first.booking  # nothing changed, not even updated_at
    assert second.refund_amount == first.refund_amount
    assert svc.user_bookings("USER123") == []
    assert [b.status for b in svc.user_bookings("USER123", status=None)] == ["cancelled"]
    assert [b.status for b in svc.user_bookings("USER123", status="cancelled")] == ["cancelled"]


def test_cancelled_seat_can_be_booked_again(svc: AirlineService) -> None:
    booking = svc.book_seat("USER9", "FL123", "12A").booking
    svc.cancel_booking("USER9", booking.confirmation_number)
    again = svc.book_seat("USER10", "FL123", "12A")
    assert again.created
    assert again.booking.confirmation_number != booking.confirmation_number


def test_refund_quote_rules(engine: Engine, svc: AirlineService) -> None:
    cancelled_flight = svc.quote_refund("USER123", "ABC123")
    assert (cancelled_flight.refund_amount, cancelled_flight.fee) == (Decimal("650.00"), Decimal("0.00"))
    assert cancelled_flight.reason == "flight_cancelled_full_refund"
    assert svc.get_booking("USER123", "ABC123").status == "confirmed"  # a quote changes nothing

    economy = svc.book_seat("USER9", "FL123", "12A").booking
    quote = svc.quote_refund("USER9", economy.confirmation_number)
    assert (quote.refund_amount, quote.fee, quote.currency) == (Decimal("400.00"), Decimal("100.00"), "USD")
    assert quote.reason == "voluntary_cancellation_fee"
    assert quote.model_dump(mode="json")["refund_amount"] == "400.00"

    business = svc.book_seat("USER9", "FL456", free_seat(svc, "FL456", "business")).booking
    assert svc.quote_refund("USER9", business.confirmation_number).refund_amount == Decimal("1200.00")

    # Never below zero: a fare smaller than the fee refunds nothing, and the fee is what was paid.
    with engine.begin() as conn:
        conn.execute(
            update(Booking)
            .where(Booking.confirmation_number == economy.confirmation_number)
            .values(fare_paid=Decimal("60.00"))
        )
    cheap = svc.quote_refund("USER9", economy.confirmation_number)
    assert (cheap.refund_amount, cheap.fee) == (Decimal("0.00"), Decimal("60.00"))

    # The cancellation refunds exactly what was quoted.
    cancelled = svc.cancel_booking("USER9", business.confirmation_number)
    assert cancelled.refund_amount == Decimal("1200.00")
    after = svc.quote_refund("USER9", business.confirmation_number)
    assert (after.reason, after.refund_amount) == ("already_cancelled", Decimal("1200.00"))


def test_departed_flight_cannot_be_refunded(engine: Engine, svc: AirlineService) -> None:
    booking = svc.book_seat("USER9", "FL123", "12A").booking
    set_flight_status(engine, "FL123", "departed")
    for call in (svc.quote_refund, svc.cancel_booking):
        with pytest.raises(Conflict) as err:
            call("USER9", booking.confirmation_number)
        assert err.value.details["code"] == "flight_departed"
    assert svc.get_booking("USER9", booking.confirmation_number).status == "confirmed"


# ---------------------------------------------------------------- seat change


def test_change_seat(engine: Engine, svc: AirlineService) -> None:
    booking = svc.book_seat("USER9", "FL123", "12A").booking
    same = svc.change_seat("USER9", booking.confirmation_number, "12a")
    assert same == booking

    business = free_seat(svc, "FL123", "business")
    moved = svc.change_seat("USER9", booking.confirmation_number, business)
    assert (moved.seat, moved.cabin, moved.confirmation_number) == (
        business,
        "business",
        booking.confirmation_number,
    )
    assert confirmed_count(engine, "FL123", "12A") == 0
    assert confirmed_count(engine, "FL123", business) == 1
    assert svc.change_seat("USER9", booking.confirmation_number, business) == moved  # idempotent

    with pytest.raises(Conflict) as err:
        svc.change_seat("USER9", booking.confirmation_number, "12B")
    assert err.value.details["code"] == "seat_taken"
    seats = {s.seat: s for s in svc.seat_map("FL123").seats}
    assert all(seats[alt].free for alt in err.value.details["alternatives"])
    with pytest.raises(NotFound):
        svc.change_seat("USER9", booking.confirmation_number, "45A")


def test_change_seat_refused_on_cancelled_booking_or_flight(svc: AirlineService) -> None:
    with pytest.raises(Conflict) as err:
        svc.change_seat("USER123", "ABC123", "20A")  # FL789 is cancelled
    assert err.value.details["code"] == "flight_not_bookable"

    booking = svc.book_seat("USER9", "FL123", "12A").booking
    svc.cancel_booking("USER9", booking.confirmation_number)
    with pytest.raises(Conflict) as err:
        svc.change_seat("USER9", booking.confirmation_number, "20A")
    assert err.value.details["code"] == "booking_cancelled"


# ---------------------------------------------------------------- complaints


def test_file_complaint_is_idempotent(engine: Engine, svc: AirlineService) -> None:
    first = svc.file_complaint("USER123", "我要投诉，服务太差了")
    assert first.created
    assert re.fullmatch(r"CMP-[0-9A-F]{8}", first.complaint_id)
    assert (first.category, first.status) == ("service", "open")

    again = svc.file_complaint("USER123", "  我要投诉，服务太差了 \n", "service")
    assert not again.created
    assert again.complaint_id == first.complaint_id

    other_user = svc.file_complaint("USER9", "我要投诉，服务太差了")
    assert other_user.created and other_user.complaint_id != first.complaint_id

    # Once the first is resolved, the same words are a new complaint.
    with engine.begin() as conn:
        conn.execute(
            update(Complaint).where(Complaint.complaint_id == first.complaint_id).values(status="resolved")
        )
    assert svc.file_complaint("USER123", "我要投诉，服务太差了").created
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Complaint)).scalar_one() == 3


def test_file_complaint_category_and_flight(svc: AirlineService) -> None:
    complaint = svc.file_complaint("USER123", "FL456 delayed again, nobody told us", None, "fl 456")
    assert (complaint.category, complaint.flight_number) == ("delay", "FL456")
    explicit = svc.file_complaint("USER123", "something else entirely", "Food")
    assert explicit.category == "food"
    with pytest.raises(NotFound):
        svc.file_complaint("USER123", "where is my plane", flight_number="ZZ999")


@pytest.mark.parametrize(
    ("text_", "category"),
    [
        ("", None),
        ("   \n", None),
        ("x" * 4001, None),
        ("bad\x00bytes", None),
        (b"bytes", None),
        ("ok", "angry"),
    ],
)
def test_file_complaint_rejects(svc: AirlineService, text_: object, category: str | None) -> None:
    with pytest.raises(InputError):
        svc.file_complaint("USER123", text_, category)


def test_complaint_of_maximum_length_is_accepted(svc: AirlineService) -> None:
    assert svc.file_complaint("USER123", "差" * 4000).created


# ---------------------------------------------------------------- both databases


def test_happy_path_any_database(any_engine: Engine) -> None:
    svc = AirlineService(any_engine)
    assert svc.fares("FL123", "economy")[0].price == Decimal("500.00")
    result = svc.book_seat("USER9", "FL123", "12A")
    assert result.created
    assert not svc.book_seat("USER9", "FL123", "12A").created
    moved = svc.change_seat("USER9", result.booking.confirmation_number, free_seat(svc, "FL123", "economy"))
    assert moved.seat != "12A"
    with pytest.raises(Conflict) as err:
        svc.book_seat("USER10", "FL456", "15A")
    assert err.value.details["code"] == "seat_taken"
    assert svc.cancel_booking("USER123", "ABC123").refund_amount == Decimal("650.00")
    assert svc.cancel_booking("USER123", "ABC123").already_cancelled
    complaint = svc.file_complaint("USER9", "行李丢了")
    assert svc.file_complaint("USER9", "行李丢了").complaint_id == complaint.complaint_id
    with pytest.raises(NotFound):
        svc.get_booking("USER9", "ABC123")


def _race(engine: Engine, n: int, task) -> tuple[list, list[BaseException]]:  # type: ignore[no-untyped-def]
    """Run task(i) in n threads released at once on a warm pool; (results, exceptions)."""
    warm = [engine.connect() for _ in range(n)]
    for conn in warm:
        conn.exec_driver_sql("SELECT 1")
        conn.close()
    barrier = threading.Barrier(n, timeout=30)
    results: list = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(i: int) -> None:
        barrier.wait()
        try:
            outcome = task(i)
        except BaseException as exc:  # collected and asserted on by the caller
            with lock:
                errors.append(exc)
        else:
            with lock:
                results.append(outcome)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    return results, errors


def test_twenty_users_race_for_one_seat(any_engine: Engine) -> None:
    svc = AirlineService(any_engine)
    seat = free_seat(svc, "FL123", "economy")
    results, errors = _race(any_engine, 20, lambda i: svc.book_seat(f"RACER{i:02d}", "FL123", seat))

    assert len(results) == 1 and results[0].created
    assert len(errors) == 19
    unexpected = [
        e for e in errors if not (isinstance(e, Conflict) and e.details.get("code") == "seat_taken")
    ]
    assert unexpected == []
    seats = {s.seat: s for s in svc.seat_map("FL123").seats}
    assert all(seats[alt].free for e in errors for alt in e.details["alternatives"])
    with any_engine.connect() as conn:
        rows = conn.execute(
            select(Booking.user_id).where(Booking.flight_number == "FL123", Booking.seat == seat)
        ).all()
    assert rows == [(results[0].booking.user_id,)]


def test_one_user_racing_itself_books_once(any_engine: Engine) -> None:
    svc = AirlineService(any_engine)
    results, errors = _race(any_engine, 8, lambda _i: svc.book_seat("USER9", "FL456", "15B"))
    assert errors == []
    assert sorted(r.created for r in results) == [False] * 7 + [True]
    assert len({r.booking.confirmation_number for r in results}) == 1
    assert confirmed_count(any_engine, "FL456", "15B") == 1


def test_cancel_racing_itself_refunds_once(any_engine: Engine) -> None:
    svc = AirlineService(any_engine)
    results, errors = _race(any_engine, 6, lambda _i: svc.cancel_booking("USER123", "ABC123"))
    assert errors == []
    assert sorted(r.already_cancelled for r in results) == [False] + [True] * 5
    assert {r.refund_amount for r in results} == {Decimal("650.00")}


def test_same_complaint_racing_itself_is_filed_once(any_engine: Engine) -> None:
    svc = AirlineService(any_engine)
    results, errors = _race(
        any_engine, 6, lambda _i: svc.file_complaint("USER9", "空乘态度很差", flight_number="FL123")
    )
    assert errors == []
    assert sorted(r.created for r in results) == [False] * 5 + [True]
    assert len({r.complaint_id for r in results}) == 1
