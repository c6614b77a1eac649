"""The words that decide a question's shape: dimensions, grouping, superlatives, aggregates, listings.

Dimension words appear inside many patterns as named groups (`brand__3`); `dim_in` reads back
which dimension a match named. Patterns run on the masked text, so they never see a value a pass
already consumed (K_MASK stands where a top-k number was).
"""

from __future__ import annotations

import re

from tools.inventory.grammar.scan import K_MASK, MASK

_DIMS: list[tuple[str, str]] = [
    ("model_year", r"年款|model[- ]years?"),
    ("body_type", r"车身类型|车身形式|车型类别|车辆类型|车身|body[- ]types?|body[- ]styles?|(?<![a-z])body"),
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


def dim_re() -> str:
    """The dimension words as named groups (`brand__3`, ...), unique per use inside one regex."""
    tag = next(_TAGS)
    return "|".join(f"(?P<{name}__{tag}>{pattern})" for name, pattern in _DIMS)


GROUP_PATTERNS = [
    re.compile(rf"(?:按|按照|根据|依|以|分)\s*(?:照|不同的?)?\s*(?:{dim_re()})"),
    re.compile(
        rf"(?:每个|每一个|每1个|每家|每种|每款|每一种|每类|每|各个|各家|各种|各款|各|不同)\s*(?:的)?\s*(?:{dim_re()})"
    ),
    # "颜色分布", "门店库存排名" (what is ranked may sit between: 库存, 数量, 销量)
    re.compile(
        rf"(?:{dim_re()})\s*(?:的)?\s*(?:\x01+|数量|台数|销量)?\s*(?:分布|占比|构成|维度|排名|排行|统计)"
    ),
    re.compile(
        rf"\b(?:by|per|for each|for every|each|every|across|grouped by|group by|broken down by|break(?:ing)? ?down by|split by|according to)(?:\s+|-)(?:the\s+|their\s+|its\s+)?(?:{MASK}+\s*)?(?:{dim_re()})\b"
    ),
    re.compile(rf"\b(?:{dim_re()})[- ](?:wise|breakdown|distribution|split|mix)\b"),
    # "the distribution of colours among sold cars", "a breakdown of stock across brands"
    re.compile(
        rf"\b(?:distribution|breakdown|split|mix|spread)\s+(?:of\s+(?:the\s+)?|by\s+|across\s+(?:the\s+)?)(?:{dim_re()})\b"
    ),
]
# A dimension asked for with its count: "colours and how many of each", "颜色及对应数量".
GROUP_PATTERNS.append(
    re.compile(
        rf"(?:{dim_re()})\b[^?？。]{{0,50}}?(?:how many (?:of|in|for) (?:each|every)|how many each"
        rf"|with (?:their |the |a )?(?:counts?|numbers?|totals?|quantit(?:y|ies))\b"
        rf"|and (?:their |the )?(?:counts?|numbers?|quantit(?:y|ies))\b|(?:count|number) (?:of|for|in) each)"
        rf"|(?:{dim_re()})\s*(?:和|及|以及|与|跟|还有)\s*(?:对应的?|各自的?|相应的?|分别的?)?\s*(?:数量|台数|辆数|车辆数|库存数)"
    )
)
# The values asked for, then how many of each: "which colours does the Seal come in, and how many?",
# "特斯拉有哪些颜色，各多少台", "海豹都有什么颜色？分别几台？", "colour counts", "with their stock counts".
GROUP_PATTERNS.append(
    re.compile(
        rf"\b(?:which|what)\s+(?:different\s+)?(?:{dim_re()})\b[^?]{{0,60}}?\bhow many\b"
        rf"(?!\s+(?:different|distinct|unique|kinds?|types?|sorts?|{dim_re()})\b)"
        rf"|(?:哪些|什么|哪几种|哪几个|哪几款)\s*(?:{dim_re()})[^。]{{0,12}}?(?:各|分别|各自)\s*(?:有|是)?\s*(?:多少|几)"
        rf"|\b(?:{dim_re()})[- ](?:counts?|tallies|totals)\b"
        rf"|\b(?:{dim_re()})\b[^?]{{0,20}}\bwith (?:their|its|the) (?:[a-z]+ )?(?:counts?|numbers?|totals?)\b"
    )
)
# "list the stores in Guangzhou and how many cars each has": each one of the dimension, counted
GROUP_PATTERNS.append(
    re.compile(
        rf"(?:{dim_re()})\b[^?？。]{{0,50}}?\bhow many\b[^?？。]{{0,25}}\beach(?:\s+one)?\s+(?:has|have|had|holds?|got|carries|stocks)\b"
    )
)
# "rank the brands by their total", "sort the cities by ...": each group, ranked
GROUP_PATTERNS.append(
    re.compile(
        rf"\b(?:rank|order|sort|arrange)\s+(?:all\s+)?(?:the\s+|our\s+|your\s+)?(?:{dim_re()})\b[^?]{{0,40}}?\bby\b"
        rf"|\b(?:{dim_re()})\s+(?:ranked|sorted|ordered|arranged)\s+by\b"
        # "brands by total value", "cities by average price": a dimension measured by an aggregate
        rf"|(?:^|[,.;:!?]\s*)(?:{dim_re()})\s+by\s+(?:the\s+|their\s+)?(?:total|average|avg|mean|sum|number|count|value|max|min|combined)\b"
        rf"|(?:给|把|将)\s*(?:各个?|所有|每个)?\s*(?:{dim_re()})\s*(?:按|排)"
    )
)
# "earliest quarter first", "最早的月份排前面": the periods in order, said with a superlative
LABEL_ORDER_EXTREME = re.compile(
    r"\b(?:earliest|oldest|first)\s+(?:month|quarter|year|period)s?\s+(?:first|at the top|on top)\b"
    r"|(?:最早|早)的?\s*(?:月份|月|季度|年份|年)\s*(?:排|放|在)\s*(?:最?前面?|第\s*(?:一|1))"
)
# A grouping by a period or a name ordered by its label: "in month order", "按月份顺序"
LABEL_ORDER = re.compile(
    r"\bin (?:month|quarter|year|date|time|chronological|calendar|alphabetical)(?:ly)? order\b|\bchronologically\b"
    r"|\b(?:sorted|ordered|sort|order|arranged)\s+by\s+(?:the\s+)?(?:months?|quarters?|years?|dates?|periods?)\b"
    r"|\b(?:months?|quarters?|years?|periods?)\s+in\s+(?:order|sequence)\b|\bin order of (?:month|quarter|year)\b"
    r"|按\s*(?:月份|月|季度|年份|年|时间|日期)\s*(?:的)?\s*(?:顺序|先后|排序|排列|排)|(?:月份|季度|年份|时间)\s*(?:顺序|先后)"
    r"|\b(?:months?|quarters?|years?|dates?)\s+(?:ascending|asc|in ascending order|oldest first|earliest first)\b"
)
# "by brand and status", "按品牌和颜色": a second dimension joined to the first
SECOND_DIM = re.compile(rf"(?:\bby|\bper|按|按照)\s*(?:{dim_re()})\s*(?:and|&|,|和|与|、)\s*(?:{dim_re()})")
PERIOD_WORDS = [
    ("intake_month", r"每月|每个月|按月|逐月|monthly|month by month|per month|each month|by month"),
    ("intake_quarter", r"每季度|每个季度|按季度|逐季|quarterly|per quarter|each quarter|by quarter"),
    ("intake_year", r"每年|按年|逐年|yearly|annually|per year|each year|by year"),
]
WHICH = re.compile(
    rf"(?:哪个|哪家|哪一个|哪1个|哪种|哪款|哪一款|哪一种|哪一家|哪些|哪一|哪|什么|\bwhich|\bwhat)\s*(?:的)?\s*(?:{dim_re()})"
    # "which Tesla model sold the most": a named value between the question word and the dimension
    rf"|\b(?:which|what)\s+{MASK}+\s+(?:{dim_re()})"
    rf"|\b(?:most|least)\s+(?:common|frequent|usual|sold|{MASK}+)\s+(?:{dim_re()})|(?:最常见|最多|最少|最大|最小)的\s*(?:{dim_re()})"
    rf"|(?:{dim_re()})\s*(?:是)?\s*(?:哪个|哪家|哪一个|哪1个|哪种|哪款|哪一款|哪一种|哪一家)"
    # "which of our Beijing stores", "which Shanghai store": the stores of a named city
    rf"|\b(?:which|what)\s+(?:(?:one\s+)?of\s+(?:our|the|your|its)\s+)?{MASK}+\s*(?P<store__w1>stores?|dealerships?|showrooms?|branch(?:es)?|shops?|outlets?|locations?)\b"
)
SUPERLATIVES: list[tuple[str, str, bool]] = [
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
        r"最新入库|最近入库|最新到店|最近到店|最新到货|最晚入库|最新进|最新到|最新的|最近到的|newest|latest|most recent(?:ly)?|arrived last"
        r"|(?:came|come|got) in last|(?:received|delivered) last|\b(?:last|latest) (?:intake|arrival|delivery)\b"
        r"|\b(?:the|our) (?:very )?last\b(?!\s*(?:\d|\x01|week|month|year|quarter|time|few|couple|days?)\b)|(?:最新|最后)(?=\s*(?:1|一|\x02+)\s*(?:台|辆|部))|最后(?:入库|到店|到货|进)",
        "intake_date",
        True,
    ),
    (
        r"最早入库|最早到店|最早到货|最早的|最老的|库龄最长|在库时间最长|在库最久|放得最久|停放最久|库存最久|最久|oldest|earliest|longest"
        r"|(?:时间|天数)最长|最早(?=\s*(?:是|在)?\s*(?:什么时候|哪天|哪一天|何时|几号))"
        r"|\bfirst (?:intake|arrival|delivery)\b|\b(?:our|the) (?:very )?first\b(?!\s*(?:\d|\x02|quarter|half|week|month|year|time|of\b))"
        r"|最早(?=\s*(?:1|一|\x02+)?\s*(?:台|辆|部|批))"
        r"|最早进|最早到|最先入库|最先到|最先进|(?:came|come|got) in first|(?:arrived|received|delivered) first|first to (?:arrive|come in)",
        "intake_date",
        False,
    ),
]
MORE = r"最多|最大|most|largest number|biggest|largest|highest (?:number|count)|the most"
FEWER = r"最少|最小|fewest|least|smallest|lowest (?:number|count)|\bbottom\b"

COUNT_WORDS = re.compile(
    r"多少辆|多少台|多少部|多少个|(?<!哪)(?:几辆|几台|几部|几个)|数量|数目|总数|总量|多少车|有多少|多少(?!钱)|台数|辆数|计数"
    r"|入库量|进货量|到货量|销售量|(?<=\x01)量|数一下|数数|数一数|清点|(?:车|车子|车辆)数(?!据)"
    r"|how many|number of|count|total number|tally|quantity"
    # "total Model Ys in Beijing", "BYDs altogether": a total of cars (a total of prices says so, and
    # is read first: "total value", "worth in total")
    r"|\btotal\b(?!\s+(?:\x01+\s*)?(?:value|price|worth|cost|guide|msrp))|\baltogether\b"
)
AVG_WORDS = re.compile(
    r"平均|均价|avg|average|mean|\btypical(?:ly)?\b|\busual(?:ly)?\b|一般(?:要|卖)?多少钱|通常(?:要|卖)?多少钱"
)
SUM_WORDS = re.compile(
    r"总价值|总货值|货值|总价|总金额|总额|合计金额|价值总和|价格总和|总值|total value|total price|total worth|combined value"
    r"|combined price|sum of|total guide price|total of|worth in total|in total worth|how much .{0,30}worth|value of"
    r"|加起来|值多少钱?|一共值|总共值|库存价值|库存总值|total [a-z]+ value|(?:stock|inventory) value"
    r"|(?:价格|指导价|售价|价钱|车价|金额)[^，,。？?]{0,4}(?:合计|总计|加总|加一下|加一加|相加)|加一下|加一加"
    r"|总和|之和|加总|加在一起|合计金额|\bworth\b.{0,20}\b(?:altogether|all together|together|combined|in total|total)\b"
    r"|\b(?:combined|summed|aggregate)\s+(?:guide\s+)?(?:prices?|value|msrp)\b"
    r"|\bwhat(?:'s| is| are| was| were)\b.{0,40}\bworth\b"
    r"|\b(?:altogether|combined|total)\b.{0,12}\bworth\b|\badd(?:s|ed)? up\b|\bsum(?:med)? up\b|\bsummed\b"
    r"|\bhow much\b.{0,40}\b(?:in (?:yuan|rmb|cny|money|value|money terms)|money-?wise|value-?wise)\b"
    r"|\btotal\s+\x01+\s*(?:value|worth)\b|\x01\s*value\b"  # "total stock value" ("stock" read)
)
MIN_WORDS = re.compile(
    r"最低的?(?:指导)?(?:价格|价|售价|报价)|起售价|起价|最便宜的价格|最便宜的多少钱|最低[^\d,，。?？]{0,4}多少|lowest (?:guide )?price|minimum (?:guide )?price|min price"
    r"|cheapest price|starting price|minimum|\bmin\b|lowest"
)
MAX_WORDS = re.compile(
    r"最高的?(?:指导)?(?:价格|价|售价|报价)|最贵的价格|最贵的多少钱|最高[^\d,，。?？]{0,4}多少|highest (?:guide )?price|maximum (?:guide )?price|max price"
    r"|top price|maximum|\bmax\b|highest"
)
TOP_DIM = re.compile(
    rf"(?:最|most|highest|lowest|least|fewest|largest|biggest|smallest|cheapest|priciest)[^{K_MASK}{MASK}]{{0,6}}?"
    rf"{K_MASK}+\s*(?:个|名|家|款|种|座)\s*(?:的)?\s*(?:{dim_re()})"
    rf"|(?:前|top|哪)\s*{K_MASK}+\s*(?:个|名|家|款|种)?\s*(?:的)?\s*(?:{dim_re()})|(?:^|\s){K_MASK}+\s+(?:[a-z-]+\s+)?(?:{dim_re()})"
)
VALUE_Q = re.compile(
    r"多少钱|价格是多少|价是多少|是多少|多少|how much|what is the|what's the|what was the|价格多少"
    r"|how many (?:km|kms|kilomet|miles)|多少公里"
)
# The value of an extreme date or model year is asked ("最早入库的是哪天", "when did the newest Audi
# arrive", "oldest model year"), not the car that has it ("最早入库的那台是哪台", "which one").
DATE_ASKED = re.compile(
    r"哪天|哪一天|哪日|几号|什么时候|何时|日期|哪年|哪一年|\bwhen\b|\bdates?\b|what day|which day|what year|which year"
)
YEAR_ASKED = re.compile(r"哪年|哪一年|是多少|多少|是几|几几年|\bwhat\b|\bwhich\b|\?|？|$")
CAR_ASKED = re.compile(
    r"哪台|哪辆|哪部|哪一台|哪一辆|哪几台|哪几辆|哪些车|哪款车|什么车|车辆id|车号|编号|是哪个"
    r"|\bwhich (?:cars?|vehicles?|ones?)\b|\bwhat (?:cars?|vehicles?)\b|\bids?\b|\bvins?\b|\blist\b|\bshow\b"
)
OLD_WORDS = re.compile(r"最老|最旧|最早|最低|oldest|earliest|lowest|\bmin")
NEW_WORDS = re.compile(r"最新|最近|最晚|最高|newest|latest|most recent|highest|\bmax")
METRICS = [("mileage_km", r"里程|公里|mileage|odometer|\bkm\b|kilomet"), ("model_year", r"年款|model year")]

COUNT_DISTINCT = re.compile(
    # "how many kinds of SUVs", "有几种SUV", "几款电车": kinds of cars are models (first: the
    # pattern after it would read "几种" with no dimension)
    rf"\bhow many\s+(?:kinds?|types?|sorts?)\s+of\s+(?P<model__k1>\x01+|cars|vehicles)"
    rf"|(?<!推荐)(?<!给我)(?<!挑)(?<!选)(?<!来)(?<!哪)(?:几|多少)\s*(?:种|款)\s*(?:不同的?)?\s*(?P<model__k2>\x01+|车)"
    rf"|(?<!推荐)(?<!给我)(?<!挑)(?<!选)(?<!来)(?<!哪)(?:多少|几)\s*(?:个|种|款|家|类)\s*(?:不同的?)?\s*(?:{dim_re()})?"
    rf"|how many\s+(?:different\s+|distinct\s+|unique\s+)?(?:{dim_re()})"
    rf"|\b(?:number|count|total)\s+of\s+(?:the\s+)?(?:different|distinct|unique|separate)\s+(?:{dim_re()})"
    rf"|\bhow many\s+(?:kinds|types|sorts)\s+of\s+(?:{dim_re()})"
    rf"|\bcount\s+(?:the\s+|of\s+)?(?:different|distinct|unique)\s+(?:{dim_re()})"
    rf"|(?:多少|几)\s*(?:种|个|款)?\s*不同的?\s*(?:{dim_re()})"
    # "车型有几个", "颜色有多少种": the dimension first, then how many kinds
    rf"|(?:{dim_re()})\s*(?:一共|总共|共)?\s*(?:有)?\s*(?:几|多少)\s*(?:个|种|款|类)(?!\s*(?:车|台|辆))"
    # "how many different Toyota models", "how many BMW models": a named value between ("number of"
    # a named value's models needs the word "different", as "number of Tesla models" may count cars)
    rf"|\b(?:how many|number of|count of)\s+(?:different|distinct|unique)\s+{MASK}+\s*(?:{dim_re()})"
    rf"|\b(?:how many|number of)\s+(?:(?:separate|kinds? of|types? of|sorts? of)\s+)?{MASK}+\s*(?:{dim_re()})"
    rf"|\bhow many\s+(?:separate|kinds? of|types? of|sorts? of)\s+(?:{dim_re()})"
)
DISTINCT = re.compile(
    rf"(?:有)?(?:哪些|哪几种|哪几个|哪几款|什么样的|什么|何种)\s*(?:{dim_re()})"
    rf"|(?:{dim_re()})\s*(?:都)?(?:有哪些|有什么|有哪几种|是什么|有几种|都有啥|有啥)"
    rf"|\b(?:what|which|list(?: all)?(?: the)?|show(?: me)?(?: all)?(?: the)?)\s+(?:different\s+|distinct\s+|unique\s+)?(?:{dim_re()})"
    # "which Toyota models are SUVs", "丰田有哪些混动车型": the models of a named brand
    rf"|\b(?:what|which|list(?: all)?(?: the| our| your)?|show(?: me)?(?: all)?(?: the| our| your)?)\s+{MASK}+\s*(?P<model__d1>models)\b(?!\s*years?)|(?:哪些|哪几款|哪几个|什么)\s*{MASK}+\s*(?:的)?\s*(?P<model__d2>车型|车系|(?<={MASK})型)"
    # "小鹏有哪几款SUV": 款 counts models
    rf"|(?P<model__d3>哪几款|哪些款)"
)
LISTING = re.compile(
    r"列出|列一下|列举|显示|展示|给我看|看看|看一下|查看|查一下|查询|找出|找一下|筛选|有哪些|哪些车|哪几辆|哪几台|哪几部|哪辆|哪台|哪一辆"
    r"|清单|明细|信息|详情|资料|其中哪些|哪些是|\blist|\bshow|\bdisplay|which (?:cars|vehicles|ones|one)|what (?:cars|vehicles)|\bfind"
    r"|which of (?:them|those|these)"
    r"|give me|search|look ?up|details|info\b|information"
    # "any options?", "有什么选择": the cars to choose from, not whether there are any
    r"|\b(?:options|choices|alternatives)\b|选择|可选"
)
VEHICLE_NOUN = re.compile(
    r"车|辆|台|库存|汽车|vehicles?|cars?|autos?|stock|inventory|units?|suvs?|sedans?|evs?|trucks?|pickups?|mpvs?|fleet"
)
STORE_SUBJECT = re.compile(
    r"(?:多少|几)\s*(?:家|个)\s*(?:门店|店|展厅|经销商|4s店|分店)|how many (?:stores|dealerships|showrooms|branches|locations|shops|outlets)"
    r"|门店数|store count|number of (?:stores|dealerships|showrooms|branches)"
    r"|(?:门店|店铺|分店|展厅|4s店)\s*(?:有|一共|共|总共)?\s*(?:多少|几)\s*(?:家|个)"
    r"|(?:列出|所有|全部|有哪些|哪些|list|show|all)\s*(?:the\s+|all\s+|of\s+|your\s+|our\s+)*(?:的)?\s*(?:门店|店铺|分店|展厅|店(?![里内])|stores|dealerships|showrooms|branches|shops)"
)
ORDER_BY = re.compile(
    r"(?:按|按照|根据|以|\bby|sorted by|sort by|order(?:ed)? by|ranked by|rank by|rank(?:ed)? on)\s*(?:the\s+)?"
    r"(?P<field>指导价格|指导价|价格|售价|价钱|guide price|price|入库日期|入库时间|接车日期|接车时间|到店日期|intake date|intake|arrival date|arrival|date"
    r"|里程|mileage|odometer|年款|model year)"
)
ORDER_FIELDS = [
    ("guide_price", r"价|price"),
    ("mileage_km", r"里程|mileage|odometer"),
    ("model_year", r"年款|model year"),
    ("intake_date", r"."),
]
DESC = re.compile(
    r"从高到低|从大到小|由高到低|降序|倒序|从新到旧|从近到远|由近及远|最新的在前|desc(?:ending)?|high(?:est)? to low(?:est)?|highest first|newest first|most recent first|largest first|most first|从多到少"
    r"|\b(?:best|top|biggest|most) (?:ones? )?first\b|\b(?:biggest|largest|most) to (?:smallest|least|fewest)\b|多的(?:排|放)?(?:在)?前面?"
)
ASC = re.compile(
    r"从低到高|从小到大|由低到高|升序|正序|从旧到新|从远到近|asc(?:ending)?|low(?:est)? to high(?:est)?|lowest first|oldest first|cheapest first|smallest first|从少到多"
)
# Orderings said as a phrase, with no "按/by" before the key: (pattern, column, descending).
# "排前面", "放第一", "先列", "靠前": the rows named go first
_FRONT = r"(?:(?:(?:排|放|列)\s*在?|在)\s*(?:最?前面?|第\s*(?:一|1)|最?上面)|靠前|先列|先排|先看|优先)"
ORDER_PHRASES: list[tuple[str, str, bool]] = [
    (
        r"从贵到便宜|由贵到便宜|从贵到低|(?:价格|价钱|售价|指导价)\s*(?:从高到低|由高到低|降序)"
        r"|(?:priciest|most expensive|highest[- ]priced|expensive|highest price)(?: ones?)? (?:first|at the top|on top)"
        rf"|price,? high(?:est)? to low(?:est)?|(?:最贵|贵|(?:价格|价钱|售价|指导价|价)\s*(?:最高|高))的?\s*{_FRONT}"
        r"|(?:from )?(?:the )?(?:most expensive|priciest|highest[- ]priced|dearest) to (?:the )?(?:cheapest|least expensive|lowest[- ]priced)",
        "guide_price",
        True,
    ),
    (
        r"从便宜到贵|由便宜到贵|(?:价格|价钱|售价|指导价)\s*(?:从低到高|由低到高|升序)"
        r"|(?:cheapest|least expensive|lowest[- ]priced|cheap|lowest price)(?: ones?)? (?:first|at the top|on top)"
        rf"|price,? low(?:est)? to high(?:est)?|(?:最便宜|便宜|(?:价格|价钱|售价|指导价|价)\s*(?:最低|低))的?\s*{_FRONT}"
        r"|(?:from )?(?:the )?(?:cheapest|least expensive|lowest[- ]priced) to (?:the )?(?:most expensive|priciest|highest[- ]priced|dearest)",
        "guide_price",
        False,
    ),
    (
        r"(?:newest|latest|most recent|recent)(?: ones?| arrivals?| intakes?| intake dates?)? (?:first|at the top|on top)|从新到旧|最新的在前"
        rf"|(?:入库|到店|到货|进店)?(?:最新|最近|最晚|新|晚)(?:入库|到店|到货|进店|进|来|到)?的?\s*{_FRONT}",
        "intake_date",
        True,
    ),
    (
        r"(?:oldest|earliest)(?: ones?| arrivals?| intakes?| intake dates?)? (?:first|at the top|on top)|从旧到新|最早的在前"
        rf"|(?:入库|到店|到货|进店)?(?:最早|最先|最旧|早)(?:入库|到店|到货|进店|进|来|到)?的?\s*{_FRONT}",
        "intake_date",
        False,
    ),
    (r"(?:highest|most) mileage first|里程从高到低|里程由高到低", "mileage_km", True),
    (r"(?:lowest|least) mileage first|里程从低到高|里程由低到高", "mileage_km", False),
]
# "有没有灰色的P7", "any grey P7s?": asks whether there are any, answered with how many.
EXISTS = re.compile(
    r"有没有|有无|是否有|有[^,，。?？]{0,8}吗|(?:吗|(?<!什)么|有?(?<!是)不|没有?)\s*[?？]?\s*$|\bis there\b|\bare there\b"
    # "any red ones?"; not "any fuel type is fine" (no condition at all)
    r"|\bany\b(?!\s+(?:\S+\s+){0,2}(?:is|are|would|will|works|'s)\s+(?:be\s+)?(?:fine|ok|okay|good|great|do)\b)"
    # "do you have a white Camry?", "is the Fit available in Guangzhou?": whether there is one
    r"|(?:^|[,.!?]\s*)(?:do|does)\s+(?:you|we|they|u|(?:your|the|this|our)\s+(?:\x01+\s+)?(?:store|shop|dealership|showroom|branch|place))(?:\s+guys)?\s+(?:still\s+)?(?:have|carry|stock|got)\b(?!\s+(?:more|fewer|less)\b)"
    r"|(?:^|[,.!?]\s*)(?:is|are)\s+(?:the\s+|a\s+|an\s+|any\s+|your\s+)?\x01[^?,.!]{0,60}[?？]\s*$"
)
# "帮我看看有没有", "can you check if there are any": looking is checking whether there are any
LISTING_WEAK = re.compile(r"看看|看一下|看下|查一下|查下|查查|帮我查|\bcheck\b|\bsee if\b|\bfind out\b")
# ... unless the question asks which ones ("Which red Model 3s do we have?")
WHICH_ONES = re.compile(r"哪|\bwhich\b|\bwhat\b")
# ... or asks to be recommended some ("15万以内的SUV，有推荐吗", "能推荐一款电动车吗"): a shopper
# wants cars to look at, not how many there are
RECOMMEND = re.compile(r"推荐|\brecommend|\bsuggest", re.IGNORECASE)
# "还有几台", "still have", "left": the stock that is still there, unless a status is named.
STILL = re.compile(
    r"还有\s*(?:几|多少|\d|没有?|吗|嘛|么|货|现车)|还剩|仍有|\bstill (?:have|got|has|had|in|on|available|there)\b|\bstill\b.*\b(?:have|got)\b"
    r"|(?:\b(?:have|got|has|are|is|any|many|much|units?|cars?|ones?|s)|\x01)\s+left\b|\bleft\s*[?.!]*$|\bremaining\b"
    # "how many do you have at Yizhuang right now": what is there now is the stock
    r"|\b(?:have|has|got|carry|carrying)\b[^?.!]{0,40}\b(?:right now|currently|at the moment|at present|as of now)\b"
    r"|\b(?:currently|right now)\b[^?.!]{0,20}\b(?:have|has|got|carry)\b"
    # "cars sitting in our Guangzhou stores right now", "目前有多少台宝马": what is there now
    r"|\b(?:right now|currently|at the moment|at present|as of now|as we speak)\b|\bsitting\b"
    r"|(?:现在|目前|当前|眼下|此刻)\s*(?:还|都|店里|库里)?\s*(?:有|剩|在)"
)
# Time spent in stock ("sitting the longest", "on the lot longest", "压库最久"): only a car still
# there has been waiting; a sold one has left.
TIME_IN_STOCK = re.compile(
    r"\b(?:sitting|sat|waiting|waited|been (?:here|with us|around|on (?:the|our) lot|in (?:stock|inventory))"
    r"|on (?:the|our) lot|in (?:stock|inventory))\b[^?.!]{0,30}\blongest\b"
    r"|\blongest\b[^?.!]{0,20}\b(?:on (?:the|our) lot|in (?:stock|inventory)|unsold|without (?:selling|being sold))\b"
    r"|放得?最久|压库最久|压得最久|库龄最长|停放最久|库存最久|在库(?:时间|天数)最长"
)
# A customer buying: only cars still in stock can be sold to them.
BUYING = re.compile(
    r"想买|要买|购买|买\s*(?:一|1)?\s*(?:辆|台|部|个)|推荐|预算|能买|可以买|马上提|现提|可提车|\bbuy(?:ing)?\b|\bpurchas(?:e|ing)\b|\brecommend|\bsuggest|\bbudget\b"
    r"|\blooking for\b|\bshopping for\b|\bin the market for\b|\binterested in (?:a|an|the|buying|getting|some)\b"
    # a customer's request relayed by staff: what can be shown or offered to them is stock
    r"|客户|顾客|客人|买家|\b(?:customer|client|buyer|shopper|prospect)s?\b"
    r"|\b(?:i'?m|i am|we'?re|we are|he'?s|she'?s|they'?re) (?:after|hunting for|shopping around for) (?:a|an|some|the)\b"
    r"|\bwalk-?ins?\b"
    r"|\b(?:he|she|they|i|we)'d (?:like|love|prefer)\b|\b(?:he|she|they) would (?:like|love|prefer)\b"
    r"|\b(?:lady|gentleman|guy|man|woman|couple|family|someone|somebody|he|she|they)\s+(?:wants?|needs?|is looking|would like|is after|asks? for|asking for)\b"
    r"|\bwhat (?:do|can|could) (?:we|you) (?:have|offer|show) (?:for|to) (?:her|him|them)\b"
    r"|\b(?:can|could) (?:we|i|you) (?:offer|show|sell)\b|\b(?:to offer|on offer)\b|\bwhat are (?:my|the|his|her|their) options\b"
    # the customer speaking: "I want a gas SUV", "we need a bigger car", "我不想花超过...", "想要一台MPV"
    r"|\b(?:i|we)\s+(?:really\s+|just\s+|kinda\s+)?(?:want|need|wanna)\s+(?:a|an|one|some|something|\d{1,2}|to (?:buy|get|purchase|find|pick up))\b"
    r"(?!\s+(?:list|report|count|breakdown|summary|table|number|total|overview|tally)\b)"
    r"|\b(?:i|we)(?:'m|'re| am| are)?\s+(?:thinking (?:of|about)|planning (?:on|to)|hoping to|about to|trying to)\s+(?:buy|get|purchase|pick up|buying|getting|purchasing)\b"
    r"|\b(?:i|we)\b[^.?!]{0,30}\b(?:pay|spend|afford)\b|\b(?:what|which(?: ones?)?) (?:can|could|should) (?:i|we) (?:get|buy|look at|consider|choose|afford)\b"
    r"|\bfor (?:me|my (?:wife|husband|family|son|daughter|kids?|mom|dad|mother|father|parents|partner))\b"
    r"|\b(?:and|but|so|also)\s+(?:really\s+)?(?:want|need)s?\s+(?:a|an|one|some)\b"
    r"|想要|想入手|打算买|准备买|想换|入手|提车|(?:能|可以|马上|直接)\s*(?:提走?|开走|开回家)|(?:需要|要|来|选|挑)\s*(?:一|1)\s*(?:台|辆|部)|帮我(?:挑|选)|适合我"
)
# Shares and percentages: no query shape of the grammar answers them (asked about, not guessed).
# Statistics no aggregate of the grammar computes ("median price", "中位数"): asked about, not guessed.
OTHER_STATISTICS = re.compile(
    r"中位数|中位|众数|方差|标准差|\bmedian\b|\bstandard deviation\b|\bvariance\b|\bstd ?dev\b"
)
SHARE = re.compile(
    r"百分比|百分之|占比|比例|占多少|几成|percent(?:age)?|proportion|\bshare of\b|\bratio\b|%"
    r"|\b(?:portion|fraction)\b|\bwhat part of\b|\bhow much of (?:the|our)\b"
)
# Differences and spans between two results: no single query of the grammar answers them either.
DIFFERENCE = re.compile(
    r"比.{1,12}?(?:多|少|贵|便宜)(?:几|多少)|差多少|差价|价差|相差|差距"
    r"|比.{1,12}?(?:多|少|贵|便宜)吗|平均(?:每\S{0,3})?(?:有)?(?:多少|几)(?:台|辆|部)"
    r"|difference|\bspread between\b|\bprice spread\b|how (?:many|much) more"
    # compared with a named car's price ("more expensive than the Camry", "比凯美瑞贵的车"): a subquery
    rf"|\b(?:more expensive|cheaper|pricier|dearer|costlier|less expensive|newer|older)\s+than\s+(?:the\s+|a\s+|an\s+)?{MASK}"
    rf"|比\s*{MASK}+\s*(?:还|更)?\s*(?:贵|便宜|新|旧)"
    r"|average number of|on average how many|how many\b.{0,30}\bon average"
    r"|平均库龄|平均车龄|平均在库(?:时间|天数)|average age|avg age|mean age|average days? in stock"
    r"|平均\s*(?:在库|库龄|压库|放了?|停了?|\x01+)\s*(?:了)?\s*(?:多少天|几天|多久|多长时间)|\bhow long\b.{0,40}\bon average\b|\bon average\b.{0,20}\bhow long\b|\baverage (?:time|days?|age)\b"
    # a price compared with the average ("指导价低于均价的车", "cars priced above average"): a subquery
    r"|(?:低于|高于|超过|不到|below|above|under|over|less than|more than|higher than|lower than)\s*(?:the\s+)?(?:平均价格?|平均水平|均价|average|mean|avg)"
)
# The lowest and the highest value asked together ("最高价和最低价分别是多少", "price range of the
# Model Y", "min and max price"): one query with MIN and MAX. The nouns alone ("价格区间") may also
# name a filter ("in the 200-300k price range"), the extremes said together never do.
SPAN_EXTREMES = re.compile(
    r"最便宜.{0,8}最贵|最贵.{0,8}最便宜|最低.{0,8}最高|最高.{0,8}最低|最小.{0,6}最大|最大.{0,6}最小"
    r"|(?:cheapest|lowest|min(?:imum)?)\b.{0,25}\band\b.{0,12}\b(?:most expensive|priciest|dearest|highest|max(?:imum)?)\b"
    r"|(?:most expensive|priciest|dearest|highest|max(?:imum)?)\b.{0,25}\band\b.{0,12}\b(?:cheapest|lowest|min(?:imum)?)\b"
    r"|\bhow low\b.{0,25}\bhow high\b|\bhow high\b.{0,25}\bhow low\b"
    r"|\b(?:most and least|least and most) expensive\b|\b(?:cheapest and (?:the )?priciest|priciest and (?:the )?cheapest)\b"
    r"|\bmin(?:imum)?\s*(?:/|-|&)\s*max(?:imum)?\b|\bmax(?:imum)?\s*(?:/|-|&)\s*min(?:imum)?\b"
)
SPAN_NOUN = re.compile(
    r"价格区间|价格范围|价位区间|价位范围|价格跨度|价格带|价格幅度|(?:价格|价位|价钱|售价|指导价)(?:从|在)?多少到多少"
    r"|price range|range of (?:guide )?prices|prices? span|span of prices|\bspread of (?:the )?(?:\S+\s+){0,3}prices\b|\bprice bracket"
)
# "哪个多，各有几台", "which has more, and how many each": every group compared is wanted
# A count asked with another aggregate: "the number of cars sold and their average price", "数量和均价
# 分别是多少", "how many Teslas, and what's the total value": both are shown.
_COUNTED = (
    r"\bhow many\b|\bnumber of\b|\bcounts?\b|数量|台数|辆数|有?多少(?:台|辆|部)|有多少(?!钱)|几(?:台|辆|部)"
)
_VALUED = (
    r"\baverage\b|\bavg\b|\bmean\b|平均|均价|\btotal (?:value|price|worth)\b|总价|总货值|货值|\bsum of\b"
)
_BOTH = r"\band\b|和|以及|及|还有|跟|与|[,，]|\bplus\b|\balong with\b|\btogether with\b|\bas well as\b"
COUNT_TOO = re.compile(
    rf"(?:{_COUNTED})[^?？。]{{0,40}}?(?:{_BOTH})[^?？。]{{0,25}}?(?:{_VALUED})"
    rf"|(?:{_VALUED})[^?？。]{{0,40}}?(?:{_BOTH})[^?？。]{{0,25}}?(?:{_COUNTED})"
)
EACH_COUNT = re.compile(
    rf"(?:各|分别|各自)\s*(?:有|是|卖了|卖出|进了|{MASK}+)?\s*(?:多少|几)|(?:多少|几)\s*(?:台|辆)?\s*(?:各|分别)"
    r"|\bhow many (?:each|of each|apiece|for each|respectively)\b|\b(?:each|both) (?:have|has|had|got)\b"
    r"|\b(?:counts|numbers) for (?:both|each)\b|\bhow many (?:does|do|did) each\b"
    r"|\b(?:both|the two|all the|each one's|their) (?:counts|numbers|totals)\b|\b(?:both|each) (?:count|number)\b"
)
RANK = re.compile(
    r"排名|排行|排序|排个序|排个名|排下名|排一下|排一排|rank|ranking|sorted|sort|order"
    r"|(?:按|按照)\s*\x01*\S{0,4}\s*排(?=\s*(?:下|列)?\s*[?？。!！]*\s*$)"  # "销量按品牌排"
)

COLUMN_WORDS: list[tuple[str, str]] = [
    ("vehicle_id", r"车辆id|汽车id|车id|\bids?\b|编号|车号|vehicle ids?"),
    ("vin", r"\bvins?\b|车架号|识别码|识别代号"),
    ("brand", r"品牌|牌子|\bbrands?\b|\bmakes?\b"),
    ("model", r"车型|型号|\bmodels?\b(?!\s*year)"),
    ("model_year", r"年款|model year"),
    ("body_type", r"车身|(?<![a-z])body"),
    ("fuel_type", r"燃料|动力|能源|\bfuel|powertrain"),
    ("color", r"颜色|什么色|colou?rs?"),
    (
        "intake_date",
        r"接车日期|接车时间|入库日期|入库时间|到店日期|到店时间|到货日期|进店日期|什么时候|何时|哪天|哪一天|intake|arrival|arrived|arrive|received|receive|\bwhen\b|how long",
    ),
    ("guide_price", r"指导价|价格|价钱|售价|报价|多少钱|\bprices?\b|msrp|\bcosts?\b|how much"),
    (
        "status",
        r"状态|在库吗|还在吗|还在库|卖了吗|卖掉了吗|售出了吗|卖出去了吗|预订了吗|status|still available|still in stock|available\?|is it sold|been sold|sold\?|reserved\?",
    ),
    (
        "store",
        r"门店|哪个店|哪家店|店名|在哪|哪里|\bstores?\b|\bdealers?\b|\bdealerships?\b|showroom|\bwhere\b|location|branch",
    ),
    ("city", r"城市|在哪|哪里|\bcit(?:y|ies)\b|\bwhere\b"),
    ("mileage_km", r"里程|公里|mileage|odometer|\bkm\b"),
]


def dims_in(m: re.Match[str]) -> list[str]:
    """Every dimension a match named, in order."""
    return [key.split("__")[0] for key, value in m.groupdict().items() if value and "__" in key]


def dim_in(m: re.Match[str] | None) -> str | None:
    """The dimension a match named, if any."""
    if m is None:
        return None
    return next((key.split("__")[0] for key, value in m.groupdict().items() if value and "__" in key), None)


_FIRST_DIM = re.compile(dim_re())


def first_dim(text: str) -> str | None:
    return dim_in(_FIRST_DIM.search(text))


# Every pattern above with ASCII word boundaries: in "价格top 3" or "EV有几台" the Latin word ends
# where the Chinese begins (CJK characters are word characters in Unicode mode).
for _name, _value in list(globals().items()):
    if isinstance(_value, re.Pattern):
        globals()[_name] = re.compile(_value.pattern, (_value.flags & ~re.UNICODE) | re.ASCII)
