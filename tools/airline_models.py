"""Tables of the airline desk: aircraft and their seats, flights, fares, bookings, complaints
(CONTRACTS §3).

A flight is a flight number on a date (`flights` primary key: flight_number, flight_date): the
timetable flies the same number every day. Its seat map is its aircraft's (`aircraft_seats`).

Seat occupancy has one source of truth: a seat is occupied iff a confirmed booking holds it. The
database enforces it with partial unique indexes (SQLite and PostgreSQL both support them):

    uq_bookings_confirmed_seat  (flight_number, flight_date, seat)     WHERE status = 'confirmed'
    uq_bookings_confirmed_user  (user_id, flight_number, flight_date)  WHERE status = 'confirmed'
    uq_complaints_open_text     (user_id, text_sha256)                 WHERE status = 'open'

so two concurrent writers cannot both win, whatever the isolation level; and a booked seat exists
on the flight's aircraft (two foreign keys: the booking's flight and aircraft are the flight's,
its aircraft and seat are a seat of that aircraft). Times are naive: flight times are
airport-local, `departure_utc`, `created_at` and `updated_at` are UTC.

A confirmed write is done once per request id (`applied_requests`, primary key).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from tools.db import Base, table_of

FLIGHT_STATUSES = ("on_time", "delayed", "cancelled", "boarding", "departed", "arrived")
CABINS = ("economy", "business", "first")
BOOKING_STATUSES = ("confirmed", "cancelled")
COMPLAINT_STATUSES = ("open", "in_progress", "resolved", "closed")

_CONFIRMED = text("status = 'confirmed'")
_OPEN = text("status = 'open'")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Aircraft(Base):
    """An aircraft type and its cabin layout (the seat map every flight it flies shares)."""

    __tablename__ = "aircraft"

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str] = mapped_column(Text)


class AircraftSeat(Base):
    __tablename__ = "aircraft_seats"
    __table_args__ = (CheckConstraint(_one_of("cabin", CABINS), name="ck_aircraft_seats_cabin"),)

    aircraft: Mapped[str] = mapped_column(ForeignKey("aircraft.code"), primary_key=True)
    seat: Mapped[str] = mapped_column(String(4), primary_key=True)
    cabin: Mapped[str] = mapped_column(Text)


class Flight(Base):
    """One departure: a flight number on a date (a timetable repeats a number day after day).

    Times: `departure_time` and `arrival_time` are local at their airports (what a boarding pass
    says); `departure_utc` and `arrival_utc` are the same instants in UTC (what "has it left yet?"
    compares with now, and what sorts flights across time zones). `status` is the operations' word (on_time, delayed, cancelled, or a stage they set by
    hand); the status a traveller sees also follows the clock (see `tools.airline.timetable`).
    """

    __tablename__ = "flights"
    __table_args__ = (
        CheckConstraint(_one_of("status", FLIGHT_STATUSES), name="ck_flights_status"),
        CheckConstraint("delay_minutes >= 0", name="ck_flights_delay"),
        CheckConstraint("duration_minutes > 0", name="ck_flights_duration"),
        CheckConstraint("departure_minute >= 0 AND departure_minute < 1440", name="ck_flights_minute"),
        # What a booking points at: the flight and the aircraft that flies it (see Booking).
        UniqueConstraint("flight_number", "flight_date", "aircraft", name="uq_flights_aircraft"),
        Index("ix_flights_route", "origin", "destination", "flight_date", "departure_minute"),
        Index("ix_flights_departures", "origin", "flight_date", "departure_minute"),
        Index("ix_flights_arrivals", "destination", "flight_date", "departure_minute"),
    )

    flight_number: Mapped[str] = mapped_column(String(8), primary_key=True)
    flight_date: Mapped[date] = mapped_column(Date, primary_key=True)  # local date of departure
    origin: Mapped[str] = mapped_column(String(3))
    destination: Mapped[str] = mapped_column(String(3))
    departure_time: Mapped[datetime] = mapped_column(DateTime)
    arrival_time: Mapped[datetime] = mapped_column(DateTime)
    departure_utc: Mapped[datetime] = mapped_column(DateTime)
    arrival_utc: Mapped[datetime] = mapped_column(DateTime)
    departure_minute: Mapped[int] = mapped_column(Integer)  # minutes after local midnight
    duration_minutes: Mapped[int] = mapped_column(Integer)
    aircraft: Mapped[str] = mapped_column(ForeignKey("aircraft.code"))
    status: Mapped[str] = mapped_column(Text, default="on_time", server_default="on_time")
    gate: Mapped[str | None] = mapped_column(Text, nullable=True)
    delay_minutes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Fare(Base):
    __tablename__ = "fares"
    __table_args__ = (
        ForeignKeyConstraint(
            ["flight_number", "flight_date"], ["flights.flight_number", "flights.flight_date"]
        ),
        CheckConstraint(_one_of("cabin", CABINS), name="ck_fares_cabin"),
        CheckConstraint("price >= 0", name="ck_fares_price"),
    )

    flight_number: Mapped[str] = mapped_column(String(8), primary_key=True)
    flight_date: Mapped[date] = mapped_column(Date, primary_key=True)
    cabin: Mapped[str] = mapped_column(Text, primary_key=True)
    price: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    currency: Mapped[str] = mapped_column(String(3), default="USD", server_default="USD")


class Booking(Base):
    __tablename__ = "bookings"
    __table_args__ = (
        # The booking's flight, flown by the booking's aircraft ...
        ForeignKeyConstraint(
            ["flight_number", "flight_date", "aircraft"],
            ["flights.flight_number", "flights.flight_date", "flights.aircraft"],
        ),
        # ... whose seat map holds the seat.
        ForeignKeyConstraint(["aircraft", "seat"], ["aircraft_seats.aircraft", "aircraft_seats.seat"]),
        CheckConstraint(_one_of("status", BOOKING_STATUSES), name="ck_bookings_status"),
        CheckConstraint(_one_of("cabin", CABINS), name="ck_bookings_cabin"),
        Index(
            "uq_bookings_confirmed_seat",
            "flight_number",
            "flight_date",
            "seat",
            unique=True,
            sqlite_where=_CONFIRMED,
            postgresql_where=_CONFIRMED,
        ),
        Index(
            "uq_bookings_confirmed_user",
            "user_id",
            "flight_number",
            "flight_date",
            unique=True,
            sqlite_where=_CONFIRMED,
            postgresql_where=_CONFIRMED,
        ),
        Index("ix_bookings_user", "user_id", "status"),
        Index("ix_bookings_flight_seat", "flight_number", "flight_date", "seat"),
    )

    confirmation_number: Mapped[str] = mapped_column(String(6), primary_key=True)
    user_id: Mapped[str] = mapped_column(Text)
    flight_number: Mapped[str] = mapped_column(String(8))
    flight_date: Mapped[date] = mapped_column(Date)
    aircraft: Mapped[str] = mapped_column(String(8))
    seat: Mapped[str] = mapped_column(String(4))
    cabin: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Text, default="confirmed", server_default="confirmed")
    fare_paid: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    currency: Mapped[str] = mapped_column(String(3), default="USD", server_default="USD")
    refund_amount: Mapped[Decimal | None] = mapped_column(Numeric(10, 2), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class Complaint(Base):
    __tablename__ = "complaints"
    __table_args__ = (
        CheckConstraint(_one_of("status", COMPLAINT_STATUSES), name="ck_complaints_status"),
        # Hash, not text: a 4000-character Chinese complaint is too wide for a PostgreSQL btree.
        Index(
            "uq_complaints_open_text",
            "user_id",
            "text_sha256",
            unique=True,
            sqlite_where=_OPEN,
            postgresql_where=_OPEN,
        ),
        Index("ix_complaints_user", "user_id", "created_at"),
    )

    complaint_id: Mapped[str] = mapped_column(String(12), primary_key=True)
    user_id: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    text_sha256: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(Text)
    # The flight number it is about (any of its dates; checked by the service when filed).
    flight_number: Mapped[str | None] = mapped_column(String(8), nullable=True)
    status: Mapped[str] = mapped_column(Text, default="open", server_default="open")
    created_at: Mapped[datetime] = mapped_column(DateTime)


class AppliedRequest(Base):
    """A write carried out for a request id (a confirmed proposal): done once, remembered.

    The row is written in the same transaction as the write itself, so a request replayed after
    a crash finds it and gets the stored result instead of a second refund or booking.
    """

    __tablename__ = "applied_requests"

    request_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text)
    result: Mapped[str] = mapped_column(Text)  # the write's result as JSON
    created_at: Mapped[datetime] = mapped_column(DateTime)


# Creation order (parents first); drop in reverse.
AIRLINE_TABLES: tuple[Table, ...] = tuple(
    table_of(m) for m in (Aircraft, AircraftSeat, Flight, Fare, Booking, Complaint, AppliedRequest)
)
