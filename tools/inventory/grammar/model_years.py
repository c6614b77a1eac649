"""The model-year pass: "2025款", "2023到2025年款", "model year 2024 or newer", "MY2026"."""

from __future__ import annotations

import re

from tools.inventory.grammar.scan import MASK, Scan
from tools.inventory.spec import Op

_NEWER = (
    "及以后",
    "及以上",
    "及之后",
    "以上",
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
_AFTER = ("以后", "之后")
_OLDER_INCLUSIVE = (
    "及以前",
    "及之前",
    "及以下",
    "或更早",
    "或更旧",
    "及更旧",
    "or older",
    "or earlier",
    "and older",
)
_COMPARED: dict[str, Op] = {
    "before": "lt",
    "prior to": "lt",
    "earlier than": "lt",
    "older than": "lt",
    "below": "lt",
    "under": "lt",
    "after": "gt",
    "later than": "gt",
    "newer than": "gt",
    "above": "gt",
    "over": "gt",
    "since": "ge",
    "from": "ge",
    "at least": "ge",
    "no earlier than": "ge",
    "at most": "le",
    "up to": "le",
    "until": "le",
    "no later than": "le",
    "早于": "lt",
    "低于": "lt",
    "旧于": "lt",
    "晚于": "gt",
    "新于": "gt",
    "高于": "gt",
    "不早于": "ge",
    "不低于": "ge",
    "不晚于": "le",
    "不高于": "le",
}
_COMPARED_EN = "|".join(sorted((w for w in _COMPARED if w.isascii()), key=len, reverse=True))
_COMPARED_ZH = "|".join(sorted((w for w in _COMPARED if not w.isascii()), key=len, reverse=True))
_TAIL = re.compile(
    r"\s*(?:的)?\s*(及以后|及以上|及之后|以后|以上|之后|或更新|及更新|or newer|or later|and newer|and later|and up|onwards|\+|及以前|及之前|及以下|或更早|或更旧|及更旧|or older|or earlier|and older|以前|之前|以下)"
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
    # "model year 2026 or 2027", "年款2025或2026": the years after the words
    scan.sub(
        r"(?:model[- ]?years?|年款)\s*(?:of\s+|is\s+|在|是|为)?\s*20\d\d(?:\s*(?:,|and|or|和|与|及|或|、)\s*20\d\d)+",
        listed,
    )

    def compared(m: re.Match[str]) -> bool:
        word, year = m.group(1) or m.group(3), int(m.group(2) or m.group(4))
        scan.add("model_year", _COMPARED[word], [year])
        return True

    # "model year before 2026", "年款早于2026": compared with a year, never the intake date
    scan.sub(
        rf"(?:model[- ]?years?|\bmy)\s*(?:is\s+|of\s+)?({_COMPARED_EN})\s+(20\d\d)\b"
        rf"|年款\s*(?:在|是|为)?\s*({_COMPARED_ZH})\s*(20\d\d)\s*(?:年|款|年款)?",
        compared,
    )

    def single(m: re.Match[str]) -> bool:
        year = int(next(g for g in m.groups() if g))
        scan.add("model_year", *_single_op(scan, m, year))
        return True

    scan.sub(
        r"(20\d\d)\s*(?:年款|款)|model[- ]?years?\s*(?:of\s+|is\s+|=\s*)?(20\d\d)|\bmy\s?(20\d\d)\b"
        r"|(20\d\d)\s+model[- ]?years?|\b(20\d\d)\s+models?\b|\b(20\d\d)(?=\s*" + MASK + ")"
        r"|年款\s*(?:在|是|为)?\s*(20\d\d)\s*(?:年|款)?"
        # "2026 or newer", "2025年或更新的": newer and older are said of model years, not intakes
        r"|\b(20\d\d)(?=\s*(?:or|and)\s+(?:newer|older)\b)|(20\d\d)\s*年?(?=\s*(?:或|及)\s*更(?:新|旧))",
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
        # "2026款以后" is after 2026, as "2026年以后" is after that year; "及以后" includes it
        op = (
            "ge" if word in _NEWER else "le" if word in _OLDER_INCLUSIVE else "gt" if word in _AFTER else "lt"
        )
        scan.mask(m.end(), m.end() + tail.end())
    elif re.search(r"(?:newer than|later than|after|晚于|新于)\s*$", before):
        op = "gt"
    elif re.search(r"(?:older than|earlier than|before|prior to|早于)\s*$", before):
        op = "lt"
    elif re.search(r"(?:at least|不早于)\s*$", before):
        op = "ge"
    return op, [year, year] if op == "between" else [year]
