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
    (r"行李箱|箱子|拉杆箱|行礼", "行李"),  # 行礼: a common pinyin-input slip for 行李
    (r"拖运", "托运"),
    (r"手提行李|登机箱|手提箱|拎上(飞机|去)|带上飞机|带进客舱", "随身行李"),
    (r"\bgolf (clubs?|bags?|sets?)\b", "golf bag"),
    (r"高尔夫球杆|高尔夫球具|高尔夫球包", "高尔夫球包"),
    (r"\b(guitars?|ukuleles?)\b", "guitar|instrument"),
    (r"吉他|尤克里里", "吉他|乐器"),
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
    (r"\b(hair ?spray|deodorant|shaving foam|aerosols?|spray cans?)\b", "aerosols"),
    (r"发胶|喷雾|定型喷雾|止汗喷雾", "喷雾"),
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
    (r"一个人坐飞机|单独乘机|独自乘机|自己一个人|自己坐飞机|单独坐飞机", "单独乘机|无成人陪伴"),
    (r"行动不便|走不动|腿脚不好|坐轮椅", "行动不便|轮椅"),
    (r"\b(elderly|reduced mobility|can'?t walk|mobility)\b", "reduced mobility|wheelchair"),
    (r"\b(disability|disabilities|disabled|handicapped)\b", "assistance|disability"),
    (r"听力障碍|听障|耳聋|聋", "听障"),
    (r"\b(deaf|hearing impaired|hard of hearing)\b", "deaf|hard of hearing"),
    (r"\b(dementia|alzheimer'?s|autism|autistic|anxiety)\b", "non-visible disability|dementia|autism"),
    (r"老年痴呆|痴呆|认知障碍|自闭症|焦虑症", "非显性残障|认知障碍"),
    (r"坐飞机|乘飞机|搭飞机|坐航班", "乘机|航班"),
    (
        r"\b(on (the|a) )?(plane|airplane|aeroplane|aircraft)\b|\bon board\b|\bonboard\b",
        "on board|aircraft|cabin",
    ),
    (r"飞机上|机上", "机上|客舱"),
    (r"\b(the |your )?airline\b", "Skylark Airways"),
    # pets
    (r"\b(guide dogs?|service dogs?|assistance dogs?|seeing[- ]eye dogs?)\b", "service dog|guide dog"),
    (r"导盲犬|服务犬|辅助犬", "服务犬|导盲犬"),
    (
        r"\b(dogs?|cats?|puppy|puppies|kittens?|corgis?|poodles?|labradors?|chihuahuas?|pugs?|bulldogs?)\b",
        "pet|dog|cat",
    ),
    (r"狗狗|小狗|狗|猫咪|小猫|猫|柯基|泰迪|金毛|哈士奇|比熊|柴犬|博美|拉布拉多", "宠物|狗|猫"),
    (r"\b(crates?|kennels?|pet carriers?)\b", "crate|carrier"),
    (r"航空箱|宠物箱|宠物包|笼子", "航空箱|宠物包"),
    (r"\bcargo hold\b|\bin the hold\b|\bas cargo\b", "hold"),
    (r"\bpaperwork\b", "documents|certificate"),
    (
        r"\b(hamsters?|guinea pigs?|rabbits?|parrots?|birds?|snakes?|turtles?|lizards?|ferrets?)\b",
        "rodents|rabbits|birds|reptiles",
    ),
    (r"仓鼠|豚鼠|兔子|鹦鹉|鸟|蛇|乌龟|蜥蜴", "啮齿|兔子|鸟类|爬行动物"),
    # money and tickets
    (r"\bmoney back\b|\breimburse(d|ment)?\b", "refund"),
    (r"退钱|退款|退票|能退|可以退|还能退|退吗", "退款|退票"),
    (r"\bfor free\b|\bfree of charge\b", "free"),
    (r"收费标准|收费表|价格表|价目|各项(费用|收费)|费用清单", "价目表"),
    (
        r"\b(fee schedule|price list|list of (fees|charges|prices)|fees and charges|all (the )?fees)\b",
        "price list",
    ),
    (r"附加服务|增值服务", "附加服务|价目表"),
    (r"\b(extras|add-?ons)\b", "extras|price list"),
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
    (r"\b(transfer|give|sell) (my |the |a )?(ticket|booking)\b", "transferred|another person"),
    (r"转给|转让|送给别人|给别人用|过户", "转让|他人"),
    (r"\bmisspel+(ed|t)?\b|\btypos?\b|\bwrong name\b", "spelling|name correction"),
    # delayed, lost and damaged bags
    (
        r"\b(broken|broke|damaged|smashed|cracked|ripped|torn|dented)\b",
        "damaged|damage",
    ),
    (r"摔坏|弄坏|坏了|划破|破了|损坏|摔裂", "损坏"),
    (r"\b(lost|missing)\b", "lost|missing"),
    (
        r"\b(didn'?t (arrive|show up|come)|never (arrived|showed up|came)|delayed (bag|baggage|luggage))\b",
        "not arrive|delayed",
    ),
    (r"丢了|丢失", "丢失"),
    (r"没到|没出来|没有到|不见了|找不到", "未到|延误"),
    (r"赔偿|赔多少|找谁赔|赔|报销", "赔偿|报销"),
    (r"投诉|申诉|索赔", "报告|索赔"),
    # airport
    (r"\bcheck[- ]?in\b", "check-in"),
    (r"截止|截至|停止办理|关柜台", "关闭"),
    (r"\b(deadline|cut-?off)\b", "close|closes"),
    (r"\bbag drop\b|\bdrop (off )?(my )?bags?\b", "bag drop"),
    (r"\b(emergency exit|exit row)s?\b", "exit-row"),
    (r"安全出口|应急出口", "紧急出口"),
    (r"\b(id card|identity card|id)\b", "national ID"),
    (r"\b(driver'?s licen[cs]e|driving licen[cs]e)\b", "driving licence"),
    (r"驾照|驾驶证|驾驶执照", "驾驶证"),
    (r"过境签(?!证)", "过境签证"),
    (r"身份证", "身份证|证件"),
    # lounges, wifi, meals, loyalty
    (r"\b(lounges?|vip rooms?)\b", "lounge"),
    (r"贵宾室|贵宾厅|候机室|候机厅", "休息室"),
    (r"\b(connecting flights?|connections?|layovers?|stopovers?|transit)\b", "connection|connect|transit"),
    (r"中转|转机|经停", "转机"),
    (r"家属|家人|同伴|同行的人|朋友|老婆|老公", "同行|宾客"),
    (r"\b(wifi|wi-fi|wi fi|internet|online on the plane)\b", "Wi-Fi"),
    (r"上网|无线网|网络", "Wi-Fi"),
    (r"\b(food|snacks?|dinner|lunch|breakfast)\b", "meal|food|snack"),
    (r"吃的|管饭|饭|零食|餐(?!食)", "餐食|食物"),
    (r"\b(frequent flyer|loyalty|points)\b", "Skylark Miles|miles"),
    (r"积分", "里程"),
    (r"换机票|兑换机票|免费机票|里程票", "奖励机票"),
    (r"\b(status|tier|level)\b", "tier"),
    (r"\b(sign(ing)? up|join(ing)?|enrol+(ing)?|register(ing)?|become a member)\b", "join|joining"),
    (r"注册|加入|入会|办会员|成为会员", "加入|入会"),
    (r"\b(benefits?|perks?|privileges?)\b", "benefits"),
    (r"好处|福利|特权", "权益"),
    (r"\bfree (economy )?(ticket|flight)\b|\baward (flight|ticket)\b", "award ticket"),
)
_RULES = tuple((re.compile(p, re.I), r) for p, r in REWRITE_RULES)
# A Latin word glued to Chinese ("飞机上有wifi吗") has no \b word boundary before it: Chinese
# characters are word characters to `re`. A space between the scripts lets the English rules match.
_SCRIPT_SEAM = re.compile(r"(?<=[\u3400-\u9fff])(?=[A-Za-z0-9])|(?<=[A-Za-z0-9])(?=[\u3400-\u9fff])")
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
    original = _SCRIPT_SEAM.sub(" ", original)
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
