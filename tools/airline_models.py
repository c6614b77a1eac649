"""Tables of the airline desk: flights, seats, fares, bookings, complaints (CONTRACTS §3).

Seat occupancy has one source of truth: a seat is occupied iff a confirmed booking holds it. The
database enforces it with partial unique indexes (SQLite and PostgreSQL both support them):

    uq_bookings_confirmed_seat       (flight_number, seat)    WHERE status = 'confirmed'
    uq_bookings_confirmed_user       (user_id, flight_number) WHERE status = 'confirmed'
    uq_complaints_open_text          (user_id, text_sha256)   WHERE status = 'open'

and a confirmed write is done once per request id (`applied_requests`, primary key).

so two concurrent writers cannot both win, whatever the isolation level. Times are naive: flight
times are airport-local, `created_at`/`updated_at` are UTC.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
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


class Flight(Base):
    __tablename__ = "flights"
    __table_args__ = (
        CheckConstraint(_one_of("status", FLIGHT_STATUSES), name="ck_flights_status"),
        CheckConstraint("delay_minutes >= 0", name="ck_flights_delay"),
        Index("ix_flights_route", "origin", "destination", "departure_time"),
        Index("ix_flights_departure", "departure_time"),
    )

    flight_number: Mapped[str] = mapped_column(String(8), primary_key=True)
    origin: Mapped[str] = mapped_column(String(3))
    destination: Mapped[str] = mapped_column(String(3))
    departure_time: Mapped[datetime] = mapped_column(DateTime)
    arrival_time: Mapped[datetime] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(Text, default="on_time", server_default="on_time")
    gate: Mapped[str | None] = mapped_column(Text, nullable=True)
    delay_minutes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Seat(Base):
    __tablename__ = "seats"
    __table_args__ = (CheckConstraint(_one_of("cabin", CABINS), name="ck_seats_cabin"),)

    flight_number: Mapped[str] = mapped_column(ForeignKey("flights.flight_number"), primary_key=True)
    seat: Mapped[str] = mapped_column(String(4), primary_key=True)
    cabin: Mapped[str] = mapped_column(Text)


class Fare(Base):
    __tablename__ = "fares"
    __table_args__ = (
        CheckConstraint(_one_of("cabin", CABINS), name="ck_fares_cabin"),
        CheckConstraint("price >= 0", name="ck_fares_price"),
    )

    flight_number: Mapped[str] = mapped_column(ForeignKey("flights.flight_number"), primary_key=True)
    cabin: Mapped[str] = mapped_column(Text, primary_key=True)
    price: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    currency: Mapped[str] = mapped_column(String(3), default="USD", server_default="USD")


class Booking(Base):
    __tablename__ = "bookings"
    __table_args__ = (
        # The seat must exist on the flight's seat map.
        ForeignKeyConstraint(["flight_number", "seat"], ["seats.flight_number", "seats.seat"]),
        CheckConstraint(_one_of("status", BOOKING_STATUSES), name="ck_bookings_status"),
        CheckConstraint(_one_of("cabin", CABINS), name="ck_bookings_cabin"),
        Index(
            "uq_bookings_confirmed_seat",
            "flight_number",
            "seat",
            unique=True,
            sqlite_where=_CONFIRMED,
            postgresql_where=_CONFIRMED,
        ),
        Index(
            "uq_bookings_confirmed_user",
            "user_id",
            "flight_number",
            unique=True,
            sqlite_where=_CONFIRMED,
            postgresql_where=_CONFIRMED,
        ),
        Index("ix_bookings_user", "user_id", "status"),
        Index("ix_bookings_flight_seat", "flight_number", "seat"),
    )

    confirmation_number: Mapped[str] = mapped_column(String(6), primary_key=True)
    user_id: Mapped[str] = mapped_column(Text)
    flight_number: Mapped[str] = mapped_column(ForeignKey("flights.flight_number"))
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
    flight_number: Mapped[str | None] = mapped_column(ForeignKey("flights.flight_number"), nullable=True)
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
    table_of(m) for m in (Flight, Seat, Fare, Booking, Complaint, AppliedRequest)
)
