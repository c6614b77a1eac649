"""The local grammar: questions in Chinese and English -> QuerySpec -> SQL."""

from __future__ import annotations

from datetime import date

import pytest

from tools.inventory.compiler import compile_spec
from tools.inventory.parse import parse_question, prepare
from tools.inventory.spec import DEFAULT_LIST_COLUMNS, QuerySpec

TODAY = date(2026, 3, 10)


def spec_of(question: str, today: date = TODAY, previous: dict | None = None) -> QuerySpec:
    parsed = parse_question(question, today=today, previous=previous)
    assert parsed.spec is not None, question
    return parsed.spec


def conds(spec: QuerySpec) -> dict[str, tuple[str, list]]:
    return {c.field: (c.op, c.values) for c in spec.conditions}


def test_number_words_become_digits():
    assert prepare("前五名，二十万以内") == "前5名,20万以内"
    assert prepare("第三季度，十二月") == "第3季度,12月"
    assert prepare("the three cheapest") == "the 3 cheapest"
    assert "哪一个" in prepare("哪一个品牌")  # not a number here


@pytest.mark.parametrize(
    ("question", "field", "expected"),
    [
        ("比亚迪有几辆", "brand", ("in", ["BYD"])),
        ("how many benz cars", "brand", ("in", ["Mercedes-Benz"])),
        ("汉兰达有多少", "model", ("in", ["Highlander"])),  # not BYD Han
        ("比亚迪汉有多少", "model", ("in", ["Han"])),
        ("白色的车", "color", ("in", ["white"])),
        ("not white BMWs", "color", ("not_in", ["white"])),
        ("除了蔚来和小鹏以外的车", "brand", ("not_in", ["NIO", "XPeng"])),
        ("unsold Audis", "status", ("not_in", ["sold"])),
        ("新能源车有多少", "fuel_type", ("in", ["electric", "hybrid"])),
        ("皮卡有几台", "body_type", ("in", ["pickup"])),
        ("how many Porsches", "brand", ("in", ["Porsche"])),  # a brand the dealer does not carry
        ("武汉汉口店的车", "store_id", ("in", ["S17"])),
    ],
)
def test_entities_and_attributes(question, field, expected):
    assert conds(spec_of(question))[field] == expected


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("20万以下的车", ("le", [200000])),
        ("under 150k", ("lt", [150000])),
        ("价格在15到30万之间", ("between", [150000, 300000])),
        ("between 1.5 million and 2 million yuan", ("between", [1500000, 2000000])),
        ("over ¥500,000", ("gt", [500000])),
        ("30万左右的SUV", ("between", [270000, 330000])),
    ],
)
def test_price_ranges(question, expected):
    assert conds(spec_of(question))["guide_price"] == expected


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("上个月入库的车", ("between", ["2026-02-01", "2026-02-28"])),
        ("cars received last month", ("between", ["2026-02-01", "2026-02-28"])),
        ("去年第四季度入库的车", ("between", ["2025-10-01", "2025-12-31"])),
        ("Q3 2025 arrivals", ("between", ["2025-07-01", "2025-09-30"])),
        ("最近30天入库的车", ("ge", ["2026-02-08"])),
        ("cars added in the past 2 weeks", ("ge", ["2026-02-24"])),
        ("2025年6月之前入库的车", ("lt", ["2025-06-01"])),
        ("cars received after March 1, 2025", ("gt", ["2025-03-01"])),
        ("since 2025", ("ge", ["2025-01-01"])),
        ("2025年5月到8月入库的车", ("between", ["2025-05-01", "2025-08-31"])),
        ("去年下半年入库的车", ("between", ["2025-07-01", "2025-12-31"])),
        ("12月入库的车", ("between", ["2025-12-01", "2025-12-31"])),  # the latest December, not a future one
        ("库龄超过90天的车", ("lt", ["2025-12-10"])),
    ],
)
def test_dates_are_relative_to_the_injected_today(question, expected):
    assert conds(spec_of(question))["intake_date"] == expected


def test_model_year_and_mileage():
    assert conds(spec_of("2025款的特斯拉"))["model_year"] == ("between", [2025, 2025])
    assert conds(spec_of("model year 2024 or older"))["model_year"] == ("le", [2024])
    assert conds(spec_of("里程超过1000公里的车"))["mileage_km"] == ("gt", [1000])
    assert conds(spec_of("零公里的车"))["mileage_km"] == ("between", [0, 0])


def test_shapes():
    count = spec_of("在库的比亚迪有几辆")
    assert count.aggregate == "count" and not count.group_by
    avg = spec_of("各品牌的平均价格")
    assert avg.aggregate == "avg" and avg.group_by == ["brand"]
    top = spec_of("最贵的3辆特斯拉")
    assert (top.order_by, top.descending, top.limit) == ("guide_price", True, 3)
    assert top.columns == list(DEFAULT_LIST_COLUMNS)
    which = spec_of("which city has the most Teslas")
    assert (which.group_by, which.order_by, which.descending, which.limit) == (["city"], "value", True, 1)
    distinct = spec_of("what colors does the Model Y come in")
    assert distinct.distinct and distinct.columns == ["color"]
    having = spec_of("brands with more than 50 cars in stock")
    assert having.group_by == ["brand"] and having.having is not None and having.having.values == [50]
    stores = spec_of("上海有几家门店")
    assert stores.subject == "stores" and stores.aggregate == "count"
    lookup = spec_of("V42还在库吗？")
    assert conds(lookup) == {"vehicle_id": ("in", ["V00042"])} and lookup.columns == ["vehicle_id", "status"]
    monthly = spec_of("2025年每个月入库多少辆车")
    assert monthly.group_by == ["intake_month"]


def test_columns_named_in_a_listing():
    spec = spec_of("车辆的库存信息，汽车 id，接车日期，指导价格")
    assert spec.columns == ["vehicle_id", "intake_date", "guide_price"]
    assert spec.conditions == []  # "库存信息" is the inventory, not a status filter


def test_follow_ups_refine_the_previous_spec():
    first = spec_of("How many BYDs are in stock?")
    previous = {"spec": first.to_dict()}
    white = spec_of("and how many of them are white?", previous=previous)
    assert conds(white) == {
        "brand": ("in", ["BYD"]),
        "status": ("in", ["in_stock"]),
        "color": ("in", ["white"]),
    }
    tesla = spec_of("那特斯拉呢？", previous=previous)
    assert conds(tesla)["brand"] == ("in", ["Tesla"]) and tesla.aggregate == "count"
    top = spec_of("其中最贵的是哪辆？", previous=previous)
    assert top.aggregate is None and top.limit == 1 and conds(top)["brand"] == ("in", ["BYD"])
    fresh = spec_of("How many Teslas?", previous=previous)
    assert conds(fresh) == {"brand": ("in", ["Tesla"])}  # not a follow-up: no marker


@pytest.mark.parametrize(
    "question", ["hello", "写一首诗", "上海的天气怎么样", "what's the weather in Beijing"]
)
def test_off_topic_is_not_understood(question):
    assert parse_question(question, today=TODAY).spec is None


def test_bare_year_has_a_model_year_alternative():
    parsed = parse_question("2025年的比亚迪有多少", today=TODAY)
    assert conds(parsed.spec)["intake_date"] == ("between", ["2025-01-01", "2025-12-31"])
    assert conds(parsed.alternatives[0])["model_year"] == ("between", [2025, 2025])


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_compiled_sql_quotes_values_and_joins_only_when_needed(dialect):
    plain = compile_spec(spec_of("在库的比亚迪有几辆"), dialect)
    assert "JOIN" not in plain and "'BYD'" in plain
    joined = compile_spec(spec_of("上海各门店的平均价格"), dialect)
    assert "JOIN stores" in joined and "GROUP BY stores.name" in joined
    quarterly = compile_spec(spec_of("按季度统计2025年的入库数量"), dialect)
    assert ("strftime" if dialect == "sqlite" else "to_char") in quarterly
