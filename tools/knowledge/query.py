"""A question before retrieval: validated, normalised and rewritten by local rules.

Rewriting maps the words customers use to the words the documents use (suitcase -> bag,
宝宝 -> 婴儿, vape -> e-cigarette). Each rule gives one or more phrasings separated by `|`; the
question's phrase and its phrasings form one *concept* for the coverage check in `fusion` ("is
this concept in the passage, in any of its wordings?"), and the phrasings are appended to the
text BM25 sees (recall). Rules are general domain vocabulary, not answers: they never add a fact.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from switchboard.errors import InputError
from switchboard.text import normalize
from tools.knowledge.tokenize import concept_terms

# (pattern, phrasings). Patterns match case-insensitively on the normalised question.
REWRITE_RULES: tuple[tuple[str, str], ...] = (
    # baggage
    (r"\bcarry[- ]?ons?\b|\bhand (luggage|baggage)\b|\bcabin (luggage|suitcase)s?\b", "cabin bag"),
    (r"\b(suitcases?|luggage|bags|baggage)\b", "bag|baggage"),
    (r"行李箱|箱子|拉杆箱", "行李"),
    (r"手提行李|登机箱|手提箱", "随身行李"),
    (r"\b(size|how big|how large|dimensions?|measurements?)\b", "dimensions|large|size"),
    (r"\b(max|maximum|limit)\b", "exceed|up to|at most"),
    (r"\b(kilos?|kilograms?|kgs)\b", "kg"),
    (r"千克|公斤", "公斤"),
    (r"\b(strollers?|pushchairs?|prams?|buggy)\b", "stroller"),
    (r"\b(take|carry|pack|bring)\b", "bring|carry"),
    (r"带上|拿上|携带", "携带|带"),
    # batteries, liquids and other dangerous goods
    (r"\b(battery packs?|portable chargers?|power ?banks?)\b", "power bank"),
    (r"移动电源|充电器|充电宝", "充电宝"),
    (r"\bm?ah\b", "mAh|Wh"),
    (r"毫安时?", "毫安时|瓦时"),
    (r"\b(vapes?|vaping|e-?cigs?|electronic cigarettes?|e-?cigarettes?)\b", "e-cigarette|vape"),
    (r"\b(shampoo|toiletries|lotion|perfume|toothpaste|sunscreen|water bottle)\b", "liquids"),
    (r"洗发水|护肤品|化妆水|香水|牙膏|防晒霜|矿泉水|饮料", "液体"),
    (r"\b(whisky|whiskey|vodka|wine|liquor|spirits|booze)\b", "alcohol|alcoholic drinks"),
    (r"白酒|红酒|洋酒", "酒类"),
    (r"\b(hoverboards?|segways?|e-?scooters?|electric scooters?)\b", "hoverboard|scooter"),
    (r"\blighters?\b", "lighter"),
    # people
    (r"\b(kids?|sons?|daughters?|\d+[- ]year[- ]olds?)\b", "child"),
    (r"孩子|小孩|儿子|女儿", "儿童"),
    (r"\b(babies|baby|newborns?|toddlers?)\b", "infant"),
    (r"宝宝|婴孩|新生儿", "婴儿"),
    (r"\bpregnant\b|\bexpecting a baby\b", "pregnancy"),
    (r"怀孕|孕妇|有孕", "怀孕"),
    (
        r"\b(fly|flying|travel|travelling|traveling) (alone|on (his|her|their) own|by (himself|herself))\b",
        "travel without an adult|unaccompanied",
    ),
    (r"一个人坐飞机|单独乘机|独自乘机|自己一个人", "单独乘机|无成人陪伴"),
    (r"坐飞机|乘飞机|搭飞机|坐航班", "乘机|航班"),
    (
        r"\b(on (the|a) )?(plane|airplane|aeroplane|aircraft)\b|\bon board\b|\bonboard\b",
        "on board|aircraft|cabin",
    ),
    (r"飞机上|机上", "机上|客舱"),
    (r"\b(the |your )?airline\b", "Skylark Airways"),
    # pets
    (r"\b(dogs?|cats?|puppy|puppies|kittens?)\b", "pet|dog|cat"),
    (r"狗狗|小狗|狗|猫咪|小猫|猫", "宠物|狗|猫"),
    (r"\bcargo hold\b|\bin the hold\b|\bas cargo\b", "hold"),
    (r"\bpaperwork\b", "documents|certificate"),
    (
        r"\b(hamsters?|guinea pigs?|rabbits?|parrots?|birds?|snakes?|turtles?|lizards?|ferrets?)\b",
        "rodents|rabbits|birds|reptiles",
    ),
    (r"仓鼠|豚鼠|兔子|鹦鹉|鸟|蛇|乌龟|蜥蜴", "啮齿|兔子|鸟类|爬行动物"),
    # money and tickets
    (r"\bmoney back\b|\breimburse(d|ment)?\b", "refund"),
    (r"退钱|退款|退票", "退款|退票"),
    (
        r"\b(how much (does|do|is|are|for)|what does it cost|price of|cost|costs|fee|fees|charge)\b",
        "price|USD|fee",
    ),
    (r"多少钱|什么价格|收费|费用|价格|贵不贵|要钱", "价格|美元|收费"),
    (
        r"\b(reschedule|rebook)\b|\b(move|switch|change)( \w+){0,4}? (flight|booking|date)s?\b",
        "change flight",
    ),
    (r"\b(fix|correct|amend)(ed)?\b", "correction|corrected"),
    (r"\b(arrange|organi[sz]e)\b", "request|book"),
    (r"改期|改时间|换航班|改签", "改签"),
    (r"\bmisspel+(ed|t)?\b|\btypos?\b|\bwrong name\b", "spelling|name correction"),
    # airport
    (r"\bcheck[- ]?in\b", "check-in"),
    (r"\bbag drop\b|\bdrop (off )?(my )?bags?\b", "bag drop"),
    (r"\b(emergency exit|exit row)s?\b", "exit-row"),
    (r"安全出口|应急出口", "紧急出口"),
    (r"\b(id card|identity card|id)\b", "national ID"),
    (r"身份证", "身份证|证件"),
    # lounges, wifi, meals, loyalty
    (r"\b(lounges?|vip rooms?)\b", "lounge"),
    (r"贵宾室|候机室", "休息室"),
    (r"\b(wifi|wi-fi|wi fi|internet|online on the plane)\b", "Wi-Fi"),
    (r"上网|无线网|网络", "Wi-Fi"),
    (r"\b(food|snacks?|dinner|lunch|breakfast)\b", "meal|food|snack"),
    (r"吃的|饭|零食", "餐食|食物"),
    (r"\b(frequent flyer|loyalty|points)\b", "Skylark Miles|miles"),
    (r"积分", "里程"),
    (r"\b(status|tier|level)\b", "tier"),
    (r"\b(benefits?|perks?|privileges?)\b", "benefits"),
    (r"好处|福利|特权", "权益"),
    (r"\bfree (economy )?(ticket|flight)\b|\baward (flight|ticket)\b", "award ticket"),
)
_RULES = tuple((re.compile(p, re.I), r) for p, r in REWRITE_RULES)
_POLITE = re.compile(
    r"^(hi|hello|hey|please|excuse me|请问|你好|您好|麻烦问一下|我想问一下|想问一下)[,，!！ ]*", re.I
)


@dataclass(frozen=True)
class Concept:
    """One idea of the question and the ways to say it; the first phrasing is the asker's."""

    phrases: tuple[frozenset[str], ...]


@dataclass(frozen=True)
class Query:
    original: str  # normalised question as asked (what the embedder sees)
    canonical: str  # customer phrases replaced by the documents' first phrasing (for display)
    expanded: str  # original + every phrasing of the matched rules (what BM25 sees)
    concepts: tuple[Concept, ...]
    language: str


def validate_question(question: object, max_chars: int = 4000) -> str:
    """The question as text, or InputError: not a string, empty, too long or binary."""
    if not isinstance(question, str):
        raise InputError(f"the question must be text, not {type(question).__name__}")
    if len(question) > max_chars:
        raise InputError(f"the question is too long ({len(question)} characters, at most {max_chars})")
    categories = [unicodedata.category(ch) for ch in question if ch not in "\t\n\r"]
    controls = sum(1 for c in categories if c in ("Cc", "Co"))
    # Lone surrogates are undecodable bytes (argv, stdin): never text, and unprintable as UTF-8.
    if (
        "Cs" in categories
        or "\x00" in question
        or "\ufffd" in question
        or controls > max(2, len(question) // 20)
    ):
        raise InputError("the question looks like binary data, not text")
    if not normalize(question):
        raise InputError("the question is empty")
    return question


def _single(text: str) -> list[Concept]:
    return [Concept((frozenset({term}),)) for term in concept_terms(text)]


def rewrite(question: str, language: str = "en") -> Query:
    """Normalise (NFKC, spaces, politeness) and apply the local rewrite rules."""
    original = _POLITE.sub("", normalize(question)) or normalize(question)
    spans: list[tuple[int, int, list[str]]] = []
    for pattern, joined in _RULES:
        for match in pattern.finditer(original):
            if match.end() > match.start() and not any(
                match.start() < end and start < match.end() for start, end, _ in spans
            ):
                spans.append((match.start(), match.end(), joined.split("|")))
    spans.sort()
    pieces: list[str] = []
    concepts: list[Concept] = []
    additions: list[str] = []
    position = 0
    for start, end, phrasings in spans:
        pieces.append(original[position:start])
        concepts += _single(original[position:start])
        asked = frozenset(concept_terms(original[start:end]))
        alternatives = [frozenset(concept_terms(p)) for p in phrasings]
        phrases = tuple(dict.fromkeys(p for p in (asked, *alternatives) if p))
        if phrases:
            concepts.append(Concept(phrases))
        pieces.append(phrasings[0])
        additions += phrasings
        position = end
    pieces.append(original[position:])
    concepts += _single(original[position:])
    unique = tuple(dict.fromkeys(concepts))
    expanded = " ".join([original, *additions])
    return Query(original, "".join(pieces), expanded, unique, language)
