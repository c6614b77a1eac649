"""Everyday phrasings rewritten to the grammar's own words before any pass runs.

Staff and customers type "24年进的", "25款", "卖得最好的", "best-selling"; the passes know
"2024年", "2025款", "已售 ... 最多" and "most sold". Each rewrite is a whole phrase with its
meaning fixed (a two-digit year only beside 年/款 and never after words that make it a count or an
age, such as "前", "近" or "超过"), so nothing else in the question changes.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# Two-digit years 2016-2035, which the demo stock and any plausible question fall in.
_YY = r"(1[6-9]|2\d|3[0-5])"
_NOT_BEFORE_YY = (
    r"(?<![\d.])(?<!前)(?<!第)(?<!近)(?<!几)(?<!过去)(?<!超过)(?<!多于)(?<!库龄)(?<!车龄)(?<!最近)"
)
# English month names (the period pass reads them; repeated here, which runs before it).
_MONTH = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_HOLIDAYS = (
    r"国庆节?|双(?:十一|11)|元旦|五一|劳动节|\bnational day\b|\bnew year(?:'?s)?(?: day)?\b"
    r"|\bsingles'? ?day\b|\bdouble (?:11|eleven)\b|\blabou?r day\b|\bmay day\b|\bchristmas(?: day)?\b"
)


def _present_selling(m: re.Match[str]) -> str:
    """ "how many do we sell a month" counts sales; "what do you sell", "do you sell BMWs" the range."""
    counted = re.search(r"\b(?:how many|how much|number of|count)\b|多少|几", m.string[: m.start()])
    return "sold" if counted else "carry"


_REWRITES: list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]] = [
    # "有货吗，谢谢", "any left? thanks!": thanks at the end say nothing about the cars
    (
        re.compile(
            r"[\s,，.。!！]*(?:谢谢(?:你|您|啦|了)?|多谢|麻烦(?:你|您)?了|辛苦了"
            r"|(?<![a-z])(?:thanks(?: a lot| so much)?|thank you(?: so much)?|thx|ty|cheers|many thanks))[\s!！.。~]*$"
        ),
        "",
    ),
    # "isn’t", "we’d like": a curly apostrophe typed for the straight one; "arent", "dont": a
    # negation typed without it
    (re.compile(r"(?<=[a-z])[’‘`´](?=[a-z])"), "'"),
    (
        re.compile(
            r"\b(aren|isn|don|doesn|didn|wasn|weren|hasn|haven|hadn|won|can|shouldn|wouldn|couldn)t\b"
        ),
        r"\1't",
    ),
    # "brand-new cars", "a brand new SUV": new, not a question about brands
    (re.compile(r"\bbrand[- ]?new\b"), "new"),
    # "2026款或者更新的": "或者" is "或" ("or newer", "or older")
    (re.compile(r"或者\s*(?=更新|更早|更晚|更旧)"), "或"),
    # "24年进的" -> "2024年进的"; not "库龄超过2年", "近10年", "24年以上"
    (
        re.compile(_NOT_BEFORE_YY + _YY + r"(?=\s*年(?!\s*(?:以上|以内|之内|内|多|左右|以来的库龄|半)))"),
        r"20\1",
    ),
    # "25款的雅阁" -> "2025款"; not "25款车型" (twenty-five models)
    (re.compile(_NOT_BEFORE_YY + _YY + r"(?=\s*款(?!\s*(?:车|不同|型号|最|以上|以内)))"), r"20\1"),
    # Sales idioms: what sells best is what has been sold most.
    (
        re.compile(
            r"卖(?:得|的)最(?:好|多|火)|最(?:畅销|好卖|热销)|销量最(?:高|好|大|多)|销售最好|卖(?:得|的)最好"
        ),
        "已售最多",
    ),
    (re.compile(r"卖(?:得|的)最(?:差|少)|最难卖|销量最(?:低|差|少)"), "已售最少"),
    # "最受欢迎", "most popular": what sells most
    (re.compile(r"最受欢迎|最热门|最抢手|人气最高"), "已售最多"),
    (re.compile(r"\bmost (?:popular|in[- ]demand|wanted|sought[- ]after)\b"), "most sold"),
    (re.compile(r"\bleast popular\b"), "least sold"),
    # "our best month for sales", "the top store for sales": the one with the most sold
    (
        re.compile(r"\b(?:best|top|strongest|biggest)\s+([a-z]+)\s+(?:for|in|by)\s+sales\b"),
        r"which \1 has the most sold",
    ),
    (
        re.compile(r"\b(?:worst|weakest|slowest)\s+([a-z]+)\s+(?:for|in|by)\s+sales\b"),
        r"which \1 has the least sold",
    ),
    # revenue is what the cars sold were worth: "Tesla revenue", "销售额"
    (re.compile(r"\b(?:sales\s+)?(?:revenue|turnover|takings)\b"), "sold value"),
    (re.compile(r"销售额|营业额|营收|销售收入|销售总额"), "已售总价"),
    # "YTD", "year to date", "so far this year": this year
    (re.compile(r"\bytd\b|\byear[- ]to[- ]date\b|\bso far this year\b"), "this year"),
    # "倒数第一" (last in the ranking), "倒数三名" (the bottom three): the fewest
    (re.compile(r"倒数\s*第?\s*(?:一|1)\s*(?:名|位)?(?!\d)"), "最少"),
    (re.compile(r"倒数\s*(?:前\s*)?(\d+)\s*(?:名|位|个)?"), r"最少的前\1个"),
    (re.compile(r"\bbottom\s+(\d+)\b"), r"fewest top \1"),
    (
        re.compile(
            r"\b(?:best|top)[- ]?sell(?:ing|ers?)\b|\bbiggest[- ]sellers?\b|\bsells? (?:the )?(?:most|best)\b"
            r"|\bsold (?:the )?(?:most|best)\b|\bselling (?:the )?best\b"
        ),
        "most sold",
    ),
    # "which colour sold worst", "the worst seller": sold the fewest
    (
        re.compile(
            r"\b(?:sold|sells?|selling) (?:the )?(?:worst|least)\b|\b(?:worst|slowest)[- ]?sell(?:ing|ers?)\b"
        ),
        "least sold",
    ),
    # "how many did we sell": the cars sold
    # ... but "what kinds of cars do you sell?", "do you sell Audis?" ask what the dealer carries
    (re.compile(r"\b(?:did|have|has|had) (?:we|you|they|i) (?:sell|sold)\b"), "sold"),
    (re.compile(r"\b(?:do|does) (?:we|you|they|i) sell\b"), _present_selling),
    # "hasn't been sold", "not yet sold": unsold
    (
        re.compile(
            r"\b(?:has|have|had)(?:n't| not) (?:yet )?been sold\b|\bnot (?:yet )?been sold\b|\bnot yet sold\b"
        ),
        "unsold",
    ),
    # "# of Teslas sold", "no. of SUVs", "qty of BMWs": the number of
    (re.compile(r"(?:#|\bno\.?|\bnum|\bqty|\bcnt)\s*(?:of\b)"), "number of"),
    (re.compile(r"\b(?:qty|cnt)\b"), "count"),
    # "haven't sold", "didn't sell", "still unsold": not sold (yet)
    (
        re.compile(
            r"\b(?:has|have|had|did)(?:n't| not) (?:yet )?(?:been )?(?:sold|sell)\b(?! (?:any|a|an|one|many|much)\b)"
        ),
        "unsold",
    ),
    # "this yr", "last mth", "past 2 wks": abbreviated periods
    (re.compile(r"\byrs?\b"), lambda m: "years" if m.group(0).endswith("s") else "year"),
    (re.compile(r"\bmths?\b"), lambda m: "months" if m.group(0).endswith("s") else "month"),
    (re.compile(r"\bwks?\b"), lambda m: "weeks" if m.group(0).endswith("s") else "week"),
    # "cars that have gone through the Wuhan stores": every car they had, not the ones "gone" (sold)
    (re.compile(r"\b(?:gone|went|go|goes|come|came|passed|pass|moved) through\b"), "passed through"),
    # "haven't found a buyer", "nobody has bought yet": unsold
    (
        re.compile(
            r"\b(?:has|have|had|did)(?:n't| not) (?:yet )?(?:found|got|gotten|had|attracted) (?:a |any )?buyers?\b"
            r"|\b(?:nobody|no one|no-one) (?:has |have |had )?(?:yet )?(?:bought|purchased|taken)\b(?: yet)?"
        ),
        "unsold",
    ),
    # "啥" is colloquial "什么": "都有啥颜色", "有啥车", "啥时候到的"
    (re.compile(r"啥"), "什么"),
    # "sticker price", "list price", "MSRP", "标价": the guide price
    (re.compile(r"\b(?:sticker|list|listed|retail|asking|official|showroom)\s+prices?\b|\bmsrp\b"), "price"),
    (re.compile(r"标价|官方价|官方售价"), "价格"),
    # "the last fortnight": two weeks
    (re.compile(r"\b(?:a|one|the last|the past|last|past)?\s*fortnight\b"), " the last 2 weeks"),
    # "since the start of the year", "from the beginning of this month": since this year / month
    (
        re.compile(
            r"\b(since|from)\s+(?:the\s+)?(?:start|beginning)\s+of\s+(?:the\s+|this\s+)?(year|month|quarter)\b"
        ),
        r"\1 this \2",
    ),
    # "came into stock in 2025", "added to inventory", "进入库存": when a car arrived, not its status now
    (
        re.compile(
            r"\b(?:came|come|comes|coming|went|go|goes|going|brought|taken|put|entered|enter|enters|added|arrived|landed)"
            r"\s+(?:in\s*to|into|to|in|on)\s+(?:our\s+|the\s+)?(?:stock|inventory|lot)\b"
            # "got into inventory"; not "what you've got in stock" (what is there)
            r"|\b(?:got|get|gets|getting)\s+(?:in\s+to|into|onto)\s+(?:our\s+|the\s+)?(?:stock|inventory|lot)\b"
            r"|\b(?:entered|enter|joined|join|hit|hitting)\s+(?:our\s+|the\s+)?(?:stock|inventory|lot)\b"
        ),
        "arrived",
    ),
    (re.compile(r"(?:进入|进了|进到|纳入|加入|录入|入了|放进|转入)\s*(?:了)?\s*库存"), "入库"),
    # "how many we got rn", "atm": chat shorthand for right now
    (re.compile(r"\b(?:rn|atm|rite now)\b"), "right now"),
    # "instock", "onhand": typed as one word
    (re.compile(r"\binstock\b"), "in stock"),
    (re.compile(r"\bonhand\b"), "on hand"),
    # "available today", "今天有货": the stock as it is now, not the cars that came in today
    (
        re.compile(
            r"\b(available|in stock|on hand|in inventory|for sale|on the lot|left)\s+(?:as of\s+)?today\b"
        ),
        r"\1",
    ),
    (re.compile(r"今天(?=\s*(?:就)?\s*(?:还有|有货|在库|有现车|能提|可提|能开走|开回家|提走))"), ""),
    # "a car I could drive home today": one in stock now, not one that came in today
    (
        re.compile(
            r"\b(?:drive|take|bring|pick)\s+(?:it\s+|one\s+)?(?:home|away|off|up)\s+(?:with\s+)?(?:today|right away|now)\b"
        ),
        "available",
    ),
    # "销量排第一的品牌": the one sold most
    (re.compile(r"(?:销量|销售量?|卖得)\s*(?:排|排名)\s*第\s*(?:一|1)\s*(?:位|名)?(?!\d)"), "已售最多"),
    # "max budget 250k", "maximum budget of 300k": a budget's upper bound
    (re.compile(r"\b(?:max(?:imum)?|top|upper) budget(?: of| is|:)?"), "budget at most"),
    # "排第一", "放第1位": put first (a place in the order, not a number of cars)
    (re.compile(r"(排|放|列)\s*在?\s*第\s*(?:一|1)\s*(?:位|个)?(?!\d)"), r"\1最前"),
    # "2025年的销量", "销量按品牌排": the number sold (销量 is a quantity, not only a status)
    (re.compile(r"销量(?!最|排第)"), "已售数量"),
    # "sales floor", "salesman": where and who sells, not the cars sold
    (
        re.compile(
            r"\bsales\s*(?:floor|team|staff|desk|reps?|people|person|manager|consultants?|advisors?)\b|\bsales(?:man|men|woman|women|person|people)\b|销售顾问|销售员|销售经理"
        ),
        "staff",
    ),
    # "how many units did we move / shift": sales talk for selling
    (
        re.compile(
            r"\b(?:did|do|have|has|had) (?:we|you|they|i) (?:move|moved|shift|shifted)\b|\b(?:we|you|they|i)'ve (?:moved|shifted)\b"
        ),
        "sold",
    ),
    # "how many did Pudong sell", "which one sells more": a store or a car named as the seller
    (re.compile(r"\b(?:did|do|does|has|have|had) ([a-z]+(?: [a-z]+){0,3}?) (?:sell|sold)\b"), r"\1 sold"),
    # "哪个卖得多": more sold, not more stock
    (re.compile(r"卖(?:得|的)\s*(?:更|比较)?\s*(多(?!少)|少)"), r"已售\1"),
    (re.compile(r"卖(?:得|的)\s*(?:更|比较)?\s*好"), "已售多"),
    (
        re.compile(r"\bsells? (more|better|less|fewer|worse)\b"),
        lambda m: "sold " + {"better": "more", "worse": "fewer"}.get(m.group(1), m.group(1)),
    ),
    # "20来万" (about 200k), "20多万" (200k and some: up to the next ten)
    (re.compile(r"(\d+)\s*来\s*万"), r"\1万左右"),
    (
        re.compile(r"(?<![\d.])([1-9]0)\s*多\s*万"),
        lambda m: f"{m.group(1)}万到{int(m.group(1)) + 10}万",
    ),
    (
        re.compile(
            r"\bworst[- ]?selling\b|\bsells? (?:the )?(?:least|fewest)\b|\bsold (?:the )?(?:least|fewest)\b"
        ),
        "least sold",
    ),
    # "卖完了没", "sold out?": asked as how many are left
    (re.compile(r"(?:卖|售)(?:完|光|空)了?(?=\s*(?:没有?|吗|么)?\s*[?？]?\s*$)"), "还剩"),
    (re.compile(r"(?:卖|售)(?:完|光|空)了?"), "已售"),  # "卖完的车": the cars sold
    (re.compile(r"\bsold out\b"), "any left"),
    # "from 150k up", "150k upwards": the price and more
    (
        re.compile(
            r"\bfrom\s+(\d[\d.]*\s*(?:k|w|grand|thousand|万|million)?)\s+(?:up|upwards?|and up|or more)\b"
        ),
        r"\1 and up",
    ),
    # "a million", "half a million": numbers the price pass reads
    (re.compile(r"\bhalf (?:a )?million\b"), "0.5 million"),
    (re.compile(r"\b(?:a|one) (million|thousand|hundred thousand)\b"), r"1 \1"),
    # "x-5", "es-6": a model name typed with a hyphen
    (re.compile(r"\b([a-z]{1,2})-(\d{1,2}[a-z]?)\b"), r"\1\2"),
    # Days said by name: the start, middle and end of a month or the year, fixed-date holidays.
    # "3到5月", "3-5月份": a span of months whose first month is said without its "月"
    (re.compile(r"(?<![\d./-])(1[0-2]|0?[1-9])\s*(到|至|-|~|～|—)\s*(1[0-2]|0?[1-9])\s*(?=月)"), r"\1月\2\3"),
    (re.compile(r"(\d{1,2})\s*月\s*(?:初|上旬)"), r"\1月1日"),
    (re.compile(r"(\d{1,2})\s*月\s*(?:中旬|中)(?![国文])"), r"\1月15日"),
    (re.compile(r"(\d{1,2})\s*月\s*(?:底|末|下旬)"), r"\1月"),
    (re.compile(r"(?:今年)?年初"), "1月1日"),
    # "the first week of October", "the last week of May": days 1-7, days 24 to the month's end
    (re.compile(rf"\b(?:the\s+)?first\s+week\s+of\s+{_MONTH}\b"), r"from \1 1 to \1 7"),
    (re.compile(rf"\b(?:the\s+)?(?:second|2nd)\s+week\s+of\s+{_MONTH}\b"), r"from \1 8 to \1 14"),
    (re.compile(r"(\d{1,2})\s*月\s*(?:第一周|第1周|头一周|前一周)"), r"\1月1日到\1月7日"),
    # "the end of May", "the start of March", "mid-June": a month, its first day, its 15th
    (re.compile(rf"\b(?:the\s+)?end\s+of\s+{_MONTH}\b"), r"\1"),
    (re.compile(rf"\b(?:the\s+)?(?:start|beginning)\s+of\s+{_MONTH}\b"), r"\1 1"),
    (re.compile(rf"\b(?:the\s+middle\s+of\s+|mid-?\s*){_MONTH}\b"), r"\1 15"),
    # A holiday with its date in parentheses ("National Day 2025 (Oct 1)", "国庆（10月1日）"): the
    # holiday says the day, the parentheses repeat it
    (
        re.compile(rf"({_HOLIDAYS})(\s*(?:20\d\d)?\s*(?:年)?)\s*[(（][^()（）]{{1,24}}[)）]"),
        r"\1\2",
    ),
    # "Oct 1 2026 (National Day)": the date said, the holiday named again in parentheses
    (re.compile(rf"\s*[(（]\s*(?:{_HOLIDAYS})\s*(?:20\d\d\s*年?)?\s*[)）]"), ""),
    (re.compile(r"\bnational day\b(?:\s+holidays?)?"), "october 1"),
    (re.compile(r"\bnew year'?s day\b|\bnew year(?:'?s)?(?=\s*(?:20\d\d|\())"), "january 1"),
    (re.compile(r"\bsingles'? ?day\b|\bdouble (?:11|eleven)\b"), "november 11"),
    (re.compile(r"\b(?:labou?r day|may day)\b"), "may 1"),
    (re.compile(r"\bchristmas(?: day)?\b"), "december 25"),
    (re.compile(r"国庆节?"), "10月1日"),
    (re.compile(r"双(?:十一|11)"), "11月11日"),
    (re.compile(r"元旦"), "1月1日"),
    (re.compile(r"(?:五一|劳动节)(?!\d)"), "5月1日"),
    (re.compile(r"到现在|到目前为?止?|到今天|截至目前"), "至今"),
    # "最近一次进蔚来", "第一次到货": the latest / earliest time, not a count of one
    (re.compile(r"(?:最近|最后|上)\s*(?:一|1)\s*次"), "最新"),
    (re.compile(r"(?:第|最早)\s*(?:一|1)\s*次"), "最早"),
    # "哪家卖得最多": 家 counts stores, so "哪家" alone asks for a store
    (re.compile(r"哪一?家(?!\s*(?:店|门店|分店|4s店|经销商|展厅))"), "哪家店"),
    # "哪款车" asks for a model, as "哪款车型" does
    (re.compile(r"哪一?款车(?![型系])"), "哪款车型"),
]


def rewrite(text: str) -> str:
    """`text` (prepared: lower case, digits) with everyday phrasings in the grammar's words."""
    for pattern, replacement in _REWRITES:
        text = pattern.sub(replacement, text)
    return text
