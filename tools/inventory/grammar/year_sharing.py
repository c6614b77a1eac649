"""A range whose year is said at one end only: "2025年3月到6月", "between March and June 2025",
"from July to September 2025", "25年3到5月" are one range in the stated year.

The period pass reads the two ends separately, and an end that names no year of its own ("6月",
"March", "Q3") falls in the latest such period before today: read alone, "2025年3月到6月" would run
from March 2025 to June 2026. When one end states its year and the other does not, the other is
moved into the stated year (into the next year when it would come before the start: "2025年11月到
2月"; into the previous when it would come after the end: "from November to February 2026"). Two
ends without a year keep their order ("10-12月" asked in November: last October to December).
"""

from __future__ import annotations

import re
from datetime import date

from tools.inventory.grammar.scan import DateSpan, Scan

# English month names by their first three letters (the period pass holds the full list).
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\b"
_YEAR_STATED = re.compile(
    r"20\d\d|今年|去年|前年|本年|上一年|this\s+year|last\s+year|previous\s+year|prior\s+year|year before"
)
_RELATIVE = re.compile(r"上|本|这|当|last|this|previous|prior|current|今|昨|前天|week|周")
_CALENDAR_PART = re.compile(rf"\d{{1,2}}\s*月|\b{_MONTH}|q\s*[1-4]|季度|quarter|半年|\bhalf\b")


def _yearless(scan: Scan, span: DateSpan) -> bool:
    text = scan.full[span[0] : span[1]]
    return bool(_CALENDAR_PART.search(text)) and not (_YEAR_STATED.search(text) or _RELATIVE.search(text))


def _shift_years(span: DateSpan, years: int) -> DateSpan:
    values = [_add_years(date.fromisoformat(v), years).isoformat() for v in span[3]]
    return span[0], span[1], span[2], values


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


def share_year(scan: Scan, first: DateSpan, second: DateSpan) -> tuple[DateSpan, DateSpan]:
    """The two ends of a range, the one without a year placed in the other's (see above)."""
    first_free, second_free = _yearless(scan, first), _yearless(scan, second)
    if first_free and second_free and first[3][0] > second[3][-1]:
        return _shift_years(first, -1), second  # "10-12月" in November: last October to December
    if first_free == second_free:
        return first, second
    if second_free:
        low = date.fromisoformat(first[3][0])
        moved = _shift_years(second, low.year - date.fromisoformat(second[3][0]).year)
        if date.fromisoformat(moved[3][-1]) < low:  # "2025年11月到2月": February of the next year
            moved = _shift_years(moved, 1)
        return first, moved
    high = date.fromisoformat(second[3][-1])
    moved = _shift_years(first, high.year - date.fromisoformat(first[3][-1]).year)
    if date.fromisoformat(moved[3][0]) > high:  # "from November to February 2026": November 2025
        moved = _shift_years(moved, -1)
    return moved, second
