"""Is an answer grounded? Numbers it states and documents it cites, versus the passages.

Numbers are compared as digit strings with thousands separators removed (20,000 == 20000) and
trailing decimal zeros dropped (500.00 == 500). Citations are `[doc_id]` and are removed before
numbers are read, so a doc_id containing digits is not mistaken for a stated number. Numbers
written as words (two, 两) are not checked: the extractive engine quotes passages verbatim, and the
LLM engine is told to copy figures as digits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

CITATION = re.compile(r"\[([a-z0-9][a-z0-9_-]{0,63})\]")


def _canonical(number: str) -> str:
    number = number.replace(",", "")
    if "." in number:
        number = number.rstrip("0").rstrip(".")
    return number.lstrip("0") or "0"


def numbers_in(text: str) -> set[str]:
    """Every number written with digits in `text`, canonicalised; citations excluded."""
    text = CITATION.sub(" ", text)
    return {_canonical(m.group()) for m in re.finditer(r"\d+(?:,\d{3})*(?:\.\d+)?", text)}


def citations_in(text: str) -> list[str]:
    """doc_ids cited as `[doc_id]`, in order of first appearance."""
    return list(dict.fromkeys(CITATION.findall(text)))


def ungrounded_numbers(answer: str, passages: Iterable[str]) -> set[str]:
    """Numbers of `answer` that appear in none of `passages`."""
    known: set[str] = set()
    for passage in passages:
        known |= numbers_in(passage)
    return numbers_in(answer) - known
