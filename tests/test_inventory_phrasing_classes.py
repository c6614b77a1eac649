"""The grammar on question classes first-run sets got wrong: each class is tested on phrases that are
not the evaluation sets' own (spans, ranges with the year at the end, distinct counts, totals,
earliest and latest values, top-k groups, misspelt attribute words, a dimension with its count).
"""

from __future__ import annotations

from datetime import date

import pytest

from tools.inventory.compiler import compile_spec
from tools.inventory.parse import parse_question
from tools.inventory.spec import QuerySpec

TODAY = date(2026, 11, 15)


def spec_of(question: str) -> QuerySpec:
    parsed = parse_question(question, today=TODAY)
    assert parsed.spec is not None, (question, parsed.unread)
    return parsed.spec


def conds(spec: QuerySpec) -> dict[str, tuple[str, list]]:
    return {c.field: (c.op, c.values) for c in spec.conditions}


@pytest.mark.parametrize(
    ("question", "metric", "field", "value"),
    [
        ("奥迪A6L最贵多少最便宜多少", "guide_price", "model", "A6L"),
        ("蔚来的价格范围是多少", "guide_price", "brand", "NIO"),
        ("what do Hondas cost, lowest and highest", "guide_price", "brand", "Honda"),
        ("the cheapest and the priciest price for a Tiguan", "guide_price", "model", "Tiguan"),
        ("lowest and highest mileage among demo BMWs", "mileage_km", "brand", "BMW"),
    ],
)
def test_the_lowest_and_highest_together_are_one_query(question, metric, field, value):
    spec = spec_of(question)
    assert (spec.aggregate, spec.metric) == ("range", metric)
    assert conds(spec)[field] == ("in", [value])
    sql = compile_spec(spec)
    assert "min(" in sql.lower() and "max(" in sql.lower()


def test_a_price_range_that_names_its_bounds_is_a_filter():
    spec = spec_of("sedans in the 150k-200k price range")
    assert spec.aggregate is None and conds(spec)["guide_price"] == ("between", [150000, 200000])


def test_a_span_per_group():
    spec = spec_of("每个城市的价格区间")
    assert (spec.aggregate, spec.group_by) == ("range", ["city"])


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("2024年11月到2月进的宝马", ["2024-11-01", "2025-02-28"]),
        ("26年4至7月入库的车", ["2026-04-01", "2026-07-31"]),
        ("2025年的8-10月份到店的车", ["2025-08-01", "2025-10-31"]),
        ("cars received from April to August 2025", ["2025-04-01", "2025-08-31"]),
        ("intakes between Oct and Dec of 2025", ["2025-10-01", "2025-12-31"]),
        ("arrivals from November to January 2026", ["2025-11-01", "2026-01-31"]),
        ("Q2 through Q3 2025 intakes", ["2025-04-01", "2025-09-30"]),
        ("9到12月进的车", ["2025-09-01", "2025-12-31"]),  # December is still to come this year
    ],
)
def test_a_range_takes_the_year_said_once(question, expected):
    assert conds(spec_of(question))["intake_date"] == ("between", expected)
