"""Tokens for lexical retrieval in Chinese and English.

Chinese runs become character unigrams plus overlapping bigrams: no dictionary to load (jieba costs
about 0.8 s and 37 MB and split 充电宝 into 充电/宝上 in our measurements), and bigrams match
compounds such as 充电宝 or 托运 whatever the segmentation. Latin words are lower-cased and lightly
stemmed (plural, -ing, -ed); digits stay whole, with thousands separators removed (20,000 -> 20000).
"""

from __future__ import annotations

import re
import unicodedata

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]+|[a-z]+|\d+(?:[.,:]\d+)*")

_EN_STOPWORDS = """a an the and or but if of to in on at by for with from into onto about as is are was were be been
    being am do does did doing have has had having i me my mine we us our you your yours he him his she
    her it its they them their this that these those there here what which who whom whose when where why
    how can could may might must shall should will would s t just also any some so than too very not no
    yes please hi hello thanks thank get got let lets im ive id dont cant isnt want wanted need like
    tell know still ok okay many much often ever m ll re ve d"""
EN_STOPWORDS = frozenset(_EN_STOPWORDS.split())
# Function characters and words that carry no topic in a customer question.
ZH_STOP_CHARS = frozenset(
    "的了吗呢吧啊呀嘛么是我你您他她它们这那哪个和与及或请问怎什在有就都也还要会想几久多"
)
_ZH_STOP_BIGRAMS = "可以 能否 能不 请问 什么 怎么 怎样 如何 多少 是否 需要 我们 你们 他们 一下 一个 这个 那个 的话 哪些 有没 没有 是不 不是"
ZH_STOP_BIGRAMS = frozenset(_ZH_STOP_BIGRAMS.split())

_UNDOUBLE = frozenset("bdgmnprt")


def stem(word: str) -> str:
    """A light English stemmer: enough to meet bag/bags, checked/checking, cancelled/cancel."""
    if len(word) <= 3 or not word.isascii():
        return word
    stemmed = word
    if word.endswith(("ies", "ied")) and len(word) > 4:
        stemmed = word[:-3] + "y"
    elif word.endswith(("sses", "xes", "ches", "shes")):
        stemmed = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        stemmed = word[:-1]
    elif word.endswith("ing") and len(word) >= 6:
        stemmed = word[:-3]
    elif word.endswith("ed") and len(word) >= 5:
        stemmed = word[:-2]
    doubled = stemmed != word and len(stemmed) >= 3 and stemmed[-1] == stemmed[-2]
    # shipped -> ship, travelled -> travel; but fill/filled stay "fill".
    if doubled and (stemmed[-1] in _UNDOUBLE or (stemmed[-1] == "l" and len(stemmed) >= 6)):
        stemmed = stemmed[:-1]
    if len(stemmed) > 4 and stemmed.endswith("e"):
        stemmed = stemmed[:-1]  # change/changed/changes -> chang
    return stemmed


def _cjk_tokens(run: str) -> list[str]:
    tokens = [ch for ch in run if ch not in ZH_STOP_CHARS]
    tokens += [
        run[i : i + 2]
        for i in range(len(run) - 1)
        if run[i : i + 2] not in ZH_STOP_BIGRAMS
        and not (run[i] in ZH_STOP_CHARS and run[i + 1] in ZH_STOP_CHARS)
    ]
    return tokens


def tokenize(text: str) -> list[str]:
    """Retrieval tokens of `text`, in order of appearance (duplicates kept, for term frequency)."""
    text = unicodedata.normalize("NFKC", text).lower()
    tokens: list[str] = []
    for match in _TOKEN.finditer(text):
        piece = match.group()
        if piece[0] >= "\u3400":
            tokens += _cjk_tokens(piece)
        elif piece[0].isdigit():
            tokens.append(piece.replace(",", ""))
        elif piece not in EN_STOPWORDS:
            tokens.append(stem(piece))
    return tokens


def is_cjk_token(token: str) -> bool:
    return bool(token) and token[0] >= "\u3400"


def concept_terms(text: str) -> list[str]:
    """The concepts of a question, for coverage: words and Chinese characters, each once. No
    bigrams (a bigram across a word boundary is noise, not a concept) and no bare numbers (in
    "my bag weighs 28 kg" the rule asked about does not contain 28)."""
    seen: dict[str, None] = {}
    for token in tokenize(text):
        if token[0].isdigit() or (is_cjk_token(token) and len(token) > 1):
            continue
        seen.setdefault(token, None)
    return list(seen)
