"""Shapes that answer with values rather than rows or groups: a span (the lowest and the highest value
together, "最高价和最低价分别是多少", "price range of the Model Y"), the earliest or latest intake date
or model year asked as a value ("最早入库的是哪天", "oldest model year we have"), and the check that
refuses an aggregate of the top-k rows ("the average price of the 10 priciest cars"), which no
single query of the compiler expresses.
"""

from __future__ import annotations

from tools.inventory.grammar import keywords as W
from tools.inventory.grammar.reading import PRICE_ASKED, Reading, search
from tools.inventory.spec import QuerySpec


def aggregate_of_top_rows(q: Reading) -> bool:
    """An average or total of the top-k rows ("前10台最贵的车的平均价"), which needs a subquery."""
    return bool(W.AVG_WORDS.search(q.r) or W.SUM_WORDS.search(q.r)) and not (
        W.TOP_DIM.search(q.r) or W.dim_in(q.which) or search(r"\b(?:by|per)\b|按|每", q.r)
    )


def span_noun(q: Reading) -> bool:
    """ "价格区间", "price range": a span asked for, unless a price filter names the range itself."""
    return bool(W.SPAN_NOUN.search(q.r)) and not any(c.field == "guide_price" for c in q.conds)


def span(q: Reading, spec: QuerySpec) -> bool:
    """The lowest and the highest value in one query ("最高价和最低价", "price range of the Model Y").

    "最便宜和最贵的车是哪两台" wants two cars, which no single query shape gives: False (asked about).
    """
    if (W.LISTING.search(q.r) or W.WHICH_ONES.search(q.r)) and not (
        search(PRICE_ASKED, q.r) or q.metric or W.SPAN_NOUN.search(q.r)
    ):
        return False
    spec.aggregate, spec.metric = "range", q.metric or "guide_price"
    spec.group_by = q.group
    return True


def extreme_value(q: Reading, spec: QuerySpec) -> bool:
    """The earliest/latest intake date or model year asked as a value: MIN or MAX of that column."""
    if q.limit or q.group or W.CAR_ASKED.search(q.r):
        return False
    old, new = W.OLD_WORDS.search(q.r), W.NEW_WORDS.search(q.r)
    if not (old or new):
        return False
    oldest = old is not None and (new is None or old.start() <= new.start())
    if q.metric == "model_year" and W.YEAR_ASKED.search(q.r):
        spec.aggregate, spec.metric = ("min" if oldest else "max"), "model_year"
        return True
    if q.superlative and q.superlative[0] == "intake_date" and W.DATE_ASKED.search(q.r):
        spec.aggregate, spec.metric = ("max" if q.superlative[1] else "min"), "intake_date"
        return True
    return False
