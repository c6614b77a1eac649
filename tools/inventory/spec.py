"""QuerySpec: what a question means, independent of SQL and of the language it was asked in.

The local engine parses a question into a QuerySpec and compiles the spec to SQL; follow-up
questions refine the previous spec (kept JSON-serialisable in the conversation state).

Shapes a spec can take:
    rows       a listing of vehicles (or stores), optionally ordered and limited (top-k)
    aggregate  count / sum / avg / min / max / count_distinct, or range (min and max together),
               optionally grouped
    distinct   the distinct values of some dimension ("which colours does the Model Y come in?")
    lookup     vehicles by id or VIN, with the columns the question asks for
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Op = Literal["in", "not_in", "lt", "le", "gt", "ge", "between"]
Aggregate = Literal["count", "sum", "avg", "min", "max", "count_distinct", "range"]

# Dimensions a question can filter or group on; `city`/`store` live in `stores` (a join).
VEHICLE_COLUMNS = (
    "vehicle_id",
    "vin",
    "brand",
    "model",
    "model_year",
    "body_type",
    "fuel_type",
    "color",
    "intake_date",
    "guide_price",
    "status",
    "store_id",
    "mileage_km",
)
STORE_DIMENSIONS = ("city", "store")
PERIODS = ("intake_year", "intake_quarter", "intake_month")
DIMENSIONS = VEHICLE_COLUMNS + STORE_DIMENSIONS + PERIODS
NUMERIC = ("guide_price", "mileage_km", "model_year")

# Columns of a plain listing when the question does not name any (documented in docs/inventory.md).
DEFAULT_LIST_COLUMNS = (
    "vehicle_id",
    "brand",
    "model",
    "model_year",
    "color",
    "guide_price",
    "intake_date",
    "status",
)
STORE_COLUMNS = ("store_id", "name", "city")


@dataclass
class Condition:
    field: str
    op: Op
    values: list[Any]  # strings, numbers, or ISO dates for intake_date

    def __post_init__(self) -> None:
        if self.field not in DIMENSIONS and self.field != "value":
            raise ValueError(f"unknown field {self.field!r}")


@dataclass
class QuerySpec:
    subject: Literal["vehicles", "stores"] = "vehicles"
    conditions: list[Condition] = field(default_factory=list)
    aggregate: Aggregate | None = None
    metric: str | None = None  # the aggregated column (or the dimension counted distinct)
    group_by: list[str] = field(default_factory=list)
    having: Condition | None = None  # on the aggregate value: field is ignored, op/values used
    order_by: str | None = None  # a column, or "value" for the aggregate
    descending: bool = False
    limit: int | None = None
    columns: list[str] | None = None  # listing/lookup/distinct columns
    distinct: bool = False
    # the number of cars shown beside an average, total or extreme ("the number sold and their
    # average price", "数量和均价")
    with_count: bool = False

    @property
    def shape(self) -> str:
        if self.aggregate:
            return "aggregate"
        if self.distinct:
            return "distinct"
        if any(c.field in ("vehicle_id", "vin") and c.op == "in" for c in self.conditions):
            return "lookup"
        return "rows"

    def fields(self) -> set[str]:
        """Every dimension the spec touches (to know whether `stores` must be joined)."""
        used = {c.field for c in self.conditions} | set(self.group_by) | set(self.columns or [])
        if self.order_by and self.order_by != "value":
            used.add(self.order_by)
        if self.aggregate == "count_distinct" and self.metric:
            used.add(self.metric)
        return used

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> QuerySpec:
        data = dict(data)
        data["conditions"] = [Condition(**c) for c in data.get("conditions", [])]
        if data.get("having"):
            data["having"] = Condition(**data["having"])
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})
