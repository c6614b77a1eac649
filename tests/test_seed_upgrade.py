"""A database written by the previous release (flights keyed by number alone, a `seats` table that
bookings reference) is rebuilt on first use instead of failing on SQLite's foreign-key checks; the
users' complaints, outside the airline demo tables, are kept."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import inspect, text

from tools.db import make_engine
from tools.seed import seed_airline

_PREVIOUS_SCHEMA = (
    "CREATE TABLE flights (flight_number VARCHAR(8) PRIMARY KEY, origin TEXT, destination TEXT)",
    "CREATE TABLE seats (flight_number VARCHAR(8) NOT NULL REFERENCES flights (flight_number),"
    " seat VARCHAR(4) NOT NULL, PRIMARY KEY (flight_number, seat))",
    "CREATE TABLE fares (flight_number VARCHAR(8) NOT NULL REFERENCES flights (flight_number),"
    " cabin TEXT NOT NULL, price NUMERIC, PRIMARY KEY (flight_number, cabin))",
    "CREATE TABLE bookings (confirmation_number VARCHAR(6) PRIMARY KEY, user_id TEXT,"
    " flight_number VARCHAR(8), seat VARCHAR(4),"
    " FOREIGN KEY (flight_number, seat) REFERENCES seats (flight_number, seat))",
    "CREATE TABLE complaints (complaint_id VARCHAR(12) PRIMARY KEY, user_id TEXT NOT NULL, text TEXT NOT NULL)",
    "INSERT INTO flights VALUES ('FL123', 'PEK', 'PVG')",
    "INSERT INTO seats VALUES ('FL123', '14C')",
    "INSERT INTO fares VALUES ('FL123', 'economy', 500)",
    "INSERT INTO bookings VALUES ('ABC123', 'USER123', 'FL123', '14C')",
    "INSERT INTO complaints VALUES ('CMP-00000001', 'USER123', 'my bag arrived broken')",
)


def test_a_database_of_the_previous_release_is_rebuilt_and_keeps_complaints(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    with engine.begin() as conn:
        for statement in _PREVIOUS_SCHEMA:
            conn.execute(text(statement))

    counts = seed_airline(engine, reset=False, today=date(2026, 12, 3))

    tables = set(inspect(engine).get_table_names())
    assert "seats" not in tables and counts["flights"] > 100
    assert "flight_date" in {c["name"] for c in inspect(engine).get_columns("flights")}
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1  # the checks were on all along
        kept = conn.execute(text("SELECT text FROM complaints WHERE complaint_id = 'CMP-00000001'")).scalar()
        fixture = conn.execute(
            text("SELECT seat FROM bookings WHERE confirmation_number = 'ABC123' AND user_id = 'USER123'")
        ).scalar()
    assert kept == "my bag arrived broken"
    assert fixture == "14C"
