"""One compiled alternation of regex fragments, the shape every guard lexicon is built from."""

from __future__ import annotations

import re


def any_of(*patterns: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    """`(?:p1)|(?:p2)|...` compiled with `flags` (case-insensitive unless told otherwise)."""
    return re.compile("|".join(f"(?:{p})" for p in patterns), flags)
