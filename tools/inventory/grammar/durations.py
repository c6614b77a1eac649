"""The duration pass: windows ending today ("最近30天", "in the last 2 weeks") and ages ("库龄超过90天")."""

from __future__ import annotations

import re

from tools.inventory import dates as D
from tools.inventory.grammar.scan import Scan

_UNIT_OF = {
    "天": "day",
    "日": "day",
    "day": "day",
    "days": "day",
    "周": "week",
    "星期": "week",
    "个星期": "week",
    "week": "week",
    "weeks": "week",
    "个月": "month",
    "个多月": "month",
    "月": "month",
    "month": "month",
    "months": "month",
    "年": "year",
    "year": "year",
    "years": "year",
}
_RECENT_PRE = {
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
    "within",
    "within the last",
    "within the past",
    "over the last",
    "over the past",
}
_FEWER_PRE = {"不到", "少于", "小于", "未满", "less than", "under", "fewer than"}
_OLDER_PRE = {"超过", "大于", "多于", "不止", "more than", "over", "longer than", "older than"}
_OLDER_POST = {"以上", "or more", "or longer", "plus", "+", "前", "之前", "以前", "ago"}
_DURATION = re.compile(
    r"(?P<pre>超过|大于|多于|满|达到|不止|不到|少于|小于|未满|最近|近|过去|这|more than|over|longer than|older than|at least|less than|under|"
    r"fewer than|within the last|within the past|within|in the last|in the past|over the last|over the past|the last|the past|last|past)?"
    r"\s*(?P<n>\d{1,3})\s*(?P<unit>个多月|个月|个星期|星期|天|日|周|月|年|days?|weeks?|months?|years?)"
    r"(?P<post>\s*(?:以上|以内|之内|内|前|之前|以前|ago|or more|or longer|plus|\+))?"
)


def durations(scan: Scan) -> None:
    def duration(m: re.Match[str]) -> bool:
        pre, post = (m.group("pre") or "").strip(), (m.group("post") or "").strip()
        since = D.before(scan.today, int(m.group("n")), _UNIT_OF[m.group("unit")]).isoformat()
        recent = pre in _RECENT_PRE or post in ("以内", "之内", "内")
        if recent and pre not in _FEWER_PRE:
            scan.add("intake_date", "ge", [since])  # "最近30天", "within the last 2 weeks"
        elif pre in _OLDER_PRE or post in _OLDER_POST:
            scan.add("intake_date", "lt", [since])  # "库龄超过90天", "30 days ago"
        elif pre in ("满", "达到", "at least"):
            scan.add("intake_date", "le", [since])
        elif pre in _FEWER_PRE:
            scan.add("intake_date", "gt", [since])
        else:
            return False
        return True

    scan.sub(_DURATION, duration)

    def rolling(m: re.Match[str]) -> bool:
        unit = m.group("u") or m.group("u2")
        scan.add("intake_date", "ge", [D.before(scan.today, 1, unit).isoformat()])
        return True

    scan.sub(
        r"(?:in|over|during|within) the (?:last|past) (?P<u>week|month|year)|\bpast (?P<u2>week|month|year)",
        rolling,
    )
    # An age in stock ("库龄") is about cars still in stock unless the question says otherwise.
    if (
        re.search(r"库龄|在库时间|压库", scan.full)
        and not any(c.field == "status" for c in scan.conds)
        and any(c.field == "intake_date" for c in scan.conds)
    ):
        scan.add("status", "in", ["in_stock"])
