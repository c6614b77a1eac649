"""Words and phrases, Chinese and English, mapped to the canonical values of the schema.

Entity aliases (brands, models, stores, cities) come from the catalogue; attribute synonyms
(colours, body and fuel types, statuses) are listed here. `ALIASES` is sorted longest first so
that the parser, which masks what it matched, reads "汉兰达" as a Toyota before "汉" as a BYD.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tools.inventory.catalog import BRANDS, CITIES, OTHER_BRANDS, OTHER_MODELS, STORES


@dataclass(frozen=True)
class Alias:
    text: str  # lower-case
    field: str
    value: str
    negated: bool = False  # the phrase itself negates ("unsold" = status not sold)
    context: str | None = None  # a regex that must also match the question (short Chinese names)
    exact: bool = False  # read only as typed, never behind a misspelling (models the dealer lacks)


# Colours, body and fuel types, statuses: canonical value -> phrases.
COLORS: dict[str, tuple[str, ...]] = {
    "white": ("白色", "珍珠白", "white"),
    "black": ("黑色", "black"),
    "silver": ("银色", "silver"),
    "gray": ("灰色", "gray", "grey"),
    "red": ("红色", "red"),
    "blue": ("蓝色", "blue"),
}
# Colours the dealer's cars never have: read as a colour so that "绿色的车有几台" finds none instead of
# dropping the word and counting every car (as OTHER_BRANDS does for brands).
OTHER_COLORS: dict[str, tuple[str, ...]] = {
    "green": ("绿色", "green"),
    "yellow": ("黄色", "yellow"),
    "orange": ("橙色", "橘色", "orange"),
    "purple": ("紫色", "purple"),
    "brown": ("棕色", "咖啡色", "brown"),
    "gold": ("金色", "香槟色", "gold", "golden", "champagne"),
    "pink": ("粉色", "粉红色", "pink"),
}
# Attribute words typed by sound ("电冻" for 电动): the homophone table covers their characters.
SOUND_TYPED_ATTRIBUTES = (
    "电动",
    "混动",
    "汽油",
    "柴油",
    "纯电",
    "皮卡",
    "两厢",
    "三厢",
    "已售",
    "在库",
    "白色",
    "黑色",
    "银色",
    "灰色",
    "红色",
    "蓝色",
)
# One-character colours only count when followed by 的/色/车/款/漆, a separator or the end.
SHORT_COLORS = {"白": "white", "黑": "black", "银": "silver", "灰": "gray", "红": "red", "蓝": "blue"}

BODY_TYPES: dict[str, tuple[str, ...]] = {
    "sedan": ("轿车", "三厢车", "三厢", "sedan", "saloon"),
    "suv": ("suv", "越野车", "sport utility vehicle", "sport utility", "crossover"),
    "mpv": ("mpv", "商务车", "保姆车", "minivan", "people carrier", "van"),
    "hatchback": ("两厢车", "两厢", "掀背车", "掀背", "hatchback", "hatch"),
    "pickup": ("皮卡", "pickup truck", "pick-up truck", "pickup", "pick-up", "truck"),
}
FUEL_TYPES: dict[str, tuple[str, ...]] = {
    "gasoline": (
        "汽油车",
        "汽油",
        "燃油车",
        "燃油",
        "油车",
        # "要烧油的", "内燃机": a car that burns fuel
        "烧油",
        "加油的",
        "纯油",
        "内燃机",
        "internal combustion",
        "internal-combustion",
        "combustion engine",
        "combustion",
        "gasoline",
        "petrol",
        "gas-powered",
        "gas powered",
        "gas",
    ),
    "hybrid": (
        "插电混动",
        "插混",
        "油电混合",
        "混合动力",
        "混动",
        "双擎",
        "油电",
        "增程式",
        "增程",
        "hybrid",
        "gas-electric",
        "petrol-electric",
        "phev",
        "plug-in hybrid",
        "plug-in",
        "erev",
        "range extender",
        "range-extended",
        "dm-i",
        "dmi",
        "dm",
    ),
    "electric": (
        "纯电动",
        "纯电",
        "电动车",
        "电动",
        "电车",
        "electric vehicle",
        "electric",
        "electricity",
        "battery-powered",
        "battery powered",
        "bev",
        "ev",
        "battery electric",
    ),
    "diesel": ("柴油车", "柴油", "diesel"),
}
STATUSES: dict[str, tuple[str, ...]] = {
    "in_stock": (
        "在库",
        "库存中",
        "库存里",
        "库存",
        "在售",
        "现车",
        "现货",
        "可售",
        "有货",
        "在店",
        "待售",
        "库里",
        "库中",
        "压库",
        "积压",
        "存货",
        "还剩",
        "剩余",
        "剩下",
        "remaining",
        "in stock",
        "in-stock",
        "out of stock",  # "is the Seal out of stock?" asks what is left
        "on the showroom floor",
        "on the floor",
        "stock",  # "stock count", "our stock of BYDs": what 库存 says, the cars still for sale
        "available",
        "on hand",
        "on the lot",
        "for sale",
        "unsold stock",
    ),
    "reserved": (
        "已预订",
        "已预定",
        "被预订",
        "被预定",
        "预订",
        "预定",
        "已锁车",
        "锁车",
        "被订",
        "订出",
        "reserved",
        "on hold",
        "booked",
        # a deposit paid holds the car for its buyer
        "交了定金",
        "付了定金",
        "交定金",
        "已交定金",
        "已付定金",
        "定金",
        "订金",
        "已下定",
        "已下订",
        "deposit paid",
        "deposit",
        "deposits",
        # waiting for the buyer to collect it
        "reservation",
        "waiting to be picked up",
        "waiting for pickup",
        "awaiting pickup",
        "awaiting collection",
        "awaiting delivery",
        "待提车",
        "待交车",
        "待交付",
        "等待提车",
    ),
    "sold": (
        "已售出",
        "已售",
        "售出",
        "卖出",
        "卖掉",
        "卖了",
        "已卖",
        "已成交",
        "成交",
        "销量",
        "sold",
        "sales",
        "gone",
    ),
}
NOT_SOLD = (
    "未售出",
    "未售",
    "没卖出",
    "没有卖出",
    "没卖掉",
    "还没卖",
    "没卖",
    "没有卖",
    "尚未售出",
    "unsold",
    "not sold",
    "not yet sold",
)
# "New energy" vehicles are electric or plug-in/extended-range hybrids.
NEV = ("新能源", "new energy", "nev")
# "库存信息" is "the inventory", not "in stock": these phrases are masked before statuses are read.
NEUTRAL = (
    "库存信息",
    "库存数据",
    "库存表",
    "库存记录",
    "库存清单",
    "库存明细",
    "库存系统",
    "库存数据库",
    "数据库",  # "数据库里有多少车": 库里 here is the database, not the stock
)


# English model names that are also everyday words need their brand nearby.
_CONTEXT = {"fit": r"honda|本田|飞度"}


def _entity_aliases() -> list[Alias]:
    out: list[Alias] = []
    for brand in BRANDS:
        for text in (brand.name.lower(), *brand.zh, *brand.en):
            out.append(Alias(text.lower(), "brand", brand.name))
        for model in brand.models:
            for text in (model.name.lower(), *model.zh, *model.en):
                context = _CONTEXT.get(text.lower())
                if len(text) == 1:
                    # 汉/唐/宋/秦: next to the brand or a powertrain suffix, or named on its own
                    # after a modifier or at a phrase's start and before the end of a phrase or a
                    # verb ("白色的汉？", "几台唐呢", "宋有多少台是混动的"),
                    # or joined to another of the brand's models ("海豹和汉哪个多", "汉与唐").
                    siblings = "|".join(
                        re.escape(n) for m in brand.models for n in m.zh if m is not model and len(n) > 0
                    )
                    context = (
                        rf"比亚迪|byd|{text}\s*(ev|dm|plus|pro|系列)"
                        rf"|(?:的|色|台|辆|部|^|[,，。?？!！:：]|现在|目前)\s*{text}(?=\s*(?:$|[?？!！,，。、和与或呢吗]|车|有|还|在|卖|多|几|分别|各|一共|共|总|都|里|中))"
                        rf"|(?:{siblings})\s*(?:和|与|跟|或|还是|、)\s*{text}|{text}\s*(?:和|与|跟|或|还是|、)\s*(?:{siblings})"
                    )
                out.append(Alias(text.lower(), "model", model.name, context=context))
    for name, words in OTHER_BRANDS.items():
        out.extend(Alias(w.lower(), "brand", name) for w in words)
    for name, words in OTHER_MODELS.items():
        out.extend(Alias(w.lower(), "model", name, exact=True) for w in words)
    for city, words in CITIES.items():
        out.extend(Alias(w.lower(), "city", city) for w in (city, *words))
    for store in STORES:
        for text in (store.name, *store.zh, *store.en):
            out.append(Alias(text.lower(), "store_id", store.store_id))
    return out


def _attribute_aliases() -> list[Alias]:
    out: list[Alias] = []
    for field, table in (
        ("color", COLORS),
        ("body_type", BODY_TYPES),
        ("fuel_type", FUEL_TYPES),
        ("status", STATUSES),
    ):
        for value, words in table.items():
            out.extend(Alias(w, field, value) for w in words)
    for value, words in OTHER_COLORS.items():
        out.extend(Alias(w, "color", value) for w in words)
    out.extend(Alias(w, "status", "sold", negated=True) for w in NOT_SOLD)
    out.extend(Alias(w, "fuel_type", "nev") for w in NEV)
    return out


def _longest_first(aliases: list[Alias]) -> list[Alias]:
    return sorted(aliases, key=lambda a: (-len(a.text), a.text))


ENTITY_ALIASES = _longest_first(_entity_aliases())
ATTRIBUTE_ALIASES = _longest_first(_attribute_aliases())


# Model names that are also quarters ("Audi Q4" / "last year's Q4"): a year beside them makes a quarter.
_QUARTER_LIKE = {"q4"}
_NO_YEAR_BEFORE = r"(?<!year's )(?<!year )(?<!years )(?<!年)(?<!年的)(?<!\d{4} )(?<!\d{4})"
_NO_YEAR_AFTER = r"(?!\s*(?:of\s+)?(?:20\d\d|this year|last year|年))"


# Phrases whose plural is another word: "best month for sales" is not "for sale" (in stock).
_NO_PLURAL = {"for sale"}


def alias_pattern(text: str) -> re.Pattern[str]:
    """Chinese phrases match anywhere; Latin ones on word boundaries (plural -s/-es allowed)."""
    escaped = re.escape(text).replace(r"\ ", r"[\s\-]?")
    if text in _QUARTER_LIKE:
        return re.compile(rf"(?<![a-z0-9]){_NO_YEAR_BEFORE}{escaped}(?:'s|s|es)?(?![a-z0-9]){_NO_YEAR_AFTER}")
    if text in _NO_PLURAL:
        return re.compile(rf"(?<![a-z0-9]){escaped}(?![a-z0-9])")
    if re.search(r"[a-z0-9]", text):
        return re.compile(rf"(?<![a-z0-9]){escaped}(?:'s|s|es)?(?![a-z0-9])")
    return re.compile(escaped)


PATTERNS: dict[str, re.Pattern[str]] = {
    a.text: alias_pattern(a.text) for a in ENTITY_ALIASES + ATTRIBUTE_ALIASES
}

# Chinese and English names of values, for replies.
ZH_NAMES: dict[str, dict[str, str]] = {
    "brand": {b.name: b.zh[0] for b in BRANDS},
    "city": {c: zh[0] for c, zh in CITIES.items()},
    "store_id": {s.store_id: s.zh[0] for s in STORES},
    "color": {
        "white": "白色",
        "black": "黑色",
        "silver": "银色",
        "gray": "灰色",
        "red": "红色",
        "blue": "蓝色",
    },
    "body_type": {"sedan": "轿车", "suv": "SUV", "mpv": "MPV", "hatchback": "两厢车", "pickup": "皮卡"},
    "fuel_type": {"gasoline": "汽油", "hybrid": "混动", "electric": "纯电", "diesel": "柴油"},
    "status": {"in_stock": "在库", "reserved": "已预订", "sold": "已售"},
}
EN_NAMES: dict[str, dict[str, str]] = {
    "status": {"in_stock": "in stock", "reserved": "reserved", "sold": "sold"},
    "store_id": {s.store_id: s.name for s in STORES},
}
