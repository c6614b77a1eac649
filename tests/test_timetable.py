"""The living timetable and flight search of the airline desk: places, statuses that follow the
clock, the fixtures moving with the seed date, `FlightSearch`, and the timetable extending itself.

Every clock here is frozen; the seed date is the run's (`tests.helpers.SEED_DATE`).
"""

from __future__ import annotations

import csv
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Engine, func, select, update

from switchboard.clock import Clock
from switchboard.errors import Conflict, InputError, NotFound
from tests.helpers import FROZEN_NOW, SEED_DATE, free_seat, frozen_clock
from tools.airline import AirlineService, FlightSearch, find_places, place
from tools.airline.airports import AIRPORTS
from tools.airline.timetable import status_at
from tools.airline_models import Booking, Flight
from tools.seed import FIXTURE_BOOKINGS, build_rows, extend_timetable

TOMORROW = SEED_DATE + timedelta(days=1)


@pytest.fixture
def search(engine: Engine) -> FlightSearch:
    return FlightSearch(engine, frozen_clock())


def at(day: date, clock_time: str) -> Clock:
    return Clock(frozen=f"{day.isoformat()}T{clock_time}")


# ---------------------------------------------------------------- places


def test_the_desk_knows_at_least_25_airports_with_names_in_both_languages() -> None:
    assert len(AIRPORTS) >= 25
    assert {"CN", "US"} <= {a.country for a in AIRPORTS}
    assert all(a.name and a.name_zh and a.city_zh for a in AIRPORTS)


@pytest.mark.parametrize(
    ("name", "codes"),
    [
        ("北京", {"PEK", "PKX"}), ("Beijing", {"PEK", "PKX"}), ("Peking", {"PEK", "PKX"}), ("首都", {"PEK"}),
        ("首都机场", {"PEK"}), ("大兴", {"PKX"}), ("PKX", {"PKX"}), ("pek", {"PEK"}), ("上海", {"PVG", "SHA"}),
        ("虹桥", {"SHA"}), ("Pudong", {"PVG"}), ("NYC", {"JFK", "EWR", "LGA"}), ("纽约", {"JFK", "EWR", "LGA"}),
        ("Washington DC", {"IAD", "DCA"}), ("boston", {"BOS"}), ("Denver", {"DEN"}), ("羊城", {"CAN"}),
        ("广州白云国际机场", {"CAN"}), ("Tokyo", {"NRT", "HND"}), ("Heathrow", {"LHR"}),
    ],
)  # fmt: skip
def test_place_names(name: str, codes: set[str]) -> None:
    assert set(place(name).codes) == codes


@pytest.mark.parametrize("bad", ["", "   ", "Atlantis", "x" * 200, None, 42])
def test_unknown_places_are_a_one_line_error(bad: object) -> None:
    with pytest.raises(InputError):
        place(bad)


def test_places_in_text() -> None:
    def keys(text: str) -> list[str]:
        return [m.place.key for m in find_places(text)]

    assert keys("从广州白云机场飞纽约") == ["CAN", "New York"]  # a city followed by its airport is it
    assert keys("北京大兴到上海") == ["PKX", "Shanghai"]  # the longest name first
    assert keys("flights from boston to denver") == ["Boston", "Denver"]
    assert keys("can I fly from sea to sin") == []  # lower-case codes that are English words
    assert keys("南京的天气") == []  # 京 alone is no place
    # Chinese runs names and numbers together; a Latin name still ends at a word's end.
    assert keys("北京到上海3000元以内的机票") == ["Beijing", "Shanghai"]
    assert keys("去成都2天") == ["Chengdu"]
    assert keys("PEK123 or SFO2") == []


# ---------------------------------------------------------------- statuses follow the clock


def test_status_follows_the_clock() -> None:
    departs = datetime(2026, 12, 4, 6, 0)  # UTC
    assert status_at("on_time", departs, 120, 0, departs - timedelta(hours=1)) == "on_time"
    assert status_at("on_time", departs, 120, 0, departs - timedelta(minutes=30)) == "boarding"
    assert status_at("on_time", departs, 120, 0, departs + timedelta(minutes=10)) == "departed"
    assert status_at("on_time", departs, 120, 0, departs + timedelta(hours=3)) == "arrived"
    # A delay moves every stage; cancelled stays cancelled; a stage set by hand is never undone.
    assert status_at("delayed", departs, 120, 45, departs + timedelta(minutes=10)) == "boarding"
    assert status_at("delayed", departs, 120, 45, departs - timedelta(hours=2)) == "delayed"
    assert status_at("cancelled", departs, 120, 0, departs + timedelta(hours=3)) == "cancelled"
    assert status_at("departed", departs, 120, 0, departs - timedelta(hours=5)) == "departed"


def test_fixtures_move_with_the_seed_date_and_follow_the_clock(engine: Engine) -> None:
    before = AirlineService(engine, at(TOMORROW, "09:00"))
    fl123 = before.flight_status("FL123")
    assert (fl123.flight_date, fl123.departure_time) == (
        TOMORROW,
        datetime.combine(TOMORROW, datetime.min.time()).replace(hour=14),
    )
    assert fl123.status == "on_time"
    assert AirlineService(engine, at(TOMORROW, "13:40")).flight_status("FL123").status == "boarding"
    later = AirlineService(engine, at(TOMORROW, "15:00"))
    assert later.flight_status("FL123").status == "departed"
    assert later.flight_status("FL456").status == "delayed"  # 15:30 + 45 min: boarding from 15:35
    assert AirlineService(engine, at(TOMORROW, "16:30")).flight_status("FL123").status == "arrived"
    assert later.flight_status("FL789").status == "cancelled"
    # The seat map closes with the flight: booking 12A works before departure, not after.
    with pytest.raises(Conflict) as err:
        later.book_seat("USER9", "FL123", "12A")
    assert (err.value.details["code"], err.value.details["flight_status"]) == (
        "flight_not_bookable",
        "departed",
    )
    assert before.book_seat("USER9", "FL123", "12A").created


def test_fixture_seat_maps_are_the_ones_they_always_had(engine: Engine) -> None:
    svc = AirlineService(engine, frozen_clock())
    with FIXTURE_BOOKINGS.open(encoding="utf-8") as handle:
        expected: dict[str, set[str]] = {}
        for row in csv.DictReader(handle):
            expected.setdefault(row["flight_number"], set()).add(row["seat"])
    assert {len(seats) for seats in expected.values()} == {69, 60, 61}
    for flight, occupied in expected.items():
        seat_map = svc.seat_map(flight)
        assert {s.seat for s in seat_map.seats if not s.free} == occupied
        assert seat_map.total == 172  # business rows 1-4 ACDF, economy rows 5-30 A-F
    with engine.connect() as conn:
        abc = conn.execute(
            select(Booking.user_id, Booking.flight_number, Booking.flight_date, Booking.seat).where(
                Booking.confirmation_number == "ABC123"
            )
        ).one()
    assert tuple(abc) == (
        "USER123",
        "FL789",
        TOMORROW,
        "14C",
    )


def test_a_number_flies_every_day_and_means_the_next_departure(engine: Engine) -> None:
    svc = AirlineService(engine, frozen_clock())
    days = [svc.flight_status("CA1501", SEED_DATE + timedelta(days=d)).flight_date for d in range(15)]
    assert days == [SEED_DATE + timedelta(days=d) for d in range(15)]
    # CA1501 leaves Beijing at 08:00: at 09:00 today's is gone, so booking means tomorrow's ...
    booked = svc.book_seat("USER9", "CA1501", free_seat(engine, "CA1501", TOMORROW.isoformat())).booking
    assert booked.flight_date == TOMORROW
    # ... while its status is still today's (landed less than six hours ago).
    assert svc.flight_status("CA1501").flight_date == SEED_DATE
    assert svc.fares("CA1501")[0].flight_date == TOMORROW
    with pytest.raises(NotFound):
        svc.flight_status("CA1501", SEED_DATE + timedelta(days=40))
    with pytest.raises(InputError):
        svc.flight_status("CA1501", "tomorrow")


def test_fares_vary_by_route_cabin_and_date() -> None:
    rows = {table.name: table_rows for table, table_rows in build_rows(SEED_DATE).items()}
    fares = {(f["flight_number"], f["flight_date"], f["cabin"]): f["price"] for f in rows["fares"]}
    ca1501 = [fares[("CA1501", SEED_DATE + timedelta(days=d), "economy")] for d in range(7)]
    assert len(set(ca1501)) > 1  # by date
    day = SEED_DATE + timedelta(days=3)
    assert fares[("CA1501", day, "business")] > fares[("CA1501", day, "economy")]  # by cabin
    long_haul = [p for (n, d, c), p in fares.items() if n == "CA218" and c == "economy"]
    assert min(long_haul) > max(ca1501)  # by route: thirteen hours cost more than two


# ---------------------------------------------------------------- search


def test_search_by_route_and_date_in_both_languages(search: FlightSearch) -> None:
    english = search.search(origin="Beijing", destination="Shanghai", date_from=TOMORROW)
    chinese = search.search(origin="北京", destination="上海", date_from=TOMORROW.isoformat())
    assert english == chinese
    assert english.total >= 10
    for option in english.flights:
        assert option.origin in ("PEK", "PKX") and option.destination in ("PVG", "SHA")
        assert option.flight_date == TOMORROW
    times = [o.departure_time for o in english.flights]
    assert times == sorted(times)
    assert "FL123" in {
        o.flight_number
        for o in search.search(origin="PEK", destination="PVG", date_from=TOMORROW, limit=50).flights
    }


def test_search_by_time_of_day_cabin_and_price(search: FlightSearch) -> None:
    morning = search.search(
        origin="北京", destination="上海", date_from=TOMORROW, depart_before="12:00", limit=50
    )
    assert morning.total == len(morning.flights) > 0
    assert all(o.departure_time.hour < 12 for o in morning.flights)
    evening = search.search(
        origin="北京", destination="上海", date_from=TOMORROW, depart_after="18:00", limit=50
    )
    assert all(o.departure_time.hour >= 18 for o in evening.flights)
    assert (
        morning.total + evening.total
        < search.search(origin="北京", destination="上海", date_from=TOMORROW).total + 1000
    )

    first = search.search(origin="PEK", destination="London", cabin="first", limit=50)
    assert first.total > 0 and all(
        o.price == next(f.price for f in o.fares if f.cabin == "first") for o in first.flights
    )
    assert search.search(origin="北京", destination="上海", cabin="first").total == 0  # narrow bodies only

    cheap = search.search(origin="Washington", destination="Boston", max_price=250, sort="price", limit=50)
    prices = [o.price for o in cheap.flights]
    assert prices == sorted(prices) and all(p is not None and p <= Decimal("250") for p in prices)
    everything = search.search(origin="Washington", destination="Boston", limit=50)
    assert cheap.total < everything.total


def test_search_counts_everything_and_returns_one_page(search: FlightSearch) -> None:
    page = search.search(destination="北京", date_from=TOMORROW, limit=3)
    assert len(page.flights) == 3 < page.total
    assert page.total == search.search(destination="北京", date_from=TOMORROW, limit=50).total


def test_search_date_ranges_and_the_default(search: FlightSearch) -> None:
    week = search.search(
        origin="BOS", destination="DEN", date_from=TOMORROW, date_to=TOMORROW + timedelta(days=6), limit=50
    )
    assert {o.flight_date for o in week.flights} == {TOMORROW + timedelta(days=d) for d in range(7)}
    upcoming = search.search(origin="BOS", destination="DEN", limit=50)
    assert upcoming.date_from == SEED_DATE and upcoming.total >= week.total
    # Departed flights are left out unless asked for (the frozen clock says 09:00 in Beijing).
    today = search.search(origin="北京", destination="上海", date_from=SEED_DATE, limit=50)
    with_departed = search.search(
        origin="北京", destination="上海", date_from=SEED_DATE, limit=50, include_departed=True
    )
    assert today.total < with_departed.total


def test_search_orders(search: FlightSearch) -> None:
    fastest = search.search(origin="PEK", destination="LHR", sort="duration", limit=50)
    assert [o.duration_minutes for o in fastest.flights] == sorted(
        o.duration_minutes for o in fastest.flights
    )
    arrival = search.search(destination="北京", date_from=TOMORROW, sort="arrival", limit=50)
    assert arrival.total > 1


@pytest.mark.parametrize(
    "args",
    [
        {}, {"origin": "Atlantis"}, {"origin": "北京", "destination": "PEK"},
        {"origin": "北京", "date_from": "2026-02-30"}, {"origin": "北京", "date_from": TOMORROW, "date_to": SEED_DATE},
        {"origin": "北京", "date_from": SEED_DATE, "date_to": SEED_DATE + timedelta(days=60)},
        {"origin": "北京", "depart_after": "25:00"}, {"origin": "北京", "depart_after": "18:00", "depart_before": "09:00"},
        {"origin": "北京", "sort": "random"}, {"origin": "北京", "limit": 0}, {"origin": "北京", "limit": True},
        {"origin": "北京", "max_price": -1}, {"origin": "北京", "max_price": "cheap"}, {"origin": "北京", "cabin": "deck"},
    ],
)  # fmt: skip
def test_search_rejects_bad_arguments_in_one_line(search: FlightSearch, args: dict) -> None:
    with pytest.raises(InputError) as err:
        search.search(**args)
    assert "\n" not in str(err.value)


def test_search_statements_use_indexes(engine: Engine, search: FlightSearch) -> None:
    for args in ({"origin": "北京", "destination": "上海"}, {"destination": "PVG", "date_from": TOMORROW},
                 {"origin": "广州", "date_from": TOMORROW}):  # fmt: skip
        sql = str(
            search.page_statement(**args).compile(
                dialect=engine.dialect, compile_kwargs={"literal_binds": True}
            )
        )
        with engine.connect() as conn:
            plan = [row[3] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")]
        assert any("USING INDEX ix_flights_" in step for step in plan), plan
        assert not any(step.startswith("SCAN flights") for step in plan), plan


# ---------------------------------------------------------------- the living timetable


def test_the_timetable_extends_itself_to_two_weeks_ahead(engine: Engine) -> None:
    later = SEED_DATE + timedelta(days=5)
    with engine.connect() as conn:
        before = conn.execute(select(func.max(Flight.flight_date))).scalar_one()
    added = extend_timetable(engine, later)
    assert added > 0
    assert extend_timetable(engine, later) == 0  # idempotent
    with engine.connect() as conn:
        assert (
            conn.execute(select(func.max(Flight.flight_date))).scalar_one()
            == later + timedelta(days=14)
            > before
        )
    # The new days are the days any seed would have drawn for those dates.
    day = later + timedelta(days=14)
    drawn = {
        (f["flight_number"], f["departure_time"])
        for f in build_rows(later)[Flight.__table__]
        if f["flight_date"] == day
    }  # type: ignore[index]
    with engine.connect() as conn:
        stored = set(
            conn.execute(
                select(Flight.flight_number, Flight.departure_time).where(Flight.flight_date == day)
            ).all()
        )
    assert stored == drawn


def test_an_outdated_schema_is_rebuilt(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tools.db import make_engine
    from tools.seed import seed_airline

    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE flights (flight_number TEXT PRIMARY KEY, origin TEXT)")
        conn.exec_driver_sql("CREATE TABLE seats (flight_number TEXT, seat TEXT)")
    counts = seed_airline(engine, reset=False, today=SEED_DATE)
    assert counts["flights"] > 1000
    assert AirlineService(engine, frozen_clock()).flight_status("FL123").flight_date == TOMORROW
    engine.dispose()


def test_a_frozen_clock_comes_from_settings() -> None:
    from switchboard.errors import ConfigurationError
    from switchboard.settings import Settings

    clock = Settings(now=FROZEN_NOW, _env_file=None).clock()  # type: ignore[call-arg]
    assert clock.frozen and clock.today() == SEED_DATE
    assert Clock(frozen="2026-12-03T23:30", time_zone="Asia/Shanghai").today("America/New_York") == date(
        2026, 12, 3
    )
    assert Clock(frozen="2026-12-03T09:00", time_zone="Asia/Shanghai").today("America/New_York") == date(
        2026, 12, 2
    )
    for bad in ({"time_zone": "Mars/Base"}, {"now": "yesterday"}):
        with pytest.raises(ConfigurationError):
            Settings(_env_file=None, **bad)  # type: ignore[arg-type]


def test_cancelling_a_departed_flight_follows_the_clock(engine: Engine) -> None:
    svc = AirlineService(engine, frozen_clock())
    booking = svc.book_seat("USER9", "FL123", "12A").booking
    late = AirlineService(engine, at(TOMORROW, "18:00"))
    with pytest.raises(Conflict) as err:
        late.quote_refund("USER9", booking.confirmation_number)
    assert err.value.details["code"] == "flight_departed"
    with engine.begin() as conn:  # operations cancel FL123: a full refund, whatever the clock
        conn.execute(update(Flight).where(Flight.flight_number == "FL123").values(status="cancelled"))
    assert late.quote_refund("USER9", booking.confirmation_number).reason == "flight_cancelled_full_refund"
