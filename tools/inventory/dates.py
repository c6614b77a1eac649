"""Date arithmetic for questions: calendar periods and relative expressions against an injected today."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

Range = tuple[date, date]  # inclusive


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months, clamped to the end of shorter months."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def month_range(year: int, month: int) -> Range:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def quarter_range(year: int, quarter: int) -> Range:
    start = date(year, 3 * (quarter - 1) + 1, 1)
    return start, month_range(year, 3 * quarter)[1]


def half_range(year: int, half: int) -> Range:
    return (date(year, 1, 1), date(year, 6, 30)) if half == 1 else (date(year, 7, 1), date(year, 12, 31))


def year_range(year: int) -> Range:
    return date(year, 1, 1), date(year, 12, 31)


def week_range(day: date) -> Range:
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def latest_past_month(today: date, month: int) -> int:
    """The year of the most recent month `month` not in the future ("3月" in November is this March)."""
    return today.year if month <= today.month else today.year - 1


def before(today: date, amount: int, unit: str) -> date:
    """`today` minus an amount of days, weeks, months or years."""
    if unit == "day":
        return today - timedelta(days=amount)
    if unit == "week":
        return today - timedelta(weeks=amount)
    if unit == "month":
        return add_months(today, -amount)
    return add_months(today, -12 * amount)
