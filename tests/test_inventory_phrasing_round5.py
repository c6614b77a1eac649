"""The grammar on the fifth round of question classes (fresh9, an outside author's phrasing), each
tested on our own phrases in both languages, none of them the set's: several statuses listed and
all included ("已售的、已预订的都算上"), fuel said as burning fuel ("烧油", "internal combustion"),
a month in a year named relative to today ("this September", "March of last year"), cars coming
into stock (when they arrived, not their status), a count bound said before the noun ("300 or more
cars"), the stores of a named city asked about each ("北京三家店各有多少台"), whether there is
anything ("anything?", "X available?"), and a count asked with another aggregate per group.
"""

from __future__ import annotations

import pytest

from tests.inventory_phrasing import conds, spec_of
from tools.inventory.compiler import compile_spec


@pytest.mark.parametrize(
    "question",
    [
        "今年以来入库的宝马有多少台？已售的、已预订的都算上",
        "去年进了多少辆特斯拉，卖掉的和预订的都算",
        "北京一共有多少台车，已卖的和被预订的也算进去",
        "上海的比亚迪有几台，已售、已预定的都包括在内",
        "包括已预订和已售的，深圳一共有多少台车",
        "算上已售出和已锁车的，广州有多少辆SUV",
        "连同卖掉的和交了定金的，杭州有几台电动车",
        "理想L9一共多少台，已成交的、已预订的都要算",
        "2025年入库的奥迪有几辆？卖出去的跟预定的都算上",
        "成都的丰田一共几台，已售或已预订的都计入",
        "how many Audis came in last year, sold and reserved ones included",
        "count the BMWs in Beijing including the reserved and sold ones",
        "number of Teslas in Shanghai, reserved and sold cars included",
        "how many SUVs did we take in this year, counting sold and reserved",
        "total Camrys, the sold and the reserved ones too",
        "how many NIOs in Hangzhou including sold and on-hold units",
        "how many Geelys arrived in 2025, plus the reserved and sold ones",
        "How many hybrids do we have in Chengdu, booked and sold ones included?",
        "how many Hondas in Guangzhou including already sold and reserved",
        "count every Ford pickup, reserved or sold ones as well",
        "how many electric cars came in this year incl. sold and reserved",
    ],
)
def test_several_statuses_listed_and_included_is_every_status(question):
    spec = spec_of(question)
    assert "status" not in conds(spec), spec
    assert spec.aggregate == "count" and not spec.group_by


@pytest.mark.parametrize(
    ("question", "statuses"),
    [
        ("在库和已预订的宝马有几台", ["in_stock", "reserved"]),
        ("how many sold and reserved cars", ["sold", "reserved"]),
        ("how many reserved or sold Audis", ["reserved", "sold"]),
    ],
)
def test_statuses_listed_without_being_included_still_filter(question, statuses):
    assert sorted(conds(spec_of(question))["status"][1]) == sorted(statuses)


@pytest.mark.parametrize(
    "question",
    [
        "要烧油的轿车，15万以内，有吗",
        "烧油的SUV还有几台",
        "我想要一台烧油的车，预算20万",
        "有没有烧汽油的MPV",
        "上海有几台加油的车",
        "纯油的轿车有哪些",
        "内燃机的车在库还有多少",
        "北京内燃机SUV有几台",
        "烧油的丰田有几台",
        "给客户找台烧油的两厢车",
        "广州烧油的车平均多少钱",
        "any internal-combustion SUVs under 200k",
        "how many internal combustion cars do we have in stock",
        "combustion engine sedans in Beijing",
        "list combustion-engine pickups",
        "how many combustion cars are left in Shanghai",
        "average price of our internal combustion SUVs",
        "I want a combustion engine car under 150k",
        "combustion hatchbacks in stock?",
        "how many Toyotas with an internal combustion engine",
        "cheapest combustion engine sedan",
    ],
)
def test_burning_fuel_is_gasoline(question):
    assert conds(spec_of(question))["fuel_type"] == ("in", ["gasoline"])


@pytest.mark.parametrize(
    ("question", "month"),
    [
        ("Of the cars that came in this September, how many are sold?", ("2026-09-01", "2026-09-30")),
        ("how many BMWs arrived this March", ("2026-03-01", "2026-03-31")),
        ("cars received this past June", ("2026-06-01", "2026-06-30")),
        ("what came in earlier this April", ("2026-04-01", "2026-04-30")),
        ("how many cars arrived september this year", ("2026-09-01", "2026-09-30")),
        ("how many Teslas came in in march of last year", ("2025-03-01", "2025-03-31")),
        ("intake count for May of this year", ("2026-05-01", "2026-05-31")),
        ("cars from this year's March", ("2026-03-01", "2026-03-31")),
        ("last year's October intake: how many?", ("2025-10-01", "2025-10-31")),
        ("how many SUVs did we get in February last year", ("2025-02-01", "2025-02-28")),
        ("number of sold cars taken in August, last year", ("2025-08-01", "2025-08-31")),
        ("how many Audis came in in July of the year before last", ("2024-07-01", "2024-07-31")),
        ("how many cars did we receive in Dec. last year", ("2025-12-01", "2025-12-31")),
        ("list the reserved cars that arrived this January", ("2026-01-01", "2026-01-31")),
        ("average price of cars received in this past October", ("2026-10-01", "2026-10-31")),
        ("how many NIOs arrived in June this year", ("2026-06-01", "2026-06-30")),
        ("count intakes in november of last year", ("2025-11-01", "2025-11-30")),
        ("Geelys in from this July?", ("2026-07-01", "2026-07-31")),
        ("今年9月入库的车有多少", ("2026-09-01", "2026-09-30")),
        ("去年的3月份进了多少台", ("2025-03-01", "2025-03-31")),
        ("前年5月到店的宝马有几台", ("2024-05-01", "2024-05-31")),
    ],
)
def test_a_month_in_a_year_named_relative_to_today(question, month):
    assert conds(spec_of(question))["intake_date"] == ("between", list(month))


@pytest.mark.parametrize(
    ("question", "before"),
    [
        ("since this June", ("ge", ["2026-06-01"])),
        ("cars received before this March", ("lt", ["2026-03-01"])),
        ("cars that came in after March of last year", ("gt", ["2025-03-31"])),
    ],
)
def test_a_relative_year_month_bounds_a_range(question, before):
    assert conds(spec_of(question))["intake_date"] == before


@pytest.mark.parametrize(
    "question",
    [
        "Number of sold cars that came into stock during 2025?",
        "how many BMWs got into inventory last month",
        "how many cars were added to stock in 2025",
        "sold Teslas that went into stock this year",
        "how many of the cars brought into stock last year are sold",
        "reserved cars that entered inventory in March 2026",
        "how many SUVs did we put into stock last quarter",
        "which sold Audis were taken into stock in 2025",
        "how many cars came into our inventory in October",
        "count the sold cars that arrived in stock in 2025",
        "how many hybrids joined the inventory in 2026",
        "sold cars that hit the lot in 2025",
        "sold Hondas that came onto the lot last year",
        "how many reserved cars were added to inventory this year",
        "sold cars that landed in stock in the first half of 2025",
        "2025年进入库存的车现在卖掉了多少",
        "去年纳入库存的宝马卖了几台",
        "今年进了库存的特斯拉有多少已经预订了",
        "2025年加入库存的车里已售的有几辆",
        "上个月录入库存的车卖掉了多少",
        "去年转入库存的SUV已售多少台",
    ],
)
def test_coming_into_stock_is_when_a_car_arrived_not_its_status(question):
    spec = spec_of(question)
    assert "intake_date" in conds(spec)
    status = conds(spec).get("status")
    assert status is None or "in_stock" not in status[1], spec


@pytest.mark.parametrize(
    ("question", "op", "n"),
    [
        ("Which cities have 300 or more cars in stock?", "ge", 300),
        ("brands with 100+ cars", "ge", 100),
        ("stores holding 40 or fewer in-stock vehicles", "le", 40),
        ("models with 20 and up units sold", "ge", 20),
        ("which stores have 150 or more vehicles", "ge", 150),
        ("brands that have 50 or less cars in Beijing", "le", 50),
        ("cities with 200 or above cars", "ge", 200),
        ("which models have 10 or fewer units left", "le", 10),
        ("colours with 500+ vehicles", "ge", 500),
        ("stores that sold 60 or more cars", "ge", 60),
        ("which brands have 30 and above reserved cars", "ge", 30),
        ("models with 5 or under cars in stock", "le", 5),
        ("list the cities that have 100 or more cars", "ge", 100),
        ("which body types have 400 or more cars", "ge", 400),
        ("which stores carry 80 or more in-stock cars", "ge", 80),
        ("brands with 25+ sold units", "ge", 25),
        ("which cities have 1000 or more vehicles in total", "ge", 1000),
        ("fuel types with 700 or more cars", "ge", 700),
        ("哪些品牌有50以上台车", "ge", 50),
        ("哪些门店在库车有100或以上台", "ge", 100),
        ("哪些城市的车在200及以上辆", "ge", 200),
    ],
)
def test_a_count_bound_said_before_the_noun_is_a_threshold(question, op, n):
    spec = spec_of(question)
    assert spec.aggregate == "count" and spec.group_by
    assert spec.having is not None and (spec.having.op, spec.having.values) == (op, [n])


def test_a_count_bound_before_the_noun_keeps_the_adjective():
    assert conds(spec_of("stores holding 40 or fewer in-stock vehicles"))["status"] == ("in", ["in_stock"])


@pytest.mark.parametrize(
    ("question", "aggregate", "city"),
    [
        ("北京三家店各有多少台在库的宝马", "count", "Beijing"),
        ("上海的三家门店分别有几台特斯拉", "count", "Shanghai"),
        ("南京两家店的均价分别是多少", "avg", "Nanjing"),
        ("广州两家店各自卖了多少台", "count", "Guangzhou"),
        ("深圳的两家店对比一下在库数量", "count", "Shenzhen"),
        ("杭州两家店哪家均价更低", "avg", "Hangzhou"),
        ("成都两家店哪个库存多", "count", "Chengdu"),
        ("北京的门店各有多少台SUV", "count", "Beijing"),
        ("上海三家店的在库车平均里程分别是多少", "avg", "Shanghai"),
        ("武汉几家店各有几台已预订的车", "count", "Wuhan"),
        ("How many cars are reserved at each of the Beijing stores?", "count", "Beijing"),
        ("average mileage at each of our Shanghai stores", "avg", "Shanghai"),
        ("Between our two Guangzhou stores, which one has more SUVs?", "count", "Guangzhou"),
        ("between the Nanjing stores, which one has the lower average price?", "avg", "Nanjing"),
        ("compare the Shenzhen stores by number of cars in stock", "count", "Shenzhen"),
        ("how many Teslas do the Hangzhou stores have, respectively?", "count", "Hangzhou"),
        ("the Chengdu stores: how many sold cars each?", "count", "Chengdu"),
        ("average guide price of the Wuhan stores, separately", "avg", "Wuhan"),
        ("total value of the stock at the Beijing stores, store by store", "sum", "Beijing"),
        ("Of our two Nanjing showrooms, which one has the higher average price?", "avg", "Nanjing"),
        ("how many BYDs at each Shanghai store", "count", "Shanghai"),
    ],
)
def test_a_citys_stores_asked_about_each_are_a_grouping_by_store(question, aggregate, city):
    spec = spec_of(question)
    assert spec.group_by == ["store"] and spec.aggregate == aggregate, spec
    assert conds(spec)["city"] == ("in", [city])


@pytest.mark.parametrize(
    ("question", "aggregate", "city"),
    [
        ("北京地区的门店分别有多少台车", "count", "Beijing"),
        ("深圳两个店哪个卖得多", "count", "Shenzhen"),
        ("the two Wuhan stores, which sold more?", "count", "Wuhan"),
        ("Beijing area stores, how many SUVs each?", "count", "Beijing"),
        ("杭州两家店谁的均价高", "avg", "Hangzhou"),
        ("Which of the two Hangzhou stores has more cars?", "count", "Hangzhou"),
    ],
)
def test_a_citys_stores_compared_are_one_row_per_store_or_the_first(question, aggregate, city):
    spec = spec_of(question)
    assert spec.group_by == ["store"] and spec.aggregate == aggregate, spec
    assert conds(spec)["city"] == ("in", [city])


@pytest.mark.parametrize(
    ("question", "descending"),
    [
        ("Between our two Guangzhou stores, which one has the higher average price?", True),
        ("between our two Guangzhou stores, which one has the lower average price?", False),
        ("杭州两家店哪家均价更低", False),
        ("杭州两家店哪家均价更高", True),
    ],
)
def test_which_one_of_a_citys_stores_is_the_extreme(question, descending):
    spec = spec_of(question)
    assert (spec.group_by, spec.limit, spec.descending) == (["store"], 1, descending)


@pytest.mark.parametrize(
    "question",
    [
        "上海三家店一共有多少台",
        "how many cars do the Beijing stores have combined",
        "list each car at the Shanghai stores",
    ],
)
def test_a_citys_stores_said_in_passing_are_no_grouping(question):
    assert spec_of(question).group_by == []


@pytest.mark.parametrize(
    ("question", "dim"),
    [
        ("how many cars does each of the brands have", "brand"),
        ("average price for every one of our cities", "city"),
        ("number of SUVs in each of our stores", "store"),
        ("how many cars in each of the colours", "color"),
    ],
)
def test_each_of_the_dimension_is_a_grouping(question, dim):
    assert spec_of(question).group_by == [dim]


@pytest.mark.parametrize(
    ("question", "aggregate", "group_by"),
    [
        ("the number of cars sold and their average price for every brand", "avg", ["brand"]),
        ("for each city: how many cars in stock and the average guide price", "avg", ["city"]),
        ("count and average price by model", "avg", ["model"]),
        ("how many SUVs per store, and their total value", "sum", ["store"]),
        ("each colour's count along with its average price", "avg", ["color"]),
        ("number of reserved cars by brand together with their average price", "avg", ["brand"]),
        ("how many Teslas are there, and what's their total value", "sum", []),
        ("how many BMWs do we have and what is their average price", "avg", []),
        ("the number of sold Audis as well as their mean guide price", "avg", []),
        ("average mileage and number of cars per city", "avg", ["city"]),
        ("total value and count of the stock by fuel type", "sum", ["fuel_type"]),
        ("how many hybrids in Shanghai plus their average price", "avg", []),
        ("各品牌在库数量和均价分别是多少", "avg", ["brand"]),
        ("每个城市的车辆数和平均指导价", "avg", ["city"]),
        ("特斯拉有几台，均价多少", "avg", []),
        ("按车型统计台数以及平均价格", "avg", ["model"]),
        ("北京的宝马有多少台，总价多少", "sum", []),
        ("各门店已售数量与平均售价", "avg", ["store"]),
        ("每种颜色的平均价格和数量", "avg", ["color"]),
        ("比亚迪在库多少辆，货值多少", "sum", []),
        ("各城市SUV的台数跟均价", "avg", ["city"]),
    ],
)
def test_a_count_asked_with_another_aggregate_shows_both(question, aggregate, group_by):
    spec = spec_of(question)
    assert (spec.aggregate, spec.group_by, spec.with_count) == (aggregate, group_by, True), spec
    sql = compile_spec(spec)
    assert "count(*)" in sql.lower() and ("avg(" if aggregate == "avg" else "sum(") in sql.lower()


@pytest.mark.parametrize(
    "question",
    ["average price by brand", "各品牌的均价", "how many cars by brand", "total value of the BYDs"],
)
def test_one_aggregate_asked_shows_one(question):
    assert not spec_of(question).with_count


def test_the_count_asked_with_an_average_is_said_first():
    from tools.inventory.explain import explain

    spec = spec_of("how many BMWs do we have and what is their average price")
    assert explain("en", spec, ["vehicle_count", "avg_guide_price"], [[3, 300000.0]]).startswith(
        "3 vehicles."
    )
    assert explain("zh", spec, ["vehicle_count", "avg_guide_price"], [[3, 300000.0]]).startswith("共 3 辆车")


@pytest.mark.parametrize(
    "question",
    [
        "blue tesla model y available?",
        "white Camry in stock?",
        "red SUVs under 300k available??",
        "grey P7 in Shenzhen, in stock?",
        "silver Tiguan on the lot?",
        "2026 Model 3 available?",
        "black BMW X5s available in Beijing?",
        "hybrid sedans under 200k - available?",
        "Great Wall pickups in Chengdu in stock ?",
        "electric hatchbacks available?",
        "Li Auto L9 on hand?",
        "NIO ES6, blue, available?",
        "白色凯美瑞在库？",
        "蓝色的Model Y有现货？",
        "北京的黑色宝马X5在库？",
        "20万以内的混动轿车有货？",
        "广州的白色汉兰达现车？",
        "红色的海豹在库?",
        "2025款的途观L还有现货？",
        "深圳的理想L7有货？",
        "银色的雅阁在店？",
    ],
)
def test_a_fragment_ending_by_asking_if_in_stock_is_a_count(question):
    spec = spec_of(question)
    assert spec.aggregate == "count" and not spec.group_by, spec
    assert conds(spec)["status"] == ("in", ["in_stock"])


@pytest.mark.parametrize(
    "question",
    [
        "which red cars are available?",
        "pickups in chengdu?",
        "show me the white Camrys in stock?",
        "哪些白色的车在库？",
    ],
)
def test_asking_which_or_naming_no_status_stays_a_listing(question):
    assert spec_of(question).aggregate is None


@pytest.mark.parametrize(
    "question",
    [
        "What's the cheapest hybrid you've got in stock?",
        "how many SUVs have we got on the lot",
        "which Teslas do you have in stock",
        "what have you got in stock under 200k",
        "BMWs we've got in stock, please",
    ],
)
def test_what_is_got_in_stock_is_the_stock_not_an_arrival(question):
    spec = spec_of(question)
    assert conds(spec)["status"] == ("in", ["in_stock"]) and "intake_date" not in conds(spec)


@pytest.mark.parametrize(
    ("question", "statuses"),
    [
        ("how many cars in the system overall, reserved ones included", ["in_stock", "reserved"]),
        ("how many BMWs in stock, including the reserved ones", ["in_stock", "reserved"]),
        ("count the Teslas in Shanghai, reserved cars too", ["in_stock", "reserved"]),
        ("how many SUVs are available, booked ones included", ["in_stock", "reserved"]),
        ("number of Audis on the lot, counting those on hold", ["in_stock", "reserved"]),
        ("how many hybrids do we have, plus the reserved ones", ["in_stock", "reserved"]),
        ("how many Model Ys in Beijing incl. reserved", ["in_stock", "reserved"]),
        ("total Camrys in stock, reserved included", ["in_stock", "reserved"]),
        ("how many sold Audis, including the reserved ones", ["sold", "reserved"]),
        ("how many sold cars this year, reserved ones as well", ["sold", "reserved"]),
        ("how many Geelys in stock, on-hold units included", ["in_stock", "reserved"]),
        ("已预订的也算上，在库的宝马有几台", ["in_stock", "reserved"]),
        ("在库的特斯拉有多少台，预订的也算", ["in_stock", "reserved"]),
        ("包括已预订的，上海还有几台SUV", ["in_stock", "reserved"]),
        ("算上被预定的，北京的奥迪在库有多少辆", ["in_stock", "reserved"]),
        ("库存里的比亚迪有几台，锁车的也算进去", ["in_stock", "reserved"]),
        ("连同已预订的，深圳还剩几台蔚来", ["in_stock", "reserved"]),
        ("现车有多少台丰田？交了定金的也算", ["in_stock", "reserved"]),
        ("已售的本田有几台，已预订的也要算", ["sold", "reserved"]),
        ("加上预订的，广州在库的混动车有多少", ["in_stock", "reserved"]),
        ("杭州有几台理想在库？预定的都算上", ["in_stock", "reserved"]),
    ],
)
def test_the_reserved_ones_included_join_the_cars_asked_about(question, statuses):
    assert conds(spec_of(question))["status"] == ("in", statuses)


def test_unsold_with_the_reserved_included_stays_unsold():
    assert conds(spec_of("how many unsold BMWs, reserved included"))["status"] == ("not_in", ["sold"])


@pytest.mark.parametrize(
    ("question", "dim", "descending"),
    [
        ("Which model sold best last quarter?", "model", True),
        ("which brand sold the best in 2025", "brand", True),
        ("what colour is selling best this year", "color", True),
        ("which store sold best last month", "store", True),
        ("which city sold best in Q3", "city", True),
        ("which body type sold best among the Toyotas", "body_type", True),
        ("which fuel type has been selling the best", "fuel_type", True),
        ("which Tesla model sold best", "model", True),
        ("which colour sold worst in 2025", "color", False),
        ("which brand sells worst", "brand", False),
        ("which store sold the least last quarter", "store", False),
        ("what model is the worst seller", "model", False),
        ("which city is selling worst this year", "city", False),
        ("which BYD model sold worst", "model", False),
        ("which body type is the slowest seller", "body_type", False),
        ("哪个车型卖得最好", "model", True),
        ("去年哪个品牌卖得最差", "brand", False),
        ("哪种颜色最难卖", "color", False),
        ("哪家店销量最高", "store", True),
        ("哪个城市卖得最少", "city", False),
        ("哪种燃料类型最畅销", "fuel_type", True),
    ],
)
def test_selling_best_or_worst_is_the_most_or_fewest_sold(question, dim, descending):
    spec = spec_of(question)
    assert spec.group_by[0] == dim and spec.limit == 1 and spec.descending is descending, spec
    assert conds(spec)["status"] == ("in", ["sold"])


@pytest.mark.parametrize(
    ("question", "descending"),
    [
        ("avg price per model for BYD, cheapest first", False),
        ("average price by brand, most expensive first", True),
        ("average guide price per city, priciest first", True),
        ("mean price for each colour, cheapest first", False),
        ("average price by body type, from cheapest to most expensive", False),
        ("average price of each Toyota model, most expensive to cheapest", True),
        ("avg price per store, lowest price first", False),
        ("average price by fuel type, highest price first", True),
        ("total value per brand, most expensive first", True),
        ("average mileage by brand, highest mileage first", True),
        ("average mileage per model, lowest mileage first", False),
        ("each brand's average price, cheapest at the top", False),
        ("各品牌均价，从便宜到贵", False),
        ("每个车型的平均价格，从贵到便宜排", True),
        ("各城市的平均指导价，便宜的排前面", False),
        ("按颜色统计平均价格，贵的在前", True),
        ("每家店的均价，价格从低到高", False),
        ("各品牌的平均里程，里程从高到低", True),
        ("每种车身类型的总价，从高到低", True),
        ("丰田各车型均价，价格高的排前面", True),
        ("各燃料类型的平均价格，由低到高排列", False),
    ],
)
def test_a_grouped_aggregate_ordered_by_its_own_measure_orders_the_groups(question, descending):
    spec = spec_of(question)
    assert spec.group_by and spec.aggregate in ("avg", "sum"), spec
    assert (spec.order_by, spec.descending) == ("value", descending)


@pytest.mark.parametrize(
    "question", ["yo how many teslas we got rn", "how many audis atm", "BMWs in Beijing rn?"]
)
def test_chat_shorthand_for_right_now_is_the_stock(question):
    assert conds(spec_of(question))["status"] == ("in", ["in_stock"])
