"""The date pass: explicit days, quarters, halves, months, years and named relative periods.

Each period becomes a condition on intake_date, read with the words around it: "before P" is
before P starts, "after P" after it ends, "since P" from its start, "until P" to its end; two
periods joined by "到"/"to"/"and" become one range, a year said at one end only shared by both
(`year_sharing`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

from tools.inventory import dates as D
from tools.inventory.grammar.scan import DateSpan, Handler, Scan
from tools.inventory.grammar.year_sharing import share_year
from tools.inventory.spec import Op

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
MONTH_WORDS = tuple(_MONTHS)  # every English month name and abbreviation the grammar reads
_MONTH = r"(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")"
_YEARTOK = r"(\d{4}\s*年|今年|去年|前年|this\s+year'?s?|last\s+year'?s?)"
_ORD = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}
_TAIL = re.compile(
    r"\s*(?:的)?\s*(之前|以前|前(?![0-9])|before|之后|以后|后(?![0-9])|after|以来|起|开始|至今|onwards?|and later|or later|及以后|及以前|为止)"
)

RangeOf = Callable[[re.Match[str]], D.Range | None]


def dates_pass(scan: Scan) -> None:
    _days(scan)
    _quarters_and_halves(scan)
    _months(scan)
    _years(scan)
    _named_periods(scan)
    _combine(scan)


def _on(scan: Scan, range_of: RangeOf) -> Handler:
    """A handler that reads the period `range_of` finds in a match as a condition."""

    def handler(m: re.Match[str]) -> bool:
        try:
            rng = range_of(m)
        except ValueError:  # 2025-02-30 and the like: not a date, leave it
            return False
        if rng is None:
            return False
        begin, finish = m.span("d") if "d" in m.re.groupindex else m.span()
        _range_op(scan, begin, finish, rng)
        return False  # _range_op masked the date itself (not a preposition before it)

    return handler


def _range_op(scan: Scan, begin: int, finish: int, rng: D.Range) -> None:
    """Turn a period into a condition on intake_date, reading before/after/since around it."""
    after = scan.t[finish : finish + 10]
    before = scan.t[max(0, begin - 20) : begin]
    start, end = rng
    tail = _TAIL.match(after)
    op: Op = "between"
    values = [start.isoformat(), end.isoformat()]
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
    # "cars from 2025" are that year's; "from March" alone is March ("from March to June" is a range,
    # joined below)
    elif re.search(r"(?:since|starting(?:\s+from)?|自从|自|从)\s*$", before):
        op, values = "ge", [start.isoformat()]
    elif re.search(r"(?:until|till|through|up\s+to|截至|截止到?|直到|到)\s*$", before):
        op, values = "le", [end.isoformat()]
    if tail:
        scan.mask(finish, finish + tail.end())
    scan.mask(begin, finish)
    scan.dates.append((begin, finish, op, values))


def _year_of(scan: Scan, token: str | None) -> int:
    """The year a token names: digits, or one relative to today ("去年", "this year")."""
    if not token:
        return scan.today.year
    token = token.strip()
    if token.startswith(("去年", "last")):
        return scan.today.year - 1
    if token.startswith(("前年", "the year before")):
        return scan.today.year - 2
    if token.startswith(("今年", "this")):
        return scan.today.year
    digits = re.match(r"\d{4}", token)
    if digits is None:  # the patterns only pass years in digits or relative words
        raise ValueError(f"not a year: {token!r}")
    return int(digits.group(0))


def _ymd(y: str, mo: str, d: str) -> D.Range:
    day = date(int(y), int(mo), int(d))
    return day, day


def _days(scan: Scan) -> None:
    """Explicit dates: "2025-03-01", "2025年3月1日", "March 1, 2025", "1 March 2025"."""
    scan.sub(
        r"(20\d\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?",
        _on(scan, lambda m: _ymd(*m.groups())),
    )
    scan.sub(
        rf"\b{_MONTH}\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(20\d\d)\b",
        _on(scan, lambda m: _ymd(m.group(3), str(_MONTHS[m.group(1)]), m.group(2))),
    )
    scan.sub(
        rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\.?,?\s+(20\d\d)\b",
        _on(scan, lambda m: _ymd(m.group(3), str(_MONTHS[m.group(2)]), m.group(1))),
    )


def _quarters_and_halves(scan: Scan) -> None:
    """Quarters and halves, with an optional year (digits or relative) before or after."""
    today = scan.today
    scan.sub(
        rf"{_YEARTOK}?\s*(?:的)?\s*第?\s*([1-4])\s*季度",
        _on(scan, lambda m: D.quarter_range(_year_of(scan, m.group(1)), int(m.group(2)))),
    )
    scan.sub(  # "Q3", "2025 Q4", "去年Q4", "last year's Q4", "Q1 of 2026" (CJK beside it is no word boundary)
        r"(?:(20\d\d)\s*年?\s*|(今年|去年|前年|this year'?s?|last year'?s?)\s*(?:的)?\s*)?"
        r"(?<![a-z])q\s*([1-4])(?![a-z0-9])(?:\s*(?:of\s+)?(20\d\d|this year|last year))?",
        _on(
            scan,
            lambda m: D.quarter_range(
                _year_of(scan, m.group(1) or m.group(2) or m.group(4)), int(m.group(3))
            ),
        ),
    )
    scan.sub(
        r"\b(first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter(?:\s+of)?(?:\s+(20\d\d|this year|last year))?",
        _on(scan, lambda m: D.quarter_range(_year_of(scan, m.group(2)), _ORD[m.group(1)])),
    )
    scan.sub(
        rf"{_YEARTOK}?\s*(?:的)?\s*(上半年|下半年)",
        _on(scan, lambda m: D.half_range(_year_of(scan, m.group(1)), 1 if m.group(2) == "上半年" else 2)),
    )
    scan.sub(
        r"\b(first|second)\s+half\s+(?:of\s+)?(20\d\d|this year|last year)?",
        _on(scan, lambda m: D.half_range(_year_of(scan, m.group(2)), 1 if m.group(1) == "first" else 2)),
    )
    scan.sub(  # "H1 2025", "2025 H2", "2025年H1": a half named as in reports
        r"(?:(20\d\d)\s*年?\s*)?(?<![a-z0-9])h([12])(?![a-z0-9])(?:\s*(?:of\s+)?(20\d\d))?",
        _on(scan, lambda m: D.half_range(_year_of(scan, m.group(1) or m.group(3)), int(m.group(2)))),
    )
    scan.sub(
        r"(?:本季度|这个季度|本季|当季|this quarter|current quarter)",
        _on(scan, lambda m: D.quarter_range(today.year, D.quarter_of(today))),
    )

    def last_quarter(_m: re.Match[str]) -> D.Range:
        q, y = D.quarter_of(today) - 1, today.year
        return D.quarter_range(y - 1, 4) if q == 0 else D.quarter_range(y, q)

    scan.sub(r"上个?季度|上一季度|上季|last quarter|previous quarter|prior quarter", _on(scan, last_quarter))


def _month(year: int, month: int) -> D.Range | None:
    """The month, or None when the number is no month ("13月")."""
    return D.month_range(year, month) if 1 <= month <= 12 else None


def _months_in_relative_years(scan: Scan) -> None:
    """ "this September", "March of last year", "last year's June": a month in a year named relative
    to today ("this September" is this year's, even when it is still to come)."""
    rel_year = r"(this year|last year|the year before last)"
    scan.sub(
        rf"\b(?:this\s+(?:past\s+)?|earlier\s+this\s+|(this year|last year)'?s?\s+){_MONTH}\b\.?"
        rf"|\b{_MONTH}\.?\s*,?\s*(?:of\s+|in\s+)?{rel_year}\b",
        _on(
            scan,
            lambda m: D.month_range(
                _year_of(scan, m.group(1) or m.group(4)), _MONTHS[m.group(2) or m.group(3)]
            ),
        ),
    )


def _months(scan: Scan) -> None:
    """Months with a year ("2025年3月", "2025-03", "March 2025"), days without one ("3月5日"), bare months."""
    today = scan.today
    scan.sub(
        rf"{_YEARTOK}\s*(?:的)?\s*(\d{{1,2}})\s*月份?(?!\s*\d)",
        _on(scan, lambda m: _month(_year_of(scan, m.group(1)), int(m.group(2)))),
    )
    scan.sub(
        r"(20\d\d)[-/](\d{1,2})(?![\d/-])",
        _on(scan, lambda m: _month(int(m.group(1)), int(m.group(2)))),
    )
    scan.sub(  # "10/2026", "03-2025"
        r"(?<![\d/.-])(\d{1,2})[-/](20\d\d)(?![\d/-])",
        _on(scan, lambda m: _month(int(m.group(2)), int(m.group(1)))),
    )

    # before "June 2025" is read alone: "between March and June 2025" is one range in 2025
    def month_span(m: re.Match[str]) -> D.Range | None:
        """ "March to May", "sep-oct this year": the first month's start to the second's end."""
        first, last = _MONTHS[m.group(1)], _MONTHS[m.group(2)]
        year = _year_of(scan, m.group(3)) if m.group(3) else D.latest_past_month(today, last)
        start = D.month_range(year if first <= last else year - 1, first)[0]
        return start, D.month_range(year, last)[1]

    scan.sub(
        rf"(?:\bfrom\s+|\bbetween\s+)?\b{_MONTH}\.?\s*(?:-|–|~|/|to|through|till|until|and)\s*{_MONTH}\b\.?"
        r"(?:\s*,?\s*(?:of\s+|in\s+)?(20\d\d|this year|last year))?",
        _on(scan, month_span),
    )

    _months_in_relative_years(scan)
    scan.sub(
        rf"\b{_MONTH}\.?\s*,?\s*(20\d\d)\b",
        _on(scan, lambda m: D.month_range(int(m.group(2)), _MONTHS[m.group(1)])),
    )
    scan.sub(
        rf"\b(20\d\d)\s+{_MONTH}\b",
        _on(scan, lambda m: D.month_range(int(m.group(1)), _MONTHS[m.group(2)])),
    )

    def md(mo: int, d: int) -> D.Range:
        """A day without a year: the latest one that is not in the future."""
        year = today.year if (mo, d) <= (today.month, today.day) else today.year - 1
        day = date(year, mo, d)
        return day, day

    scan.sub(
        r"(?<![\d])(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]",
        _on(scan, lambda m: md(int(m.group(1)), int(m.group(2)))),
    )
    scan.sub(
        rf"\b{_MONTH}\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b",
        _on(scan, lambda m: md(_MONTHS[m.group(1)], int(m.group(2)))),
    )
    scan.sub(  # "1 Sept", "the 3rd of March"
        rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\b\.?",
        _on(scan, lambda m: md(_MONTHS[m.group(2)], int(m.group(1)))),
    )

    def bare_month(m: re.Match[str]) -> D.Range | None:
        month = int(m.group(1))
        return D.month_range(D.latest_past_month(today, month), month) if 1 <= month <= 12 else None

    scan.sub(r"(?<![\d年])(\d{1,2})\s*月份?(?!\s*\d)(?!\s*(?:内|以内|之内))", _on(scan, bare_month))
    scan.sub(
        rf"\b(?:in|since|before|after|during|from|until|through|of|for|to|till)\s+(?P<d>{_MONTH})\b(?!\s*\d)",
        _on(
            scan,
            lambda m: D.month_range(D.latest_past_month(today, _MONTHS[m.group(1)]), _MONTHS[m.group(1)]),
        ),
    )


def _years(scan: Scan) -> None:
    """Calendar years ("2025年", "in 2025", "between 2024 and 2025")."""

    def year(m: re.Match[str]) -> D.Range:
        return D.year_range(int(m.group(1)))

    def second_year(m: re.Match[str]) -> D.Range | None:
        return D.year_range(int(m.group(1))) if scan.dates else None  # "... and 2025" ends a range

    scan.sub(r"(20\d\d)\s*年(?:度)?(?!\s*款)(?!\s*\d)", _on(scan, year))
    scan.sub(
        r"\b(?:in|during|since|before|after|from|until|through|for|throughout|of)\s+(?P<d>20\d\d)\b",
        _on(scan, year),
    )
    scan.sub(r"\bbetween\s+(?P<d>20\d\d)\b(?=\s+and\s+20\d\d)", _on(scan, year))
    # the year before the intake word: "2025 intakes", "the 2024 arrivals"
    scan.sub(r"\b(?P<d>20\d\d)\b(?=\s+(?:intakes?|arrivals?|deliveries|receipts)\b)", _on(scan, year))
    # the year after the intake or sale word ("intake 2026", "sold 2025"), or standing alone between
    # commas ("sold per quarter, 2025, ..."): staff shorthand for "in 2026"
    scan.sub(
        r"\b(?:intakes?|arrivals?|arrived|received|sold|sales|deliveries|delivered|taken in|took in|came in)"
        r"\s*,?\s*(?P<d>20\d\d)\b(?!\s*(?:model|款|年款|or|and|to|-))",
        _on(scan, year),
    )
    scan.sub(r"(?:^|[,;])\s*(?P<d>20\d\d)\s*(?=[,;.?!]|$)", _on(scan, year))
    scan.sub(r"\band\s+(?P<d>20\d\d)\b", _on(scan, second_year))


_WEEKDAYS_EN = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY_ZH = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_WEEKDAY_ZH.update({str(i + 1): i for i in range(7)})


def _weekdays(scan: Scan) -> None:
    """Days of the week: "on Monday", "since Tuesday", "last Friday" are the latest such day before
    today (today itself for "since"/"this"); "上周三" is the Wednesday of last week, "周一"/"这周一"
    the Monday of this week (the week starts on Monday, as "this week" does)."""
    today = scan.today

    def latest(weekday: int, today_counts: bool) -> D.Range:
        back = (today.weekday() - weekday) % 7
        if back == 0 and not today_counts:
            back = 7
        day = today - timedelta(days=back)
        return day, day

    def english(m: re.Match[str]) -> D.Range:
        weekday = _WEEKDAYS_EN.index(m.group(2))
        return latest(weekday, today_counts=m.group(1) is None or m.group(1).startswith("this"))

    scan.sub(rf"\b(last\s+|this\s+(?:past\s+)?|past\s+)?({'|'.join(_WEEKDAYS_EN)})s?\b", _on(scan, english))

    def chinese(m: re.Match[str]) -> D.Range:
        weekday = _WEEKDAY_ZH[m.group(2)]
        monday = D.week_range(today)[0] - timedelta(days=7 if m.group(1) else 0)
        day = monday + timedelta(days=weekday)
        return day, day

    # not "2周一共" (two weeks, in all), "每周一" (every Monday: a grouping the grammar does not read)
    scan.sub(
        r"(上个?|上一个?)?(?<![\d两几每])(?:周|星期|礼拜)([一二三四五六日天1-7])(?!\s*(?:共|起|样|直|般|定|下|些|点|切|律|同))",
        _on(scan, chinese),
    )


def _named_periods(scan: Scan) -> None:
    """Periods named relative to today: today, yesterday, this/last week, month, year, weekdays."""
    today = scan.today
    _weekdays(scan)
    monday = D.week_range(today)[0]
    named: list[tuple[str, Callable[[], D.Range]]] = [
        # before "last month" / "last week" / "去年", which they contain
        (
            r"上上个?月|\bthe month before last\b",
            lambda: D.month_range(D.add_months(today, -2).year, D.add_months(today, -2).month),
        ),
        (r"上上个?(?:星期|周)|\bthe week before last\b", lambda: D.week_range(today - timedelta(days=14))),
        (r"大前年", lambda: D.year_range(today.year - 3)),
        (
            r"上(?:个)?周末|\blast weekend\b|\bthe weekend before\b",
            lambda: (monday - timedelta(days=2), monday - timedelta(days=1)),
        ),
        (
            r"(?:这个?|本)周末|\bthis (?:past )?weekend\b",
            lambda: (monday + timedelta(days=5), monday + timedelta(days=6)),
        ),
        (r"今天|今日|\btoday\b", lambda: (today, today)),
        (r"昨天|昨日|\byesterday\b", lambda: (today - timedelta(days=1),) * 2),
        (r"(?<!大)前天|the day before yesterday", lambda: (today - timedelta(days=2),) * 2),
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
    for pattern, period in named:
        scan.sub(pattern, _on(scan, _named(period)))


def _named(period: Callable[[], D.Range]) -> RangeOf:
    """A range finder for a period named by a word: the match itself says nothing more."""
    return lambda _m: period()


def _combine(scan: Scan) -> None:
    """Two periods joined by "到"/"to"/"and" become one range; each result is a condition."""
    merged: list[DateSpan] = []
    for item in sorted(scan.dates):
        if merged:
            prev = merged[-1]
            gap = scan.t[prev[1] : item[0]]
            if re.fullmatch(r"[\s\x01]*(?:到|至|-|~|～|—|to|until|till|and|和|与|through)[\s\x01]*", gap):
                prev, item = share_year(scan, prev, item)
                low = prev[3][0]
                high = item[3][-1]
                merged[-1] = (prev[0], item[1], "between", [low, high])
                continue
        merged.append(item)
    for _, _, op, values in merged:
        if op == "between" and len(values) == 1:
            values = values * 2
        scan.add("intake_date", op, values)
