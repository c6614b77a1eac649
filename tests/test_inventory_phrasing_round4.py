"""The grammar on the fourth round of question classes (fresh8, an outside author's phrasing, then our
own paraphrases and perturbations of the sets), each tested on phrases that are not the sets' own:
every status asked for ("including the sold ones"), added-up cars counted rather than priced, groups
of models with their brand, distinct counts per group, upper bounds said with a negation ("别超过",
"rather not spend more than") and budgets, the customer speaking for themself, negations typed
without an apostrophe and more negation forms, "brand-new", "或者更新的" model years, several counts
asked one after the other, "数据库", "stock" alone, what is there now, existence questions, days of
the week and more named periods, names people use for the catalogue's models, misspelt keywords,
revenue, ids without their V, spaced Chinese fragments.
"""

from __future__ import annotations

import pytest

from tests.inventory_phrasing import TODAY, conds, spec_of
from tools.inventory.compiler import compile_spec
from tools.inventory.guard import screen
from tools.inventory.parse import parse_question


@pytest.mark.parametrize(
    "question",
    [
        "how many Audis have we ever had, including the sold ones?",
        "Count every Tiguan regardless of status",
        "total Model Ys in Beijing, sold or not",
        "how many cars do we have right now, sold units included",
        "number of Geelys across all statuses",
        "广州有多少台比亚迪，卖掉的也算上",
        "连同已售的，去年进了多少台宝马",
        "不管卖没卖，深圳一共有多少辆车",
        "所有状态的特斯拉一共多少台",
    ],
)
def test_every_status_asked_for_drops_the_status(question):
    spec = spec_of(question)
    assert "status" not in conds(spec)
    assert spec.aggregate == "count" and not spec.group_by


@pytest.mark.parametrize(
    "question",
    ["how many BMWs not counting sold ones", "不包括已售的，奥迪有几台", "除了卖掉的，大众还有几台"],
)
def test_excluding_the_sold_ones_still_excludes_them(question):
    assert conds(spec_of(question))["status"][0] in ("not_in", "in")
    assert conds(spec_of(question))["status"] != ("in", ["sold"])


def test_every_status_is_not_a_grouping_but_by_status_is():
    assert spec_of("how many cars for each status").group_by == ["status"]
    assert spec_of("每种状态各有几台").group_by == ["status"]


@pytest.mark.parametrize(
    ("question", "aggregate"),
    [
        ("成都两家店加起来一共几台汉兰达", "count"),
        ("白色和黑色的途观加起来有多少", "count"),
        ("除了广州，别的城市加在一起还有多少辆在库的车", "count"),
        ("how many SUVs do the Shenzhen stores have combined", "count"),
        ("深圳福田店在库的车价格加起来一共多少钱", "sum"),
        ("what are the reserved Teslas worth combined", "sum"),
        ("北京的宝马加起来值多少钱", "sum"),
    ],
)
def test_added_up_cars_are_counted_and_added_up_prices_summed(question, aggregate):
    spec = spec_of(question)
    assert spec.aggregate == aggregate and not spec.group_by


@pytest.mark.parametrize(
    "question",
    [
        "the 5 models with the most cars in stock",
        "哪些车型在库超过30台",
        "count by model",
        "which model has the most reserved cars",
    ],
)
def test_model_groups_also_show_the_brand(question):
    spec = spec_of(question)
    assert "model" in spec.group_by
    sql = compile_spec(spec)
    assert "vehicles.brand" in sql.split("FROM")[0] and "GROUP BY vehicles.model, vehicles.brand" in sql


def test_model_groups_still_break_ties_by_the_model():
    sql = compile_spec(spec_of("top 3 models by number of cars"))
    assert "vehicle_count DESC, vehicles.model ASC, vehicles.brand ASC" in sql


@pytest.mark.parametrize(
    ("question", "group", "metric"),
    [
        ("how many different models does each brand have", "brand", "model"),
        ("number of distinct colours per model", "model", "color"),
        ("每家门店分别有几种不同的品牌", "store", "brand"),
        ("各个城市有多少种车型", "city", "model"),
        ("每个品牌有几款车型", "brand", "model"),
    ],
)
def test_a_distinct_count_per_group(question, group, metric):
    spec = spec_of(question)
    assert (spec.aggregate, spec.group_by, spec.metric) == ("count_distinct", [group], metric)


@pytest.mark.parametrize(
    "question",
    [
        "想买台SUV，价钱不要超过25万，有哪些",
        "预算不能高于30万的混动车有哪些",
        "轿车，最好别超过18万",
        "we'd prefer not to spend more than 280k on an SUV, options?",
        "I don't want to pay over 200k for a sedan",
        "need a hatchback, can't go past 150k",
        "SUVs not to exceed 300k",
        "a sedan within 220k please",
    ],
)
def test_an_upper_bound_said_with_a_negation_is_at_most(question):
    found = conds(spec_of(question))
    assert found["guide_price"][0] == "le"
    assert found.get("status", ("in", ["in_stock"])) == ("in", ["in_stock"])


def test_keeping_under_a_price_is_below_it():
    assert conds(spec_of("looking for an EV, trying to keep it under 260k"))["guide_price"] == (
        "lt",
        [260000],
    )


@pytest.mark.parametrize(
    "question",
    [
        "I want a white sedan below 200k",
        "we need a bigger car, an MPV maybe, what's around?",
        "I'm thinking of buying a hybrid SUV",
        "what could I get for 150k",
        "something for my wife, a red hatchback",
        "老婆想要一台白色的SUV，有哪些",
        "帮我挑一台20万以内的轿车",
        "想入手一台混动车，有什么推荐",
    ],
)
def test_the_customer_speaking_for_themself_is_stock(question):
    assert conds(spec_of(question))["status"] == ("in", ["in_stock"])


@pytest.mark.parametrize(
    "question",
    [
        "how many BMWs do you have in Shanghai",
        "I want a list of all reserved Audis",
        "I need a count of the Toyotas",
    ],
)
def test_a_request_for_a_list_or_a_count_is_no_customer(question):
    assert conds(spec_of(question)).get("status") in (None, ("in", ["reserved"]))


@pytest.mark.parametrize(
    "question",
    [
        "how many SUVs that arent hybrid",
        "cars that werent sold in Beijing, how many",
        "list the sedans that aren’t white",
        "SUVs which dont run on gas",
    ],
)
def test_negations_typed_without_an_apostrophe_or_with_a_curly_one(question):
    found = conds(spec_of(question))
    assert any(op == "not_in" for op, _ in found.values()), found


def test_brand_new_is_not_a_question_about_brands():
    spec = spec_of("how many brand new SUVs with zero mileage do we have")
    assert spec.aggregate == "count" and spec.metric is None
    assert conds(spec)["mileage_km"] == ("between", [0, 0])


@pytest.mark.parametrize(
    ("question", "op", "year"),
    [
        ("要2025款或者更新的SUV", "ge", 2025),
        ("纯电车，2026年或更新的", "ge", 2026),
        ("hybrids, 2025 or newer", "ge", 2025),
        ("sedans 2025 and older", "le", 2025),
        ("2025款或者更旧的轿车有几台", "le", 2025),
    ],
)
def test_newer_or_older_than_a_year_is_a_model_year(question, op, year):
    assert conds(spec_of(question))["model_year"] == (op, [year])


def test_newer_is_no_request_to_update_but_updating_still_is():
    assert screen("2026款或者更新的车有哪些").verdict == "ok"
    assert screen("有没有更新一点的车型").verdict == "ok"
    for request in ("更新所有宝马的价格", "把状态更新为已售", "帮我更新一下数据"):
        assert screen(request).verdict == "modify", request


@pytest.mark.parametrize(
    ("question", "field"),
    [
        ("of the Teslas in stock, how many are white and how many are black?", "color"),
        ("how many Passats are in Hangzhou, and how many in Nanjing", "city"),
        ("唐有多少台是混动的，多少台是纯电的", "fuel_type"),
    ],
)
def test_several_counts_asked_one_after_another_are_groups(question, field):
    spec = spec_of(question)
    assert spec.aggregate == "count" and spec.group_by == [field]


@pytest.mark.parametrize("question", ["数据库里一共有多少台宝马", "系统数据库中的特斯拉有几辆"])
def test_the_database_is_not_the_stock(question):
    assert "status" not in conds(spec_of(question))


def test_a_place_s_stores_counted_in_passing_in_english():
    spec = spec_of("how many Camrys do the two Nanjing stores have")
    assert conds(spec)["city"] == ("in", ["Nanjing"]) and spec.aggregate == "count"


@pytest.mark.parametrize(
    ("question", "field", "value"),
    [
        ("how many Audi A6 are reserved", "model", "A6L"),
        ("奥迪Q5还有几台", "model", "Q5L"),
        ("any A4 in Wuhan?", "model", "A4L"),
        ("宝马三系在库多少", "model", "3 Series"),
        ("how many bimmers in Shenzhen", "brand", "BMW"),
        ("RAV 4 hybrids under 250k", "model", "RAV4"),
    ],
)
def test_names_people_use_for_the_catalogue_s_models(question, field, value):
    assert conds(spec_of(question))[field] == ("in", [value])


@pytest.mark.parametrize(
    "question",
    ["已经付了定金的宝马有几台", "交了订金的车都列出来", "how many cars have a deposit paid on them"],
)
def test_a_deposit_paid_is_reserved(question):
    assert conds(spec_of(question))["status"] == ("in", ["reserved"])


def test_which_few_places_is_not_a_count_of_places():
    spec = spec_of("途观在哪几个门店有")
    assert spec.aggregate is None and spec.columns == ["store"] and spec.distinct


@pytest.mark.parametrize("question", ["median price of SUVs", "宝马价格的中位数是多少"])
def test_statistics_the_grammar_does_not_compute_are_asked_about(question):
    assert not parse_question(question, today=TODAY).understood


@pytest.mark.parametrize(
    "question",
    [
        "how many Golfs are sitting in the Hangzhou stores",
        "how many Seals at the moment in Shenzhen",
        "目前有几台帕萨特",
        "现在店里有多少辆途观",
    ],
)
def test_what_is_there_now_is_stock(question):
    assert conds(spec_of(question))["status"] == ("in", ["in_stock"])


def test_a_named_status_wins_over_now():
    assert conds(spec_of("how many cars are currently reserved in Wuhan"))["status"] == ("in", ["reserved"])


@pytest.mark.parametrize(
    ("question", "status"),
    [
        ("# of Camrys sold", ("in", ["sold"])),
        ("no. of hybrids in stok", ("in", ["in_stock"])),
        ("how mnay Civics are availble", ("in", ["in_stock"])),
        ("qty of reserved Teslas", ("in", ["reserved"])),
    ],
)
def test_count_words_typed_short_or_misspelt(question, status):
    spec = spec_of(question)
    assert spec.aggregate == "count" and conds(spec)["status"] == status


@pytest.mark.parametrize(
    "question", ["how many Fords that came in last year haven't sold", "Passats we didn't sell, how many"]
)
def test_not_sold_said_with_the_verb(question):
    assert conds(spec_of(question))["status"] == ("not_in", ["sold"])


@pytest.mark.parametrize(
    "question", ["cars sold per store this year, best first", "各品牌在库数量，多的排前面"]
)
def test_the_largest_group_first(question):
    spec = spec_of(question)
    assert (spec.order_by, spec.descending) == ("value", True)


@pytest.mark.parametrize(
    ("question", "condition"),
    [
        ("what came in last Friday", ("between", ["2026-11-13", "2026-11-13"])),
        ("SUVs received since Monday", ("ge", ["2026-11-09"])),
        ("how many cars arrived on Sunday", ("between", ["2026-11-15", "2026-11-15"])),
        ("上周三到了几台车", ("between", ["2026-11-04", "2026-11-04"])),
        ("周二以来入库的奥迪", ("ge", ["2026-11-10"])),
        ("星期五进的车有哪些", ("between", ["2026-11-13", "2026-11-13"])),
    ],
)
def test_days_of_the_week(question, condition):
    assert conds(spec_of(question))["intake_date"] == condition


@pytest.mark.parametrize("question", ["最近两周一共到了几台", "每周一进几台车"])
def test_weeks_counted_are_no_weekday(question):
    found = conds(spec_of(question)).get("intake_date")
    assert found is None or found[0] == "ge"


@pytest.mark.parametrize(
    "question",
    [
        "do you have a grey Tiguan?",
        "Hi, does your store carry the Li Auto MEGA?",
        "Is the Odyssey available at Minhang?",
        "are any of the NIO ES8s reserved?",
    ],
)
def test_whether_there_is_one_is_a_count(question):
    assert spec_of(question).aggregate == "count"


def test_whether_there_is_one_then_list_them_lists():
    assert spec_of("do you have a red Accord? show me").aggregate is None


def test_interested_in_a_car_is_a_customer():
    assert conds(spec_of("I'm interested in a hybrid Accord, any in Jiading?"))["status"] == (
        "in",
        ["in_stock"],
    )


def test_named_cars_left_are_stock():
    assert conds(spec_of("are there Dolphins left in Panyu?"))["status"] == ("in", ["in_stock"])


def test_two_models_of_two_brands_compare_the_models():
    spec = spec_of("奔驰GLC和宝马X3哪个贵")
    assert spec.group_by == ["model"] and spec.limit == 1


def test_grouped_sales_ranked_by_a_trailing_pai():
    spec = spec_of("今年的销量按城市排")
    assert (spec.group_by, spec.order_by, spec.descending) == (["city"], "value", True)


def test_a_distribution_of_a_dimension_is_a_grouping():
    spec = spec_of("what's the breakdown of body types among reserved cars")
    assert (spec.aggregate, spec.group_by) == ("count", ["body_type"])


def test_across_all_stores_is_every_store_together():
    assert not spec_of("how many Passats across all stores").group_by


def test_how_much_in_money_is_a_total():
    spec = spec_of("how much inventory do we hold in Chengdu in yuan")
    assert (spec.aggregate, spec.metric) == ("sum", "guide_price")


@pytest.mark.parametrize(
    ("question", "aggregate"), [("奥迪最贵的一台多少钱", "max"), ("cheapest Tang, how much?", "min")]
)
def test_the_price_of_the_one_extreme_car(question, aggregate):
    assert spec_of(question).aggregate == aggregate


@pytest.mark.parametrize(
    "question", ["帮我数一下广州的黑色SUV", "数数杭州有几台高尔夫", "清点一下已预订的宝马"]
)
def test_counting_said_as_a_verb(question):
    assert spec_of(question).aggregate == "count"


def test_left_unsold_is_unsold():
    assert conds(spec_of("去年进的车还剩几台没卖出去"))["status"] == ("not_in", ["sold"])


@pytest.mark.parametrize(
    "question", ["stock count for Geely in Chengdu", "our stock of Hondas in Panyu", "本田的存货有多少"]
)
def test_stock_said_alone_is_in_stock(question):
    assert conds(spec_of(question))["status"] == ("in", ["in_stock"])


def test_the_stock_value_is_a_total_of_the_stock():
    spec = spec_of("what is the total stock value in Nanjing")
    assert (spec.aggregate, conds(spec)["status"]) == ("sum", ("in", ["in_stock"]))


@pytest.mark.parametrize(
    ("question", "model"),
    [
        ("how many Priuses do we have", "Prius"),
        ("速腾还有几台", "Sagitar"),
        ("any Jettas in Wuhan?", "Jetta"),
    ],
)
def test_models_the_dealer_does_not_stock_find_none(question, model):
    assert conds(spec_of(question))["model"] == ("in", [model])


@pytest.mark.parametrize(
    ("question", "model"), [("Geely Monjaro count", "Xingyue L"), ("Atlas SUVs", "Boyue")]
)
def test_export_names_of_the_catalogue_s_models(question, model):
    assert conds(spec_of(question))["model"] == ("in", [model])


def test_abbreviated_periods():
    assert conds(spec_of("Civics sold this yr"))["intake_date"] == ("between", ["2026-01-01", "2026-12-31"])


def test_cars_gone_through_a_store_are_every_car_it_had():
    assert "status" not in conds(spec_of("how many Audis have gone through the Binjiang store"))


@pytest.mark.parametrize(
    "question",
    [
        "how many SUVs haven't found a buyer",
        "Tiguans nobody has bought yet",
        "cars no one has purchased, how many",
    ],
)
def test_no_buyer_yet_is_unsold(question):
    assert conds(spec_of(question))["status"] == ("not_in", ["sold"])


def test_nobody_is_no_body_type():
    spec = spec_of("list the Golfs nobody has bought yet")
    assert "body_type" not in (spec.columns or [])


@pytest.mark.parametrize(
    ("question", "fuel"), [("SUVs that run on electricity", "electric"), ("gas-electric sedans", "hybrid")]
)
def test_more_powertrain_words(question, fuel):
    assert conds(spec_of(question))["fuel_type"] == ("in", [fuel])


@pytest.mark.parametrize("question", ["what's the typical price of a Tiguan", "途观一般多少钱"])
def test_a_typical_price_is_the_average(question):
    assert spec_of(question).aggregate == "avg"


@pytest.mark.parametrize(
    ("question", "condition"),
    [
        ("which Fords are from 2025", ("between", ["2025-01-01", "2025-12-31"])),
        ("cars from March to May 2026", ("between", ["2026-03-01", "2026-05-31"])),
        ("intakes since 2026", ("ge", ["2026-01-01"])),
    ],
)
def test_from_a_period_is_that_period_and_since_is_from_its_start(question, condition):
    assert conds(spec_of(question))["intake_date"] == condition


@pytest.mark.parametrize(
    "question",
    [
        "已售的车平均在库多少天",
        "on average how long do SUVs stay in stock",
        "指导价高于平均价的宝马",
        "cars priced above the average",
        "第二贵的车是哪台",
    ],
)
def test_questions_no_single_query_shape_answers_are_asked_about(question):
    assert (
        not parse_question(question, today=TODAY).understood or parse_question(question, today=TODAY).unread
    )


def test_a_negation_after_joined_values_covers_them_all():
    assert conds(spec_of("红色和蓝色之外的思域有几台"))["color"] == ("not_in", ["red", "blue"])


@pytest.mark.parametrize(
    ("question", "limit"),
    [("销量倒数第一的城市", 1), ("库存倒数两名的品牌", 2), ("bottom 2 cities by number of sold cars", 2)],
)
def test_the_bottom_of_a_ranking_is_the_fewest(question, limit):
    spec = spec_of(question)
    assert (spec.aggregate, spec.descending, spec.limit) == ("count", False, limit)


@pytest.mark.parametrize("question", ["最受欢迎的车型是哪款", "most popular colour this year"])
def test_most_popular_is_most_sold(question):
    spec = spec_of(question)
    assert conds(spec)["status"] == ("in", ["sold"]) and spec.limit == 1 and spec.descending


@pytest.mark.parametrize(
    "question",
    [
        "we need 3 SUVs for our company, hybrids under 300k, which could we get?",
        "公司要买两台皮卡，柴油的，有哪些",
        "a family of 5, looking for an MPV under 350k",
        "I have 2 kids and want a hybrid SUV",
    ],
)
def test_numbers_in_the_customer_s_story_are_no_conditions(question):
    spec = spec_of(question)
    assert spec.limit is None and conds(spec)["status"] == ("in", ["in_stock"])


def test_any_x_is_fine_asks_nothing():
    spec = spec_of("looking for an SUV under 200k in Wuhan, any colour is fine")
    assert spec.aggregate is None and "color" not in conds(spec)


@pytest.mark.parametrize(
    "question", ["the cheapest MPV I could drive home today", "今天就能提走的海豹有哪些"]
)
def test_driving_home_today_is_stock_not_today_s_intake(question):
    found = conds(spec_of(question))
    assert found["status"] == ("in", ["in_stock"]) and "intake_date" not in found


def test_each_one_of_a_dimension_counted():
    spec = spec_of("show the Shenzhen stores and how many SUVs each one has")
    assert (spec.aggregate, spec.group_by) == ("count", ["store"])


@pytest.mark.parametrize(
    ("question", "descending"),
    [
        ("which Nanjing store has more Camrys", True),
        ("哪个城市的奥迪更少", False),
        ("which colour has fewer reserved cars", False),
    ],
)
def test_a_comparative_with_one_dimension_asks_for_the_extreme(question, descending):
    spec = spec_of(question)
    assert (spec.aggregate, spec.limit, spec.descending) == ("count", 1, descending)


def test_bigger_compares_two_named_values():
    spec = spec_of("which is larger, the Hangzhou or the Chengdu stock?")
    assert (spec.group_by, spec.limit, spec.descending) == (["city"], 1, True)


def test_bi_yi_xia_compares_the_named_values():
    assert spec_of("天河店和番禺店比一下已售数量").group_by == ["store"]


@pytest.mark.parametrize(
    ("question", "bound"),
    [
        ("预算二十五万，想要台混动SUV", 250000),
        ("my budget is 180k, a white sedan", 180000),
        ("I can spend 300k on an MPV", 300000),
    ],
)
def test_a_budget_said_as_one_figure_is_the_most_the_customer_pays(question, bound):
    assert conds(spec_of(question))["guide_price"] == ("le", [bound])


def test_a_budget_around_a_figure_stays_around_it():
    assert conds(spec_of("budget around 200k, hybrid sedan"))["guide_price"] == (
        "between",
        [180000, 220000.0],
    )


@pytest.mark.parametrize(
    ("question", "field"),
    [("理想的均价多少，蔚来呢", "brand"), ("how many Seals in Wuhan, and what about Nanjing?", "city")],
)
def test_the_same_asked_again_of_a_second_value_groups(question, field):
    assert spec_of(question).group_by == [field]


@pytest.mark.parametrize(
    "question", ["Tesla revenue this year", "宝马的销售额是多少", "total turnover in Wuhan"]
)
def test_revenue_is_the_total_of_the_cars_sold(question):
    spec = spec_of(question)
    assert (spec.aggregate, conds(spec)["status"]) == ("sum", ("in", ["sold"]))


@pytest.mark.parametrize(
    ("question", "dim", "descending"),
    [("our best quarter for sales", "intake_quarter", True), ("the weakest city for sales", "city", False)],
)
def test_the_best_or_worst_group_for_sales(question, dim, descending):
    spec = spec_of(question)
    assert (spec.group_by, spec.limit, spec.descending, conds(spec)["status"]) == (
        [dim],
        1,
        descending,
        ("in", ["sold"]),
    )


def test_sales_are_not_for_sale():
    assert conds(spec_of("which month had the most sales"))["status"] == ("in", ["sold"])


def test_year_to_date_is_this_year():
    assert conds(spec_of("SUVs sold YTD"))["intake_date"] == ("between", ["2026-01-01", "2026-12-31"])


@pytest.mark.parametrize(
    ("question", "order_by", "limit"),
    [("里程 最高 的车", "mileage_km", 1), ("奥迪 最新 入库 的 一台", "intake_date", 1)],
)
def test_spaced_chinese_fragments_read_as_phrases(question, order_by, limit):
    spec = spec_of(question)
    assert (spec.order_by, spec.limit) == (order_by, limit)


def test_a_spaced_ranking_of_stores_groups():
    spec = spec_of("成都 门店 库存 排名")
    assert (spec.group_by, spec.order_by, spec.descending) == (["store"], "value", True)


@pytest.mark.parametrize("question", ["do you sell Hondas?", "what kinds of SUVs do you sell"])
def test_what_the_dealer_sells_is_its_range_not_its_sales(question):
    assert "status" not in conds(spec_of(question))


def test_how_many_the_dealer_sells_is_its_sales():
    assert conds(spec_of("how many Tiguans do we sell in Hangzhou"))["status"] == ("in", ["sold"])


@pytest.mark.parametrize("question", ["how many kinds of MPVs do we carry", "有几种皮卡", "几款混动车在库"])
def test_kinds_of_cars_are_models(question):
    spec = spec_of(question)
    assert (spec.aggregate, spec.metric) == ("count_distinct", "model")


def test_recommending_a_few_models_is_no_count():
    assert spec_of("推荐几款轿车").aggregate is None


@pytest.mark.parametrize(
    ("question", "vehicle"),
    [
        ("tell me about vehicle 456", "V00456"),
        ("car id 88 price", "V00088"),
        ("vehicle #1234 status", "V01234"),
        ("123号车在哪个店", "V00123"),
    ],
)
def test_an_id_said_without_its_v(question, vehicle):
    assert conds(spec_of(question))["vehicle_id"] == ("in", [vehicle])


def test_a_year_after_car_is_no_id():
    assert "vehicle_id" not in conds(spec_of("is there a car 2026 model in white"))


def test_the_mileage_of_one_car():
    spec = spec_of("how many km does V00010 have")
    assert spec.aggregate is None and "mileage_km" in (spec.columns or [])


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (
            "how many Camrys came in in Sepetmber 2026",
            ("intake_date", ("between", ["2026-09-01", "2026-09-30"])),
        ),
        ("Passats with zero milaege", ("mileage_km", ("between", [0, 0]))),
        ("how many SUVs exculding BYD", ("brand", ("not_in", ["BYD"]))),
        ("average price of non-gasloine SUVs", ("fuel_type", ("not_in", ["gasoline"]))),
    ],
)
def test_words_other_passes_read_typed_with_a_slip(question, expected):
    field, condition = expected
    assert conds(spec_of(question))[field] == condition


@pytest.mark.parametrize(
    ("question", "group"),
    [("coluors of the Han and how many of each", "color"), ("quatrerly sales for 2025", "intake_quarter")],
)
def test_misspelt_plurals_and_periods_still_group(question, group):
    assert spec_of(question).group_by == [group]


def test_best_selling_misspelt_after_a_hyphen():
    spec = spec_of("our best-selilng model in Wuhan")
    assert conds(spec)["status"] == ("in", ["sold"]) and spec.limit == 1


@pytest.mark.parametrize("question", ["特斯拉都有啥颜色", "蔚来有啥车型"])
def test_sha_is_shenme(question):
    spec = spec_of(question)
    assert spec.distinct and spec.aggregate is None


@pytest.mark.parametrize("question", ["深圳的特斯拉有货吗，谢谢", "any white Seals left? thanks!"])
def test_thanks_at_the_end_change_nothing(question):
    assert spec_of(question).aggregate == "count"


def test_sticker_price_is_the_price():
    spec = spec_of("total sticker price of the reserved Audis")
    assert (spec.aggregate, spec.metric) == ("sum", "guide_price")


def test_what_chengdu_store_is_which_store():
    spec = spec_of("what Chengdu store has the most hybrids")
    assert (spec.group_by, spec.limit) == (["store"], 1)


@pytest.mark.parametrize(
    ("question", "condition"),
    [
        ("上上个月卖了几台宝马", ("between", ["2026-09-01", "2026-09-30"])),
        ("cars received the month before last", ("between", ["2026-09-01", "2026-09-30"])),
        ("上上周到的车", ("between", ["2026-10-26", "2026-11-01"])),
        ("how many arrived last weekend", ("between", ["2026-11-07", "2026-11-08"])),
        ("这周末到了几台", ("between", ["2026-11-14", "2026-11-15"])),
        ("intakes in the last fortnight", ("ge", ["2026-11-01"])),
        ("Teslas sold since the start of the year", ("ge", ["2026-01-01"])),
    ],
)
def test_more_periods_named_relative_to_today(question, condition):
    assert conds(spec_of(question))["intake_date"] == condition


@pytest.mark.parametrize("question", ["去年全年的销量", "宝马今年的销量是多少"])
def test_xiaoliang_is_the_number_sold(question):
    spec = spec_of(question)
    assert (spec.aggregate, conds(spec)["status"]) == ("count", ("in", ["sold"]))


@pytest.mark.parametrize(
    "question",
    ["how many cars are awaiting pickup in Wuhan", "待提车的车有几台", "which Golfs are on reservation"],
)
def test_waiting_for_the_buyer_is_reserved(question):
    assert conds(spec_of(question))["status"] == ("in", ["reserved"])


def test_on_the_floor_is_in_stock():
    assert conds(spec_of("how many Dolphins are on the showroom floor"))["status"] == ("in", ["in_stock"])


def test_what_portion_is_a_share_asked_about():
    assert not parse_question("what portion of our stock is electric", today=TODAY).understood


def test_cars_we_have_moved_are_sold():
    assert conds(spec_of("Civics we've moved this month"))["status"] == ("in", ["sold"])


@pytest.mark.parametrize(
    "question", ["帮我看看广州有没有白色的途观", "can you check if there are any blue Civics in Panyu"]
)
def test_checking_whether_there_are_any_is_a_count(question):
    assert spec_of(question).aggregate == "count"


def test_checking_then_listing_lists():
    assert spec_of("查一下有没有红色的汉，列出来").aggregate is None


def test_buying_a_car_for_someone_is_a_customer():
    assert conds(spec_of("想给爸妈买台MPV，30万以内"))["status"] == ("in", ["in_stock"])


@pytest.mark.parametrize(
    ("question", "field", "value"),
    [
        ("SUVs that aren't from Geely", "brand", "Geely"),
        ("everything but the Audis in Wuhan", "brand", "Audi"),
        ("hatchbacks, no electrics", "fuel_type", "electric"),
        ("how many Hondas, leaving out the Civic", "model", "Civic"),
        ("不是在上海的特斯拉有几台", "city", "Shanghai"),
    ],
)
def test_more_negation_forms(question, field, value):
    assert conds(spec_of(question))[field] == ("not_in", [value])


def test_but_alone_negates_nothing():
    assert conds(spec_of("I want a BMW but in white"))["color"] == ("in", ["white"])
