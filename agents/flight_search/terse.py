"""A message that is nothing but a route: "paris to frankfurt 12/22", "PEK PVG tomorrow",
"丹佛去华盛顿 明天", "上海-东京 周五 单程".

People type routes into a chat the way they type them into a search box, without a word of
flying. The semantic router reads such a message on its meaning and, with nothing but two city
names in it, may be sure it is out of scope. `only_route` says whether the whole message is a
route: both ends named (served or not), and nothing left once the places, one date, one time of
day and the words a route is written with (separators, "one way", "往返", cabins, passengers,
"direct", "please") are taken out. Anything else left ("by train", "hotel", "weather", "多远")
means the places are about something else, and the router's decision stands.
"""

from __future__ import annotations

import re
from datetime import date

from agents.flight_search.unserved import route_spots
from agents.flight_search.when import find_dates, find_times

# Words a bare route is written with; what remains after them, the places, the date and the time
# of day must be nothing (punctuation and spaces aside).
_ROUTE_WORDS = re.compile(
    r"\b(?:to|from|on|at|in|the|this|next|for|of|via|please|pls|one[\s-]?way|round[\s-]?trip|return"
    r"|returning|back|oneway|direct|non-?stop|economy|business|first|premium|class|cabin|coach"
    r"|adults?|pax|people|persons?|passengers?|kids?|child(?:ren)?|infants?|me|us|\d+)\b"
    r"|到|去|回|至|往|飞往|从|由|出发|返回|返程|单程|往返|来回|直达|直飞|经济舱|商务舱|头等舱|超级经济舱"
    r"|大人|成人|儿童|小孩|婴儿|[一二两三四五六七八九十\d]+(?:个)?(?:人|位|张)|的|在|号|请|查|查查|查一下|看看|看一下",
    re.IGNORECASE,
)
_LEFT = re.compile(r"[A-Za-z\u4e00-\u9fff]")


def only_route(text: str) -> bool:
    """Whether `text` is a route and nothing else (see the module docstring)."""
    spots = route_spots(text)
    if len(spots) < 2:
        return False
    spans = [(s.start, s.end) for s in spots]
    # Only the spans matter, not the dates they resolve to: any reference day finds the same words.
    if (day := find_dates(text, date.today())) is not None:
        spans.append((day.start, day.end))
    if (window := find_times(text)) is not None:
        spans.append((window.start, window.end))
    rest = list(text)
    for start, end in spans:
        rest[start:end] = [" "] * (end - start)
    left = _ROUTE_WORDS.sub(" ", "".join(rest))
    return not _LEFT.search(left)
