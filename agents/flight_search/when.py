"""Dates and times of day in a message, in Chinese and English, against a given today.

    find_dates("flights tomorrow morning", today)   -> DateSpan(first=today+1, last=today+1)
    find_dates("下周三上海飞广州", today)               -> next week's Wednesday
    find_dates("on the 12th", today)                -> the next 12th (this month or the next)
    find_dates("十月四号从广州到北京", today)           -> the next 4 October
    find_times("before 5 pm")                       -> TimeWindow(after=None, before=17:00)
    find_times("明天上午")                            -> TimeWindow(05:00, 12:00)

Today comes from the caller (the user's clock, which tests freeze); nothing here reads the time.
A bare weekday ("Friday", "周五") is the next one from today on (today included); "next Friday",
"下周五" the one in the next calendar week; a day of the month without a month ("the 12th",
"12号") the next such day; a month and day without a year the next such date.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

# Chinese numerals up to 31, and English number words (ordinal and cardinal) up to 31.
_CN_DIGITS = {
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
_EN_UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]  # fmt: skip
_EN_ORDINAL_UNITS = ["zeroth", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth"]  # fmt: skip
_EN_WORDS: dict[str, int] = {w: i for i, w in enumerate(_EN_UNITS)} | {
    w: i for i, w in enumerate(_EN_ORDINAL_UNITS)
}
_EN_WORDS |= {"twenty": 20, "twentieth": 20, "thirty": 30, "thirtieth": 30, "a": 1, "an": 1}
for _tens, _name in ((20, "twenty"), (30, "thirty")):
    for _unit in range(1, 10):
        _EN_WORDS[f"{_name}-{_EN_UNITS[_unit]}"] = _tens + _unit
        _EN_WORDS[f"{_name} {_EN_UNITS[_unit]}"] = _tens + _unit
        _EN_WORDS[f"{_name}-{_EN_ORDINAL_UNITS[_unit]}"] = _tens + _unit
        _EN_WORDS[f"{_name} {_EN_ORDINAL_UNITS[_unit]}"] = _tens + _unit
_NUMBER_WORD = "|".join(
    sorted((re.escape(w) for w in _EN_WORDS if w not in ("a", "an")), key=len, reverse=True)
)
# Ordinal words a day of the month is said with ("the twelfth"); "the first/second/third" alone
# are more often picks from a list than dates.
_DAY_ORDINAL = "|".join(
    sorted(
        (re.escape(w) for w, n in _EN_WORDS.items() if re.search(r"(th|first|second|third)$", w) and n > 3),
        key=len,
        reverse=True,
    )
)
_CN_NUMBER = r"[零〇一二两三四五六七八九十]{1,3}"

MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS |= {m.lower(): i for i, m in enumerate(calendar.month_abbr) if m} | {"sept": 9}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
WEEKDAYS_EN = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_WEEKDAY_EN = r"(mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)(?:day|nesday|urday|sday|\.)?"
WEEKDAYS_ZH = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6,
               "1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "7": 6}  # fmt: skip


def cn_number(text: str) -> int | None:
    """ "十二" -> 12, "二十三" -> 23, "三十一" -> 31, "4" -> 4; None when it is not a number."""
    if text.isdigit():
        return int(text)
    if not text or any(c not in _CN_DIGITS and c != "十" for c in text):
        return None
    if "十" not in text:
        return _CN_DIGITS[text] if len(text) == 1 else None
    tens, _, units = text.partition("十")
    value = (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)
    return value if len(tens) <= 1 and len(units) <= 1 else None


def _number(text: str) -> int | None:
    text = text.strip().lower()
    if text.isdigit():
        return int(text)
    return _EN_WORDS.get(text) if text in _EN_WORDS else cn_number(text)


@dataclass(frozen=True)
class DateSpan:
    """The days a message names (one day: first == last) and where it names them."""

    first: date
    last: date
    start: int
    end: int


@dataclass(frozen=True)
class TimeWindow:
    """Departure times a message asks for, in minutes after midnight (None: open on that side)."""

    after: int | None
    before: int | None
    start: int
    end: int


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def next_month_day(today: date, month: int, day: int) -> date | None:
    """The next `month`/`day` from today on (this year, else next year)."""
    for year in (today.year, today.year + 1):
        found = _valid(year, month, day)
        if found is not None and found >= today:
            return found
    return None


def next_day_of_month(today: date, day: int) -> date | None:
    """The next `day` of a month from today on (this month, else the next that has it)."""
    year, month = today.year, today.month
    for _ in range(3):
        found = _valid(year, month, day)
        if found is not None and found >= today:
            return found
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return None


def weekday_from(today: date, weekday: int, which: str) -> date:
    """The `weekday` (0 = Monday) that `which` means: "" or "this" the next from today on,
    "next" the one in the next calendar week, "after next" the week after."""
    if which in ("next", "after next"):
        monday = today - timedelta(days=today.weekday()) + timedelta(weeks=1 if which == "next" else 2)
        return monday + timedelta(days=weekday)
    return today + timedelta(days=(weekday - today.weekday()) % 7)


def _week(today: date, which: str) -> tuple[date, date]:
    monday = today - timedelta(days=today.weekday())
    if which == "next":
        return monday + timedelta(weeks=1), monday + timedelta(weeks=1, days=6)
    return today, monday + timedelta(days=6)


def _weekend(today: date, which: str) -> tuple[date, date]:
    saturday = today - timedelta(days=today.weekday()) + timedelta(days=5)
    if which == "next":
        saturday += timedelta(weeks=1)
    return max(saturday, today), saturday + timedelta(days=1)


_RELATIVE = {
    "today": 0, "tonight": 0, "this morning": 0, "this afternoon": 0, "this evening": 0,
    "tomorrow": 1, "tmrw": 1, "tmr": 1, "day after tomorrow": 2, "the day after tomorrow": 2,
    "今天": 0, "今日": 0, "今晚": 0, "今早": 0, "今天晚上": 0,
    "明天": 1, "明日": 1, "明早": 1, "明晚": 1, "后天": 2, "大后天": 3,
}  # fmt: skip
_RELATIVE_RE = "|".join(sorted((re.escape(k) for k in _RELATIVE), key=len, reverse=True))

# Each pattern is tried at every position; the earliest match wins (the longest at a position).
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        ("iso", r"\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b"),
        ("zh_ymd", r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]"),
        ("zh_md", rf"(\d{{1,2}}|{_CN_NUMBER})\s*月\s*(\d{{1,2}}|{_CN_NUMBER})\s*[日号]?"),
        ("zh_next_month_day", rf"下个?月\s*(\d{{1,2}}|{_CN_NUMBER})\s*[日号]"),
        ("zh_day", rf"(?<![\d月])(\d{{1,2}}|{_CN_NUMBER})\s*[日号](?![\d]|航站|登机|楼|线|门|座|位)"),
        ("zh_weekday", r"(下下|下|这|本|这个|下个)?\s*(?:周|星期|礼拜)([一二三四五六日天1-7])"),
        ("zh_weekend", r"(下|这|本|这个|下个)?\s*周末"),
        ("zh_week", r"(下|这|本|这个|下个)\s*(?:周|星期|礼拜)(?![一二三四五六日天1-7末])"),
        ("zh_in_days", rf"(\d{{1,2}}|{_CN_NUMBER})\s*天\s*(?:后|以后|之后)"),
        ("relative", rf"(?<![A-Za-z])(?:{_RELATIVE_RE})(?![A-Za-z])"),
        ("in_days", rf"\bin\s+(\d{{1,2}}|{_NUMBER_WORD}|a|an)\s+(days?|weeks?)\b"),
        ("en_weekday", rf"\b(?:(next|this|coming|the week after next)\s+)?{_WEEKDAY_EN}\b"),
        ("en_weekend", r"\b(?:(next|this)\s+)?weekend\b"),
        ("en_week", r"\b(next|this)\s+week\b"),
        (
            "en_month_day",
            rf"\b({_MONTH})\.?\s+(?:the\s+)?(\d{{1,2}}|{_NUMBER_WORD})(?:st|nd|rd|th)?\b(?:,?\s*(\d{{4}}))?",
        ),
        (
            "en_day_month",
            rf"\b(?:the\s+)?(\d{{1,2}}|{_NUMBER_WORD})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH})\b\.?(?:,?\s*(\d{{4}}))?",
        ),
        (
            "en_day",
            rf"\bthe\s+(\d{{1,2}}(?:st|nd|rd|th)|{_DAY_ORDINAL})\b(?!\s*(?:one|flight|option|of\s+them))",
        ),
        ("slash", r"(?<![\d/])(\d{1,2})/(\d{1,2})(?![\d/])"),
    )
)


def _resolve(name: str, groups: tuple[str | None, ...], today: date) -> tuple[date, date] | None:
    g = [x or "" for x in groups]
    one: date | None = None
    if name == "iso" or name == "zh_ymd":
        one = _valid(int(g[0]), int(g[1]), int(g[2]))
    elif name == "zh_md":
        month, day = cn_number(g[0]), cn_number(g[1])
        one = next_month_day(today, month, day) if month and day else None
    elif name == "zh_next_month_day":
        day = cn_number(g[0])
        year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
        one = _valid(year, month, day) if day else None
    elif name == "zh_day":
        day = cn_number(g[0])
        one = next_day_of_month(today, day) if day else None
    elif name == "zh_weekday":
        which = {"下": "next", "下个": "next", "下下": "after next"}.get(g[0], "")
        one = weekday_from(today, WEEKDAYS_ZH[g[1]], which)
    elif name in ("zh_weekend", "en_weekend"):
        return _weekend(today, "next" if g[0] in ("下", "下个", "next") else "")
    elif name in ("zh_week", "en_week"):
        return _week(today, "next" if g[0] in ("下", "下个", "next") else "")
    elif name == "zh_in_days":
        amount = cn_number(g[0])
        one = today + timedelta(days=amount) if amount is not None else None
    elif name == "relative":
        return None  # handled by the caller, which has the matched text
    elif name == "in_days":
        amount = _number(g[0])
        if amount is None:
            return None
        one = today + (timedelta(weeks=amount) if g[1].lower().startswith("week") else timedelta(days=amount))
    elif name == "en_weekday":
        which = {"next": "next", "the week after next": "after next"}.get(g[0].lower(), "")
        one = weekday_from(today, WEEKDAYS_EN[g[1].lower()[:3]], which)
    elif name in ("en_month_day", "en_day_month"):
        month_name, day_text, year_text = (g[0], g[1], g[2]) if name == "en_month_day" else (g[1], g[0], g[2])
        day_of_month, month = _number(day_text), MONTHS[month_name.lower()]
        if day_of_month is None:
            return None
        one = (
            _valid(int(year_text), month, day_of_month)
            if year_text
            else next_month_day(today, month, day_of_month)
        )
    elif name == "en_day":
        day = _number(re.sub(r"(?<=\d)(st|nd|rd|th)$", "", g[0].lower()))
        one = next_day_of_month(today, day) if day else None
    elif name == "slash":
        one = next_month_day(today, int(g[0]), int(g[1]))
    return (one, one) if one is not None else None


def find_dates(text: str, today: date) -> DateSpan | None:
    """The first date expression of `text`, as days from `today`'s point of view."""
    found: list[tuple[int, int, str, re.Match[str]]] = []
    for name, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            found.append((match.start(), -(match.end() - match.start()), name, match))
    for start, _, name, match in sorted(found, key=lambda item: (item[0], item[1])):
        if name == "relative":
            key = match.group(0).lower()
            offset = _RELATIVE.get(key, _RELATIVE.get(key.replace("the ", "", 1), 0))
            day = today + timedelta(days=offset)
            return DateSpan(day, day, start, match.end())
        if name == "en_weekday" and match.group(0).split()[-1].lower() in ("sat", "sun", "wed", "mon"):
            continue  # these alone are more likely words than weekdays
        span = _resolve(name, match.groups(), today)
        if span is not None:
            return DateSpan(span[0], span[1], start, match.end())
    return None


# --------------------------------------------------------------------------------- times of day

_PARTS_EN = {
    "early morning": (300, 540), "morning": (300, 720), "noon": (660, 840), "midday": (660, 840),
    "lunchtime": (660, 840), "afternoon": (720, 1080), "evening": (1080, 1440), "tonight": (1080, 1440),
    "late night": (1260, 1440), "night": (1260, 1440), "red-eye": (1260, 1440), "red eye": (1260, 1440),
}  # fmt: skip
_PARTS_ZH = {
    "清晨": (300, 540), "一早": (300, 540), "早上": (300, 720), "早晨": (300, 720), "上午": (300, 720),
    "明早": (300, 720), "今早": (300, 720), "中午": (660, 840), "下午": (720, 1080), "傍晚": (1020, 1200),
    "晚上": (1080, 1440), "今晚": (1080, 1440), "明晚": (1080, 1440), "晚间": (1080, 1440),
    "夜里": (1260, 1440), "深夜": (1260, 1440), "红眼": (1260, 1440), "凌晨": (0, 360),
}  # fmt: skip
_PM_PARTS = (
    "下午",
    "晚上",
    "傍晚",
    "今晚",
    "明晚",
    "晚间",
    "夜里",
    "深夜",
    "pm",
    "p.m.",
    "evening",
    "afternoon",
    "tonight",
)
_CLOCK_EN = r"(\d{1,2})(?::(\d{2}))?\s*(a\.?m\.?|p\.?m\.?|o'?clock)?"
_CLOCK_ZH = rf"(早上|上午|中午|下午|傍晚|晚上|凌晨)?\s*(\d{{1,2}}|{_CN_NUMBER})\s*[点时:：]\s*(半|\d{{1,2}}\s*分?|一刻|三刻)?"
_TIME_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        ("en_between", rf"\b(?:between|from)\s+{_CLOCK_EN}\s+(?:and|to|-)\s+{_CLOCK_EN}"),
        ("en_before", rf"\b(?:before|by|earlier than|no later than|until)\s+{_CLOCK_EN}"),
        ("en_after", rf"\b(?:after|later than|from)\s+{_CLOCK_EN}"),
        ("en_around", rf"\b(?:around|about|at|near)\s+{_CLOCK_EN}"),
        ("en_clock", r"\b(\d{1,2})(?::(\d{2}))?\s*(a\.?m\.?|p\.?m\.?|o'?clock)"),
        ("zh_between", rf"{_CLOCK_ZH}\s*(?:到|至|-|~)\s*{_CLOCK_ZH}"),
        ("zh_before", rf"{_CLOCK_ZH}\s*(?:以前|之前|前)"),
        ("zh_after", rf"{_CLOCK_ZH}\s*(?:以后|之后|后)"),
        ("zh_clock", rf"{_CLOCK_ZH}\s*(?:左右|钟)?"),
        ("en_part", r"\b(" + "|".join(sorted(map(re.escape, _PARTS_EN), key=len, reverse=True)) + r")\b"),
        ("zh_part", "(" + "|".join(sorted(_PARTS_ZH, key=len, reverse=True)) + ")"),
    )
)


def _en_minutes(hour: str, minute: str | None, suffix: str | None, context: str = "") -> int | None:
    h, m = int(hour), int(minute or 0)
    if h > 24 or m > 59:
        return None
    marker = (suffix or "").lower().replace(".", "")
    if marker.startswith("p") and h < 12:
        h += 12
    elif marker.startswith("a") and h == 12:
        h = 0
    elif (
        not marker.startswith(("a", "p")) and h < 12 and (1 <= h <= 6 or any(p in context for p in _PM_PARTS))
    ):
        h += 12  # "before 5" means 5 pm: flights at 5 am are asked about as such
    return h * 60 + m


def _zh_minutes(part: str | None, hour: str, minute: str | None) -> int | None:
    h = cn_number(hour)
    if h is None or h > 24:
        return None
    text = (minute or "").replace("分", "").strip()
    m = 30 if text == "半" else 15 if text == "一刻" else 45 if text == "三刻" else int(text or 0)
    if part in ("下午", "晚上", "傍晚") and h < 12 or part == "中午" and h < 6:
        h += 12
    elif part is None and 1 <= h <= 6:
        h += 12  # "两点" for a flight is 2 pm; 2 am is said 凌晨两点
    return h * 60 + m if m < 60 else None


def _window(name: str, g: tuple[str | None, ...], text: str) -> tuple[int | None, int | None] | None:
    if name == "en_between":
        first, second = _en_minutes(g[0] or "", g[1], g[2], text), _en_minutes(g[3] or "", g[4], g[5], text)
        return (first, second) if first is not None and second is not None and first < second else None
    if name in ("en_before", "en_after", "en_around", "en_clock"):
        at = _en_minutes(g[0] or "", g[1], g[2], text)
    elif name == "zh_between":
        first, second = _zh_minutes(g[0], g[1] or "", g[2]), _zh_minutes(g[3] or g[0], g[4] or "", g[5])
        return (first, second) if first is not None and second is not None and first < second else None
    elif name in ("zh_before", "zh_after", "zh_clock"):
        at = _zh_minutes(g[0], g[1] or "", g[2])
    else:
        parts = _PARTS_EN if name == "en_part" else _PARTS_ZH
        return parts[(g[0] or "").lower()]
    if at is None:
        return None
    if name.endswith("before"):
        return None, at
    if name.endswith("after"):
        return at, None
    return max(at - 60, 0), min(at + 60, 1440)


def find_times(text: str) -> TimeWindow | None:
    """The first departure-time expression of `text` (see the module docstring)."""
    found: list[tuple[int, int, str, re.Match[str]]] = []
    for name, pattern in _TIME_PATTERNS:
        for match in pattern.finditer(text):
            found.append((match.start(), -(match.end() - match.start()), name, match))
    for start, _, name, match in sorted(found, key=lambda item: (item[0], item[1])):
        window = _window(name, match.groups(), text.lower())
        if window is not None:
            return TimeWindow(window[0], window[1], start, match.end())
    return None


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
