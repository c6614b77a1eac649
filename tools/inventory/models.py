"""The inventory tables, exactly as CONTRACTS §3 names them, and the indexes for common filters.

Indexes follow the questions people ask: brand with price or date, model with date and status,
status with brand (and store, for "which store has the most ..."), store with status (the join
with `stores`), fuel and body type with price, and price, intake date, colour and model year alone.
Most are covering for the counts they serve. The seed creates them after the bulk insert.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tools.db import Base, table_of
from tools.inventory.catalog import BODY_TYPES, COLORS, FUEL_TYPES, STATUSES


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Store(Base):
    __tablename__ = "stores"

    store_id: Mapped[str] = mapped_column(Text, primary_key=True)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    city: Mapped[str] = mapped_column(Text, nullable=False, index=True)


class Vehicle(Base):
    __tablename__ = "vehicles"
    __table_args__ = (
        CheckConstraint(_one_of("body_type", BODY_TYPES), name="ck_vehicles_body_type"),
        CheckConstraint(_one_of("fuel_type", FUEL_TYPES), name="ck_vehicles_fuel_type"),
        CheckConstraint(_one_of("color", COLORS), name="ck_vehicles_color"),
        CheckConstraint(_one_of("status", STATUSES), name="ck_vehicles_status"),
        CheckConstraint("guide_price >= 0", name="ck_vehicles_price"),
        CheckConstraint("mileage_km >= 0", name="ck_vehicles_mileage"),
        # Composite and covering where counts and top-k are common (measured on 1M rows, see docs/inventory.md).
        Index("ix_vehicles_brand_price", "brand", "guide_price"),
        Index("ix_vehicles_brand_date", "brand", "intake_date"),
        Index("ix_vehicles_model_date", "model", "intake_date", "status"),
        Index("ix_vehicles_status_brand", "status", "brand", "store_id"),
        Index("ix_vehicles_store_status", "store_id", "status", "guide_price"),
        Index("ix_vehicles_fuel_price", "fuel_type", "guide_price", "status"),
        Index("ix_vehicles_body_price", "body_type", "guide_price", "status"),
        Index("ix_vehicles_price", "guide_price"),
        Index("ix_vehicles_intake_date", "intake_date"),
        Index("ix_vehicles_color", "color"),
        Index("ix_vehicles_model_year", "model_year"),
    )

    vehicle_id: Mapped[str] = mapped_column(Text, primary_key=True)
    vin: Mapped[str] = mapped_column(String(17), unique=True, nullable=False)
    brand: Mapped[str] = mapped_column(Text, nullable=False)
    model: Mapped[str] = mapped_column(Text, nullable=False)
    model_year: Mapped[int] = mapped_column(Integer, nullable=False)
    body_type: Mapped[str] = mapped_column(Text, nullable=False)
    fuel_type: Mapped[str] = mapped_column(Text, nullable=False)
    color: Mapped[str] = mapped_column(Text, nullable=False)
    intake_date: Mapped[date] = mapped_column(Date, nullable=False)
    guide_price: Mapped[Decimal] = mapped_column(Numeric(12, 2), nullable=False)
    status: Mapped[str] = mapped_column(Text, nullable=False)
    store_id: Mapped[str] = mapped_column(ForeignKey("stores.store_id"), nullable=False)
    mileage_km: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


INVENTORY_TABLES = (table_of(Store), table_of(Vehicle))
