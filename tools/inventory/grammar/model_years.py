"""The model-year pass: "2025款", "2023到2025年款", "model year 2024 or newer", "MY2026"."""

from __future__ import annotations

import re

from tools.inventory.grammar.scan import MASK, Scan
from tools.inventory.spec import Op

_NEWER = (
    "及以后",
    "及以上",
    "及之后",
    "以后",
    "以上",
    "之后",
    "或更新",
    "及更新",
    "or newer",
    "or later",
    "and newer",
    "and later",
    "and up",
    "onwards",
    "+",
)
_OLDER_INCLUSIVE = ("及以前", "及之前", "及以下", "或更早", "or older", "or earlier", "and older")
_TAIL = re.compile(
    r"\s*(?:的)?\s*(及以后|及以上|及之后|以后|以上|之后|或更新|及更新|or newer|or later|and newer|and later|and up|onwards|\+|及以前|及之前|及以下|或更早|or older|or earlier|and older|以前|之前|以下)"
)


def model_years(scan: Scan) -> None:
    def ranged(m: re.Match[str]) -> bool:
        low, high = sorted((int(m.group(1)), int(m.group(2))))
        scan.add("model_year", "between", [low, high])
        return True

    scan.sub(r"(20\d\d)\s*(?:年款|款)?\s*(?:到|至|-|~|to)\s*(20\d\d)\s*(?:年款|款)", ranged)
    scan.sub(
        r"(?:model[- ]?years?|年款)\s*(?:from\s+|between\s+|在\s*)?(20\d\d)\s*(?:到|至|-|~|to|and)\s*(20\d\d)",
        ranged,
    )

    def listed(m: re.Match[str]) -> bool:
        scan.add("model_year", "in", sorted({int(y) for y in re.findall(r"20\d\d", m.group(0))}))
        return True

    scan.sub(r"20\d\d(?:\s*(?:,|and|or|和|与|及|、)\s*20\d\d)+\s*(?:年款|款|model[- ]?years?)", listed)

    def single(m: re.Match[str]) -> bool:
        year = int(next(g for g in m.groups() if g))
        scan.add("model_year", *_single_op(scan, m, year))
        return True

    scan.sub(
        r"(20\d\d)\s*(?:年款|款)|model[- ]?years?\s*(?:of\s+|is\s+|=\s*)?(20\d\d)|\bmy\s?(20\d\d)\b"
        r"|(20\d\d)\s+model[- ]?years?|\b(20\d\d)\s+models?\b|\b(20\d\d)(?=\s*" + MASK + ")",
        single,
    )


def _single_op(scan: Scan, m: re.Match[str], year: int) -> tuple[Op, list[int]]:
    """One model year, bounded by the words after it ("及以后") or before it ("newer than")."""
    after = scan.t[m.end() : m.end() + 12]
    before = scan.t[max(0, m.start() - 16) : m.start()]
    op: Op = "between"
    tail = _TAIL.match(after)
    if tail:
        word = tail.group(1)
        op = "ge" if word in _NEWER else ("le" if word in _OLDER_INCLUSIVE else "lt")
        scan.mask(m.end(), m.end() + tail.end())
    elif re.search(r"(?:newer than|later than|after|晚于|新于)\s*$", before):
        op = "gt"
    elif re.search(r"(?:older than|earlier than|before|prior to|早于)\s*$", before):
        op = "lt"
    elif re.search(r"(?:at least|不早于)\s*$", before):
        op = "ge"
    return op, [year, year] if op == "between" else [year]
