"""Misspelt attribute words: colours, body and fuel types and statuses typed with a slip.

A misspelt attribute is a condition the question states: dropped, "how many hyrbids" would count
every car. After the exact passes and the name pass (`misspellings`), each unread Latin word is
compared with the single-word attribute phrases by the same rule as names (`misspellings.one_slip`:
a letter missing, added or swapped with its neighbour; in words of six letters or more one letter
wrong, but never the first): "hyrbids", "electirc", "sliver", "blakc", "pikcups", "reserverd", "gasolene". Words of
four letters may be a slip of a longer attribute ("sedn", "whte"), and three- and four-letter
attributes take only a swap of two neighbours ("svu", "bule", "mvp"), since any other slip of
so short a word is another word. Words the grammar uses and common words one slip from an
attribute ("back" from black, "tuck" from truck) are never read as one.

Chinese attribute words are typed by sound: a two-character window that keeps one character of
"电动", "混动", "汽油", "柴油", "纯电", "皮卡", "两厢", "三厢", "已售", "在库" or a colour and has an exact homophone for the other
("电冻", "混洞", "气油", "兰色") is that word (`lexicon.SOUND_TYPED_ATTRIBUTES`; the homophone
table is `tools/inventory/homophones.json`).
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from tools.inventory.grammar.misspellings import known_words, stems, typed_by_sound
from tools.inventory.grammar.scan import MASK, Match, Scan
from tools.inventory.lexicon import ATTRIBUTE_ALIASES, SOUND_TYPED_ATTRIBUTES, Alias

# Everyday words one slip from an attribute word (never read as one).
_EVERYDAY = frozenset(
    {"back", "lack", "tuck", "ruck", "hath", "whit", "sean", "gary", "salon", "patrol", "write", "while"}
    | {"sale", "sole", "slid", "dim", "env", "brow", "salmon", "diese", "dieses"}
)
_SHORT = re.compile(r"(?<![a-z0-9'\-])[a-z]{3,4}(?![a-z0-9])")
_LONG = re.compile(r"(?<![a-z0-9'\-])[a-z][a-z'\-]{3,}(?![a-z0-9])")
_AFTER_NON = re.compile(r"(?<=\bnon-)[a-z]{4,}(?![a-z0-9\-])")  # "non-gasloine": the word after "non-"


@cache
def _words() -> dict[str, Alias]:
    """Single-word Latin attribute phrases (negating ones such as "unsold" left out)."""
    return {
        a.text: a
        for a in ATTRIBUTE_ALIASES
        if re.fullmatch(r"[a-z]{3,}", a.text) and not a.negated and a.context is None
    }


@cache
def _by_length() -> dict[int, list[tuple[str, Alias]]]:
    """The attribute words by length: a slip changes the length by one letter at most."""
    index: dict[int, list[tuple[str, Alias]]] = {}
    for text, alias in _words().items():
        for size in (len(text) - 1, len(text), len(text) + 1):
            index.setdefault(size, []).append((text, alias))
    return index


def _swap_of(word: str, name: str) -> bool:
    """Two neighbouring letters swapped, nothing else."""
    if len(word) != len(name) or word == name:
        return False
    diff = [i for i, (a, b) in enumerate(zip(word, name, strict=True)) if a != b]
    return (
        len(diff) == 2
        and diff[1] == diff[0] + 1
        and word[diff[0]] == name[diff[1]]
        and word[diff[1]] == name[diff[0]]
    )


def _one_slip(word: str, name: str) -> bool:
    """The slip rule of names, for attribute words (see the module docstring)."""
    if len(name) <= 4:
        return _swap_of(word, name)
    if len(word) < 4 or word == name or abs(len(word) - len(name)) > 1:
        return False
    if len(word) == len(name):
        diff = [i for i, (a, b) in enumerate(zip(word, name, strict=True)) if a != b]
        if len(diff) == 2 and diff[1] == diff[0] + 1:
            return _swap_of(word, name)
        return len(diff) == 1 and len(name) >= 6 and diff[0] > 0  # "looked" is no slip of "booked"
    short, long = sorted((word, name), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


@lru_cache(maxsize=4096)
def _reading(word: str) -> Alias | None:
    """The attribute `word` was typed for, when exactly one value is one slip away."""
    words, known, by_length = _words(), known_words(), _by_length()
    for stem in stems(word) + ([word[:-1]] if word.endswith("s") and len(word) >= 4 else []):
        if stem in known or stem in _EVERYDAY or stem in words:
            return None
        # the attribute words are few (about sixty): every one is checked, no index needed
        close = {a.value: a for n, a in by_length.get(len(stem), ()) if _one_slip(stem, n)}
        if len(close) == 1:
            return next(iter(close.values()))
        if close:
            return None  # as close to two values: a guess, not a reading
    return None


def _latin_slips(scan: Scan) -> None:
    for pattern in (_LONG, _SHORT, _AFTER_NON):
        for m in list(pattern.finditer(scan.t)):
            word = m.group(0)
            if MASK in word or word in _EVERYDAY:
                continue
            alias = _reading(word)
            if alias is None:
                continue
            negated = scan.negated(m.start(), m.end(), alias.field)
            scan.matches.append(Match(alias.field, alias.value, m.start(), m.end(), negated))
            scan.mask(m.start(), m.end())


@cache
def _sound_typed() -> dict[tuple[int, str], list[tuple[str, Alias]]]:
    """(position, character) -> the sound-typed attribute words with that character there."""
    by_text = {a.text: a for a in ATTRIBUTE_ALIASES}
    index: dict[tuple[int, str], list[tuple[str, Alias]]] = {}
    for text in SOUND_TYPED_ATTRIBUTES:
        if text in by_text:
            for i, char in enumerate(text):
                index.setdefault((i, char), []).append((text, by_text[text]))
    return index


def _sound_alike(window: str) -> Alias | None:
    """The attribute word `window` was typed for: one character kept in place, the other a homophone."""
    index = _sound_typed()
    for i, char in enumerate(window):
        for text, alias in index.get((i, char), ()):
            if typed_by_sound(window, text):
                return alias
    return None


# A sound-typed window is no attribute when its kept character starts another word: "以售价" is
# "by selling price", not 已售; "放在裤子里" is in trousers.
_WORD_AFTER = {"已售": "价", "在库": "子"}  # 售价; 裤子


def _chinese_slips(scan: Scan) -> None:
    for run in list(re.finditer(r"[\u4e00-\u9fff]{2,}", scan.t)):
        start = run.start()
        while start <= run.end() - 2:
            window = scan.t[start : start + 2]
            alias = _sound_alike(window)
            after = scan.t[start + 2 : start + 3]
            if alias is not None and any(
                typed_by_sound(window, text) and after == char for text, char in _WORD_AFTER.items()
            ):
                alias = None
            if alias is None:
                start += 1
                continue
            negated = scan.negated(start, start + 2, alias.field)
            scan.matches.append(Match(alias.field, alias.value, start, start + 2, negated))
            scan.mask(start, start + 2)
            start += 2


def attribute_slips(scan: Scan) -> None:
    """Read unread words that are a slip of one attribute word as that attribute."""
    _chinese_slips(scan)
    _latin_slips(scan)
