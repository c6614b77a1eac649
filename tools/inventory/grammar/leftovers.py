"""What the passes could not read but a question only says on purpose: numbers, months, negations.

A name with digits that no pass read ("Audi A4", "ID.3": models the dealer does not carry, or
typed differently from the catalogue) is asked about too: dropped, "how many Audi A8s" would count
every Audi. Its digits are not a number, so it is named once, as the whole word.

Seats ("七座车", "7-seaters") are not in the stock's columns: asked about, not dropped.

A colour word the passes did not read ("百色", typed for 白色 with the wrong tone; "深色", dark) is one
too: "X色" is nearly always a colour, so an unread one is asked about rather than dropped.

A number, a month name or a "not"/"不要" that no pass consumed is a condition the question states
and the grammar did not understand. Answering without it would answer another question, so the
parser reports these fragments and the agent asks the user to rephrase (`needs_info`) instead of
silently dropping them. Words that hold digits but are names ("4S店") are not numbers.
"""

from __future__ import annotations

import re

from tools.inventory.grammar.periods import MONTH_WORDS
from tools.inventory.grammar.scan import K_MASK, MASK, Scan

# Digits that are names ("4S店") or "one car" ("平均一台车", read as 1台), and the number of a
# place's stores said in passing ("上海三家店一共有多少台": the three Shanghai stores).
_NAMES_WITH_DIGITS = re.compile(
    # "customer on line 2", "the lady at desk 3": where the person is, no condition on the cars
    r"\b(?:on |at )?(?:line|desk|counter|window|booth|table|extension|ext\.?)\s*#?\d{1,3}\b|"
    # the customer's own story: "a family of 6", "2 kids", "我们家5口人"
    r"\b(?:family|party|group|household) of \d{1,2}\b|\b\d{1,2}\s+(?:kids|children|people|persons|adults|of us|family members|dogs|years? old)\b"
    r"|\d{1,2}\s*(?:口人|个孩子|个小孩|个娃)|"
    # how many cars the customer will buy ("we need two pickups", "公司要买3台"): not a condition on them
    r"\b(?:need|needs|want|wants|buy|buying|purchase|purchasing|order|ordering|get|getting)\s+\d{1,2}\b"
    r"|(?:要买|想买|需要|采购|订|买)\s*\d{1,2}\s*(?:台|辆|部)|"
    r"(?<=\x01)\s*(?:的)?\s*\d\s*(?:家|个)\s*(?:门店|店|分店)|"
    # "the two Beijing stores", "our 3 Shanghai showrooms", "两家北京的店": the same in passing
    r"\b\d\s+\x01+\s*(?:stores?|shops?|showrooms?|branch(?:es)?|dealerships?|locations?|outlets?)\b"
    r"|\d\s*家\s*\x01+\s*的?\s*(?:门店|店|分店)|4s\s*店|\b4s\b|\b[a-z]+\d+[a-z]*\b|\b\d+[a-z]+\d*\b|(?<![\d.])1\s*(?=台|辆|部|个|款)"
)
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
# A model-like name: letters then digits ("a8", "x7", "id3", "es9"); "4s" and units start with digits.
_UNREAD_NAME = re.compile(r"(?<![a-z0-9.])[a-z]{1,3}\.?\d{1,3}[a-z]?(?![a-z0-9])")
# The month names the period pass reads, but for "may" and "mar": as words they are a verb and a
# noun far more often than a month, so left unread they say nothing.
_MONTH_NAMES = re.compile(r"\b(?:" + "|".join(w for w in MONTH_WORDS if w not in ("may", "mar")) + r")\b")
# A negation must be followed, within a few characters, by what it negates (a consumed value).
_NEGATION = re.compile(
    r"不要|不是|除了|除去|排除|不包括|不含|\bnot\b|\bexcluding\b|\bexcept\b|\bnon-?|\bbesides\b|\bother than\b"
)
_NEGATED_SOON = re.compile(
    rf"^[\s\-的]*(?:in\s+|at\s+|from\s+|counting\s+|including\s+)?(?:the\s+|a\s+|an\s+|any\s+|包括|是)?[^\s]{{0,3}}?{MASK}"
)
_NEGATION_OK = re.compile(
    r"^[\s\-]*(?:only|just|sure|yet|more|less|over|under|above|below|including|还|只|止|仅|要紧|错)"
)


# "which cities have no NIO", "没有蔚来的门店": the places without a value, which no query shape
# of the grammar expresses (it would answer the opposite: the places with one).
_ABSENT = re.compile(
    rf"(?:\b(?:have|has|with|carry|carries|stock) no\b|\bwithout any\b|(?<![有还])没有)\s*{MASK}"
)


# "X色" left unread: a colour the grammar did not recognise. Not the words in which 色 is no colour
# (颜色 and 什么色 ask for one, 特色, 出色, 角色, 成色, 物色 ...), nor 色 before 系/彩/调.
_UNREAD_COLOUR = re.compile(r"(?![颜车么啥特出角景成货本脸音夜声肤物各\x01])[\u4e00-\u9fff]色(?![系彩调])")


# Seats, which the stock does not record ("七座车", "7-seaters"): a condition it cannot check.
_SEATS = re.compile(
    r"(?:\d+|\x02+|[二两三四五六七八九])\s*(?:座|人座)|(?:\b\d+|\x02+)[- ]?seat(?:er)?s?\b|\bseven[- ]seat"
)


# Holidays whose date moves with the lunar calendar: a period the grammar cannot place.
_MOVABLE_DAYS = re.compile(r"春节|过年|中秋|端午|清明|元宵")


def unread(scan: Scan) -> list[str]:
    """Fragments of `scan.t` a question states on purpose that no pass read (empty when none)."""
    text = _NAMES_WITH_DIGITS.sub(lambda m: " " * len(m.group(0)), scan.t)
    found = [m.group(0) for m in _NUMBER.finditer(text)]
    found += [m.group(0) for m in _MONTH_NAMES.finditer(text)]
    found += [m.group(0).rstrip(MASK).strip() for m in _ABSENT.finditer(scan.t)]
    found += [m.group(0) for m in _MOVABLE_DAYS.finditer(scan.t)]
    found += [m.group(0) for m in _UNREAD_COLOUR.finditer(scan.t)]
    found += [scan.full[m.start() : m.end()] for m in _SEATS.finditer(scan.t)]  # digits as typed
    names = [m.group(0) for m in _UNREAD_NAME.finditer(scan.t)]
    # the digits of an unread name are named with it ("a8"), not again as a number ("8")
    found = [f for f in found if not (f.isdigit() and any(f in n for n in names))] + names
    for m in _NEGATION.finditer(scan.t):
        after = scan.t[m.end() : m.end() + 12]
        if not _NEGATED_SOON.match(after) and not _NEGATION_OK.match(after) and K_MASK not in after:
            found.append(m.group(0).strip())
    return found
