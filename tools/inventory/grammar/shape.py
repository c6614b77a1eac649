"""The last step of the grammar: what was recognised -> a QuerySpec of one shape.

The shapes are tried in order and the first that fits decides: a lookup by id or VIN, stores as
the subject, a span (the lowest and the highest value together), a comparison of named values, a
count of distinct values, a threshold on counts or on an average, the earliest/latest value, top-k
groups, "which X has the most", a grouped aggregate, a scalar aggregate, distinct values, and
finally rows (a listing, ordered and limited when the question says so). The shapes that answer
with values (span, earliest/latest) live in `value_shapes`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tools.inventory.grammar import keywords as W
from tools.inventory.grammar.comparison import compare
from tools.inventory.grammar.conditions import conditions, values_by_field, with_reserved
from tools.inventory.grammar.each_store import WHICH_ONE, each_group
from tools.inventory.grammar.reading import PRICE_ASKED, Reading, available_asked, search
from tools.inventory.grammar.scan import K_MASK, MASK, Match, Scan
from tools.inventory.grammar.value_shapes import aggregate_of_top_rows, extreme_value, span, span_noun
from tools.inventory.spec import DEFAULT_LIST_COLUMNS, VEHICLE_COLUMNS, Condition, QuerySpec

_WHICH_DIMS = (
    "store",
    "city",
    "brand",
    "model",
    "color",
    "body_type",
    "fuel_type",
    "status",
    "model_year",
    "intake_month",
    "intake_quarter",
    "intake_year",
)
_NOT_A_SUM = r"总共(?!值)|一共(?!值)|总数"  # "how many in total" counts, it does not add up prices
# "南京两家店加起来有多少台", "how many cars do the two stores have combined": the cars are added up,
# not their prices; money asked for ("加起来一共多少钱", "worth") makes it a total of prices.
_CARS_COUNTED = r"(?:多少|几)\s*(?:台|辆|部)|有\s*多少(?!钱)|\bhow many\b|\bnumber of\b|\bcount\b"
_MONEY = r"钱|价|值|金额|\bworth\b|\bvalue\b|\bprices?\b|\bcosts?\b|\bmsrp\b|\byuan\b|\brmb\b|元"
# Extra columns a listing shows when the question names them ("车架号和价格", "the VIN and price").
_EXTRA_COLUMNS = ("vin", "body_type", "fuel_type", "mileage_km", "store", "city")
# "平均价格超过40万的品牌": the threshold is on the average (HAVING), not on each car's price.
_AVG_THEN_VALUE = re.compile(
    rf"(?:平均|均价|average|avg|mean)\s*(?:的)?\s*(?:指导价格|指导价|价格|售价|价|guide price|prices?)?"
    rf"\s*(?:is|of|at|was|是|为|在)?\s*{MASK}"
)


@dataclass
class Shaped:
    spec: QuerySpec
    understood: bool
    explicit: bool  # the question itself named its shape (a follow-up then keeps it)


def build(scan: Scan) -> Shaped:
    q = _read(scan)
    spec = QuerySpec(conditions=q.conds)
    if _lookup(q, spec):
        return Shaped(spec, True, True)
    if _store_subject(q, spec):
        return Shaped(spec, q.understood, True)
    if not W.DIFFERENCE.search(q.r) and (W.SPAN_EXTREMES.search(q.r) or span_noun(q)):
        # the lowest and the highest together: one query, or asked about when the cars are wanted
        return Shaped(spec, span(q, spec), True)
    if (
        (W.SHARE.search(q.r) and not q.group)
        or W.DIFFERENCE.search(q.r)
        or W.OTHER_STATISTICS.search(q.r)
        or _best_row_per_group(q)
    ):
        # a share, a difference or a span of two results: asked about, never answered as one count
        return Shaped(spec, False, True)
    if q.limit and not q.group and aggregate_of_top_rows(q):
        return Shaped(spec, False, True)  # "the average price of the 10 priciest cars": no one query
    for shape in (
        compare,
        _count_distinct,
        _count_having,
        _average_having,
        extreme_value,
        _top_groups,
        _which_most,
        _grouped,
        _scalar_aggregate,
        _distinct_values,
    ):
        if shape(q, spec):
            spec.with_count = spec.aggregate in ("avg", "sum") and bool(W.COUNT_TOO.search(q.r))
            return Shaped(spec, True, True)
    return Shaped(spec, q.understood, _rows(q, spec))


def _read(scan: Scan) -> Reading:
    r = scan.t
    values = values_by_field(scan)
    conds = conditions(scan, values)
    if scan.every_status:  # "包括已经卖掉的", "sold ones included": every car, whatever its status
        conds = [c for c in conds if c.field != "status"]
    elif any(c.field == "status" and c.op == "not_in" and c.values == ["sold"] for c in conds):
        # "还剩多少没卖": the unsold ones; "还剩" says no more than that
        conds = [c for c in conds if not (c.field == "status" and c.op == "in" and c.values == ["in_stock"])]
    elif not any(c.field == "status" for c in conds) and (
        W.STILL.search(r) or W.BUYING.search(scan.full) or W.TIME_IN_STOCK.search(scan.full)
    ):
        # "还有几台", "how many are left", "我想买一辆...": the cars still in stock
        conds.append(Condition("status", "in", ["in_stock"]))
    if scan.reserved_included and not scan.every_status:
        conds = with_reserved(conds)
    label_first = W.LABEL_ORDER_EXTREME.search(r)
    if label_first:  # "earliest quarter first" orders the groups; it asks for no earliest car
        r = r[: label_first.start()] + " in date order " + r[label_first.end() :]
    order = None
    for pattern, column, descending in W.ORDER_PHRASES:
        found = search(pattern, r)
        if found:
            order = (column, descending)
            r = r[: found.start()] + " " * (found.end() - found.start()) + r[found.end() :]
            break  # "cheapest first" orders the rows; it does not ask for the single cheapest
    agg_words = bool(W.COUNT_WORDS.search(r) or W.AVG_WORDS.search(r) or W.SUM_WORDS.search(r))
    superlative = next(((f, d) for p, f, d in W.SUPERLATIVES if search(p, r)), None)
    group = _group_dims(r, values, conds) or each_group(scan.t, values)
    # Understood when something besides a place was recognised ("上海的天气" is not an inventory question).
    signals = [
        agg_words,
        superlative,
        group,
        W.LISTING.search(r),
        W.VEHICLE_NOUN.search(scan.full),
        W.DISTINCT.search(r),
        W.STORE_SUBJECT.search(r),
        scan.limit,
        W.ORDER_BY.search(r),
        order,
        scan.count_having,
        any(c.field not in ("city", "store_id") for c in conds),
    ]
    return Reading(
        r=r,
        full=scan.full,
        conds=conds,
        values=values,
        ids=[c for c in conds if c.field in ("vehicle_id", "vin")],
        agg_words=agg_words,
        superlative=superlative,
        order=order,
        which=W.WHICH.search(r),
        group=group,
        vehicle_filters=[c for c in conds if c.field not in ("city", "store_id")],
        metric=next((name for name, pattern in W.METRICS if search(pattern, r)), None),
        limit=scan.limit,
        count_having=scan.count_having,
        understood=any(bool(x) for x in signals),
        available_asked=available_asked(scan.t, values.get("status", [])),
    )


def _lookup(q: Reading, spec: QuerySpec) -> bool:
    """By id or VIN: words about the car ("还在库吗", "is it white?") ask for its columns."""
    if not q.ids or (q.agg_words and not W.VALUE_Q.search(q.r)):
        return False
    asked = [c.field for c in q.conds if c.field not in ("vehicle_id", "vin")]
    cols = [c for c in _columns(q.r) + asked if c in VEHICLE_COLUMNS or c in ("store", "city")]
    spec.conditions = q.ids
    ordered_cols = [c for c in (*VEHICLE_COLUMNS, "store", "city") if c in cols and c != "vehicle_id"]
    spec.columns = ["vehicle_id", *ordered_cols] if cols else list(VEHICLE_COLUMNS)
    return True


def _store_subject(q: Reading, spec: QuerySpec) -> bool:
    """Stores as the subject: "上海有几家门店", "list the stores"."""
    subject = W.STORE_SUBJECT.search(q.r)
    if (
        not subject
        or q.vehicle_filters
        or search(r"车|辆|vehicles?|cars?", q.r.replace(subject.group(0), ""))
    ):
        return False
    spec.subject = "stores"
    spec.conditions = [
        Condition("city" if c.field == "city" else "store_id", c.op, c.values)
        for c in q.conds
        if c.field in ("city", "store_id")
    ]
    spec.conditions = [
        Condition("store_id", c.op, c.values) if c.field == "store_id" else c for c in spec.conditions
    ]
    if search(r"多少|几|how many|number|count|数", subject.group(0)):
        spec.aggregate = "count"
        if "city" in q.group:
            spec.group_by = ["city"]
            _group_order(spec, q.r)
    return True


def _count_distinct(q: Reading, spec: QuerySpec) -> bool:
    """A count of distinct values: "几种颜色", "how many models"."""
    found = W.COUNT_DISTINCT.search(q.r)
    dim = W.dim_in(found)
    # "几种不同的车型": "不同的车型" is not a grouping when a count of kinds comes before it
    different = found is not None and search(r"不同|different|distinct|unique", found.group(0))
    others = [g for g in q.group if g != dim]
    if dim and len(others) == 1 and dim not in ("intake_month", "intake_quarter", "intake_year"):
        # "每个品牌分别有多少个不同车型", "how many models does each brand carry": per group
        spec.aggregate, spec.group_by = "count_distinct", others
        spec.metric = {"store": "store_id"}.get(dim, dim)
        _group_order(spec, q.r)
        return True
    if dim and (not q.group or (different and q.group == [dim])):
        if dim == "store" and not q.vehicle_filters and not q.conds:
            spec.subject = "stores"
            spec.aggregate = "count"
        elif dim == "city" and not q.vehicle_filters:
            spec.subject = "stores"
            spec.aggregate = "count_distinct"
            spec.metric = "city"
            spec.conditions = [c for c in q.conds if c.field == "city"]
        else:
            spec.aggregate = "count_distinct"
            spec.metric = {"store": "store_id"}.get(dim, dim)
        return True
    if (
        search(r"(?<!推荐)(?<!给我)(?<!挑)(?<!选)(?<!来)(?<!哪)(?:几|多少)款(?!\s*车型)", q.r)
        and not q.group
        and "model" not in q.values
    ):
        spec.aggregate, spec.metric = "count_distinct", "model"
        return True
    return False


def _count_having(q: Reading, spec: QuerySpec) -> bool:
    """A threshold on counts: "超过100辆的品牌" -> a grouped count with HAVING."""
    if q.count_having is None:
        return False
    dim = (q.group[0] if q.group else None) or W.dim_in(q.which) or W.first_dim(q.r) or "brand"
    spec.aggregate, spec.group_by, spec.having = "count", [dim], q.count_having
    return True


def _average_having(q: Reading, spec: QuerySpec) -> bool:
    """A threshold on a group's average price: "平均价格超过40万的品牌" -> HAVING avg > 400000."""
    dim = (q.group[0] if q.group else None) or W.dim_in(q.which) or W.first_dim(q.r)
    prices = [c for c in q.conds if c.field == "guide_price"]
    if not dim or len(prices) != 1 or not _AVG_THEN_VALUE.search(q.r):
        return False
    spec.conditions = [c for c in q.conds if c is not prices[0]]
    spec.aggregate, spec.metric, spec.group_by = "avg", "guide_price", [dim]
    spec.having = Condition("value", prices[0].op, prices[0].values)
    return True


def _top_groups(q: Reading, spec: QuerySpec) -> bool:
    """Top-k groups: "在库数量最多的前3个品牌", "top 3 brands by number of vehicles"."""
    dim = W.dim_in(W.TOP_DIM.search(q.r))
    if not (q.limit and dim and not q.ids):
        return False
    _aggregate_for_group(spec, q)
    spec.group_by = [dim]
    spec.order_by = "value"
    if spec.aggregate == "count":
        spec.descending = not (search(W.FEWER, q.r) or W.ASC.search(q.r))
    else:  # "the 3 cheapest brands on average", "均价最高的三个品牌"
        spec.descending = _group_desc(q) and not W.ASC.search(q.r)
    spec.limit = q.limit
    return True


_EXTREME = r"最高|最低|最大|最小|highest|lowest|largest|biggest|smallest"
_MORE_THAN_OTHERS = r"\bmore\b(?!\s+than)|更多|较多|比较多|多一些|多一点"
# "which one has the lower average", "哪家均价更低": the comparative of a value, the smaller first
_LOWER = r"\b(?:lower|cheaper|smaller)\b(?!\s+than)|更低|较低|更便宜|比较便宜|低一些|便宜一些|更小"
_FEWER_THAN_OTHERS = r"\b(?:fewer|less)\b(?!\s+than)|更少|较少|比较少|少一些|少一点"


def _which_most(q: Reading, spec: QuerySpec) -> bool:
    """Which X has the most / the highest average / the largest total ..."""
    dim = W.dim_in(q.which) or (q.group[0] if len(q.group) == 1 and search(WHICH_ONE, q.r) else None)
    total = bool(W.SUM_WORDS.search(q.r)) and bool(search(_EXTREME, q.r))
    if dim is None and total:  # "总货值最高的品牌": the group with the largest total
        dim = W.dim_in(search(rf"(?:{_EXTREME})\s*(?:的)?\s*(?:{W.dim_re()})", q.r))
    # "which store in Chengdu has more SUVs": with no second value named, the comparative asks for the most
    comparative = search(_MORE_THAN_OTHERS + "|" + _FEWER_THAN_OTHERS, q.r)
    if not (
        dim
        and (
            search(W.MORE + "|" + W.FEWER, q.r)
            or comparative
            or q.superlative
            or W.AVG_WORDS.search(q.r)
            or total
        )
        and not q.ids
        and dim in _WHICH_DIMS
    ):
        return False
    _aggregate_for_group(spec, q)
    spec.group_by = [dim]
    spec.order_by = "value"
    if spec.aggregate == "count":
        spec.descending = not search(W.FEWER + "|" + _FEWER_THAN_OTHERS, q.r)
    else:
        spec.descending = _group_desc(q) and not search(r"最低|最小|lowest|smallest|" + _LOWER, q.r)
    # "哪个城市最多？各城市分别多少台": every group, the largest first
    spec.limit = q.limit or (None if W.EACH_COUNT.search(q.r) else 1)
    return True


def _best_row_per_group(q: Reading) -> bool:
    """ "newest car at each store", "各品牌最贵的车是哪台": one row per group, which no shape expresses."""
    if not (q.group and q.superlative) or q.agg_words or W.AVG_WORDS.search(q.r):
        return False
    return not (q.superlative[0] == "guide_price" and search(PRICE_ASKED, q.r))


def _grouped(q: Reading, spec: QuerySpec) -> bool:
    if not q.group:
        return False
    _aggregate_for_group(spec, q)
    price_asked = search(PRICE_ASKED, q.r) and not W.AVG_WORDS.search(q.r)
    if q.superlative and q.superlative[0] == "guide_price" and price_asked:
        # "每个品牌最贵的车多少钱": each group's highest (lowest) price, not its average
        spec.aggregate, spec.metric = ("max" if q.superlative[1] else "min"), "guide_price"
    spec.group_by = q.group
    _group_order(spec, q.r)
    if q.order and spec.order_by is None and q.order[0] == (spec.metric or "count"):
        spec.order_by, spec.descending = "value", q.order[1]  # "average price by model, cheapest first"
    if q.limit:
        spec.limit = q.limit
        if spec.order_by is None:
            spec.order_by, spec.descending = "value", True
    return True


def _scalar_aggregate(q: Reading, spec: QuerySpec) -> bool:
    r, superlative, metric = q.r, q.superlative, q.metric
    value_q = bool(W.VALUE_Q.search(r))
    listing_of_best = bool(superlative and W.LISTING.search(r))  # "list the cheapest": rows, not a min
    if W.AVG_WORDS.search(r):
        spec.aggregate, spec.metric = "avg", metric or "guide_price"
    elif _sums(r):
        spec.aggregate, spec.metric = "sum", metric or "guide_price"
    elif W.MAX_WORDS.search(r) and (value_q or not superlative) and not listing_of_best:
        spec.aggregate, spec.metric = "max", metric or "guide_price"
    elif W.MIN_WORDS.search(r) and (value_q or not superlative) and not listing_of_best:
        spec.aggregate, spec.metric = "min", metric or "guide_price"
    elif (
        superlative
        and superlative[0] == "guide_price"
        and search(r"多少钱|价格是多少|what(?:'s| is) the price|how much", r)
        and (q.limit or 1) == 1  # "最便宜的一台多少钱": the one car's price
    ):
        spec.aggregate, spec.metric = ("max" if superlative[1] else "min"), "guide_price"
    elif W.COUNT_WORDS.search(r) and not superlative and not W.RECOMMEND.search(r):
        spec.aggregate = "count"  # not "可以推荐几台轿车吗": a few cars to look at
    elif (W.EXISTS.search(r) or q.available_asked) and not (
        superlative or q.order or _lists(r) or W.WHICH_ONES.search(r) or W.RECOMMEND.search(r)
    ):
        spec.aggregate = "count"  # "有没有灰色的P7": whether there are any, and how many
    return bool(spec.aggregate)


def _distinct_values(q: Reading, spec: QuerySpec) -> bool:
    """Distinct values: "有哪些颜色", "what models"."""
    dim = W.dim_in(W.DISTINCT.search(q.r))
    if not dim or q.superlative or q.limit:
        return False
    if dim == "store" and not q.vehicle_filters:
        spec.subject = "stores"
        spec.conditions = [c for c in q.conds if c.field in ("city", "store_id")]
    elif dim == "city" and not q.vehicle_filters:
        spec.subject, spec.columns, spec.distinct = "stores", ["city"], True
    elif dim not in ("intake_month", "intake_quarter", "intake_year"):
        spec.columns, spec.distinct = [dim], True
    return True


def _rows(q: Reading, spec: QuerySpec) -> bool:
    """Rows: top-k, ordered listings, plain listings. True when the question named this shape."""
    r = q.r
    explicit = False
    cols = _columns(r) if search(r"车辆id|汽车id|车id|\bids?\b|编号|vehicle ids?", r) else []
    spec.columns = (
        (["vehicle_id", *[c for c in cols if c != "vehicle_id"]]) if cols else list(DEFAULT_LIST_COLUMNS)
    )
    spec.columns += [c for c in _columns(r) if c in _EXTRA_COLUMNS and c not in spec.columns]
    if q.order:
        spec.order_by, spec.descending = q.order
        if q.limit:
            spec.limit = q.limit
        explicit = True
    elif q.superlative:
        spec.order_by, spec.descending = q.superlative
        spec.limit = q.limit or 1
        explicit = True
    else:
        order = W.ORDER_BY.search(r)
        top = bool(search(r"\btop\b|前\s*" + K_MASK, r))
        if order:
            spec.order_by = next(f for f, p in W.ORDER_FIELDS if search(p, order.group("field")))
            spec.descending = bool(W.DESC.search(r)) or (top and not W.ASC.search(r))
            explicit = True
        elif q.limit and search(r"\btop\b|前\s*\d", q.full):
            spec.order_by, spec.descending = "guide_price", True
            explicit = True
        if q.limit:
            spec.limit = q.limit
        if W.LISTING.search(r):
            explicit = True
    if spec.order_by and spec.order_by not in spec.columns:
        spec.columns.append(spec.order_by)  # show the key the rows are ranked by
    return explicit


def _aggregate_for_group(spec: QuerySpec, q: Reading) -> None:
    r, superlative, metric = q.r, q.superlative, q.metric
    if W.AVG_WORDS.search(r) or (superlative and superlative[0] == "guide_price"):
        spec.aggregate, spec.metric = "avg", metric or "guide_price"
    elif _sums(r):
        spec.aggregate, spec.metric = "sum", metric or "guide_price"
    elif W.MAX_WORDS.search(r) and not search(W.MORE, r):
        spec.aggregate, spec.metric = "max", metric or "guide_price"
    elif W.MIN_WORDS.search(r) and not search(W.FEWER, r):
        spec.aggregate, spec.metric = "min", metric or "guide_price"
    else:
        spec.aggregate = "count"


def _lists(r: str) -> bool:
    """A listing cue besides "look/check" ("帮我看看有没有" checks whether there are any)."""
    return any(not W.LISTING_WEAK.fullmatch(m.group(0)) for m in W.LISTING.finditer(r))


def _sums(r: str) -> bool:
    """A total of prices: a sum word, with money asked for or no count of cars asked instead."""
    if not W.SUM_WORDS.search(r):
        return False
    return bool(search(_MONEY, r)) or not search(f"{_NOT_A_SUM}|{_CARS_COUNTED}", r)


def _group_desc(q: Reading) -> bool:
    if q.superlative:
        return q.superlative[1]
    return not search(r"最低|最少|lowest|least|cheapest|最便宜", q.r)


def _group_order(spec: QuerySpec, r: str) -> None:
    if W.LABEL_ORDER.search(r):
        return  # "in month order": the groups in the order of their labels (the compiler's default)
    if W.DESC.search(r) or search(W.MORE, r):
        spec.order_by, spec.descending = "value", True
    elif W.ASC.search(r) or search(W.FEWER, r):
        spec.order_by, spec.descending = "value", False
    elif W.RANK.search(r):
        spec.order_by, spec.descending = "value", True


def _group_dims(r: str, values: dict[str, list[Match]], conds: list[Condition]) -> list[str]:
    dims: list[str] = []
    for pattern in W.GROUP_PATTERNS:
        for m in pattern.finditer(r):
            dim = W.dim_in(m)
            if dim and dim not in dims:
                dims.append(dim)
    for m in W.SECOND_DIM.finditer(r):
        dims += [d for d in W.dims_in(m) if d not in dims]
    for period, words in W.PERIOD_WORDS:
        if search(words, r) and period not in dims:
            dims.append(period)
    # "比亚迪和特斯拉各有多少辆", "BYD vs Tesla": several values of one field, compared
    if search(
        r"各|分别|分开|单独|respectively|separately|individually|\beach\b|\bvs\.?\b|versus|对比|相比|比较|比一下|比一比|比比|compare|\bcounts\b|\btotals\b|\bbreakdown\b"
        # "宝马的均价是多少，奔驰呢", "the average for BMW, and what about Audi?": the same asked of each
        r"|[,，]\s*(?:那|还有)?\s*\x01+\s*(?:的)?\s*呢|\b(?:what|how) about\b"
        r"|(?:how many|多少|几)[^?？。!！]{1,90}?(?:\band\b|\bor\b|和|还是|,|，)\s*(?:how many|多少|几)",
        r,
    ):
        for field_name, ms in values.items():
            if len({m.value for m in ms if not m.negated}) > 1 and field_name not in dims:
                dims.append("store" if field_name == "store_id" else field_name)
        for cond in conds:
            if (
                cond.op == "in"
                and len(cond.values) > 1
                and cond.field == "model_year"
                and cond.field not in dims
            ):
                dims.append(cond.field)
    return [d for d in dims if d not in ("vehicle_id", "vin")][:2]


def _columns(r: str) -> list[str]:
    return [name for name, pattern in W.COLUMN_WORDS if search(pattern, r)]
