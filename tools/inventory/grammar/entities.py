"""Passes for named things: vehicle ids and VINs, catalogue aliases (longest first), short colour words."""

from __future__ import annotations

import re

from tools.inventory.grammar.scan import MASK, Match, Scan, consume
from tools.inventory.lexicon import NEUTRAL, PATTERNS, SHORT_COLORS, Alias

_SOLD = r"(?:(?:已经|已)?(?:卖掉|卖出去?|售出|已售|卖了|成交)|已经?卖)"
_SOLD_EN = r"sold(?:[- ]off)?"
# The question counts every car whatever its status ("包括已经卖掉的", "连卖掉的也算", "sold ones
# included", "regardless of status"): no status condition, and no in-stock reading of "还有",
# "currently" or a customer's words. "by status", "每种状态" still group.
# Several statuses named and then all included ("已售的、已预订的都算上", "sold and reserved ones
# included", "including the reserved and sold cars"): with the stock itself, that is every status
# (the stock with only the reserved ones, "在库和已预订的", stays those two).
_HELD = r"(?:已经|已|被)?(?:预订|预定|订出|锁车|锁定)|交了?定金"
_ONE_ZH = rf"(?:{_SOLD}|{_HELD})\s*(?:的|了的)?\s*(?:车辆?|那些)?"
_ONE_EN = r"(?:the\s+|any\s+)?(?:already\s+)?(?:sold|reserved|booked|on[- ]hold)"
_JOIN = r"\s*(?:、|,|，|和|与|及|跟|以及|还有|或者?|/|&|\band\b|\bor\b)\s*"
_LISTED = (
    rf"(?:{_ONE_ZH}{_JOIN})+{_ONE_ZH}\s*(?:也|都)\s*(?:算上?|算进去|包括在内|包括|计入|要算|统计在内|一起算)"
    rf"|(?<![不包])(?:包括|包含|算上|连同?|加上)\s*(?:{_ONE_ZH}{_JOIN})+{_ONE_ZH}"
    rf"|\b(?:{_ONE_EN}{_JOIN})+{_ONE_EN}\s+(?:(?:ones|cars|units|vehicles)\s+)?(?:included|too|as well|also)\b"
    rf"|(?<!\bnot\s)\b(?:including|incl\.?|counting|plus)\s+(?:{_ONE_EN}{_JOIN})+{_ONE_EN}\b"
)
EVERY_STATUS = re.compile(
    _LISTED
    + "|"
    + rf"(?<![不包])(?:包括|包含|含|算上|连同?|加上)\s*{_SOLD}\s*(?:的|了的)?\s*(?:车辆?|那些|在内)?\s*(?:也|都)?\s*(?:算上?|算进去|在内|一起算)?"
    rf"|{_SOLD}\s*(?:的|了的)\s*(?:车辆?)?\s*(?:也|都)\s*(?:算上?|算进去|包括在内|计入|要算)"
    r"|(?:不管|不论|无论|不分)\s*(?:是否|有没有|卖没卖|卖了没|售出与否|什么|啥)?\s*(?:卖出|售出|卖掉|卖)?\s*(?:状态|卖没卖|与否|没卖)"
    r"|(?:所有|全部|任何|各种)\s*状态\s*(?:的|都算|都包括|都要)?"
    rf"|\b(?:the\s+)?{_SOLD_EN}\s+(?:ones|cars|units|vehicles|stock)\s+(?:included|too|as well|also)\b"
    rf"|(?<!\bnot\s)\b(?:including|incl\.?|counting|plus)\s+(?:the\s+|any\s+|those\s+)?(?:ones\s+(?:already\s+)?(?:that\s+(?:were|are|have been)\s+)?)?(?:already\s+)?{_SOLD_EN}\b(?:\s+(?:ones|cars|units|vehicles|stock))?"
    r"|\b(?:whether\s+)?sold\s+or\s+(?:not|unsold)\b"
    r"|\b(?:regardless\s+of|irrespective\s+of|no\s+matter(?:\s+what)?)\s+(?:the\s+|their\s+|its\s+)?status\b"
    r"|\bwhatever\s+(?:the|their|its)\s+status\b|\bno matter what status\b"
    r"|(?<!\bfor\s)(?<!\bper\s)(?<!\bby\s)\b(?:(?:of|in|across|with)\s+)?(?:every|all|any)\s+status(?:es)?(?:\s+included)?\b(?!\s+(?:separately|each))"
)

# The reserved ones alone included ("reserved ones included", "已预订的也算上"): the cars asked about
# (the stock when no status is named) and the reserved ones besides.
_HELD_EN = r"(?:reserved|booked|on[- ]hold)"
RESERVED_INCLUDED = re.compile(
    rf"(?<![不包])(?:包括|包含|算上|连同?|加上)\s*(?:{_HELD})\s*(?:的|了的)?\s*(?:车辆?|那些|在内)?\s*(?:也|都)?\s*(?:算上?|算进去|在内|一起算)?"
    rf"|(?:{_HELD})\s*(?:的|了的)\s*(?:车辆?)?\s*(?:也|都)\s*(?:算上?|算进去|包括在内|计入|要算)"
    rf"|\b(?:the\s+)?{_HELD_EN}\s+(?:(?:ones|cars|units|vehicles)\s+(?:included|too|as well|also)|included)\b"
    rf"|(?<!\bnot\s)\b(?:including|incl\.?|counting|plus)\s+(?:the\s+|any\s+|those\s+)?{_HELD_EN}\b(?:\s+(?:ones|cars|units|vehicles))?"
)


def ids(scan: Scan) -> None:
    """Vehicle ids ("V00042", "v 42") and VINs; also masks phrases that only name the inventory itself."""

    def vid(m: re.Match[str]) -> bool:
        scan.matches.append(Match("vehicle_id", f"V{int(m.group(1)):05d}", m.start(), m.end()))
        return True

    def vid_groups(m: re.Match[str]) -> bool:
        number = next(g for g in m.groups() if g)
        scan.matches.append(Match("vehicle_id", f"V{int(number):05d}", m.start(), m.end()))
        return True

    scan.sub(r"(?<![a-z0-9])v\s*-?\s*0*(\d{1,7})(?![0-9])(?!\s*(?:级|class|-class))", vid)
    # "vehicle #456", "car id 88", "vehicle 1234", "456号车": an id said without its V
    scan.sub(
        r"\b(?:vehicle|car|unit)\s*(?:id|#|no\.|number)\s*:?\s*0*(\d{1,7})\b"
        r"|\b(?:vehicle|car)\s+(?!20[0-3]\d\b)0*(\d{3,7})\b"  # not a year ("a car 2026 model")
        r"(?!\s*(?:k\b|km|w\b|万|元|cars|vehicles|units|%|mile|kilomet|yuan|rmb|grand|thousand|million))"
        r"|(?:车辆|车)\s*(?:编号|id|#)\s*:?\s*0*(\d{1,7})|(?<![\d.])0*(\d{1,7})\s*号车",
        lambda m: vid_groups(m),
    )

    def vin(m: re.Match[str]) -> bool:
        scan.matches.append(Match("vin", m.group(0).upper(), m.start(), m.end()))
        return True

    scan.sub(r"(?<![a-z0-9])[a-hj-npr-z0-9]{17}(?![a-z0-9])", vin)
    for phrase in NEUTRAL:
        scan.sub(re.escape(phrase), consume)

    def every_status(_m: re.Match[str]) -> bool:
        scan.every_status = True
        return True

    scan.sub(EVERY_STATUS, every_status)

    def reserved_included(_m: re.Match[str]) -> bool:
        scan.reserved_included = True
        return True

    scan.sub(RESERVED_INCLUDED, reserved_included)


def aliases(scan: Scan, table: list[Alias]) -> None:
    """Catalogue values named by any of their aliases, with negation read around each."""
    for alias in table:
        if alias.text not in scan.t:
            continue
        if alias.context and not re.search(alias.context, scan.full):
            continue
        pattern = PATTERNS[alias.text]
        for m in list(pattern.finditer(scan.t)):
            if MASK in scan.t[m.start() : m.end()]:
                continue
            neg = alias.negated or scan.negated(m.start(), m.end(), alias.field)
            if alias.negated and scan.negated(m.start(), m.end(), alias.field):
                neg = False  # "not unsold" is rare enough to read as sold
            scan.matches.append(Match(alias.field, alias.value, m.start(), m.end(), neg))
            scan.mask(m.start(), m.end())


def short_colors(scan: Scan) -> None:
    """One-character colours ("白的", "黑色车") once longer words have been read."""

    def color(m: re.Match[str]) -> bool:
        value = SHORT_COLORS[m.group(1)]
        scan.matches.append(
            Match("color", value, m.start(), m.end(), scan.negated(m.start(), m.end(), "color"))
        )
        return True

    scan.sub(r"([白黑银灰红蓝])(?=[的色车漆款]|$|[\s、和或与,?？呢。])", color)
