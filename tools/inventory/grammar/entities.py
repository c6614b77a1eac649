"""Passes for named things: vehicle ids and VINs, catalogue aliases (longest first), short colour words."""

from __future__ import annotations

import re

from tools.inventory.grammar.scan import MASK, Match, Scan, consume
from tools.inventory.lexicon import NEUTRAL, PATTERNS, SHORT_COLORS, Alias


def ids(scan: Scan) -> None:
    """Vehicle ids ("V00042", "v 42") and VINs; also masks phrases that only name the inventory itself."""

    def vid(m: re.Match[str]) -> bool:
        scan.matches.append(Match("vehicle_id", f"V{int(m.group(1)):05d}", m.start(), m.end()))
        return True

    scan.sub(r"(?<![a-z0-9])v\s*-?\s*0*(\d{1,7})(?![0-9])(?!\s*(?:级|class|-class))", vid)

    def vin(m: re.Match[str]) -> bool:
        scan.matches.append(Match("vin", m.group(0).upper(), m.start(), m.end()))
        return True

    scan.sub(r"(?<![a-z0-9])[a-hj-npr-z0-9]{17}(?![a-z0-9])", vin)
    for phrase in NEUTRAL:
        scan.sub(re.escape(phrase), consume)


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
