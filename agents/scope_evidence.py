"""Exact evidence that a message is a request of ours, which the out-of-scope gate does not overrule.

The gate (`agents.understanding.ScopeGate`) reads meaning, and meaning alone is unsure on short
requests of ours ("how do I earn miles", "哪个城市的蔚来最多"). Some words are evidence no other
service shares:

- a flight number, a confirmation code or a seat (`agents.slots`), for any desk;
- a brand or model of the dealer's catalogue (`tools.inventory.lexicon`), or the dealer's own
  stores ("北京有几家门店", "your showroom"), for a stock question, unless the message is about
  shares ("BYD stock price", "特斯拉股价");
- a term of the airline's own documents (miles to earn or spend, lounges, check-in, boarding
  passes, baggage allowance, power banks, 改签, 退票..., and bringing the items the baggage rules
  name: golf bags, skis, bicycles, instruments; the airport's own facilities: smoking rooms, nursing
  rooms, luggage storage; an item the baggage, dangerous-goods, pets or medicines rules name, taken
  on a trip), for a policy question. Generic words
  the documents share with the rest of the world (refund, wifi, pets, meals) are no evidence.

Places are not here: a route between served places is the flight search's rule
(`agents.flight_search.routing.lean`), which a gate verdict does not stop.
"""

from __future__ import annotations

import re
from functools import lru_cache

from agents.slots import stated

EVIDENCE_SLOTS = ("flight_number", "confirmation_number", "seat")

_SHARES = re.compile(
    r"\b(?:shares?|stocks|stock\s+(?:price|market|exchange)|share\s+price|invest\w*|dividends?|nasdaq|nyse|ipo)\b"
    # "BYD stock", "is tesla stock a good buy", but not "in stock", "your stock of BYD", "stock levels"
    r"|(?<!\bin )(?<!\bof )(?<!\byour )(?<!\bthe )(?<!\bour )\bstock\b(?!\s+(?:of|list|levels?|status))"
    r"|股票|股价|股市|股份|涨停|跌停|市值|基金|上市",
    re.IGNORECASE,
)
_OUR_STORES = re.compile(
    r"\b(?:your|the\s+dealer'?s?)\s+(?:stores?|showrooms?|dealerships?|branches|lots?|yards?)\b|门店|展厅|4S店|你们店",
    re.IGNORECASE,
)
_POLICY_TERMS = re.compile(
    r"\b(?:earn\w*|redeem\w*|collect\w*|spend\w*|use|using|get)\b[\w\s]{0,20}\bmiles\b"
    r"|\bmiles\b[\w\s]{0,20}\b(?:account|balance|tier|status|expir\w*|points?)\b"
    r"|\b(?:skylark|frequent[\s-]flyer|lounges?|check[\s-]?in|boarding\s+pass(?:es)?|bag(?:gage)?\s+allowance"
    r"|checked\s+(?:bags?|baggage|luggage)|carry[\s-]?on|hand\s+luggage|power\s+banks?|lithium|excess\s+baggage"
    r"|unaccompanied\s+minors?|special\s+meals?|name\s+correction)\b"
    # things the baggage rules list by name, brought along ("can i bring my golf clubs", "带小提琴上飞机")
    r"|\b(?:bring|carry|take|check|pack)\b[\w\s']{0,25}\b(?:golf|skis?|snowboards?|bikes?|bicycles?|violins?|cellos?"
    r"|(?:musical\s+)?instruments?|guitars?|strollers?|prams?)\b"
    r"|(?:带|托运|携带)[^，。？?]{0,8}(?:高尔夫|滑雪板|单板|自行车|小提琴|大提琴|乐器|吉他|婴儿车)"
    # the airport's own facilities, which the desk answers from its documents or the web ("机场有吸烟室吗")
    r"|\b(?:airports?|terminals?|departure\s+gates?)\b[\w\s']{0,25}\b(?:smoking|prayer|nursing|showers?|sleeping"
    r"|pods?|left\s+luggage|luggage\s+storage|lockers?|charging|wi-?fi)\b"
    r"|\b(?:smoking|prayer|nursing|shower|sleeping)\s+(?:rooms?|areas?|pods?)\b[\w\s']{0,25}\b(?:airports?|terminals?)\b"
    r"|(?:机场|航站楼|候机)[^，。？?]{0,6}(?:吸烟|母婴|祈祷|淋浴|休息区|行李寄存|寄存|充电|免费wifi|无线网)"
    r"|里程|休息室|贵宾室|值机|改签|退票|登机牌|行李额|托运|随身行李|手提行李|充电宝|锂电池|云雀|常旅客|无人陪伴|特殊餐食",
    re.IGNORECASE,
)

# An item the baggage, dangerous-goods, pets and medicines rules name, taken on a trip ("can I bring my
# hunting knife in the hold", "带处方药出国要什么手续"): the gate reads these as harm or as another
# service's question, but they are the documents' own. Both the item and the trip must be said.
_CARRIED_ITEM = re.compile(
    r"\b(?:knife|knives|blades?|scissors|razors?|firearms?|guns?|rifles?|ammunition|ammo|fireworks?|lighters?"
    r"|matches|aerosols?|medications?|medicines?|prescriptions?|pills|insulin|syringes?|oxygen|dogs?|cats?|pets?"
    r"|puppy|kitten)\b"
    r"|刀|剪刀|打火机|火柴|枪|子弹|烟花|鞭炮|喷雾|药|胰岛素|针头|氧气|宠物|狗|猫",
    re.IGNORECASE,
)
_ON_A_TRIP = re.compile(
    r"\b(?:bring|carry|take|pack|travel\s+with|fly\s+with|check)\b.{0,60}\b(?:planes?|flights?|fly|flying"
    r"|aircraft|cabin|hold|suitcases?|luggage|baggage|carry-on|abroad|airports?|security|trip|holiday|overseas)\b"
    r"|\b(?:travel|fly)\s+with\b"
    r"|(?:带|携带|托运|装)[^，。？?]{0,15}(?:飞机|登机|出国|机上|安检|行李|航班|坐飞机|过关|入境)",
    re.IGNORECASE,
)


@lru_cache(maxsize=1)
def _catalog_names() -> tuple[re.Pattern[str], ...]:
    """The catalogue's brand and model names (the ones that stand alone; 汉/唐 need context)."""
    from tools.inventory.lexicon import ENTITY_ALIASES, PATTERNS

    return tuple(
        PATTERNS[a.text]
        for a in ENTITY_ALIASES
        if a.field in ("brand", "model") and a.context is None and len(a.text) > 1
    )


def names_catalogue(text: str) -> bool:
    """Whether `text` names a brand or model of the dealer's catalogue."""
    lowered = text.lower()
    return any(pattern.search(lowered) for pattern in _catalog_names())


def has_evidence(text: str, label: str, entities: dict[str, str] | None = None) -> bool:
    """Whether `text`, read as a request for `label`, carries exact evidence of one (see above)."""
    found = stated(text) if entities is None else entities
    if any(found.get(name) for name in EVIDENCE_SLOTS):
        return True
    if label == "inventory_query":
        return (names_catalogue(text) or bool(_OUR_STORES.search(text))) and not _SHARES.search(text)
    if label == "knowledge_search":
        return bool(_POLICY_TERMS.search(text)) or bool(
            _CARRIED_ITEM.search(text) and _ON_A_TRIP.search(text)
        )
    return False
