"""Text helpers shared by every face and node: normalisation and language detection."""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

Language = Literal["zh", "en"]

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Latin words that carry language; codes such as FL123, 12A or ABC123 say nothing about it.
_LATIN_WORD = re.compile(r"\b[A-Za-z]{2,}\b")


def normalize(text: str) -> str:
    """NFKC (full-width forms become ASCII), zero-width characters dropped, spaces collapsed."""
    text = unicodedata.normalize("NFKC", text).translate(_ZERO_WIDTH)
    return re.sub(r"\s+", " ", text).strip()


def detect_language(text: str) -> Language | None:
    """`zh` or `en` by script, or None when the text gives no evidence (e.g. "FL123, 12A")."""
    cjk = len(_CJK.findall(text))
    words = len(_LATIN_WORD.findall(text))
    if cjk == 0 and words == 0:
        return None
    # A Chinese word is about two characters: compare like with like.
    return "zh" if cjk and cjk >= words else "en"
