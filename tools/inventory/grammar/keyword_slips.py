"""Misspelt shape words: "avrage", "maximun", "totl", "diffrent", "Sepetmber" read as the words they were typed for.

A question whose aggregate word is misspelt would otherwise lose its shape and list rows ("avrage
price of X" answered with every X). Before any pass runs, each Latin word one slip from one of the
words below — a letter missing, added or swapped with its neighbour, or in words of six letters or
more one letter wrong but never the first — is replaced by that word. The list holds only the words
that decide an aggregate, a distinct count or a superlative; none of them is one slip from an
everyday word the grammar reads (those are listed in `_EVERYDAY` and left alone).
"""

from __future__ import annotations

import re
from functools import lru_cache

_SHAPE_WORDS = (
    "average",
    "maximum",
    "minimum",
    "total",
    "different",
    "distinct",
    "cheapest",
    "expensive",
    "priciest",
    "highest",
    "lowest",
    "earliest",
    "quantity",
    "value",
    "price",
    "number",
    "count",
    "newest",
    "oldest",
    "latest",
    "which",
    # "how mnay", "in stok", "availble": the count word and the stock words
    "many",
    "stock",
    "available",
    "inventory",
    # words other passes read ("milaege", "exculding", "Sepetmber", "quatrerly", "lonegst", "recnetly")
    "mileage",
    "excluding",
    "except",
    "respectively",
    "separately",
    "quarterly",
    "monthly",
    "yearly",
    "weekly",
    "longest",
    "recently",
    "recent",
    "vehicle",
    "intake",
    "customer",
    "earlier",
    "between",
    "colour",
    "color",
    "selling",
    "quarter",
    "calendar",
    "national",
    "option",
    "arrival",
    "showroom",
    "january",
    "february",
    "march",
    "april",
    "august",
    "september",
    "october",
    "november",
    "december",
)
# Real words one slip from a shape word (plurals of the shape words are read as the word itself).
_EVERYDAY = frozenset(
    {
        "tonal",
        "lowes",
        "slowest",
        "expansive",
        "maximus",
        "minimus",
        "county",
        "latent",
        "boldest",
        "coldest",
        "witch",
        "whichever",
        "manly",
        "mangy",
        "resent",
        "weakly",
        "marc",
        "marsh",
        "augusta",
        "customs",
        "intakes",
        "vehicles",
        "colours",
        "colors",
        "stocky",
        "stocks",
    }
    | {
        "pride",
        "prize",
        "prime",
        "valve",
        "values",
        "prices",
        "counts",
        "numbers",
        "valued",
        "priced",
        "averaged",
    }
)
# a word, also after a hyphen ("best-selilng"), not inside a model code ("x-5") or after an apostrophe
_SAME_WORD = {"color": "colour"}
_WORD = re.compile(r"(?<![a-z0-9'])(?<![0-9]-)[a-z]{4,}(?![a-z0-9])")


def one_slip(word: str, name: str) -> bool:
    """One letter missing, added or swapped with its neighbour; one wrong (not first) in 6+ letters."""
    if word == name or abs(len(word) - len(name)) > 1:
        return False
    if len(word) == len(name):
        diff = [i for i, (a, b) in enumerate(zip(word, name, strict=True)) if a != b]
        if len(diff) == 2 and diff[1] == diff[0] + 1:
            return word[diff[0]] == name[diff[1]] and word[diff[1]] == name[diff[0]]
        return len(diff) == 1 and len(name) >= 6 and diff[0] > 0
    short, long = sorted((word, name), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


@lru_cache(maxsize=4096)
def _reading(word: str) -> str | None:
    found = _singular_reading(word)
    if found is None and word.endswith("s") and len(word) > 5 and word not in _EVERYDAY:
        # a plural typed with a slip ("coluors", "vehciles", "optoins"): the plural of the word
        singular = _singular_reading(word[:-1])
        return singular + "s" if singular else None
    return found


def _singular_reading(word: str) -> str | None:
    if word in _SHAPE_WORDS or word in _EVERYDAY or word.endswith("s") and word[:-1] in _SHAPE_WORDS:
        return None  # a shape word, an everyday word, or a plural ("totals") the patterns read
    # the first letter is kept, or swapped with the second: "rice" is no slip of "price"
    found = {
        name
        for name in _SHAPE_WORDS
        if one_slip(word, name) and (word[0] == name[0] or word[:2] == name[1::-1])
    }
    found = {_SAME_WORD.get(name, name) for name in found}  # "coluor" is one slip from both spellings
    return found.pop() if len(found) == 1 else None


def read_shape_slips(text: str) -> str:
    """`text` (lower case) with misspelt shape words replaced by the words they stand for."""
    return _WORD.sub(lambda m: _reading(m.group(0)) or m.group(0), text)
