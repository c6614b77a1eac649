"""Dialogue acts: is a message an answer (yes / no / unsure), a retraction, or a request?

The dialogue policy of the assistant rests on these readings (see `agents.turn.ingest`):

- A waiting proposal (cancel, change a seat, a paid booking) is settled only by a message that is
  an answer AS A WHOLE: "yes", "ok 👍", "是的，确认", "no", "算了", "不用了", with punctuation,
  emoji and polite fillers around it. "取消 FL789，确认号 ABC123" holds "确认" but is a request.
- A message that is only hesitation ("hmm", "wait", "等一下") is `unsure`: the proposal is asked
  again and nothing changes.
- Anything else is a request, handled as such; the proposal keeps waiting.
- A retraction ("forget that", "不用了", "先别订", "I asked you to book 12A but please forget
  that, ...") never produces a write: what comes before it is dropped, what comes after it is
  the new request.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal, NamedTuple

from switchboard.text import normalize

Answer = Literal["yes", "no", "unsure"]

# Each tuple is a list of regular expressions for one kind of phrase.
_YES = (
    r"yes please",
    "yes",
    "yeah",
    "yep",
    "yup",
    "ya",
    "y",
    "sure",
    r"ok(?:ay)?",
    "k",
    r"confirm(?:ed)?",
    "go ahead",
    "go for it",
    "do it",
    "please do",
    "correct",
    "right",
    r"that'?s right",
    "absolutely",
    "definitely",
    "of course",
    "proceed",
    "sounds good",
    "fine",
    "alright",
    "all right",
    "affirmative",
    "agreed",
    "i agree",
    "i do",
    "👍",
    "✅",
    "👌",
    "是的",
    "是",
    "对的",
    "对",
    "好的",
    "好滴",
    "好",
    "确认",
    "确定",
    "可以",
    "行",
    "没问题",
    "同意",
    "嗯嗯",
    "要的",
    "办吧",
    "就这样",
)
_NO = (
    "no thanks",
    "no thank you",
    "no",
    "nope",
    "n",
    "nah",
    "not now",
    "not anymore",
    r"never ?mind",
    "stop",
    "keep it",
    r"keep (?:my|the) \w+",
    "leave it",
    r"don'?t",
    "do not",
    r"(?:don'?t|do not|no need to) (?:cancel|change|book|do)(?: it| that)?",
    "👎",
    "❌",
    "不用了",
    "不用",
    "不要",
    "不了",
    "不行",
    "不必",
    "不取消",
    r"不改了?",
    r"不换了?",
    r"不订了?",
    "先不",
    "暂时不",
    "算了",
    "别",
    "否",
    "不",
    "保留",
    "再说吧",
    "以后再说",
    r"no need",
    r"不要(?:取消|改|换|订)了?",
)
_UNSURE = (
    r"hm+",
    "wait",
    "hold on",
    "let me think",
    "maybe",
    "not sure",
    r"i'?m not sure",
    r"i don'?t know",
    "dunno",
    "idk",
    r"what do you think",
    r"not sure yet",
    r"let me think(?: about it)?",
    r"i need to think(?: about it)?",
    r"give me a (?:minute|second|moment|sec)",
    "考虑一下",
    "让我考虑",
    "我再想想",
    "你觉得呢",
    "这个嘛",
    "看情况",
    "呃",
    "不好说",
    "让我想想",
    r"uh+",
    r"um+",
    "等等",
    "等一下",
    "等会",
    "我想想",
    "想一想",
    "再想想",
    "不确定",
    "不知道",
    "嗯",
)
# Words that carry no answer of their own around one ("yes please", "好的谢谢", "ok then").
_FILLER = (
    "please",
    "pls",
    "thanks",
    "thank you",
    "thx",
    "then",
    "just",
    "it",
    "that",
    "sir",
    "madam",
    "mate",
    "oh",
    "well",
    "so",
    "and",
    "请",
    "吧",
    "啊",
    "呀",
    "呢",
    "哦",
    "噢",
    "了",
    "的",
    "谢谢",
    "麻烦",
    "麻烦了",
    "那就",
    "就",
    "那",
    "一下",
    "您",
    "你",
    "帮我",
)


def _kind(alternatives: Iterable[str]) -> re.Pattern[str]:
    # Longer alternatives first, so the alternation prefers "nope" to "no", "不取消" to "不".
    ordered = sorted(alternatives, key=len, reverse=True)
    return re.compile("|".join(f"(?:{a})" for a in ordered), re.IGNORECASE)


_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("yes", _kind(_YES)),
    ("no", _kind(_NO)),
    ("unsure", _kind(_UNSURE)),
    ("filler", _kind(_FILLER)),
)
# An answer is short and never holds a digit (flight numbers, codes and seats make it a request).
_MAX_ANSWER_WORDS = 8
_DIGIT = re.compile(r"\d")
# Latin phrases must stand as words ("no" is not the start of "now"); CJK needs no boundary.
_WORD_CHAR = re.compile(r"[a-z0-9]", re.IGNORECASE)
# What may surround the phrases: spaces, punctuation, symbols and emoji.
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def read_answer(text: str, extra_yes: Iterable[str] = ()) -> Answer | None:
    """How `text` answers a yes/no question when it is an answer as a whole, else None.

    `extra_yes` are words that confirm this particular proposal ("cancel it" answers "cancel
    booking ABC123?").
    """
    value = normalize(text).lower()
    if not value or len(value) > 80 or _DIGIT.search(value) or len(value.split()) > _MAX_ANSWER_WORDS:
        return None
    kinds_here = _KINDS
    if extra := tuple(extra_yes):
        kinds_here = (*_KINDS, ("yes", _kind(re.escape(word) for word in extra)))
    kinds: set[str] = set()
    position = 0
    rest: list[str] = []
    while position < len(value):
        found = _longest_phrase(value, position, kinds_here)
        if found is not None:
            kind, position = found
            kinds.add(kind)
            continue
        rest.append(value[position])
        position += 1
    if _NOISE.sub("", "".join(rest)):
        return None  # something besides answer words: a request or a question
    kinds.discard("filler")
    if kinds == {"yes"}:
        return "yes"
    if kinds == {"no"}:
        return "no"
    return "unsure" if kinds else None


# Clause breaks: an answer often leads and an explanation follows ("no thanks, I'll decide later").
_CLAUSE = re.compile(r"[,，。.!！?？…;；:：]+|\s+-+\s+|\s*—+\s*")
# Words that turn a leading yes into second thoughts ("Sure... actually wait, let me check").
_SECOND_THOUGHTS = re.compile(
    r"\b(?:actually|wait|but|hold on|although|though)\b|等等|等一下|不过|但是|可是", re.IGNORECASE
)


def read_leading_answer(text: str, extra_yes: Iterable[str] = ()) -> Answer | None:
    """Like `read_answer`, but also for an answer that leads a message and is only explained after:
    "no thanks, I'll decide later" is a no, "对的，麻烦您确认一下" a yes, "Sure... actually wait" unsure.
    A rest that asks or states something new (a code, a flight, a seat, a question) makes the
    whole a request."""
    whole = read_answer(text, extra_yes)
    if whole is not None:
        return whole
    parts = _CLAUSE.split(normalize(text), maxsplit=1)
    if len(parts) < 2:
        return None
    first, rest = parts[0], parts[1].strip()
    lead = read_answer(first, extra_yes)
    if lead is None or states_something(rest) or _asks(rest):
        return None  # "no, what's the baggage allowance?": a question to answer first
    if lead == "yes":
        if _SECOND_THOUGHTS.search(rest):
            return "unsure"
        return (
            "yes"
            if read_answer(rest, extra_yes) in ("yes", None) and not _asks(rest) and len(rest) <= 40
            else None
        )
    return lead


_ENTITY = re.compile(
    r"(?<![A-Za-z0-9])(?:[A-Za-z]{2}\s?\d{2,4}|[A-Za-z]{3}\d{3}|[1-6]?\d\s?[A-Ka-k])(?![A-Za-z0-9])"
)
_ASKS = re.compile(
    r"[?？]|\b(?:what|which|when|where|how|why|can|could)\b|什么|怎么|多少|哪|吗|呢", re.IGNORECASE
)


def states_something(text: str) -> bool:
    """Whether `text` names a flight, a seat or a code: the makings of a new request."""
    return bool(_ENTITY.search(text))


def _asks(text: str) -> bool:
    return bool(_ASKS.search(text))


def _longest_phrase(
    text: str, position: int, kinds: tuple[tuple[str, re.Pattern[str]], ...]
) -> tuple[str, int] | None:
    """(kind, end) of the longest answer phrase standing alone at `position`, or None."""
    best: tuple[str, int] | None = None
    for kind, pattern in kinds:
        match = pattern.match(text, position)
        longer = match is not None and match.end() > (best[1] if best else position)
        if longer and match is not None and _stands_alone(text, match):
            best = (kind, match.end())
    return best


def _stands_alone(text: str, match: re.Match[str]) -> bool:
    start, end = match.span()
    if not _WORD_CHAR.match(match.group(0)[0]):
        return True
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return not (_WORD_CHAR.match(before) or _WORD_CHAR.match(after))


# ------------------------------------------------------------------------------ retractions

RETRACTION_MARKER = _RETRACT = re.compile(
    r"(?<!don't )(?<!do not )\b(?:please )?(?:forget (?:about )?(?:that|it|this|what i said)|never ?mind"
    r"|scratch that|disregard (?:that|it|my (?:last|previous) (?:message|request))|cancel that request"
    r"|i (?:no longer|don'?t) (?:need|want) (?:that|it|to book)|changed my mind|not anymore"
    r"|don'?t book(?: it| that| anything)?|do not book(?: it| that)?|hold off(?: on (?:that|booking))?)\b"
    r"|不用了|算了|先别订|别订了?|不要订了?|不订了|先不订|不用订了?|先不要订|先不用|刚才的?不要了|取消刚才的?(?:请求|那个)?"
    r"|忘了(?:它|吧|刚才)|当我没说",
    re.IGNORECASE,
)
# Joining words that may lead what follows a retraction ("..., I'd rather know ...").
_LEAD = re.compile(
    r"^[\s,，。.;；!！:：-]*(?:but|and|instead|rather|so|then|i'?d rather|i would rather|i want to|"
    r"我想|我要|还是|改成|先|那就)?[\s,，。.;；!！:：-]*",
    re.IGNORECASE,
)


class Retraction(NamedTuple):
    """A retraction found in a message: the request that follows it ('' when none)."""

    remainder: str


def find_retraction(text: str) -> Retraction | None:
    """The retraction in `text` (what follows it is the new request), or None."""
    matches = list(_RETRACT.finditer(text))
    if not matches:
        return None
    after = text[matches[-1].end() :]
    remainder = _LEAD.sub("", after, count=1).strip(" ,，。.;；!！了吧啊呀呢…")
    if (
        remainder
        and not states_something(remainder)
        and (read_answer(remainder) is not None or _idle(remainder))
    ):
        remainder = ""  # "不用了，没事了": nothing new was asked
    return Retraction(remainder)


_IDLE = re.compile(
    r"^(?:没事了?|没关系|没什么|就这样|that'?s (?:all|it|fine)|it'?s (?:fine|ok(?:ay)?)|all good|nothing)$",
    re.IGNORECASE,
)


def _idle(text: str) -> bool:
    return bool(_IDLE.match(text.strip(" ,，。.!！")))


def declines(text: str) -> bool:
    """ "keep 14D", "保留原座位", "还是原来的": what follows a retraction that turns a change down."""
    return bool(re.match(r"\s*(?:keep|stay with|stick with|leave)\b|保留|还是原来|不变", text, re.IGNORECASE))


# ------------------------------------------------------------------------------ own bookings

_OWN_BOOKINGS = re.compile(
    r"\b(?:show|list|see|view|check|what are|what'?s|what is|which|tell me)\b[^.?!]{0,30}"
    r"\bmy (?:bookings?|reservations?|seats?|trips?|tickets?)\b"
    r"|\bdo i have (?:any )?(?:bookings?|reservations?|seats?|tickets?|flights? booked)\b"
    r"|\bam i booked\b|\bwhere am i sitting\b|\bmy (?:bookings|reservations)\s*[?？]?$"
    r"|我的(?:座位|座位号|预订|订单|机票|行程)(?:是|有|在)?(?:几号|多少|哪些|什么|哪个|哪里|列表)"
    r"|(?:查|看|列出|显示)(?:一下)?我的(?:预订|订单|座位|机票|行程)"
    r"|我(?:都)?(?:订|预订)了(?:哪些|什么|几个|几张)|我(?:现在)?有(?:没有|哪些|什么|几个)?(?:预订|订单|订票|订座|机票)"
    r"|我的(?:预订|订单)\s*[?？。]?\s*$|我在\s*\S{2,10}?\s*上?的座位|(?:查|看)(?:一下)?我(?:在\s*\S{2,10}?\s*上?)?的座位",
    re.IGNORECASE,
)
_ACTS_ON_BOOKING = re.compile(
    r"\b(?:cancel|change|switch|move|swap|upgrade|refund|book me|reserve)\b|取消|改|换|退|升舱|帮我订",
    re.IGNORECASE,
)


def asks_for_own_bookings(text: str) -> bool:
    """Whether the message asks to see the user's own bookings or seat (no change asked for)."""
    return bool(_OWN_BOOKINGS.search(text)) and not _ACTS_ON_BOOKING.search(text)


# ------------------------------------------------------------------------------ seat changes

_CHANGE = re.compile(
    r"\b(?:change|switch|move|swap)\b[^.?!]{0,25}\bseat|\bseat\b[^.?!]{0,15}\b(?:change|switch)\b"
    # "can I switch to 20C?": a move to a seat names no seat word
    r"|\b(?:change|switch|move|swap)\s+(?:it\s+|me\s+)?(?:to|into|over\s+to)\s+\d{1,2}\s?[A-Ka-k]\b"
    r"|(?:改|换|调)(?:一下|个)?(?:座位|座|到|成|为)",
    re.IGNORECASE,
)


def asks_to_change_seat(text: str) -> bool:
    """Whether the message asks to change a seat the user holds (rather than book a new one)."""
    return bool(_CHANGE.search(text))
