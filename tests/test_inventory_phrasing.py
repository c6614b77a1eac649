"""The grammar on everyday phrasings: two-digit years, idioms, orderings, "still", comparisons.

Each case states the reading the grammar must give, so a regression names its phrase; the
phrases are not the paraphrase evaluation set's questions, only the same kinds of wording.
"""

from __future__ import annotations

import pytest

from tests.inventory_phrasing import TODAY, conds, spec_of
from tools.inventory.parse import parse_question, prepare


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("23年进的奥迪", "2023年进的奥迪"),
        ("26款的宝马", "2026款的宝马"),
        ("库龄超过2年", "库龄超过2年"),  # an age, not a year
        ("近10年", "近10年"),
        ("最贵的25款车型", "最贵的25款车型"),  # twenty-five models
        ("20款最便宜的车", "20款最便宜的车"),  # the 20 cheapest
        ("bmw x-5s", "bmw x5s"),
        ("哪个品牌卖得最好", "哪个品牌已售最多"),
        ("our top-selling model", "our most sold model"),
    ],
)
def test_everyday_phrasings_are_rewritten(text, expected):
    assert prepare(text) == expected


@pytest.mark.parametrize(
    ("question", "field", "expected"),
    [
        ("23年进的奥迪有几台", "intake_date", ("between", ["2023-01-01", "2023-12-31"])),
        ("26款的宝马有几台", "model_year", ("between", [2026, 2026])),
        ("还有几台蓝色的唐", "model", ("in", ["Tang"])),
        ("还有几台蓝色的唐", "status", ("in", ["in_stock"])),
        ("how many Civics are left", "status", ("in", ["in_stock"])),
        ("do we still have red Fords", "status", ("in", ["in_stock"])),
        ("还有多少辆没卖的福特", "status", ("not_in", ["sold"])),  # a named status wins over "还有"
        ("gas Camrys", "fuel_type", ("in", ["gasoline"])),
        ("Audis that are gone", "status", ("in", ["sold"])),
        ("卖了几台理想", "status", ("in", ["sold"])),
        ("压库的奔驰", "status", ("in", ["in_stock"])),
        ("mercs under 400 grand", "guide_price", ("lt", [400000])),
        ("fords received from june to august", "intake_date", ("between", ["2026-06-01", "2026-08-31"])),
        ("hondas that came in nov-feb", "intake_date", ("between", ["2025-11-01", "2026-02-28"])),
        ("intake count for september", "intake_date", ("between", ["2026-09-01", "2026-09-30"])),
        ("the 2024 arrivals", "intake_date", ("between", ["2024-01-01", "2024-12-31"])),
    ],
)
def test_everyday_conditions(question, field, expected):
    assert conds(spec_of(question))[field] == expected


def test_orderings_said_as_a_phrase_order_all_the_rows():
    spec = spec_of("在库的宝马，从贵到便宜")
    assert (spec.order_by, spec.descending, spec.limit) == ("guide_price", True, None)
    spec = spec_of("white Model Ys, cheapest first")
    assert (spec.order_by, spec.descending, spec.limit) == ("guide_price", False, None)
    spec = spec_of("奥迪A4L价格从低到高")
    assert (spec.order_by, spec.descending) == ("guide_price", False)
    assert spec_of("the cheapest Model Y").limit == 1  # a superlative alone still asks for one


def test_which_ones_is_a_listing_and_any_is_a_count():
    assert spec_of("30万以上的SUV有哪几台").aggregate is None
    assert spec_of("有没有红色的理想L8").aggregate == "count"
    assert spec_of("any silver X5s in stock?").aggregate == "count"
    assert spec_of("which silver X5s do we have?").aggregate is None
    assert spec_of("有没有红色的理想L8，列出来").aggregate is None


def test_sales_idioms_rank_groups_by_units_sold():
    for question, dim in [
        ("哪个品牌卖得最好", "brand"),
        ("what's the best-selling colour", "color"),
        ("哪款车最畅销", "model"),
        ("which city sells the most", "city"),
    ]:
        spec = spec_of(question)
        assert conds(spec)["status"] == ("in", ["sold"]), question
        assert (spec.aggregate, spec.group_by, spec.descending, spec.limit) == ("count", [dim], True, 1)


def test_two_named_values_compared():
    spec = spec_of("蔚来和小鹏哪个在库的多")
    assert (spec.aggregate, spec.group_by, spec.descending, spec.limit) == ("count", ["brand"], True, 1)
    spec = spec_of("Camry or Accord, which is cheaper on average")
    assert (spec.aggregate, spec.group_by, spec.descending) == ("avg", ["model"], False)
    spec = spec_of("how many Han and how many Tang in Beijing")
    assert (spec.aggregate, spec.group_by) == ("count", ["model"])


def test_totals_and_named_columns():
    spec = spec_of("在库的车加起来值多少钱")
    assert (spec.aggregate, spec.metric) == ("sum", "guide_price")
    spec = spec_of("一共值多少钱")
    assert spec.aggregate == "sum"
    spec = spec_of("list the VIN and mileage of the red Golfs")
    assert {"vin", "mileage_km"} <= set(spec.columns or [])
    spec = spec_of("what is the most common colour among reserved cars")
    assert (spec.group_by, spec.limit) == (["color"], 1)


@pytest.mark.parametrize(
    ("question", "unread"),
    [
        ("cars under 150 quid", ["150"]),
        ("how many teslas excluding", ["excluding"]),
        ("宝马在库几台，不要那种", ["不要"]),
        ("Audis from jan", []),  # read: a month
        ("hondas that came in 10/2026", []),
        ("平均一台车多少钱", []),  # "一台" is "a car", not a number
        ("4S店里的宝马", []),
        ("teslas not in beijing", []),
    ],
)
def test_what_the_grammar_cannot_read_is_reported_not_dropped(question, unread):
    parsed = parse_question(question, today=TODAY)
    assert parsed.unread == unread
    assert (parsed.spec is None) == bool(unread)


@pytest.mark.parametrize(
    ("question", "field", "value"),
    [
        ("how many hyundias", "brand", "Hyundai"),  # swapped letters
        ("corola hybrids", "model", "Corolla"),  # a letter missing
        ("hondda civics in stock", "brand", "Honda"),  # a letter added
        ("cars in shangai", "city", "Shanghai"),
        ("not the volkswagons", "brand", "Volkswagen"),  # read with its negation
    ],
)
def test_a_slip_in_a_name_is_read_as_the_name(question, field, value):
    values = {c.field: c.values for c in spec_of(question).conditions}
    assert values[field] == [value]


@pytest.mark.parametrize(
    "question",
    [
        "cars I can carry my kids in",  # carry is not a Camry
        "a quick list of SUVs",  # quick is not a Buick
        "how many models in nanning",  # models is not a Model 3, Nanning is not Nanjing
        "available colours",
    ],
)
def test_everyday_words_are_not_taken_for_names(question):
    parsed = parse_question(question, today=TODAY)
    fields = {c.field for c in (parsed.spec.conditions if parsed.spec else [])}
    assert not fields & {"brand", "model", "city", "store_id"}


def test_a_misspelled_name_keeps_its_negation():
    assert conds(spec_of("SUVs, not the volkswagons"))["brand"] == ("not_in", ["Volkswagen"])


def test_one_wrong_character_in_a_long_chinese_name_is_read_as_the_name():
    assert conds(spec_of("凯美锐有几台"))["model"] == ("in", ["Camry"])
    assert conds(spec_of("比亞迪在库几台"))["brand"] == ("in", ["BYD"])  # a traditional character
    great_wall = conds(spec_of("长城的车有几台"))  # "长城的" is the brand, not one slip from 长城炮
    assert great_wall["brand"] == ("in", ["Great Wall"]) and "model" not in great_wall


@pytest.mark.parametrize(
    ("question", "field", "value"),
    [
        ("奔弛有几台", "brand", "Mercedes-Benz"),  # 弛 sounds like 驰 (chí)
        ("雅格的均价", "model", "Accord"),
        ("海报还剩几台", "model", "Seal"),
        ("宝码在库多少", "brand", "BMW"),
    ],
)
def test_a_chinese_name_typed_with_a_homophone_is_read_as_the_name(question, field, value):
    assert conds(spec_of(question))[field] == ("in", [value])


def test_everyday_words_that_sound_like_names_are_not_names():
    parsed = parse_question("未来30天的比亚迪", today=TODAY)  # the future, not NIO; and no such window
    assert parsed.spec is None and parsed.unread == ["30"]
    assert "brand" not in conds(spec_of("保安有几台车"))  # 保 is 宝's sound, 安 is not 马's


def test_the_homophone_table_is_current():
    pytest.importorskip("pypinyin")
    import json
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(root / "scripts"))
    try:
        from build_homophones import OUT, build
    finally:
        sys.path.remove(str(root / "scripts"))
    assert json.loads(OUT.read_text(encoding="utf-8")) == build(), "run scripts/build_homophones.py"


def test_more_everyday_phrasings():
    assert conds(spec_of("蓝色除外的蔚来有几台"))["color"] == ("not_in", ["blue"])  # negation after the value
    assert conds(spec_of("30来万的轿车"))["guide_price"] == ("between", [270000, 330000])
    assert conds(spec_of("30多万的轿车"))["guide_price"] == ("between", [300000, 400000])
    assert conds(spec_of("how many did we sell in Wuhan"))["status"] == ("in", ["sold"])
    assert conds(spec_of("how many Golfs have we got left"))["status"] == ("in", ["in_stock"])
    spec = spec_of("奥迪Q5L还有现车吗")  # whether there are any: a count
    assert spec.aggregate == "count" and conds(spec)["status"] == ("in", ["in_stock"])
    for question in ("销量最高的车身类型", "which body type sells best"):
        spec = spec_of(question)
        assert (spec.group_by, spec.limit, conds(spec)["status"]) == (["body_type"], 1, ("in", ["sold"]))


def test_a_threshold_on_the_average_is_a_having():
    for question, dim in [
        ("平均价格超过40万的品牌", "brand"),
        ("which models have an average price under 200k", "model"),
    ]:
        spec = spec_of(question)
        assert (spec.aggregate, spec.group_by) == ("avg", [dim])
        assert spec.having is not None and "guide_price" not in conds(spec)
    assert conds(spec_of("价格介于25万和35万之间的混动车"))["guide_price"] == ("between", [250000, 350000])
    assert spec_of("total stock value in Wuhan").aggregate == "sum"


def test_shares_and_percentages_are_asked_about_not_counted():
    assert parse_question("what percentage of the cars are sold", today=TODAY).spec is None
    assert parse_question("白色车占多少", today=TODAY).spec is None
    assert spec_of("各品牌占比").group_by == ["brand"]  # a distribution by brand still reads


def test_a_customer_buying_is_shown_the_stock_still_for_sale():
    spec = spec_of("I plan to purchase a gas-powered hatchback, budget 150,000–200,000 yuan")
    assert conds(spec)["status"] == ("in", ["in_stock"])
    assert conds(spec)["guide_price"] == ("between", [150000, 200000])  # an en dash joins the range
    assert conds(spec_of("想买辆20万左右的电动轿车"))["status"] == ("in", ["in_stock"])
    assert conds(spec_of("预算30万，已售的SUV有几台"))["status"] == ("in", ["sold"])  # a named status wins
    assert spec_of("何种颜色的海豹有货").columns == ["color"]


def test_exclusions_ages_and_amounts_in_words():
    assert conds(spec_of("not counting Teslas, how many EVs are in stock"))["brand"] == ("not_in", ["Tesla"])
    assert conds(spec_of("EVs in stock, Teslas excluded"))["brand"] == ("not_in", ["Tesla"])
    assert conds(spec_of("不算特斯拉，在库电车有几台"))["brand"] == ("not_in", ["Tesla"])
    assert conds(spec_of("cars older than 1 year in stock"))["intake_date"] == ("lt", ["2025-11-15"])
    assert conds(spec_of("how many cars cost over a million"))["guide_price"] == ("gt", [1000000])
    assert conds(spec_of("SUVs under half a million"))["guide_price"] == ("lt", [500000])
    assert conds(spec_of("top 3 cities by sales"))["status"] == ("in", ["sold"])
    assert spec_of("bottom 5 models by stock count").descending is False
    assert spec_of("西湖店最新到的车是哪台").order_by == "intake_date"
    assert "intake_date" in (spec_of("how long has V00010 been in stock").columns or [])


@pytest.mark.parametrize(
    "question",
    [
        "朝阳店比海淀店多几台",
        "ET5和ET7价格差多少",
        "最便宜和最贵的车分别是哪两台",
        "price difference between ET5 and ET7",
    ],
)
def test_differences_are_asked_about_not_answered_as_one_number(question):
    assert parse_question(question, today=TODAY).spec is None


def test_more_shapes_in_everyday_words():
    assert spec_of("丰田的车最高卖到多少").aggregate == "max"
    spec = spec_of("哪一年入库的车最多")
    assert (spec.group_by, spec.limit) == (["intake_year"], 1)
    assert spec_of("帮我找一台30万以内的白色SUV").limit is None  # "一台" is "a car", not "one car"
    assert spec_of("per-brand average price, highest first").group_by == ["brand"]


def test_follow_ups_in_everyday_words():
    first = parse_question("how many BMWs are there", today=TODAY)
    assert first.spec is not None
    previous = {"spec": first.spec.to_dict()}
    split = parse_question("break that down by colour", today=TODAY, previous=previous)
    assert split.followup and split.spec is not None and split.spec.group_by == ["color"]
    assert conds(split.spec)["brand"] == ("in", ["BMW"])
    which = parse_question("which of those are sold", today=TODAY, previous=previous)
    assert which.spec is not None and which.spec.aggregate is None
    assert conds(which.spec)["status"] == ("in", ["sold"])


def test_places_without_a_value_are_asked_about_not_answered_with_the_opposite():
    for question in ("which cities have no NIO", "哪些店没有特斯拉"):
        parsed = parse_question(question, today=TODAY)
        assert parsed.spec is None and parsed.unread, question
    assert parse_question("有没有红色的P7", today=TODAY).spec is not None  # 有没有 is not 没有


def test_days_months_and_counts_in_more_word_orders():
    assert conds(spec_of("cars in since 1 Sept"))["intake_date"] == ("ge", ["2026-09-01"])
    assert spec_of("most recent 3 intakes").limit == 3
    assert conds(spec_of("还没有卖的宝马有几台"))["status"] == ("not_in", ["sold"])
    assert conds(spec_of("还有没有白色的汉"))["status"] == ("in", ["in_stock"])


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("前天入库的车", ("between", ["2026-11-13", "2026-11-13"])),
        ("年初到现在入库数量", ("ge", ["2026-01-01"])),
        ("九月初到十月中进的车", ("between", ["2026-09-01", "2026-10-15"])),
        ("国庆以后入库的车", ("gt", ["2026-10-01"])),
        ("双十一前到的车", ("lt", ["2026-11-11"])),
    ],
)
def test_days_said_by_name(question, expected):
    assert conds(spec_of(question))["intake_date"] == expected


def test_more_counts_and_questions_it_asks_about():
    assert parse_question("春节后进的车", today=TODAY).unread == ["春节"]  # moves with the lunar calendar
    assert spec_of("近一个月的入库量").aggregate == "count"
    spec = spec_of("南京的门店有几家")
    assert (spec.subject, spec.aggregate) == ("stores", "count")
    spec = spec_of("库存量最大的品牌")
    assert (spec.group_by, spec.limit) == (["brand"], 1)
    for question in ("汉口店的车比光谷店多吗", "每家店平均多少台车"):
        assert parse_question(question, today=TODAY).spec is None, question


def test_mileage_ranges_and_ages_on_average():
    assert conds(spec_of("vehicles with mileage between 100 and 500 km"))["mileage_km"] == (
        "between",
        [100, 500],
    )
    assert conds(spec_of("里程在100到500公里之间的车"))["mileage_km"] == ("between", [100, 500])
    assert parse_question("What's the average age of our stock?", today=TODAY).spec is None


def test_the_best_of_each_group():
    spec = spec_of("每个品牌最贵的车多少钱")
    assert (spec.aggregate, spec.group_by) == ("max", ["brand"])
    assert spec_of("各城市最便宜的车价格").aggregate == "min"
    for question in ("newest car at each store", "各品牌最贵的车是哪台"):  # a row per group: asked about
        assert parse_question(question, today=TODAY).spec is None, question
    assert conds(spec_of("里程低于一百公里的在库车"))["mileage_km"] == ("lt", [100])


def test_two_dimensions_and_top_groups_in_everyday_words():
    assert spec_of("units by brand and status").group_by == ["brand", "status"]
    assert spec_of("按品牌和颜色统计数量").group_by == ["brand", "color"]
    assert spec_of("how are the cars spread across stores").group_by == ["store"]  # not a price spread
    spec = spec_of("哪三个城市车最多")
    assert (spec.group_by, spec.limit, spec.descending) == (["city"], 3, True)
    assert "哪一个" in prepare("哪一个品牌")


def test_yes_no_questions_are_answered_with_how_many():
    for question in ("比亚迪海豹还有货不", "有白色的X5么", "银河L7在库吗"):
        assert spec_of(question).aggregate == "count", question
    for question in ("Model Y卖完了没", "are the white Model 3s sold out?"):
        spec = spec_of(question)  # sold out? -> how many are left
        assert (spec.aggregate, conds(spec)["status"]) == ("count", ("in", ["in_stock"])), question
    assert conds(spec_of("卖完的车有多少"))["status"] == ("in", ["sold"])


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("last year's Q4 Audis still in stock", ("between", ["2025-10-01", "2025-12-31"])),
        ("去年Q4进的车", ("between", ["2025-10-01", "2025-12-31"])),
        ("2026 Q4的奥迪", ("between", ["2026-10-01", "2026-12-31"])),
        ("Q3入库的车", ("between", ["2026-07-01", "2026-09-30"])),
    ],
)
def test_a_quarter_beside_a_year_or_chinese_is_a_quarter(question, expected):
    spec = spec_of(question)
    assert conds(spec)["intake_date"] == expected
    assert "model" not in conds(spec)  # not the Audi Q4 e-tron


def test_the_audi_q4_without_a_year_is_the_car():
    assert conds(spec_of("奥迪Q4有几台"))["model"] == ("in", ["Q4 e-tron"])
    assert conds(spec_of("how many Q4s"))["model"] == ("in", ["Q4 e-tron"])


def test_latin_words_end_where_chinese_begins():
    spec = spec_of("top5最贵的车")
    assert (spec.limit, spec.order_by, spec.descending) == (5, "guide_price", True)
    assert spec_of("Top10品牌").limit == 10
    assert conds(spec_of("2025Q1入库的车"))["intake_date"] == ("between", ["2025-01-01", "2025-03-31"])
    assert spec_of("ｔｏｐ５最贵的车").limit == 5  # full-width letters and digits
    spec = spec_of("价格top 3的宝马")  # the shape's keywords end where Chinese begins too
    assert (spec.limit, spec.order_by, spec.descending) == (3, "guide_price", True)
