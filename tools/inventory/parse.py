"""The local engine's grammar: a question (Chinese, English or mixed) -> QuerySpec.

The parser reads the question in passes, each of which recognises one kind of phrase and masks
what it consumed so that later passes cannot read it twice:

    ids and VINs -> entities (brands, models, stores, cities; longest alias first) -> model years
    -> dates (explicit, quarters, halves, months, years, relative periods) -> durations ("库龄超过
    90天", "in the last 30 days") -> mileage -> top-k -> count thresholds -> prices -> attributes
    (colours, body and fuel types, statuses; with negation)

and finally decides the shape (aggregate, group-by, top-k, distinct values, lookup, listing) from
the keywords left over. Only canonical catalogue values, numbers and dates leave this module: the
user's own words never reach SQL. Conventions (documented in docs/inventory.md): "库存"/"in stock"
means status in_stock; a bare year ("2025年") is an intake year, "2025款" a model year; "before P"
is before P starts, "after P" after it ends, "since P" from its start; "last month" is the previous
calendar month, "the last 30 days" a rolling window ending today.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from switchboard.text import normalize
from tools.inventory import dates as D
from tools.inventory.lexicon import ATTRIBUTE_ALIASES, ENTITY_ALIASES, NEUTRAL, PATTERNS, SHORT_COLORS, Alias
from tools.inventory.spec import DEFAULT_LIST_COLUMNS, VEHICLE_COLUMNS, Condition, QuerySpec

MASK = "\x01"  # what the parser consumed (entities, dates, prices, ...)
K_MASK = "\x02"  # a consumed top-k number: "前5个品牌" still reads as top-k groups

# --- number words -------------------------------------------------------------------------
_CN_DIGIT = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000}
_CN_RUN = re.compile(r"[零〇一二两三四五六七八九十百千]+")
_CN_AFTER = set("万千百辆台个款家季月天周年名位条种部w号日倍")
_CN_BEFORE = set("前第近")
_CN_NOT_BEFORE = set("哪每这那同任统唯单之一")
_EN_WORDS = "two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty"
_EN_NUMBERS = {word: str(i) for i, word in enumerate(_EN_WORDS.split(), start=2)}


def _cn_to_int(run: str) -> int | None:
    if not any(c in _CN_UNIT for c in run):
        digits = [_CN_DIGIT.get(c) for c in run]
        return None if None in digits else int("".join(str(d) for d in digits))
    total, current = 0, 0
    for char in run:
        if char in _CN_DIGIT:
            current = _CN_DIGIT[char]
        elif char in _CN_UNIT:
            total += (current or 1) * _CN_UNIT[char]
            current = 0
    return total + current


def _convert_cn_numbers(text: str) -> str:
    def repl(m: re.Match[str]) -> str:
        before = text[m.start() - 1] if m.start() else ""
        after = text[m.end()] if m.end() < len(text) else ""
        if before in _CN_NOT_BEFORE:
            return m.group(0)
        if after in _CN_AFTER or before in _CN_BEFORE:
            value = _cn_to_int(m.group(0))
            return m.group(0) if value is None else str(value)
        return m.group(0)

    return _CN_RUN.sub(repl, text)


def prepare(question: str) -> str:
    """Normalised, lower-case text with Chinese and English number words as digits."""
    text = normalize(question).lower()
    text = re.sub(r"(?<![上下])半年", "6个月", text).replace("半个月", "15天")
    text = re.sub(r"\bhalf (?:a )?year\b", "6 months", text)
    text = re.sub(r"\b(?:a|an|one)\s+(day|week|month|year)\b", r"1 \1", text)
    text = _convert_cn_numbers(text)
    text = re.sub(r"\b(" + "|".join(_EN_NUMBERS) + r")\b", lambda m: _EN_NUMBERS[m.group(1)], text)
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)  # 300,000 -> 300000
    return text


# --- phrase tables --------------------------------------------------------------------------
_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for m in names
}
_MONTH = r"(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")"
_YEARTOK = r"(\d{4}\s*年|今年|去年|前年|this\s+year'?s?|last\s+year'?s?)"
_ORD = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}

_CMP_PRE = [
    (
        "le",
        r"不超过|不高于|不多于|最多|至多|at most|no more than|not more than|up to|no higher than|<=|≤|maximum of|max",
    ),
    (
        "ge",
        r"不低于|不少于|至少|起码|最少|at least|no less than|not less than|minimum of|min|>=|≥|starting at|starting from",
    ),
    (
        "lt",
        r"低于|少于|小于|不到|不足|便宜于|未满|under|below|less than|cheaper than|lower than|fewer than|<",
    ),
    (
        "gt",
        r"高于|超过|大于|多于|贵于|不止|over|above|more than|greater than|higher than|more expensive than|pricier than|>",
    ),
]
_CMP_POST = [
    ("le", r"及以下|或以下|以下|以内|之内|内|or less|or below|or under|and under|and below|or fewer|max"),
    ("ge", r"及以上|或以上|以上|起|or more|or above|and up|and above|\+|plus|or higher"),
]
_CMP_PRE_RE = "|".join(p for _, p in _CMP_PRE)
_CMP_POST_RE = "|".join(p for _, p in _CMP_POST)


def _cmp_op(word: str, table: list[tuple[str, str]]) -> str | None:
    for op, pattern in table:
        if re.fullmatch(pattern, word.strip()):
            return op
    return None


_NEG_BEFORE = re.compile(
    r"(?:(?<!是)不是|不为|并非|非|除了|除去|除|排除|不包括|不含|不要|去掉"
    r"|\bnot|\bnon|\bexcluding|\bexclude|\bexcept(?:\s+for)?|\bother\s+than|\bbesides|\bapart\s+from"
    r"|\baside\s+from|\bwithout|\bbut\s+not|\bisn't|\baren't)\s*-?\s*(?:the\s+|a\s+|an\s+|any\s+)?$"
)
_NEG_STATUS = re.compile(r"(?:未|没有?被?|尚未|还没有?)\s*$")
_NEG_AFTER = re.compile(r"^\s*(?:以外|之外)")
_CONJ = re.compile(r"^\s*(?:和|与|及|或|或者|、|,|/|and|or|nor|&)\s*$")

_PRICE_WORDS = (
    r"价格|价钱|售价|指导价|报价|价位|预算|身价|prices?|priced|costs?|costing|msrp|budget|guide price"
)
_UNIT = r"万元|万块|万|w|千元|千块|千|k|thousand|million|mil|百万|元|块钱|块|rmb|cny|yuan"
_MULT = {
    "万元": 1e4,
    "万块": 1e4,
    "万": 1e4,
    "w": 1e4,
    "千元": 1e3,
    "千块": 1e3,
    "千": 1e3,
    "k": 1e3,
    "thousand": 1e3,
    "million": 1e6,
    "mil": 1e6,
    "百万": 1e6,
}
_NUM = rf"(?:[¥￥]\s*|rmb\s*|cny\s*)?(\d+(?:\.\d+)?)\s*({_UNIT})?(?![a-z])"

_DIMS: list[tuple[str, str]] = [
    ("model_year", r"年款|model[- ]years?"),
    ("body_type", r"车身类型|车身形式|车型类别|车辆类型|车身|body[- ]types?|body[- ]styles?|body"),
    (
        "fuel_type",
        r"燃料类型|燃油类型|能源类型|动力类型|动力形式|燃料|能源|动力|fuel[- ]types?|fuel|powertrains?|energy[- ]types?",
    ),
    ("brand", r"品牌|牌子|厂商|厂家|brands?|makes?|manufacturers?|marques?"),
    ("model", r"车型|型号|车系|models?"),
    ("city", r"城市|地区|cit(?:y|ies)"),
    (
        "store",
        r"门店|店铺|店面|展厅|经销商|4s店|分店|店|stores?|dealerships?|dealers?|branch(?:es)?|showrooms?|locations?|shops?|outlets?",
    ),
    ("status", r"状态|status(?:es)?"),
    ("color", r"颜色|车色|colou?rs?"),
    ("intake_quarter", r"季度|quarters?"),
    ("intake_month", r"月份|月|months?"),
    ("intake_year", r"年份|年度|年|years?"),
]
_TAGS = iter(range(10_000))


def _dim_re() -> str:
    """The dimension words as named groups (`brand__3`, ...), unique per use inside one regex."""
    tag = next(_TAGS)
    return "|".join(f"(?P<{name}__{tag}>{pattern})" for name, pattern in _DIMS)


_GROUP_PATTERNS = [
    re.compile(rf"(?:按|按照|根据|依|以|分)\s*(?:照|不同的?)?\s*(?:{_dim_re()})"),
    re.compile(
        rf"(?:每个|每一个|每1个|每家|每种|每款|每一种|每类|每|各个|各家|各种|各款|各|不同)\s*(?:的)?\s*(?:{_dim_re()})"
    ),
    re.compile(rf"(?:{_dim_re()})\s*(?:分布|占比|构成|维度|排名|排行|统计)"),
    re.compile(
        rf"\b(?:by|per|for each|for every|each|every|across|grouped by|group by|broken down by|break(?:ing)? ?down by|split by|according to)\s+(?:the\s+|their\s+|its\s+)?(?:{MASK}+\s*)?(?:{_dim_re()})\b"
    ),
    re.compile(rf"\b(?:{_dim_re()})[- ](?:wise|breakdown|distribution|split)\b"),
]
_PERIOD_WORDS = [
    ("intake_month", r"每月|每个月|按月|逐月|monthly|month by month|per month|each month|by month"),
    ("intake_quarter", r"每季度|每个季度|按季度|逐季|quarterly|per quarter|each quarter|by quarter"),
    ("intake_year", r"每年|按年|逐年|yearly|annually|per year|each year|by year"),
]
_WHICH = re.compile(
    rf"(?:哪个|哪家|哪一个|哪1个|哪种|哪款|哪一款|哪一种|哪一家|哪些|哪|什么|\bwhich|\bwhat)\s*(?:的)?\s*(?:{_dim_re()})"
    rf"|(?:{_dim_re()})\s*(?:是)?\s*(?:哪个|哪家|哪一个|哪1个|哪种|哪款|哪一款|哪一种|哪一家)"
)
_SUPERLATIVES: list[tuple[str, str, bool]] = [
    (
        r"最贵|价格最高|价位最高|售价最高|指导价最高|最高价的|most expensive|priciest|highest[- ]priced|most costly|dearest|pricie?st",
        "guide_price",
        True,
    ),
    (
        r"最便宜|价格最低|价位最低|售价最低|指导价最低|最低价的|最实惠|cheapest|least expensive|lowest[- ]priced|most affordable",
        "guide_price",
        False,
    ),
    (
        r"里程最高|里程最多|里程最长|里程最大|公里数最多|公里数最高|highest mileage|most mileage|most kilomet(?:er|re)s|most km|mileage is highest",
        "mileage_km",
        True,
    ),
    (
        r"里程最低|里程最少|里程最短|里程最小|公里数最少|lowest mileage|least mileage|fewest (?:km|kilomet(?:er|re)s)",
        "mileage_km",
        False,
    ),
    (r"年款最新|最新年款|newest model year|latest model year", "model_year", True),
    (
        r"最新入库|最近入库|最新到店|最近到店|最新到货|最晚入库|最新进|最新的|最近到的|newest|latest|most recent(?:ly)?|arrived last",
        "intake_date",
        True,
    ),
    (
        r"最早入库|最早到店|最早到货|最早的|最老的|库龄最长|在库时间最长|在库最久|放得最久|停放最久|库存最久|最久|oldest|earliest|longest",
        "intake_date",
        False,
    ),
]
_MORE = r"最多|most|largest number|biggest|largest|highest (?:number|count)|the most"
_FEWER = r"最少|fewest|least|smallest|lowest (?:number|count)"

_COUNT_RE = re.compile(
    r"多少辆|多少台|多少部|多少个|几辆|几台|几部|几个|数量|数目|总数|总量|多少车|有多少|多少(?!钱)|台数|辆数|计数"
    r"|how many|number of|count|total number|tally|quantity"
)
_AVG_RE = re.compile(r"平均|均价|avg|average|mean")
_SUM_RE = re.compile(
    r"总价值|总货值|货值|总价|总金额|总额|合计金额|价值总和|价格总和|总值|total value|total price|total worth|combined value"
    r"|combined price|sum of|total guide price|total of|worth in total|in total worth|how much .{0,30}worth|value of"
)
_MIN_RE = re.compile(
    r"最低的?(?:指导)?(?:价格|价|售价|报价)|起售价|起价|最便宜的价格|最便宜的多少钱|最低(?:是)?多少|lowest (?:guide )?price|minimum (?:guide )?price|min price"
    r"|cheapest price|starting price|minimum|\bmin\b|lowest"
)
_MAX_RE = re.compile(
    r"最高的?(?:指导)?(?:价格|价|售价|报价)|最贵的价格|最贵的多少钱|最高(?:是)?多少|highest (?:guide )?price|maximum (?:guide )?price|max price"
    r"|top price|maximum|\bmax\b|highest"
)
_TOP_DIM = re.compile(
    rf"(?:前|top)\s*{K_MASK}+\s*(?:个|名|家|款|种)?\s*(?:的)?\s*(?:{_dim_re()})|(?:^|\s){K_MASK}+\s+(?:[a-z-]+\s+)?(?:{_dim_re()})"
)
_VALUE_Q = re.compile(
    r"多少钱|价格是多少|价是多少|是多少|多少|how much|what is the|what's the|what was the|价格多少"
)
_METRICS = [("mileage_km", r"里程|公里|mileage|odometer|\bkm\b|kilomet"), ("model_year", r"年款|model year")]

_COUNT_DISTINCT = re.compile(
    rf"(?:多少|几)\s*(?:个|种|款|家|类)\s*(?:不同的?)?\s*(?:{_dim_re()})?"
    rf"|how many\s+(?:different\s+|distinct\s+|unique\s+)?(?:{_dim_re()})"
)
_DISTINCT_RE = re.compile(
    rf"(?:有)?(?:哪些|哪几种|哪几个|哪几款|什么样的|什么)\s*(?:{_dim_re()})"
    rf"|(?:{_dim_re()})\s*(?:都)?(?:有哪些|有什么|有哪几种|是什么|有几种|都有啥|有啥)"
    rf"|\b(?:what|which|list(?: all)?(?: the)?|show(?: me)?(?: all)?(?: the)?)\s+(?:different\s+|distinct\s+|unique\s+)?(?:{_dim_re()})"
)
_LIST_RE = re.compile(
    r"列出|列一下|列举|显示|展示|给我看|看看|看一下|查看|查一下|查询|找出|找一下|筛选|有哪些|哪些车|哪几辆|哪辆|哪台|哪一辆"
    r"|清单|明细|信息|详情|资料|\blist|\bshow|\bdisplay|which (?:cars|vehicles|ones|one)|what (?:cars|vehicles)|\bfind"
    r"|give me|search|look ?up|details|info\b|information"
)
_VEHICLE_NOUN = re.compile(
    r"车|辆|台|库存|汽车|vehicles?|cars?|autos?|stock|inventory|units?|suvs?|sedans?|evs?|trucks?|pickups?|mpvs?|fleet"
)
_STORE_SUBJECT = re.compile(
    r"(?:多少|几)\s*(?:家|个)\s*(?:门店|店|展厅|经销商|4s店|分店)|how many (?:stores|dealerships|showrooms|branches|locations|shops|outlets)"
    r"|门店数|store count|number of (?:stores|dealerships|showrooms|branches)"
    r"|(?:列出|所有|全部|有哪些|哪些|list|show|all)\s*(?:the\s+|all\s+|of\s+|your\s+|our\s+)*(?:的)?\s*(?:门店|店铺|分店|展厅|stores|dealerships|showrooms|branches|shops)"
)
_ORDER_RE = re.compile(
    r"(?:按|按照|根据|以|\bby|sorted by|sort by|order(?:ed)? by|ranked by|rank by|rank(?:ed)? on)\s*(?:the\s+)?"
    r"(?P<field>指导价格|指导价|价格|售价|价钱|guide price|price|入库日期|入库时间|接车日期|接车时间|到店日期|intake date|intake|arrival date|arrival|date"
    r"|里程|mileage|odometer|年款|model year)"
)
_ORDER_FIELDS = [
    ("guide_price", r"价|price"),
    ("mileage_km", r"里程|mileage|odometer"),
    ("model_year", r"年款|model year"),
    ("intake_date", r"."),
]
_DESC = re.compile(
    r"从高到低|从大到小|由高到低|降序|倒序|从新到旧|从近到远|由近及远|最新的在前|desc(?:ending)?|high(?:est)? to low(?:est)?|highest first|newest first|most recent first|largest first|most first|从多到少"
)
_ASC = re.compile(
    r"从低到高|从小到大|由低到高|升序|正序|从旧到新|从远到近|asc(?:ending)?|low(?:est)? to high(?:est)?|lowest first|oldest first|cheapest first|smallest first|从少到多"
)
_RANK = re.compile(r"排名|排行|排序|rank|ranking|sorted|sort|order")

_COLUMN_WORDS: list[tuple[str, str]] = [
    ("vehicle_id", r"车辆id|汽车id|车id|\bids?\b|编号|车号|vehicle ids?"),
    ("vin", r"\bvins?\b|车架号|识别码|识别代号"),
    ("brand", r"品牌|牌子|\bbrands?\b|\bmakes?\b"),
    ("model", r"车型|型号|\bmodels?\b(?!\s*year)"),
    ("model_year", r"年款|model year"),
    ("body_type", r"车身|body"),
    ("fuel_type", r"燃料|动力|能源|\bfuel|powertrain"),
    ("color", r"颜色|什么色|colou?rs?"),
    (
        "intake_date",
        r"接车日期|接车时间|入库日期|入库时间|到店日期|到店时间|到货日期|进店日期|什么时候|何时|哪天|哪一天|intake|arrival|arrived|arrive|received|receive|\bwhen\b",
    ),
    ("guide_price", r"指导价|价格|价钱|售价|报价|多少钱|\bprices?\b|msrp|\bcosts?\b|how much"),
    (
        "status",
        r"状态|在库吗|还在吗|还在库|卖了吗|卖掉了吗|售出了吗|卖出去了吗|预订了吗|status|still available|still in stock|available\?|is it sold|been sold|sold\?|reserved\?",
    ),
    (
        "store",
        r"门店|哪个店|哪家店|店名|在哪|哪里|\bstores?\b|\bdealers?\b|showroom|\bwhere\b|location|branch",
    ),
    ("city", r"城市|在哪|哪里|\bcit(?:y|ies)\b|\bwhere\b"),
    ("mileage_km", r"里程|公里|mileage|odometer|\bkm\b"),
]

_FOLLOWUP = re.compile(
    r"^(?:那么?|那如果|其中|这些|这里面|这其中|里面|只看|如果是|如果只看|换成|改看|再看|还有|另外|同样|它们|它|他们|那其中|那么其中)"
    r"|其中|它们|这些车|这批车|呢\s*[?？]?\s*$"
    r"|^(?:and|what about|how about|of (?:them|those|these)|among (?:them|those|these)|only|just|now|then|same|but|also|ok(?:ay)?,? and|what if)\b"
    r"|\b(?:of them|of those|of these|among them|among those|those ones|these ones|them|those)\b"
)


@dataclass
class Match:
    field: str
    value: Any
    start: int
    end: int
    negated: bool = False


@dataclass
class Parsed:
    spec: QuerySpec | None
    understood: bool
    followup: bool = False
    alternatives: list[QuerySpec] = field(default_factory=list)


class _Parser:
    def __init__(self, question: str, today: date) -> None:
        self.full = prepare(question)
        self.t = self.full
        self.today = today
        self.matches: list[Match] = []
        self.conds: list[Condition] = []
        self.limit: int | None = None
        self.count_having: Condition | None = None
        self.bare_year: tuple[int, int] | None = None  # (index into conds, year) for the ambiguity retry
        self.intake_context = bool(
            re.search(
                r"入库|接车|到店|到货|进店|进货|收车|入店|上架|received|arrived|arrival|intake|came in|stocked|delivered|added",
                self.full,
            )
        )

    # -- helpers ----------------------------------------------------------------------------
    def mask(self, start: int, end: int, char: str = MASK) -> None:
        self.t = self.t[:start] + char * (end - start) + self.t[end:]

    def sub(self, pattern: str | re.Pattern[str], handler: Any) -> None:
        """Call handler(match) for each match of `pattern`; mask the match if it returns True."""
        regex = re.compile(pattern) if isinstance(pattern, str) else pattern
        pos = 0
        while True:
            m = regex.search(self.t, pos)
            if not m:
                return
            if m.end() == m.start():
                pos = m.end() + 1
                continue
            if handler(m):
                self.mask(m.start(), m.end())
            pos = m.end()

    def negated(self, start: int, end: int, field_name: str) -> bool:
        before = self.t[max(0, start - 16) : start]
        if _NEG_BEFORE.search(before) or _NEG_AFTER.match(self.t[end : end + 4]):
            return True
        if field_name == "status" and _NEG_STATUS.search(before):
            return True
        earlier = [m for m in self.matches if m.field == field_name and m.end <= start]
        if earlier:
            prev = max(earlier, key=lambda m: m.end)  # "除了蔚来和小鹏": the nearest one before
            return prev.negated and bool(_CONJ.match(self.t[prev.end : start]))
        return False

    def add(self, field_name: str, op: str, values: list[Any]) -> None:
        self.conds.append(Condition(field_name, op, values))  # type: ignore[arg-type]

    # -- passes -----------------------------------------------------------------------------
    def ids(self) -> None:
        def vid(m: re.Match[str]) -> bool:
            self.matches.append(Match("vehicle_id", f"V{int(m.group(1)):05d}", m.start(), m.end()))
            return True

        self.sub(r"(?<![a-z0-9])v\s*-?\s*0*(\d{1,7})(?![0-9])(?!\s*(?:级|class|-class))", vid)

        def vin(m: re.Match[str]) -> bool:
            self.matches.append(Match("vin", m.group(0).upper(), m.start(), m.end()))
            return True

        self.sub(r"(?<![a-z0-9])[a-hj-npr-z0-9]{17}(?![a-z0-9])", vin)
        for phrase in NEUTRAL:
            self.sub(re.escape(phrase), lambda m: True)

    def aliases(self, table: list[Alias]) -> None:
        for alias in table:
            if alias.text not in self.t:
                continue
            if alias.context and not re.search(alias.context, self.full):
                continue
            pattern = PATTERNS[alias.text]
            for m in list(pattern.finditer(self.t)):
                if MASK in self.t[m.start() : m.end()]:
                    continue
                neg = alias.negated or self.negated(m.start(), m.end(), alias.field)
                if alias.negated and self.negated(m.start(), m.end(), alias.field):
                    neg = False  # "not unsold" is rare enough to read as sold
                self.matches.append(Match(alias.field, alias.value, m.start(), m.end(), neg))
                self.mask(m.start(), m.end())

    def short_colors(self) -> None:
        def color(m: re.Match[str]) -> bool:
            value = SHORT_COLORS[m.group(1)]
            self.matches.append(
                Match("color", value, m.start(), m.end(), self.negated(m.start(), m.end(), "color"))
            )
            return True

        self.sub(r"([白黑银灰红蓝])(?=[的色车漆款]|$|[\s、和或与,?？呢。])", color)

    def model_years(self) -> None:
        def ranged(m: re.Match[str]) -> bool:
            low, high = sorted((int(m.group(1)), int(m.group(2))))
            self.add("model_year", "between", [low, high])
            return True

        self.sub(r"(20\d\d)\s*(?:年款|款)?\s*(?:到|至|-|~|to)\s*(20\d\d)\s*(?:年款|款)", ranged)
        self.sub(
            r"(?:model[- ]?years?|年款)\s*(?:from\s+|between\s+|在\s*)?(20\d\d)\s*(?:到|至|-|~|to|and)\s*(20\d\d)",
            ranged,
        )

        def listed(m: re.Match[str]) -> bool:
            self.add("model_year", "in", sorted({int(y) for y in re.findall(r"20\d\d", m.group(0))}))
            return True

        self.sub(r"20\d\d(?:\s*(?:,|and|or|和|与|及|、)\s*20\d\d)+\s*(?:年款|款|model[- ]?years?)", listed)

        def single(m: re.Match[str]) -> bool:
            year = int(next(g for g in m.groups() if g))
            after = self.t[m.end() : m.end() + 12]
            before = self.t[max(0, m.start() - 16) : m.start()]
            op = "between"
            tail = re.match(
                r"\s*(?:的)?\s*(及以后|及以上|及之后|以后|以上|之后|或更新|及更新|or newer|or later|and newer|and later|and up|onwards|\+|及以前|及之前|及以下|或更早|or older|or earlier|and older|以前|之前|以下)",
                after,
            )
            if tail:
                word = tail.group(1)
                op = (
                    "ge"
                    if word
                    in (
                        "及以后",
                        "及以上",
                        "及之后",
                        "以后",
                        "以上",
                        "之后",
                        "或更新",
                        "及更新",
                        "or newer",
                        "or later",
                        "and newer",
                        "and later",
                        "and up",
                        "onwards",
                        "+",
                    )
                    else (
                        "le"
                        if word
                        in ("及以前", "及之前", "及以下", "或更早", "or older", "or earlier", "and older")
                        else "lt"
                    )
                )
                self.mask(m.end(), m.end() + tail.end())
            elif re.search(r"(?:newer than|later than|after|晚于|新于)\s*$", before):
                op = "gt"
            elif re.search(r"(?:older than|earlier than|before|prior to|早于)\s*$", before):
                op = "lt"
            elif re.search(r"(?:at least|不早于)\s*$", before):
                op = "ge"
            self.add("model_year", op, [year, year] if op == "between" else [year])
            return True

        self.sub(
            r"(20\d\d)\s*(?:年款|款)|model[- ]?years?\s*(?:of\s+|is\s+|=\s*)?(20\d\d)|\bmy\s?(20\d\d)\b"
            r"|(20\d\d)\s+model[- ]?years?|\b(20\d\d)\s+models?\b|\b(20\d\d)(?=\s*" + MASK + ")",
            single,
        )

    def _range_op(self, begin: int, finish: int, rng: D.Range) -> None:
        """Turn a period into a condition on intake_date, reading before/after/since around it."""
        after = self.t[finish : finish + 10]
        before = self.t[max(0, begin - 20) : begin]
        start, end = rng
        tail = re.match(
            r"\s*(?:的)?\s*(之前|以前|前(?![0-9])|before|之后|以后|后(?![0-9])|after|以来|起|开始|至今|onwards?|and later|or later|及以后|及以前|为止)",
            after,
        )
        op, values = "between", [start.isoformat(), end.isoformat()]
        word = tail.group(1) if tail else ""
        if word in ("之前", "以前", "前", "before"):
            op, values = "lt", [start.isoformat()]
        elif word in ("之后", "以后", "后", "after"):
            op, values = "gt", [end.isoformat()]
        elif word in ("以来", "起", "开始", "至今", "onwards", "onward", "and later", "or later", "及以后"):
            op, values = "ge", [start.isoformat()]
        elif word in ("及以前", "为止"):
            op, values = "le", [end.isoformat()]
        elif re.search(r"(?:before|prior\s+to|earlier\s+than|早于)\s*$", before):
            op, values = "lt", [start.isoformat()]
        elif re.search(r"(?:after|later\s+than|晚于)\s*$", before):
            op, values = "gt", [end.isoformat()]
        elif re.search(r"(?:since|starting(?:\s+from)?|自从|自|从|from)\s*$", before):
            op, values = "ge", [start.isoformat()]
        elif re.search(r"(?:until|till|through|up\s+to|截至|截止到?|直到|到)\s*$", before):
            op, values = "le", [end.isoformat()]
        if tail:
            self.mask(finish, finish + tail.end())
        self.mask(begin, finish)
        self.dates.append((begin, finish, op, values))

    def _year_of(self, token: str | None) -> int:
        if not token:
            return self.today.year
        token = token.strip()
        if token.startswith(("去年", "last")):
            return self.today.year - 1
        if token.startswith("前年"):
            return self.today.year - 2
        if token.startswith(("今年", "this")):
            return self.today.year
        return int(re.match(r"\d{4}", token).group(0))  # type: ignore[union-attr]

    def dates_pass(self) -> None:
        self.dates: list[tuple[int, int, str, list[str]]] = []
        today = self.today

        def on(rng_fn: Any) -> Any:
            def handler(m: re.Match[str]) -> bool:
                try:
                    rng = rng_fn(m)
                except ValueError:  # 2025-02-30 and the like: not a date, leave it
                    return False
                if rng is None:
                    return False
                begin, finish = m.span("d") if "d" in m.re.groupindex else m.span()
                self._range_op(begin, finish, rng)
                return False  # _range_op masked the date itself (not a preposition before it)

            return handler

        def ymd(y: str, mo: str, d: str) -> D.Range:
            day = date(int(y), int(mo), int(d))
            return day, day

        self.sub(
            r"(20\d\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?", on(lambda m: ymd(*m.groups()))
        )
        self.sub(
            rf"\b{_MONTH}\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(20\d\d)\b",
            on(lambda m: ymd(m.group(3), str(_MONTHS[m.group(1)]), m.group(2))),
        )
        self.sub(
            rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\.?,?\s+(20\d\d)\b",
            on(lambda m: ymd(m.group(3), str(_MONTHS[m.group(2)]), m.group(1))),
        )
        # quarters and halves, with an optional year (digits or relative) before or after
        self.sub(
            rf"{_YEARTOK}?\s*(?:的)?\s*第?\s*([1-4])\s*季度",
            on(lambda m: D.quarter_range(self._year_of(m.group(1)), int(m.group(2)))),
        )
        self.sub(
            r"(?:(20\d\d)\s*年?\s*)?\bq\s*([1-4])\b(?:\s*(?:of\s+)?(20\d\d|this year|last year))?",
            on(lambda m: D.quarter_range(self._year_of(m.group(1) or m.group(3)), int(m.group(2)))),
        )
        self.sub(
            r"\b(first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter(?:\s+of)?(?:\s+(20\d\d|this year|last year))?",
            on(lambda m: D.quarter_range(self._year_of(m.group(2)), _ORD[m.group(1)])),
        )
        self.sub(
            rf"{_YEARTOK}?\s*(?:的)?\s*(上半年|下半年)",
            on(lambda m: D.half_range(self._year_of(m.group(1)), 1 if m.group(2) == "上半年" else 2)),
        )
        self.sub(
            r"\b(first|second)\s+half\s+(?:of\s+)?(20\d\d|this year|last year)?",
            on(lambda m: D.half_range(self._year_of(m.group(2)), 1 if m.group(1) == "first" else 2)),
        )
        self.sub(
            r"(?:本季度|这个季度|本季|当季|this quarter|current quarter)",
            on(lambda m: D.quarter_range(today.year, D.quarter_of(today))),
        )

        def last_quarter(_m: re.Match[str]) -> D.Range:
            q, y = D.quarter_of(today) - 1, today.year
            return D.quarter_range(y - 1, 4) if q == 0 else D.quarter_range(y, q)

        self.sub(r"上个?季度|上一季度|上季|last quarter|previous quarter|prior quarter", on(last_quarter))
        # months
        self.sub(
            rf"{_YEARTOK}\s*(?:的)?\s*(\d{{1,2}})\s*月份?(?!\s*\d)",
            on(
                lambda m: (
                    D.month_range(self._year_of(m.group(1)), int(m.group(2)))
                    if 1 <= int(m.group(2)) <= 12
                    else None
                )
            ),
        )
        self.sub(
            r"(20\d\d)[-/](\d{1,2})(?![\d/-])",
            on(
                lambda m: (
                    D.month_range(int(m.group(1)), int(m.group(2))) if 1 <= int(m.group(2)) <= 12 else None
                )
            ),
        )
        self.sub(
            rf"\b{_MONTH}\.?\s*,?\s*(20\d\d)\b",
            on(lambda m: D.month_range(int(m.group(2)), _MONTHS[m.group(1)])),
        )
        self.sub(
            rf"\b(20\d\d)\s+{_MONTH}\b", on(lambda m: D.month_range(int(m.group(1)), _MONTHS[m.group(2)]))
        )

        def md(mo: int, d: int) -> D.Range:
            year = today.year if (mo, d) <= (today.month, today.day) else today.year - 1
            day = date(year, mo, d)
            return day, day

        self.sub(
            r"(?<![\d])(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]",
            on(lambda m: md(int(m.group(1)), int(m.group(2)))),
        )
        self.sub(
            rf"\b{_MONTH}\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b",
            on(lambda m: md(_MONTHS[m.group(1)], int(m.group(2)))),
        )
        self.sub(
            r"(?<![\d年])(\d{1,2})\s*月份?(?!\s*\d)(?!\s*(?:内|以内|之内))",
            on(
                lambda m: (
                    D.month_range(D.latest_past_month(today, int(m.group(1))), int(m.group(1)))
                    if 1 <= int(m.group(1)) <= 12
                    else None
                )
            ),
        )
        self.sub(
            rf"\b(?:in|since|before|after|during|from|until|through|of)\s+(?P<d>{_MONTH})\b(?!\s*\d)",
            on(lambda m: D.month_range(D.latest_past_month(today, _MONTHS[m.group(1)]), _MONTHS[m.group(1)])),
        )

        # years
        def year(m: re.Match[str]) -> D.Range:
            return D.year_range(int(m.group(1)))

        self.sub(r"(20\d\d)\s*年(?:度)?(?!\s*款)(?!\s*\d)", on(year))
        self.sub(
            r"\b(?:in|during|since|before|after|from|until|through|for|throughout|of)\s+(?P<d>20\d\d)\b",
            on(year),
        )
        self.sub(r"\bbetween\s+(?P<d>20\d\d)\b(?=\s+and\s+20\d\d)", on(year))
        self.sub(
            r"\band\s+(?P<d>20\d\d)\b", on(lambda m: D.year_range(int(m.group(1))) if self.dates else None)
        )
        # named relative periods
        named: list[tuple[str, Any]] = [
            (r"今天|今日|\btoday\b", lambda: (today, today)),
            (r"昨天|昨日|\byesterday\b", lambda: (today - timedelta(days=1),) * 2),
            (r"本周|这周|这个星期|本星期|这星期|this week", lambda: D.week_range(today)),
            (
                r"上周|上个星期|上星期|上一周|(?<!the )last week|previous week",
                lambda: D.week_range(today - timedelta(days=7)),
            ),
            (
                r"本月|这个月|当月|这月|this month|current month",
                lambda: D.month_range(today.year, today.month),
            ),
            (
                r"上个月|上月|上一个月|(?<!the )last month|previous month|prior month",
                lambda: D.month_range(D.add_months(today, -1).year, D.add_months(today, -1).month),
            ),
            (r"今年|本年度?|this year|current year", lambda: D.year_range(today.year)),
            (
                r"去年|上一年|(?<!the )last year|previous year|prior year",
                lambda: D.year_range(today.year - 1),
            ),
            (r"前年|the year before last", lambda: D.year_range(today.year - 2)),
        ]
        for pattern, fn in named:
            self.sub(pattern, on(lambda m, fn=fn: fn()))
        self.dates_combine()

    def dates_combine(self) -> None:
        items = sorted(self.dates)
        merged: list[tuple[int, int, str, list[str]]] = []
        for item in items:
            if merged:
                prev = merged[-1]
                gap = self.t[prev[1] : item[0]]
                if re.fullmatch(r"[\s\x01]*(?:到|至|-|~|～|—|to|until|till|and|和|与|through)[\s\x01]*", gap):
                    low = prev[3][0]
                    high = item[3][-1]
                    merged[-1] = (prev[0], item[1], "between", [low, high])
                    continue
            merged.append(item)
        for _, _, op, values in merged:
            if op == "between" and len(values) == 1:
                values = values * 2
            self.add("intake_date", op, values)

    def durations(self) -> None:
        unit_of = {
            "天": "day",
            "日": "day",
            "day": "day",
            "days": "day",
            "周": "week",
            "星期": "week",
            "个星期": "week",
        }
        unit_of |= {
            "week": "week",
            "weeks": "week",
            "个月": "month",
            "个多月": "month",
            "月": "month",
            "month": "month",
        }
        unit_of |= {"months": "month", "年": "year", "year": "year", "years": "year"}
        recent_pre = {
            "最近",
            "近",
            "过去",
            "这",
            "last",
            "past",
            "in the last",
            "in the past",
            "the last",
            "the past",
        }
        recent_pre |= {"within", "within the last", "within the past", "over the last", "over the past"}
        fewer_pre = {"不到", "少于", "小于", "未满", "less than", "under", "fewer than"}
        older_pre = {"超过", "大于", "多于", "不止", "more than", "over", "longer than"}
        older_post = {"以上", "or more", "or longer", "plus", "+", "前", "之前", "以前", "ago"}

        def duration(m: re.Match[str]) -> bool:
            pre, post = (m.group("pre") or "").strip(), (m.group("post") or "").strip()
            since = D.before(self.today, int(m.group("n")), unit_of[m.group("unit")]).isoformat()
            recent = pre in recent_pre or post in ("以内", "之内", "内")
            if recent and pre not in fewer_pre:
                self.add("intake_date", "ge", [since])  # "最近30天", "within the last 2 weeks"
            elif pre in older_pre or post in older_post:
                self.add("intake_date", "lt", [since])  # "库龄超过90天", "30 days ago"
            elif pre in ("满", "达到", "at least"):
                self.add("intake_date", "le", [since])
            elif pre in fewer_pre:
                self.add("intake_date", "gt", [since])
            else:
                return False
            return True

        self.sub(
            r"(?P<pre>超过|大于|多于|满|达到|不止|不到|少于|小于|未满|最近|近|过去|这|more than|over|longer than|at least|less than|under|"
            r"fewer than|within the last|within the past|within|in the last|in the past|over the last|over the past|the last|the past|last|past)?"
            r"\s*(?P<n>\d{1,3})\s*(?P<unit>个多月|个月|个星期|星期|天|日|周|月|年|days?|weeks?|months?|years?)"
            r"(?P<post>\s*(?:以上|以内|之内|内|前|之前|以前|ago|or more|or longer|plus|\+))?",
            duration,
        )

        def rolling(m: re.Match[str]) -> bool:
            unit = m.group("u") or m.group("u2")
            self.add("intake_date", "ge", [D.before(self.today, 1, unit).isoformat()])
            return True

        self.sub(
            r"(?:in|over|during|within) the (?:last|past) (?P<u>week|month|year)|\bpast (?P<u2>week|month|year)",
            rolling,
        )
        if (
            re.search(r"库龄|在库时间|压库", self.full)
            and not any(c.field == "status" for c in self.conds)
            and any(c.field == "intake_date" for c in self.conds)
        ):
            self.add("status", "in", ["in_stock"])

    def mileage(self) -> None:
        def handle(m: re.Match[str]) -> bool:
            value = float(m.group("n"))
            if (m.group("unit") or "").startswith("万"):
                value *= 10_000
            value = int(value) if value == int(value) else value
            op = None
            if m.group("pre"):
                op = _cmp_op(m.group("pre"), _CMP_PRE)
            if m.group("post"):
                op = _cmp_op(m.group("post"), _CMP_POST) or op
            if op is None:
                self.add("mileage_km", "between", [value, value])
            else:
                self.add("mileage_km", op, [value])
            return True

        cmp_pre = rf"(?P<pre>{_CMP_PRE_RE})?"
        post = rf"(?P<post>\s*(?:{_CMP_POST_RE}))?"
        unit = r"(?P<unit>万公里|公里|千米|km|kilomet(?:er|re)s?)"
        self.sub(
            rf"(?:里程|公里数|行驶里程|表显里程|mileage|odometer(?: reading)?)\s*(?:数)?\s*(?:在|是|为|of|at|is|:)?\s*{cmp_pre}\s*(?P<n>\d+(?:\.\d+)?)\s*{unit}?{post}",
            handle,
        )
        self.sub(rf"{cmp_pre}\s*(?P<n>\d+(?:\.\d+)?)\s*{unit}{post}", handle)
        self.sub(
            r"零里程|0里程|zero[- ]mileage|zero km|0 km|零公里",
            lambda m: self.add("mileage_km", "between", [0, 0]) or True,
        )
        self.sub(
            r"试驾车|展车|demo cars?|demonstrators?|demo vehicles?|ex-demo",
            lambda m: self.add("mileage_km", "ge", [500]) or True,
        )

    def top_k(self) -> None:
        def k(m: re.Match[str]) -> bool:
            index = next(i for i, g in enumerate(m.groups(), 1) if g)
            value = int(m.group(index))
            if 0 < value <= 1000:
                self.limit = value
                self.mask(*m.span(index), char=K_MASK)  # the words around it (最贵, cheapest) still count
            return False

        self.sub(
            r"前\s*(\d+)\s*(?:名|辆|台|部|款|位|家|种|个(?!\s*月))?(?!\s*(?:个?月|天|周|年|季|日|号))", k
        )
        self.sub(r"\btop\s*(\d+)\b", k)
        self.sub(r"最[^\d\x01\s]{1,4}?的?\s*(\d+)\s*(?:辆|台|部|个|款|家|种|名)", k)
        self.sub(r"(\d+)\s*(?:辆|台|部|个|款|家|种)\s*(?=(?:\S{0,4})最)", k)
        self.sub(r"(?:列出|显示|展示|给我看|看看|找出|找|查|列)\s*(\d+)\s*(?:辆|台|部|个|条)", k)
        self.sub(
            r"\b(\d+)\s+(?=(?:most|least|cheapest|priciest|newest|latest|oldest|earliest|highest|lowest|best|recent|recently)\b)",
            k,
        )
        self.sub(r"\b(?:cheapest|priciest|newest|oldest|latest|most expensive|least expensive)\s+(\d+)\b", k)
        self.sub(
            r"\b(?:show|list|give|display|find|get|pull up)\s+(?:me\s+)?(?:the\s+)?(?:first\s+)?(\d+)\b", k
        )
        self.sub(r"\bfirst\s+(\d+)\b|\bwhich\s+(\d+)\b", k)
        self.sub(
            r"\b(\d{1,3})\s+(?:[a-z-]+\s+){0,2}?(?:cars|vehicles|ones|units|suvs|sedans|mpvs|trucks|pickups|hatchbacks|evs|brands|models|stores|cities)\b",
            k,
        )

    def count_threshold(self) -> None:
        def handle(m: re.Match[str]) -> bool:
            op = (
                _cmp_op(m.group("pre"), _CMP_PRE)
                if m.group("pre")
                else _cmp_op(m.group("post") or "", _CMP_POST)
            )
            if op is None:
                return False
            self.count_having = Condition("value", op, [int(m.group("n"))])  # type: ignore[arg-type]
            return True

        self.sub(
            rf"(?P<pre>{_CMP_PRE_RE})\s*(?P<n>\d+)\s*(?:辆|台|部|cars?|vehicles?|units?)(?P<post>)", handle
        )
        self.sub(
            rf"(?P<pre>)(?P<n>\d+)\s*(?:辆|台|部|cars?|vehicles?|units?)\s*(?P<post>{_CMP_POST_RE})", handle
        )

    def prices(self) -> None:
        price_context = bool(
            re.search(_PRICE_WORDS + r"|[¥￥]|元|块|rmb|cny|yuan|贵|便宜|expensive|cheap", self.full)
        )

        def amount(num: str, unit: str | None, currency: bool) -> float | None:
            value = float(num)
            if unit and unit in _MULT:
                return value * _MULT[unit]
            if unit or currency:
                return value
            if value >= 10_000 and price_context:
                return value
            return None

        def tidy(value: float) -> int | float:
            return int(value) if value == int(value) else round(value, 2)

        def ranged(m: re.Match[str]) -> bool:
            unit1, unit2 = m.group(2), m.group(4)
            cur = bool(re.search(r"[¥￥]|rmb|cny", m.group(0)))
            low = amount(m.group(1), unit1 or unit2, cur)
            high = amount(m.group(3), unit2 or unit1, cur)
            if low is None or high is None:
                return False
            low, high = sorted((low, high))
            self.add("guide_price", "between", [tidy(low), tidy(high)])
            return True

        prefix = rf"(?:(?:{_PRICE_WORDS})\s*(?:在|是|为|at|of|is|:|between|from|介于)?\s*)?"
        self.sub(
            rf"{prefix}(?:between\s+|介于\s*|在\s*|from\s+)?{_NUM}\s*(?:到|至|-|~|～|—|to|and)\s*{_NUM}\s*(?:之间|范围内|区间)?",
            ranged,
        )

        def single(m: re.Match[str]) -> bool:
            cur = bool(re.search(r"[¥￥]|rmb|cny", m.group(0)))
            value = amount(m.group("n"), m.group("u"), cur)
            if value is None:
                return False
            op = None
            if m.group("pre"):
                op = _cmp_op(m.group("pre"), _CMP_PRE)
            if m.group("post"):
                op = _cmp_op(m.group("post").strip(), _CMP_POST) or op
            if m.group("approx_pre") or m.group("approx_post"):
                self.add("guide_price", "between", [tidy(value * 0.9), tidy(value * 1.1)])
            elif op:
                self.add("guide_price", op, [tidy(value)])
            elif value % 10_000:
                self.add("guide_price", "between", [tidy(value), tidy(value)])
            else:
                self.add("guide_price", "between", [tidy(value * 0.9), tidy(value * 1.1)])
            return True

        self.sub(
            rf"{prefix}(?P<pre>{_CMP_PRE_RE}|from)?\s*(?P<approx_pre>around|about|approximately|roughly|circa|大约|大概|约)?\s*"
            rf"(?:[¥￥]\s*|rmb\s*|cny\s*)?(?P<n>\d+(?:\.\d+)?)\s*(?P<u>{_UNIT})?(?![a-z\d])"
            rf"(?P<post>\s*(?:{_CMP_POST_RE}))?(?P<approx_post>\s*(?:左右|上下|附近))?",
            single,
        )

    # -- shape --------------------------------------------------------------------------------
    def build(self) -> tuple[QuerySpec, bool, dict[str, bool]]:
        r = self.t
        values: dict[str, list[Match]] = {}
        for m in sorted(self.matches, key=lambda m: m.start):
            chain = values.get(m.field)
            if chain and chain[-1].negated and not m.negated and _CONJ.match(self.t[chain[-1].end : m.start]):
                m.negated = True  # "apart from white and black": the second one too
            values.setdefault(m.field, []).append(m)
        self.conds = _points_to_in(self.conds)
        for field_name, ms in values.items():
            pos = list(dict.fromkeys(m.value for m in ms if not m.negated))
            neg = list(dict.fromkeys(m.value for m in ms if m.negated))
            if field_name == "fuel_type":
                pos = _expand_nev(pos)
                neg = _expand_nev(neg)
            if pos:
                self.conds.insert(0, Condition(field_name, "in", pos))
            if neg:
                self.conds.insert(0, Condition(field_name, "not_in", neg))
        conds = _dedupe(self.conds)
        spec = QuerySpec(conditions=conds)
        flags = {"shape": False}

        ids = [c for c in conds if c.field in ("vehicle_id", "vin")]
        agg_words = bool(_COUNT_RE.search(r) or _AVG_RE.search(r) or _SUM_RE.search(r))
        superlative = next(((f, d) for p, f, d in _SUPERLATIVES if re.search(p, r)), None)
        which = _WHICH.search(r)
        group = self._group_dims(r, values, conds)
        vehicle_filters = [c for c in conds if c.field not in ("city", "store_id")]
        # Understood when something besides a place was recognised ("上海的天气" is not an inventory question).
        signals = [
            agg_words,
            superlative,
            group,
            _LIST_RE.search(r),
            _VEHICLE_NOUN.search(self.full),
            _DISTINCT_RE.search(r),
            _STORE_SUBJECT.search(r),
            self.limit,
            _ORDER_RE.search(r),
            self.count_having,
            any(c.field not in ("city", "store_id") for c in conds),
        ]
        understood = any(bool(x) for x in signals)

        # lookup by id or VIN: words about the car ("还在库吗", "is it white?") ask for its columns
        if ids and not (agg_words and not _VALUE_Q.search(r)):
            asked = [c.field for c in conds if c.field not in ("vehicle_id", "vin")]
            cols = [c for c in self._columns(r) + asked if c in VEHICLE_COLUMNS or c in ("store", "city")]
            spec.conditions = ids
            ordered_cols = [c for c in (*VEHICLE_COLUMNS, "store", "city") if c in cols and c != "vehicle_id"]
            spec.columns = ["vehicle_id", *ordered_cols] if cols else list(VEHICLE_COLUMNS)
            flags["shape"] = True
            return spec, True, flags

        # stores as the subject: "上海有几家门店", "list the stores"
        store_subject = _STORE_SUBJECT.search(r)
        if (
            store_subject
            and not vehicle_filters
            and not re.search(r"车|辆|vehicles?|cars?", r.replace(store_subject.group(0), ""))
        ):
            spec.subject = "stores"
            spec.conditions = [
                Condition("city" if c.field == "city" else "store_id", c.op, c.values)
                for c in conds
                if c.field in ("city", "store_id")
            ]
            spec.conditions = [
                Condition("store_id", c.op, c.values) if c.field == "store_id" else c for c in spec.conditions
            ]
            if re.search(r"多少|几|how many|number|count|数", store_subject.group(0)):
                spec.aggregate = "count"
                if "city" in group:
                    spec.group_by = ["city"]
                    self._group_order(spec, r, which)
            flags["shape"] = True
            return spec, understood, flags

        metric = self._metric(r)
        # count of distinct values: "几种颜色", "how many models"
        cd = _COUNT_DISTINCT.search(r)
        if cd and _dim_in(cd) and not group:
            dim = _dim_in(cd)
            if dim == "store" and not vehicle_filters and not conds:
                spec.subject = "stores"
                spec.aggregate = "count"
            elif dim == "city" and not vehicle_filters:
                spec.subject = "stores"
                spec.aggregate = "count_distinct"
                spec.metric = "city"
                spec.conditions = [c for c in conds if c.field == "city"]
            else:
                spec.aggregate = "count_distinct"
                spec.metric = {"store": "store_id"}.get(dim, dim)
            flags["shape"] = True
            return spec, True, flags
        if re.search(r"(?:几|多少)款(?!\s*车型)", r) and not group and "model" not in values:
            spec.aggregate, spec.metric = "count_distinct", "model"
            flags["shape"] = True
            return spec, True, flags

        # thresholds on counts: "超过100辆的品牌" -> grouped count with HAVING
        if self.count_having is not None:
            dim = (
                (group[0] if group else None)
                or (_dim_in(which) if which else None)
                or _first_dim(r)
                or "brand"
            )
            spec.aggregate, spec.group_by, spec.having = "count", [dim], self.count_having
            flags["shape"] = True
            return spec, True, flags

        # top-k groups: "在库数量最多的前3个品牌", "top 3 brands by number of vehicles"
        top_dim = _TOP_DIM.search(r)
        if top_dim and self.limit and _dim_in(top_dim) and not ids:
            self._aggregate_for_group(spec, r, superlative, metric)
            spec.group_by = [_dim_in(top_dim) or "brand"]
            spec.order_by = "value"
            spec.descending = not (re.search(_FEWER, r) or _ASC.search(r))
            spec.limit = self.limit
            flags["shape"] = True
            return spec, True, flags

        # which X has the most / the highest average ...
        if (
            which
            and _dim_in(which)
            and (re.search(_MORE + "|" + _FEWER, r) or superlative or _AVG_RE.search(r))
            and not ids
        ):
            dim = _dim_in(which)
            if dim in (
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
            ):
                self._aggregate_for_group(spec, r, superlative, metric)
                spec.group_by = [dim]
                spec.order_by = "value"
                spec.descending = (
                    not re.search(_FEWER, r)
                    if spec.aggregate == "count"
                    else self._group_desc(r, superlative)
                )
                spec.limit = self.limit or 1
                flags["shape"] = True
                return spec, True, flags

        if group:
            self._aggregate_for_group(spec, r, superlative, metric)
            spec.group_by = group
            self._group_order(spec, r, which)
            if self.limit:
                spec.limit = self.limit
                if spec.order_by is None:
                    spec.order_by, spec.descending = "value", True
            flags["shape"] = True
            return spec, True, flags

        # scalar aggregates
        value_q = bool(_VALUE_Q.search(r))
        if _AVG_RE.search(r):
            spec.aggregate, spec.metric = "avg", metric or "guide_price"
        elif _SUM_RE.search(r) and not re.search(r"总共|一共|总数", r):
            spec.aggregate, spec.metric = "sum", metric or "guide_price"
        elif _MAX_RE.search(r) and (value_q or not superlative) and not (superlative and _LIST_RE.search(r)):
            spec.aggregate, spec.metric = "max", metric or "guide_price"
        elif _MIN_RE.search(r) and (value_q or not superlative) and not (superlative and _LIST_RE.search(r)):
            spec.aggregate, spec.metric = "min", metric or "guide_price"
        elif (
            superlative
            and superlative[0] == "guide_price"
            and re.search(r"多少钱|价格是多少|what(?:'s| is) the price|how much", r)
            and not self.limit
        ):
            spec.aggregate, spec.metric = ("max" if superlative[1] else "min"), "guide_price"
        elif _COUNT_RE.search(r) and not superlative:
            spec.aggregate = "count"
        if spec.aggregate:
            flags["shape"] = True
            return spec, True, flags

        # distinct values: "有哪些颜色", "what models"
        dm = _DISTINCT_RE.search(r)
        if dm and _dim_in(dm) and not superlative and not self.limit:
            dim = _dim_in(dm)
            if dim == "store" and not vehicle_filters:
                spec.subject = "stores"
                spec.conditions = [c for c in conds if c.field in ("city", "store_id")]
            elif dim == "city" and not vehicle_filters:
                spec.subject, spec.columns, spec.distinct = "stores", ["city"], True
            elif dim not in ("intake_month", "intake_quarter", "intake_year"):
                spec.columns, spec.distinct = [dim], True
            flags["shape"] = True
            return spec, True, flags

        # rows: top-k, ordered listings, plain listings
        cols = self._columns(r) if re.search(r"车辆id|汽车id|车id|\bids?\b|编号|vehicle ids?", r) else []
        spec.columns = (
            (["vehicle_id", *[c for c in cols if c != "vehicle_id"]]) if cols else list(DEFAULT_LIST_COLUMNS)
        )
        if superlative:
            spec.order_by, spec.descending = superlative[0], superlative[1]
            spec.limit = self.limit or 1
            flags["shape"] = True
        else:
            order = _ORDER_RE.search(r)
            top = bool(re.search(r"\btop\b|前\s*" + K_MASK, r))
            if order:
                spec.order_by = next(f for f, p in _ORDER_FIELDS if re.search(p, order.group("field")))
                spec.descending = bool(_DESC.search(r)) or (top and not _ASC.search(r))
                flags["shape"] = True
            elif self.limit and re.search(r"\btop\b|前\s*\d", self.full):
                spec.order_by, spec.descending = "guide_price", True
                flags["shape"] = True
            if self.limit:
                spec.limit = self.limit
            if _LIST_RE.search(r):
                flags["shape"] = True
        if spec.order_by and spec.columns is not None and spec.order_by not in spec.columns:
            spec.columns.append(spec.order_by)  # show the key the rows are ranked by
        return spec, understood, flags

    def _metric(self, r: str) -> str | None:
        return next((name for name, pattern in _METRICS if re.search(pattern, r)), None)

    def _aggregate_for_group(
        self, spec: QuerySpec, r: str, superlative: tuple[str, bool] | None, metric: str | None
    ) -> None:
        if _AVG_RE.search(r) or (superlative and superlative[0] == "guide_price"):
            spec.aggregate, spec.metric = "avg", metric or "guide_price"
        elif _SUM_RE.search(r) and not re.search(r"总共|一共|总数", r):
            spec.aggregate, spec.metric = "sum", metric or "guide_price"
        elif _MAX_RE.search(r) and not re.search(_MORE, r):
            spec.aggregate, spec.metric = "max", metric or "guide_price"
        elif _MIN_RE.search(r) and not re.search(_FEWER, r):
            spec.aggregate, spec.metric = "min", metric or "guide_price"
        else:
            spec.aggregate = "count"

    def _group_desc(self, r: str, superlative: tuple[str, bool] | None) -> bool:
        if superlative:
            return superlative[1]
        return not re.search(r"最低|最少|lowest|least|cheapest|最便宜", r)

    def _group_order(self, spec: QuerySpec, r: str, which: re.Match[str] | None) -> None:
        if _DESC.search(r) or re.search(_MORE, r):
            spec.order_by, spec.descending = "value", True
        elif _ASC.search(r) or re.search(_FEWER, r):
            spec.order_by, spec.descending = "value", False
        elif _RANK.search(r):
            spec.order_by, spec.descending = "value", True

    def _group_dims(self, r: str, values: dict[str, list[Match]], conds: list[Condition]) -> list[str]:
        dims: list[str] = []
        for pattern in _GROUP_PATTERNS:
            for m in pattern.finditer(r):
                dim = _dim_in(m)
                if dim and dim not in dims:
                    dims.append(dim)
        for dim, pattern in _PERIOD_WORDS:
            if re.search(pattern, r) and dim not in dims:
                dims.append(dim)
        # "比亚迪和特斯拉各有多少辆", "BYD vs Tesla": several values of one field, compared
        if re.search(
            r"各|分别|分开|单独|respectively|separately|individually|\beach\b|\bvs\.?\b|versus|对比|相比|比较|compare|\bcounts\b|\btotals\b|\bbreakdown\b",
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

    def _columns(self, r: str) -> list[str]:
        return [name for name, pattern in _COLUMN_WORDS if re.search(pattern, r)]


def _dim_in(m: re.Match[str] | None) -> str | None:
    """The dimension a match named, if any."""
    if m is None:
        return None
    return next((key.split("__")[0] for key, value in m.groupdict().items() if value and "__" in key), None)


_FIRST_DIM = re.compile(_dim_re())


def _first_dim(text: str) -> str | None:
    return _dim_in(_FIRST_DIM.search(text))


def _expand_nev(values: list[str]) -> list[str]:
    out: list[str] = []
    for v in values:
        out.extend(["electric", "hybrid"] if v == "nev" else [v])
    return list(dict.fromkeys(out))


def _points_to_in(conds: list[Condition]) -> list[Condition]:
    """Two point values of one field ("2026款和2027款") mean either, not both: one IN condition."""
    out: list[Condition] = []
    for c in conds:
        point = (
            c.op == "between"
            and c.values[0] == c.values[1]
            and c.field in ("model_year", "guide_price", "mileage_km")
        )
        same = next(
            (
                o
                for o in out
                if o.field == c.field and (o.op == "in" or (o.op == "between" and o.values[0] == o.values[1]))
            ),
            None,
        )
        if point and same is not None:
            values = same.values[:1] if same.op == "between" else same.values
            same.op, same.values = "in", list(dict.fromkeys([*values, c.values[0]]))
        else:
            out.append(c)
    return out


def _dedupe(conds: list[Condition]) -> list[Condition]:
    seen: list[Condition] = []
    for c in conds:
        if not any(c.field == s.field and c.op == s.op and c.values == s.values for s in seen):
            seen.append(c)
    return seen


_DEPENDENT_FIELDS = {"brand": ("model",), "city": ("store_id",)}


def _merge(previous: QuerySpec, new: QuerySpec, new_shape: bool) -> QuerySpec:
    """A follow-up: the previous question's filters refined by the new ones (same field replaced)."""
    new_fields = {c.field for c in new.conditions}
    # A new brand makes the old model meaningless (a model belongs to a brand), a new city the old store.
    replaced = new_fields | {
        dependent for field in new_fields for dependent in _DEPENDENT_FIELDS.get(field, ())
    }
    conditions = [c for c in previous.conditions if c.field not in replaced] + new.conditions
    base = new if new_shape else previous
    merged = QuerySpec.from_dict(base.to_dict())
    merged.conditions = conditions
    if merged.subject == "stores" and any(c.field not in ("city", "store_id") for c in conditions):
        merged.subject = "vehicles"
    return merged


def parse_question(question: str, *, today: date, previous: dict[str, Any] | None = None) -> Parsed:
    """Parse `question`; with `previous` (a follow-up state), refine the previous spec when it reads as a follow-up."""
    p = _Parser(question, today)
    p.ids()
    p.aliases(ENTITY_ALIASES)
    p.model_years()
    p.dates_pass()
    p.durations()
    p.mileage()
    p.count_threshold()
    p.top_k()
    p.prices()
    p.aliases(ATTRIBUTE_ALIASES)
    p.short_colors()
    spec, understood, flags = p.build()
    followup = False
    prev_spec = None
    if previous and isinstance(previous.get("spec"), dict):
        try:
            prev_spec = QuerySpec.from_dict(previous["spec"])
        except (TypeError, ValueError):
            prev_spec = None
    if prev_spec is not None and _FOLLOWUP.search(p.full):
        spec = _merge(prev_spec, spec, flags["shape"])
        understood, followup = True, True
    alternatives = []
    # A bare year read as an intake year may have meant a model year: offered as the retry.
    for i, c in enumerate(spec.conditions):
        if (
            c.field == "intake_date"
            and c.op == "between"
            and c.values[0].endswith("-01-01")
            and c.values[1].endswith("-12-31")
            and c.values[0][:4] == c.values[1][:4]
            and not p.intake_context
        ):
            alt = QuerySpec.from_dict(spec.to_dict())
            year = int(c.values[0][:4])
            alt.conditions[i] = Condition("model_year", "between", [year, year])
            alternatives.append(alt)
    return Parsed(
        spec=spec if understood else None, understood=understood, followup=followup, alternatives=alternatives
    )
