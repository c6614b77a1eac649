"""The misspelling pass: unread words one slip from exactly one catalogue name.

"Mercedez", "accrod", "telsas", "volkswagon" are names typed in a hurry. Once every exact pass has
run, each unread word of at least `MIN_LENGTH` letters (plural and possessive endings dropped) is
compared with the catalogue's Latin names of the same floor: `difflib` (the standard library;
rapidfuzz is not a dependency) proposes the closest names, and one is taken only when a single
slip separates them — one letter missing, added or swapped with its neighbour, or, in names of six
letters or more, one letter wrong. Five-letter words one letter from a name are everyday English
("carry"/"camry", "quick"/"buick"), so there only a swap counts. Names with digits ("model3") are
left out ("models" is one letter from them), and so is every word the grammar itself uses
("which", "colours", "available"), so a keyword is never read as a car.

Chinese names are not spelled but typed by sound, so a slip there is a wrong character. A run of
unread characters as long as a brand or model name is read as that name when every character is
the name's own or sounds exactly like it, tone included ("奔弛" for 奔驰, "海报" for 海豹; the
table `tools/inventory/homophones.json` is built from pypinyin by scripts/build_homophones.py),
with at least one character the name's own; in names of three or more characters one character
may also be simply wrong ("特斯垃" for 特斯拉). City names are read the same way ("广洲"); store
names, many of them everyday words ("高新"/"高薪"), are left alone.
"""

from __future__ import annotations

import difflib
import json
import re
from functools import cache
from pathlib import Path

from tools.inventory.grammar import keywords, quantities
from tools.inventory.grammar.scan import MASK, Match, Scan
from tools.inventory.lexicon import ATTRIBUTE_ALIASES, ENTITY_ALIASES, Alias

_PLACES = ("city", "store_id")
# Real cities one letter from one of ours: a wrong letter in a place name is not read for these.
_OTHER_CITIES = frozenset({"nanning", "chengde"})
_HOMOPHONES = Path(__file__).resolve().parents[1] / "homophones.json"
MIN_LENGTH = 5  # shorter words are too close to too many others ("audi"/"audio", "seal"/"sell")
CUTOFF = 0.75  # difflib's ratio for a candidate; the slip rule below decides
# Everyday Chinese words that sound exactly like a name ("未来", the future, is how 蔚来 is said).
_EVERYDAY_ZH = frozenset({"未来", "为来"})
# Everyday words one letter from a catalogue name that the grammar's own word lists do not hold.
_EVERYDAY = frozenset({"cannot", "civil", "models", "ranges", "ranged", "hands", "galaxies", "explore"})


@cache
def _names() -> dict[str, Alias]:
    """Latin catalogue names (no digits, no context rule) that a misspelling may stand for."""
    return {
        a.text: a
        for a in ENTITY_ALIASES
        if re.fullmatch(r"[a-z][a-z\- ]*", a.text)
        and len(a.text) >= MIN_LENGTH
        and a.context is None
        and not a.exact
    }


@cache
def known_words() -> frozenset[str]:
    """Words the grammar reads as keywords or attributes: never taken for a misspelled name."""
    # a word of a longer catalogue name ("shanhai" of "Shanhai Poer") is that name, not a slip
    sources = [a.text for a in ATTRIBUTE_ALIASES] + [a.text for a in ENTITY_ALIASES if " " in a.text]
    for module in (keywords, quantities):
        for value in vars(module).values():
            if isinstance(value, re.Pattern):
                sources.append(value.pattern)
            elif isinstance(value, str):
                sources.append(value)
            elif isinstance(value, list | tuple):
                sources.extend(str(v) for v in value)
    text = re.sub(r"\\[a-zA-Z]", " ", " ".join(sources))  # regex escapes: "\\bbrands" is "brands"
    return frozenset(re.findall(rf"[a-z]{{{MIN_LENGTH},}}", text)) | _EVERYDAY


def stems(word: str) -> list[str]:
    stems = [word]
    for ending in ("'s", "s"):
        if word.endswith(ending) and len(word) - len(ending) >= MIN_LENGTH:
            stems.append(word[: -len(ending)])
    return stems


def one_slip(word: str, name: str, place: bool) -> bool:
    """True when one insertion, deletion, neighbour swap or (names of 6+ letters) substitution apart,
    or when a name's doubled letter was typed on another letter.

    Places of fewer than seven letters take no substitution ("wuhai" is a city, not Wuhan), nor do the
    real cities one letter from ours ("nanning"/"nanjing", "chengde"/"chengdu").
    """
    if word == name or abs(len(word) - len(name)) > 1:
        return False
    if len(word) == len(name):
        diff = [i for i, (a, b) in enumerate(zip(word, name, strict=True)) if a != b]
        if len(diff) == 2 and word[diff[0]] == name[diff[1]] and word[diff[1]] == name[diff[0]]:
            return diff[1] == diff[0] + 1  # swapped with its neighbour
        wrong_letter_ok = (len(name) >= 6 and not place) or (len(name) >= 7 and word not in _OTHER_CITIES)
        return (len(diff) == 1 and wrong_letter_ok) or _double_moved(word, name)
    short, long = sorted((word, name), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _undoubled(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(1, len(word)) if word[i] == word[i - 1]}


def _double_moved(word: str, name: str) -> bool:
    """The doubled letter typed on another letter ("corrola" for "corolla"): one slip, not two."""
    return len(name) >= 6 and bool(_undoubled(word) & _undoubled(name))


@cache
def _chinese_names() -> list[Alias]:
    """Chinese brand, model and city names of two or more characters."""
    return [
        a
        for a in ENTITY_ALIASES
        if re.fullmatch(r"[\u4e00-\u9fff]{2,}", a.text)
        and a.field != "store_id"
        and a.context is None
        and not a.exact
    ]


@cache
def _homophones() -> dict[str, str]:
    table: dict[str, str] = json.loads(_HOMOPHONES.read_text(encoding="utf-8"))
    return table


def typed_by_sound(window: str, name: str) -> bool:
    """One of `name`'s characters kept, the others its own or homophones (or, in 3+, one wrong)."""
    same = sum(a == b for a, b in zip(window, name, strict=True))
    if same == len(name) or same == 0:
        return False
    table = _homophones()
    sound_alike = all(a == b or a in table.get(b, "") for a, b in zip(window, name, strict=True))
    return sound_alike or (len(name) >= 3 and same == len(name) - 1)


@cache
def _chinese_index() -> dict[tuple[int, int, str], list[Alias]]:
    """(length, position, character) -> the Chinese names with that character there."""
    index: dict[tuple[int, int, str], list[Alias]] = {}
    for alias in _chinese_names():
        for i, char in enumerate(alias.text):
            index.setdefault((len(alias.text), i, char), []).append(alias)
    return index


def _sound_alike_name(window: str) -> Alias | None:
    """The name `window` was typed for, among those sharing a character with it in place."""
    index, seen = _chinese_index(), set()
    for i, char in enumerate(window):
        for alias in index.get((len(window), i, char), ()):
            if alias.text not in seen:
                seen.add(alias.text)
                if typed_by_sound(window, alias.text):
                    return alias
    return None


@cache
def _chinese_sizes() -> list[int]:
    return sorted({size for size, _, _ in _chinese_index()}, reverse=True)  # longest names first


def _chinese_slips(scan: Scan) -> None:
    for size in _chinese_sizes():
        for run in list(re.finditer(rf"[\u4e00-\u9fff]{{{size},}}", scan.t)):
            for start in range(run.start(), run.end() - size + 1):
                window = scan.t[start : start + size]
                if MASK in window or window in _EVERYDAY_ZH:
                    continue
                alias = _sound_alike_name(window)
                if alias is None:
                    continue
                negated = scan.negated(start, start + size, alias.field)
                scan.matches.append(Match(alias.field, alias.value, start, start + size, negated))
                scan.mask(start, start + size)


def misspellings(scan: Scan) -> None:
    """Read unread words that are one slip from a catalogue name as that name."""
    _chinese_slips(scan)
    names, known = _names(), known_words()
    for m in list(re.finditer(rf"(?<![a-z0-9'\-])[a-z][a-z'\-]{{{MIN_LENGTH - 1},}}(?![a-z0-9])", scan.t)):
        word = m.group(0)
        if MASK in word or any(stem in known for stem in stems(word)):
            continue
        for stem in stems(word):
            close = [
                n
                for n in difflib.get_close_matches(stem, names, n=3, cutoff=CUTOFF)
                if one_slip(stem, n, names[n].field in _PLACES)
            ]
            if not close:
                continue
            if len(close) > 1 and names[close[0]].value != names[close[1]].value:
                break  # as close to two different names: a guess, not a reading
            alias = names[close[0]]
            negated = scan.negated(m.start(), m.end(), alias.field)
            scan.matches.append(Match(alias.field, alias.value, m.start(), m.end(), negated))
            scan.mask(m.start(), m.end())
            break
