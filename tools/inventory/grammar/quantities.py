"""Passes for numbers with a meaning: mileage, top-k, thresholds on counts, and prices.

A number is read with the comparison words around it ("不超过", "under", "以上", "or more"); a
price needs a unit, a currency or a price word nearby, so "前5" and "2025" are never prices.
"""

from __future__ import annotations

import re

from tools.inventory.grammar.scan import K_MASK, Scan
from tools.inventory.spec import Condition, Op

_CMP_PRE: list[tuple[Op, str]] = [
    (
        "le",
        r"不超过|不高于|不多于|最多|至多|at most|no more than|not more than|up to|no higher than|<=|≤|maximum of|max"
        # "nothing over 220k", "not above 300k": the bound is the most the customer will pay
        r"|nothing (?:over|above|more than|higher than|pricier than)|not (?:over|above|higher than)"
        r"|(?:can'?t|cannot|won'?t|will not|doesn'?t want to|don'?t want to) (?:go |spend |pay )?(?:above|over|more than|beyond)"
        r"|(?:can'?t|cannot|won'?t) exceed"
        # "别超过20万", "预算不能高于30万", "rather not spend more than 350k", "don't want to pay over
        # 200k", "shouldn't go past 300k", "not to exceed 250k", "within 300k": at most
        r"|(?:最好|千万|尽量)?(?:别|不要|不能|不想|不可以|不得|不会|不许|不宜|不用)\s*(?:超过|超出|高于|多于|贵于|过)|顶多|封顶"
        r"|(?:(?:would|'d)\s+)?(?:rather|prefer(?:\s+to)?)\s+not\s+(?:to\s+)?(?:go|spend|pay)\s+(?:above|over|more than|beyond|past)"
        r"|(?:don'?t|do not|doesn'?t|does not|not|never|shouldn'?t|should not|mustn'?t|must not|won'?t|will not|can'?t|cannot)"
        r"\s+(?:really\s+)?(?:want\s+to\s+|wanna\s+|need\s+to\s+|plan\s+(?:on|to)\s+|like\s+to\s+|be\s+able\s+to\s+)?(?:go|spend|pay|be|cost)\s+(?:above|over|more than|beyond|past)"
        r"|(?:not|never)\s+(?:to\s+)?exceed(?:ing)?|(?:shouldn'?t|should not|mustn'?t|must not|doesn'?t|does not|don'?t|do not)\s+exceed|within",
    ),
    (
        "ge",
        r"不低于|不少于|至少|起码|最少|at least|no less than|not less than|minimum of|min|>=|≥|starting at|starting from",
    ),
    (
        "lt",
        r"低于|少于|小于|不到|不足|便宜于|未满|under|below|less than|cheaper than|lower than|fewer than|<"
        r"|(?:keep|keeping|stay|staying)\s+(?:it\s+|things\s+)?(?:under|below)",
    ),
    (
        "gt",
        r"高于|超过|大于|多于|贵于|不止|over|above|more than|greater than|higher than|more expensive than|pricier than|>",
    ),
]
_CMP_POST: list[tuple[Op, str]] = [
    (
        "le",
        r"及以下|或以下|以下|以内|之内|内|or less|or below|or under|and under|and below|or fewer|max|tops|at (?:the )?most",
    ),
    ("ge", r"及以上|或以上|以上|起|or more|or above|and up|and above|\+|plus|or higher"),
]
_CMP_PRE_RE = "|".join(p for _, p in _CMP_PRE)
_CMP_POST_RE = "|".join(p for _, p in _CMP_POST)

_PRICE_WORDS = (
    r"价格|价钱|售价|指导价|报价|价位|预算|身价|prices?|priced|costs?|costing|msrp|budget|guide price"
)
_UNIT = r"万元|万块|万|w|千元|千块|千|k|grand|thousand|million|mil|百万|元|块钱|块|rmb|cny|yuan"
_MULT = {
    "万元": 1e4,
    "万块": 1e4,
    "万": 1e4,
    "w": 1e4,
    "千元": 1e3,
    "千块": 1e3,
    "千": 1e3,
    "k": 1e3,
    "grand": 1e3,
    "thousand": 1e3,
    "million": 1e6,
    "mil": 1e6,
    "百万": 1e6,
}
_NUM = rf"(?:[¥￥]\s*|rmb\s*|cny\s*)?(\d+(?:\.\d+)?)\s*({_UNIT})?(?![a-z])"
_PRICE_PREFIX = rf"(?:(?:{_PRICE_WORDS})\s*(?:在|是|为|at|of|is|:|between|from|介于)?\s*)?"
_PRICE_RANGE = re.compile(
    rf"{_PRICE_PREFIX}(?:between\s+|介于\s*|在\s*|from\s+)?{_NUM}\s*(?:到|至|-|–|~|～|〜|—|to|and|和|与)\s*{_NUM}\s*(?:之间|范围内|区间)?"
)
_PRICE = re.compile(
    rf"{_PRICE_PREFIX}(?P<pre>{_CMP_PRE_RE}|from)?\s*(?P<approx_pre>around|about|approximately|roughly|circa|大约|大概|约)?\s*"
    rf"(?:[¥￥]\s*|rmb\s*|cny\s*)?(?P<n>\d+(?:\.\d+)?)\s*(?P<u>{_UNIT})?(?![a-z\d])"
    rf"(?P<post>\s*(?:{_CMP_POST_RE}))?(?P<approx_post>\s*(?:左右|上下|附近))?"
)


def cmp_op(word: str, table: list[tuple[Op, str]]) -> Op | None:
    for op, pattern in table:
        if re.fullmatch(pattern, word.strip()):
            return op
    return None


def mileage(scan: Scan) -> None:
    def handle(m: re.Match[str]) -> bool:
        value = float(m.group("n"))
        if (m.group("unit") or "").startswith("万"):
            value *= 10_000
        number = int(value) if value == int(value) else value
        op = None
        if m.group("pre"):
            op = cmp_op(m.group("pre"), _CMP_PRE)
        if m.group("post"):
            op = cmp_op(m.group("post"), _CMP_POST) or op
        if op is None:
            scan.add("mileage_km", "between", [number, number])
        else:
            scan.add("mileage_km", op, [number])
        return True

    def ranged(m: re.Match[str]) -> bool:
        scale = 10_000 if (m.group("unit") or "").startswith("万") else 1
        low, high = sorted((float(m.group("a")) * scale, float(m.group("b")) * scale))
        scan.add("mileage_km", "between", [_tidy(low), _tidy(high)])
        return True

    # "mileage between 100 and 500 km", "里程在100到500公里之间"
    scan.sub(
        r"(?:里程|公里数|行驶里程|表显里程|mileage|odometer)?\s*(?:数)?\s*(?:在|介于|between|from|of)?\s*"
        r"(?P<a>\d+(?:\.\d+)?)\s*(?:公里|km)?\s*(?:到|至|-|–|~|和|与|and|to)\s*(?P<b>\d+(?:\.\d+)?)\s*"
        r"(?P<unit>万公里|公里|千米|km|kilomet(?:er|re)s?)(?:\s*之间)?",
        ranged,
    )
    cmp_pre = rf"(?P<pre>{_CMP_PRE_RE})?"
    post = rf"(?P<post>\s*(?:{_CMP_POST_RE}))?"
    unit = r"(?P<unit>万公里|公里|千米|km|kilomet(?:er|re)s?)"
    scan.sub(
        rf"(?:里程|公里数|行驶里程|表显里程|mileage|odometer(?: reading)?)\s*(?:数)?\s*(?:在|是|为|of|at|is|:)?\s*{cmp_pre}\s*(?P<n>\d+(?:\.\d+)?)\s*{unit}?{post}",
        handle,
    )
    scan.sub(rf"{cmp_pre}\s*(?P<n>\d+(?:\.\d+)?)\s*{unit}{post}", handle)

    def zero(_m: re.Match[str]) -> bool:
        scan.add("mileage_km", "between", [0, 0])
        return True

    def demo(_m: re.Match[str]) -> bool:
        scan.add("mileage_km", "ge", [500])  # a demonstrator has been driven, a new car has not
        return True

    scan.sub(r"零里程|0里程|zero[- ]mileage|zero km|0 km|零公里", zero)
    # "demo Geelys", "the demos": in this stock "demo" always names a demonstrator
    scan.sub(r"试驾车|展车|demo cars?|demonstrators?|demo vehicles?|ex-demo|\bdemos?\b", demo)


def top_k(scan: Scan) -> None:
    def k(m: re.Match[str]) -> bool:
        index = next(i for i, g in enumerate(m.groups(), 1) if g)
        value = int(m.group(index))
        if value > 0:
            # "top 99999999999999999999" asks for all of them: as many as a list may hold.
            scan.limit = min(value, MAX_TOP_K)
            scan.mask(*m.span(index), char=K_MASK)  # the words around it (最贵, cheapest) still count
        return False

    scan.sub(r"前\s*(\d+)\s*(?:名|辆|台|部|款|位|家|种|个(?!\s*月))?(?!\s*(?:个?月|天|周|年|季|日|号))", k)
    scan.sub(r"\btop\s*(\d+)\b", k)
    scan.sub(r"最[^\d\x01\s]{1,4}?的?\s*(\d+)\s*(?:辆|台|部|个|款|家|种|名)", k)
    scan.sub(r"(\d+)\s*(?:辆|台|部|个|款|家|种)\s*(?=(?:\S{0,4})最)", k)
    # "列出5辆"; not "找1台" ("find me a car": the indefinite article)
    scan.sub(
        r"(?:列出|显示|展示|给我看|看看|找出|找|查|列)\s*(?!1\s*(?:辆|台|部|个|条))(\d+)\s*(?:辆|台|部|个|条)",
        k,
    )
    scan.sub(
        r"\b(\d+)\s+(?=(?:most|least|cheapest|priciest|newest|latest|oldest|earliest|highest|lowest|best|recent|recently)\b)",
        k,
    )
    scan.sub(
        r"\b(?:cheapest|priciest|newest|oldest|latest|most expensive|least expensive|most recent|earliest)\s+(\d+)\b",
        k,
    )
    scan.sub(r"\b(?:show|list|give|display|find|get|pull up)\s+(?:me\s+)?(?:the\s+)?(?:first\s+)?(\d+)\b", k)
    scan.sub(r"\bfirst\s+(\d+)\b|\bwhich\s+(\d+)\b", k)
    scan.sub(
        r"\blast\s+(\d+)\b(?!\s*(?:days?|weeks?|months?|years?|quarters?)\b)", k
    )  # "the last 5 arrivals"
    # "show me 5 SUVs"; not "we need two pickups" (how many the customer buys, not how many to show)
    scan.sub(
        r"(?<!need )(?<!needs )(?<!want )(?<!wants )(?<!buy )(?<!buying )(?<!purchase )(?<!order )(?<!get )"
        r"\b(\d{1,3})\s+(?:[a-z-]+\s+){0,2}?(?:cars|vehicles|ones|units|suvs|sedans|mpvs|trucks|pickups|hatchbacks|evs|brands|models|stores|cities)\b",
        k,
    )


def count_threshold(scan: Scan) -> None:
    """A threshold on a count ("超过100辆的品牌"), kept for HAVING."""

    def handle(m: re.Match[str]) -> bool:
        op = cmp_op(m.group("pre"), _CMP_PRE) if m.group("pre") else cmp_op(m.group("post") or "", _CMP_POST)
        if op is None:
            return False
        scan.count_having = Condition("value", op, [int(m.group("n"))])
        return True

    scan.sub(rf"(?P<pre>{_CMP_PRE_RE})\s*(?P<n>\d+)\s*(?:辆|台|部|cars?|vehicles?|units?)(?P<post>)", handle)
    scan.sub(rf"(?P<pre>)(?P<n>\d+)\s*(?:辆|台|部|cars?|vehicles?|units?)\s*(?P<post>{_CMP_POST_RE})", handle)
    # "300 or more cars in stock", "100+ vehicles", "50 or fewer units": the bound before the noun
    scan.sub(
        rf"(?P<pre>)(?P<n>\d+)\s*(?P<post>{_CMP_POST_RE})(?=\s*(?:[a-z-]+\s+)?(?:辆|台|部|\b(?:cars?|vehicles?|units?)\b))",
        handle,
    )


# The largest "top N" a question can ask for, and the largest number read as a price (CNY).
MAX_TOP_K = 1000
MAX_PRICE = 1e10


def _tidy(value: float) -> int | float:
    return int(value) if value == int(value) else round(value, 2)


_BUDGET = re.compile(
    r"(?:预算|budget|can spend|to spend|spend up to|willing to spend|can afford|afford|手头有|手里有|能花|最多花)"
    r"[^\d,，。;；?？]{0,12}$"
)


def prices(scan: Scan) -> None:
    price_context = bool(
        re.search(_PRICE_WORDS + r"|[¥￥]|元|块|rmb|cny|yuan|贵|便宜|expensive|cheap", scan.full)
    )

    def amount(num: str, unit: str | None, currency: bool) -> float | None:
        value = float(num)
        if value > MAX_PRICE:  # no car costs that: not a price this question can be about
            return None
        if unit and unit in _MULT:
            return value * _MULT[unit]
        if unit or currency:
            return value
        if value >= 10_000 and price_context:
            return value  # a bare large number is a price only in a question about prices
        return None

    def ranged(m: re.Match[str]) -> bool:
        unit1, unit2 = m.group(2), m.group(4)
        cur = bool(re.search(r"[¥￥]|rmb|cny", m.group(0)))
        low = amount(m.group(1), unit1 or unit2, cur)
        high = amount(m.group(3), unit2 or unit1, cur)
        if low is None or high is None:
            return False
        low, high = sorted((low, high))
        scan.add("guide_price", "between", [_tidy(low), _tidy(high)])
        return True

    scan.sub(_PRICE_RANGE, ranged)

    def single(m: re.Match[str]) -> bool:
        cur = bool(re.search(r"[¥￥]|rmb|cny", m.group(0)))
        value = amount(m.group("n"), m.group("u"), cur)
        if value is None:
            return False
        op = None
        if m.group("pre"):
            op = cmp_op(m.group("pre"), _CMP_PRE)
        if m.group("post"):
            op = cmp_op(m.group("post").strip(), _CMP_POST) or op
        if m.group("approx_pre") or m.group("approx_post"):
            scan.add("guide_price", "between", [_tidy(value * 0.9), _tidy(value * 1.1)])
        elif op:
            scan.add("guide_price", op, [_tidy(value)])
        elif _BUDGET.search(scan.t[max(0, m.start("n") - 30) : m.start("n")]):
            # "预算30万", "my budget is 250k", "I can spend 200k": what the customer can pay at most
            scan.add("guide_price", "le", [_tidy(value)])
        elif value % 10_000:
            scan.add("guide_price", "between", [_tidy(value), _tidy(value)])
        else:  # a round figure ("20万") means about that much
            scan.add("guide_price", "between", [_tidy(value * 0.9), _tidy(value * 1.1)])
        return True

    scan.sub(_PRICE, single)
