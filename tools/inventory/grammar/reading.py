"""What the shape decisions look at: the question's masked text, its conditions and keywords."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tools.inventory.grammar.scan import Match
from tools.inventory.spec import Condition

Superlative = tuple[str, bool]  # (column, descending)
# A price is what the question asks for ("多少钱", "how much"): a value, not the car that has it.
PRICE_ASKED = r"价格|价钱|多少钱|售价|\bprices?\b|\bcosts?\b|how much"


def search(pattern: str, text: str) -> re.Match[str] | None:
    """`re.search` with ASCII word boundaries: "价格top 3" has the word "top" (see scan._ascii)."""
    return re.search(pattern, text, re.ASCII)


@dataclass
class Reading:
    """What the shape decisions look at: the masked text, the conditions and the keywords found."""

    r: str  # the masked text
    full: str
    conds: list[Condition]
    values: dict[str, list[Match]]
    ids: list[Condition]
    agg_words: bool
    superlative: Superlative | None
    order: Superlative | None  # an ordering said as a phrase ("从贵到便宜", "cheapest first")
    which: re.Match[str] | None
    group: list[str]
    vehicle_filters: list[Condition]
    metric: str | None
    limit: int | None
    count_having: Condition | None
    understood: bool
    available_asked: bool = False  # "blue Model Y available?", "白色凯美瑞在库？": whether there are any


def available_asked(text: str, statuses: list[Match]) -> bool:
    """The question ends by asking whether the cars are in stock: "X available?", "X available in
    Beijing?", "X在库？" (a count: whether there are any, and how many, as "有没有X" is)."""
    return any(
        m.value == "in_stock"
        and not m.negated
        and re.fullmatch(r"(?:\s*(?:in|at)?\s*\x01+)?\s*[?？]+\s*", text[m.end :])
        for m in statuses
    )
