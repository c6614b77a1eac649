"""The grammar on question classes first-run sets got wrong: each class is tested on phrases that are
not the evaluation sets' own (spans, ranges with the year at the end, distinct counts, totals,
earliest and latest values, top-k groups, misspelt attribute words, a dimension with its count).
"""

from __future__ import annotations

import pytest

from tests.inventory_phrasing import TODAY, conds, spec_of
from tools.inventory.compiler import compile_spec
from tools.inventory.parse import parse_question


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


@pytest.mark.parametrize(
    ("question", "metric"),
    [
        ("库里有多少个不同的品牌", "brand"),
        ("宝马在售的有几种不同的颜色", "color"),
        ("count of distinct models sold last year", "model"),
        ("number of unique colours among the Teslas", "color"),
        ("how many kinds of models does BYD have", "model"),
    ],
)
def test_how_many_different_is_a_distinct_count(question, metric):
    spec = spec_of(question)
    assert (spec.aggregate, spec.metric, spec.group_by) == ("count_distinct", metric, [])


def test_a_grouping_by_different_values_still_groups():
    spec = spec_of("不同的品牌各有多少台")
    assert (spec.aggregate, spec.group_by) == ("count", ["brand"])


@pytest.mark.parametrize(
    "question",
    [
        "成都所有奥迪的指导价之和",
        "在库理想汽车加在一起值多少",
        "how much are the reserved cars worth combined",
        "what do all the unsold Audis add up to",
    ],
)
def test_totals_add_up_the_guide_price(question):
    spec = spec_of(question)
    assert (spec.aggregate, spec.metric) == ("sum", "guide_price")


@pytest.mark.parametrize(
    ("question", "aggregate", "metric"),
    [
        ("海淀店最后一次到货是哪天", "max", "intake_date"),
        ("第一次进小鹏是什么时候", "min", "intake_date"),
        ("what date did the earliest Seal come in", "min", "intake_date"),
        ("年款最老的是哪一年", "min", "model_year"),
        ("what's the newest model year for Geely", "max", "model_year"),
    ],
)
def test_the_earliest_or_latest_value_is_min_or_max(question, aggregate, metric):
    spec = spec_of(question)
    assert (spec.aggregate, spec.metric) == (aggregate, metric)


@pytest.mark.parametrize(
    "question",
    ["最早到店的那台奔驰是哪台", "which Volvo arrived first", "which BMW came in last", "最后一台丰田是哪台"],
)
def test_the_car_with_the_earliest_or_latest_intake_is_one_row(question):
    spec = spec_of(question)
    assert (spec.aggregate, spec.order_by, spec.limit) == (None, "intake_date", 1)


@pytest.mark.parametrize(
    ("question", "aggregate", "dim", "limit", "descending"),
    [
        ("均价最低的两个城市", "avg", "city", 2, False),
        ("已售最多的四个品牌", "count", "brand", 4, True),
        ("在库数量最少的三家门店", "count", "store", 3, False),
        ("the 2 priciest models on average", "avg", "model", 2, True),
        ("4 cheapest cities by average price", "avg", "city", 4, False),
    ],
)
def test_top_groups_ranked_by_an_aggregate(question, aggregate, dim, limit, descending):
    spec = spec_of(question)
    assert (spec.aggregate, spec.group_by, spec.limit, spec.order_by, spec.descending) == (
        aggregate,
        [dim],
        limit,
        "value",
        descending,
    )


@pytest.mark.parametrize(
    ("question", "dim"),
    [
        ("list the body types with their counts", "body_type"),
        ("which fuel types do the Audis come in, and how many of each", "fuel_type"),
        ("在库蔚来的颜色及对应数量", "color"),
        ("宝马有哪些车型和各自的台数", "model"),
        ("what body types does Ford sell, and how many?", "body_type"),
        ("蔚来有哪些车型？各有几台？", "model"),
        ("brand counts for Chengdu", "brand"),
        ("list the cities with their vehicle counts", "city"),
    ],
)
def test_a_dimension_with_its_count_is_a_grouped_count(question, dim):
    spec = spec_of(question)
    assert (spec.aggregate, spec.group_by) == ("count", [dim])


@pytest.mark.parametrize(
    ("question", "field", "value"),
    [
        ("how many hybirds are reserved", "fuel_type", "hybrid"),
        ("any eletric Audis?", "fuel_type", "electric"),
        ("list the balck Passats", "color", "black"),
        ("how many whte cars in Wuhan", "color", "white"),
        ("silvre BMWs in stock", "color", "silver"),
        ("how many hatchbakcs", "body_type", "hatchback"),
        ("count the deisel trucks", "fuel_type", "diesel"),
        ("how many MVPs do we have", "body_type", "mpv"),
        ("avaliable Teslas", "status", "in_stock"),
        ("电冻的SUV有几台", "fuel_type", "electric"),
        ("柴由皮卡还有几台", "fuel_type", "diesel"),
        ("兰色的宝马有哪些", "color", "blue"),
        ("灰瑟的汉兰达", "color", "gray"),
        ("两箱车在库有几台", "body_type", "hatchback"),
    ],
)
def test_a_misspelt_attribute_is_read(question, field, value):
    assert (field, ("in", [value])) in conds(spec_of(question)).items()


@pytest.mark.parametrize(
    "question",
    [
        "which cars came back from the Pudong store",
        "cars on sale at Tianhe",
        "how many cars did we receive in May 2026",
    ],
)
def test_everyday_words_are_not_read_as_attributes(question):
    spec = spec_of(question)
    assert not {"color", "fuel_type", "body_type"} & set(conds(spec))


@pytest.mark.parametrize(("question", "unread"), [("百色的汉有几台", "百色"), ("深色的SUV有几台", "深色")])
def test_an_unread_colour_is_asked_about(question, unread):
    parsed = parse_question(question, today=TODAY)
    assert parsed.spec is None and unread in parsed.unread


def test_a_colour_the_stock_never_has_is_a_filter_that_finds_none():
    assert conds(spec_of("绿色的车有几台"))["color"] == ("in", ["green"])
    assert conds(spec_of("any yellow Model Ys?"))["color"] == ("in", ["yellow"])


def test_the_end_and_start_of_a_month_in_english():
    assert conds(spec_of("arrivals from the start of June to the end of August 2025"))["intake_date"] == (
        "between",
        ["2025-06-01", "2025-08-31"],
    )


def test_more_ways_to_ask_for_distinct_counts_and_totals():
    assert spec_of("奥迪有多少不同车型").aggregate == "count_distinct"
    assert spec_of("combined price of the reserved NIOs").aggregate == "sum"


@pytest.mark.parametrize(
    ("question", "word"), [("how many Audi A8 in stock", "a8"), ("大众ID3有几台", "id3")]
)
def test_a_model_name_the_catalogue_lacks_is_asked_about(question, word):
    parsed = parse_question(question, today=TODAY)
    assert parsed.spec is None and word in parsed.unread


@pytest.mark.parametrize(
    ("question", "aggregate", "descending"),
    [
        ("do we have more Fords or Geelys in stock", "count", True),
        ("丰田多还是本田多", "count", True),
        ("is the Tang or the Song cheaper on average", "avg", False),
    ],
)
def test_two_values_compared_with_or(question, aggregate, descending):
    spec = spec_of(question)
    assert (spec.aggregate, spec.limit, spec.descending) == (aggregate, 1, descending)
    assert len(spec.group_by) == 1


def test_which_store_said_with_its_classifier_alone():
    spec = spec_of("杭州哪家卖掉的车最多")
    assert (spec.group_by, spec.limit, conds(spec)["city"]) == (["store"], 1, ("in", ["Hangzhou"]))


def test_the_number_of_a_citys_stores_said_in_passing_is_no_condition():
    spec = spec_of("成都两家店一共有多少台在库")
    assert spec.aggregate == "count" and conds(spec)["city"] == ("in", ["Chengdu"])


def test_a_one_character_model_before_a_distributive_word():
    spec = spec_of("各种颜色的唐分别有多少")
    assert conds(spec)["model"] == ("in", ["Tang"]) and spec.group_by == ["color"]


@pytest.mark.parametrize(
    ("question", "dim", "descending"),
    [
        ("库存总价值最高的城市", "city", True),
        ("which store has the lowest total value of stock", "store", False),
    ],
)
def test_the_group_with_the_largest_or_smallest_total(question, dim, descending):
    spec = spec_of(question)
    assert (spec.aggregate, spec.group_by, spec.limit, spec.descending) == ("sum", [dim], 1, descending)


@pytest.mark.parametrize("question", ["最便宜的5台车加起来多少钱", "average mileage of the 20 newest cars"])
def test_an_aggregate_of_the_top_rows_is_asked_about(question):
    assert parse_question(question, today=TODAY).spec is None


@pytest.mark.parametrize("question", ["在库车的售价合计是多少", "把成都所有宝马的价格加一下"])
def test_prices_added_up_in_chinese(question):
    assert spec_of(question).aggregate == "sum"


def test_a_count_said_with_heji_stays_a_count():
    assert spec_of("合计多少台已预订").aggregate == "count"


@pytest.mark.parametrize(("question", "descending"), [("最早一台奥迪是哪台", False), ("最新两台蔚来", True)])
def test_earliest_or_newest_before_a_number_of_cars(question, descending):
    spec = spec_of(question)
    assert (spec.order_by, spec.descending) == ("intake_date", descending)


@pytest.mark.parametrize(
    ("question", "limit"), [("the last Geely we received", 1), ("the last 4 arrivals at Binjiang", 4)]
)
def test_the_last_cars_to_arrive(question, limit):
    spec = spec_of(question)
    assert (spec.order_by, spec.descending, spec.limit) == ("intake_date", True, limit)


def test_more_ways_to_ask_for_a_span_or_a_total():
    assert spec_of("how low and how high do Honda prices go").aggregate == "range"
    assert spec_of("what's the spread of Audi prices").aggregate == "range"
    assert spec_of("what are our reserved cars worth").aggregate == "sum"
    assert spec_of("在库车里最早的是哪年入库的").metric == "intake_date"


@pytest.mark.parametrize(
    ("question", "field", "values"),
    [
        ("how many cars are neither red nor blue", "color", ["red", "blue"]),
        ("既不是汽油车也不是柴油车的有几台", "fuel_type", ["gasoline", "diesel"]),
    ],
)
def test_neither_nor_excludes_both(question, field, values):
    assert conds(spec_of(question))[field] == ("not_in", values)


@pytest.mark.parametrize("question", ["SUVs cheaper than the Highlander", "比帕萨特便宜的车有几台"])
def test_a_price_compared_with_a_named_car_is_asked_about(question):
    assert parse_question(question, today=TODAY).spec is None


def test_from_a_price_up():
    assert conds(spec_of("sedans from 300k upwards"))["guide_price"] == ("ge", [300000])


def test_a_ready_car_asked_with_youmeiyou_is_in_stock():
    assert conds(spec_of("有没有现车的蔚来ES6"))["status"] == ("in", ["in_stock"])


def test_recommending_a_few_models_is_a_listing_not_a_count():
    assert spec_of("给我推荐几款混动SUV").aggregate is None


@pytest.mark.parametrize(
    ("question", "unread"), [("家用七座车有哪些", "七座"), ("how many 7 seat SUVs", "7 seat")]
)
def test_seats_are_asked_about(question, unread):
    parsed = parse_question(question, today=TODAY)
    assert parsed.spec is None and unread in parsed.unread


@pytest.mark.parametrize(
    ("question", "status"),
    [("以售的奔驰有多少", "sold"), ("再库的大众有几台", "in_stock"), ("现在可以买的蔚来", "in_stock")],
)
def test_statuses_typed_by_sound_or_said_as_buying(question, status):
    assert conds(spec_of(question))["status"] == ("in", [status])


def test_by_selling_price_is_no_status():
    assert "status" not in conds(spec_of("以售价排序的宝马"))


def test_a_half_year_named_as_in_reports():
    assert conds(spec_of("how many Audis came in during H2 2025"))["intake_date"] == (
        "between",
        ["2025-07-01", "2025-12-31"],
    )
