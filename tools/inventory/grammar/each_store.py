"""The stores of a named city asked about one by one, and "each of the X" as a grouping.

"北京三家店各有多少台", "南京两家店的均价分别是多少", "at each of the Beijing stores", "between our two
Guangzhou stores, which one has the higher average": the city names the stores and the question
asks for each of them, so the answer is one row per store of that city (the city stays a
condition). Said without asking for each ("上海三家店一共有多少台") the stores are only where the cars
are. "each of our brands", "every one of the cities" group by the dimension as "each brand" does.
"""

from __future__ import annotations

import re

from tools.inventory.grammar import keywords as W
from tools.inventory.grammar.reading import search
from tools.inventory.grammar.scan import MASK, Match

# What follows a city that names its stores: "北京三家店", "北京的两家门店", "the Beijing stores".
_STORES_AFTER = re.compile(
    r"\s*(?:地区|市区|市|区域|那边|这边)?\s*(?:的)?\s*(?:所有|全部)?\s*(?:\d+|几)?\s*(?:家|个)?\s*(?:门店|分店|4s店|店面|店铺|展厅|店)"
    r"|(?:'s)?\s+(?:area\s+|city\s+)?(?:stores?|showrooms?|branch(?:es)?|dealerships?|locations?|shops?|outlets?)\b",
    re.ASCII,
)
# The question asks about each one: "各", "分别", "each of", "which one", "compare".
_EACH = (
    r"各|分别|各自|每家|每个|哪一?家|哪一?个|对比|比较|比一比|\beach\b(?!\s+(?:car|vehicle|unit|model)s?\b)|\brespectively\b"
    r"|\bseparately\b|\bindividually\b|\bwhich (?:one|of (?:them|the|those|these|our))\b|\bcompare\b"
    r"|\bper store\b|\bstore by store\b|\bbreak(?:down| it down| down)\b|谁"
    r"|\bwhich\s+(?:one|of|sold|sells|has|have|had|is|was|did|does|carries|stocks|holds|got|\x01+\s+(?:more|fewer|less)\b)"
)
# "which one has the higher average", "哪一家更贵": the group asked for is the one just named.
WHICH_ONE = (
    r"\bwhich (?:one|of (?:them|the two|those|these|the \d+))\b|哪一?(?:家|个)(?!\s*(?:店|门店|城市|品牌))"
)
_EACH_OF = re.compile(
    rf"\b(?:each|every(?:\s+one)?|all)\s+of\s+(?:the|our|your|these|those|its|their)\s+(?:{MASK}+\s*)?(?:\d+\s+)?(?:{W.dim_re()})\b",
    re.ASCII,
)


def city_stores_each(text: str, cities: list[Match]) -> bool:
    """A named city's stores, each asked about: group by store within the city."""
    if not search(_EACH, text):
        return False
    return any(not m.negated and _STORES_AFTER.match(text, m.end) for m in cities)


def each_of(text: str) -> str | None:
    """ "each of the brands", "every one of our stores": the dimension to group by."""
    return W.dim_in(_EACH_OF.search(text))


def each_group(text: str, values: dict[str, list[Match]]) -> list[str]:
    """The grouping a question asks for one by one when no grouping word named it."""
    if city_stores_each(text, values.get("city", [])):
        return ["store"]
    dim = each_of(text)
    return [dim] if dim else []
