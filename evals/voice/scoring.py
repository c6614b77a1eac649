"""Word error rate (English) and character error rate (Chinese) of transcripts.

Both are (substitutions + deletions + insertions) / reference length, from a Levenshtein
alignment of tokens. Before scoring, both sides are normalised the same way: lower case, Latin
letters and digits split apart ("FL123" and "FL-123" both read "fl 123"), punctuation dropped,
full-width forms folded. English tokens are words; Chinese tokens are characters, with Latin and
digit runs inside a Chinese sentence kept as words (one tokenizer serves both).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?|[0-9]+|[\u4e00-\u9fff]")
_LETTER_DIGIT = re.compile(r"(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z])")


def tokens(text: str) -> list[str]:
    """The tokens scored: words for English; characters (and Latin or digit runs) for Chinese."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = _LETTER_DIGIT.sub(" ", text)
    return _TOKEN.findall(text)


def edit_distance(reference: Sequence[str], hypothesis: Sequence[str]) -> int:
    """Levenshtein distance between two token sequences."""
    previous = list(range(len(hypothesis) + 1))
    for i, ref in enumerate(reference, start=1):
        current = [i] + [0] * len(hypothesis)
        for j, hyp in enumerate(hypothesis, start=1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ref != hyp))
        previous = current
    return previous[-1]


def error_counts(reference: str, hypothesis: str) -> tuple[int, int]:
    """(errors, reference tokens) of one transcript."""
    ref, hyp = tokens(reference), tokens(hypothesis)
    return edit_distance(ref, hyp), len(ref)


def error_rate(pairs: Sequence[tuple[str, str]]) -> float:
    """Corpus error rate: all errors over all reference tokens (WER of English, CER of Chinese)."""
    errors = total = 0
    for reference, hypothesis in pairs:
        e, n = error_counts(reference, hypothesis)
        errors, total = errors + e, total + n
    return errors / total if total else 0.0
