"""The question being read: the text still unread, what the passes recognised, and how they mask it.

Every pass works on `Scan.t`, in which what earlier passes consumed is masked, so no phrase is read
twice ("2025年3月" is a month, not also a year); `Scan.full` keeps the whole prepared question for
words that only set a context.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from tools.inventory.grammar.numbers import prepare
from tools.inventory.spec import Condition, Op

MASK = "\x01"  # what the parser consumed (entities, dates, prices, ...)
K_MASK = "\x02"  # a consumed top-k number: "前5个品牌" still reads as top-k groups

# Words that negate the value after them ("不是白色", "除了蔚来", "not white") or, for statuses,
# the verb ("未售出"); "以外" negates the value before it.
_NEG_BEFORE = re.compile(
    r"(?:(?<!是)不是|不为|并非|非|除了|除去|除|排除|不包括|不含|不要|去掉"
    r"|不在|不算|不计|\bnot\s+(?:in|at|from|counting|including)|\boutside(?:\s+of)?|\bnot|\bnon|\bexcluding|\bexclude|\bexcept(?:\s+for)?|\bother\s+than|\bbesides|\bapart\s+from"
    r"|\baside\s+from|\bwithout|\bbut\s+not|\bisn't|\baren't|\bwasn't|\bweren't|\bneither|既不是|既不"
    # "SUVs that don't run on gas", "which doesn't use diesel"
    r"|\b(?:don't|doesn't|didn't|do not|does not|did not)\s+(?:run|use|take|burn|have|come)\s*(?:on|in|with)?"
    # "everything but the Teslas", "sedans, no hybrids", "leaving out the Camry"
    r"|\b(?:everything|anything|all|any)\s+but|\bno|\bleaving\s+out|\bleave\s+out|\bminus|\bsave\s+for)"
    # "SUVs that aren't from BYD", "不是在北京的": a preposition between the negation and the value
    r"\s*-?\s*(?:(?:from|in|at|by|made\s+by|built\s+by|of)\s+|在|从|来自|是)?(?:the\s+|a\s+|an\s+|any\s+)?$"
)
_NEG_STATUS = re.compile(r"(?:未|(?<!有)没有?被?|尚未|还没有?)\s*$")  # "有没有现车" asks, it does not negate
NEG_AFTER = re.compile(r"^\s*(?:的)?\s*(?:以外|之外|除外|不要|不算|不计|excluded\b|not included\b)")
CONJ = re.compile(r"^\s*(?:和|与|及|或|或者|、|,|/|and|or|nor|&|也不是|也不)\s*$")

Handler = Callable[[re.Match[str]], bool]
DateSpan = tuple[int, int, Op, list[str]]  # where a period was read, and its condition on intake_date


@dataclass
class Match:
    """A catalogue value recognised in the question, and where."""

    field: str
    value: Any
    start: int
    end: int
    negated: bool = False


class Scan:
    """One question being read by the passes, and everything they recognised so far."""

    def __init__(self, question: str, today: date) -> None:
        self.full = prepare(question)
        self.t = self.full
        self.today = today
        self.matches: list[Match] = []
        self.conds: list[Condition] = []
        self.dates: list[DateSpan] = []
        self.limit: int | None = None
        self.count_having: Condition | None = None
        # "包括已经卖掉的", "sold ones included", "every status": no condition on the status at all
        self.every_status = False
        # "reserved ones included", "预订的也算": the reserved cars besides the ones asked about
        self.reserved_included = False
        self.intake_context = bool(
            re.search(
                r"入库|接车|到店|到货|进店|进货|收车|入店|上架|received|arrived|arrival|intake|came in|stocked|delivered|added",
                self.full,
            )
        )

    def mask(self, start: int, end: int, char: str = MASK) -> None:
        self.t = self.t[:start] + char * (end - start) + self.t[end:]

    def sub(self, pattern: str | re.Pattern[str], handler: Handler) -> None:
        """Call handler(match) for each match of `pattern`; mask the match if it returns True."""
        regex = _ascii(pattern)
        pos = 0
        while True:
            m = regex.search(self.t, pos)
            if not m:
                return
            if m.end() == m.start():
                pos = m.end() + 1
                continue
            if handler(m):
                self.mask(m.start(), m.end())
            pos = m.end()

    def negated(self, start: int, end: int, field_name: str) -> bool:
        before = self.t[max(0, start - 24) : start]
        if _NEG_BEFORE.search(before) or NEG_AFTER.match(self.t[end : end + 16]):
            return True
        if field_name == "status" and _NEG_STATUS.search(before):
            return True
        earlier = [m for m in self.matches if m.field == field_name and m.end <= start]
        if earlier:
            prev = max(earlier, key=lambda m: m.end)  # "除了蔚来和小鹏": the nearest one before
            return prev.negated and bool(CONJ.match(self.t[prev.end : start]))
        return False

    def add(self, field_name: str, op: Op, values: list[Any]) -> None:
        self.conds.append(Condition(field_name, op, values))


@cache
def _ascii(pattern: str | re.Pattern[str]) -> re.Pattern[str]:
    """`pattern` with ASCII word boundaries: in "top5最贵" or "2025Q1入库" the Chinese character
    after the digit ends the word, while in Unicode mode CJK characters are word characters and
    `\b` between "5" and "最" does not hold. (re caches the compiled patterns.)"""
    if isinstance(pattern, str):
        return re.compile(pattern, re.ASCII)
    return re.compile(pattern.pattern, (pattern.flags & ~re.UNICODE) | re.ASCII)


def consume(_m: re.Match[str]) -> bool:
    """A handler that only masks what it matched."""
    return True
