"""Number words: Chinese numerals and English number words read as digits before any pass runs."""

from __future__ import annotations

import re

from switchboard.text import normalize
from tools.inventory.grammar.keyword_slips import read_shape_slips
from tools.inventory.grammar.synonyms import rewrite

_CN_DIGIT = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000}
_CN_RUN = re.compile(r"[零〇一二两三四五六七八九十百千]+")
# A run of numerals is a number only beside a counter word ("五辆", "前三"), so that words such as
# "统一" or "唯一" keep their meaning.
_CN_AFTER = set("万千百辆台个款家季月天周年名位条种部w号日倍公")
_CN_BEFORE = set("前第近")
_CN_NOT_BEFORE = set("哪每这那同任统唯单之一")
_EN_WORDS = "two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty"
_EN_NUMBERS = {word: str(i) for i, word in enumerate(_EN_WORDS.split(), start=2)}


def _cn_to_int(run: str) -> int | None:
    if not any(c in _CN_UNIT for c in run):
        digits = [_CN_DIGIT.get(c) for c in run]
        return None if None in digits else int("".join(str(d) for d in digits))
    total, current = 0, 0
    for char in run:
        if char in _CN_DIGIT:
            current = _CN_DIGIT[char]
        elif char in _CN_UNIT:
            total += (current or 1) * _CN_UNIT[char]
            current = 0
    return total + current


def _convert_cn_numbers(text: str) -> str:
    def repl(m: re.Match[str]) -> str:
        before = text[m.start() - 1] if m.start() else ""
        after = text[m.end()] if m.end() < len(text) else ""
        if before in _CN_NOT_BEFORE and not (before == "哪" and m.group(0) not in ("一", "几")):
            return m.group(0)  # "哪一个" is "which"; "哪三个城市" still asks for three
        if after in _CN_AFTER or before in _CN_BEFORE:
            value = _cn_to_int(m.group(0))
            return m.group(0) if value is None else str(value)
        return m.group(0)

    return _CN_RUN.sub(repl, text)


def prepare(question: str) -> str:
    """Normalised, lower-case text with Chinese and English number words as digits."""
    text = normalize(question).lower()
    # "里程 最高 的车", "杭州 门店 库存 排名": staff fragments spaced between Chinese words read as one phrase
    text = re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "", text)
    text = re.sub(r"(?<![上下])半年", "6个月", text).replace("半个月", "15天")
    text = re.sub(r"\bhalf (?:a )?year\b", "6 months", text)
    text = re.sub(r"\b(?:a|an|one)\s+(day|week|month|year)\b", r"1 \1", text)
    text = _convert_cn_numbers(text)
    text = re.sub(r"\b(" + "|".join(_EN_NUMBERS) + r")\b", lambda m: _EN_NUMBERS[m.group(1)], text)
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)  # 300,000 -> 300000
    return rewrite(read_shape_slips(text))
