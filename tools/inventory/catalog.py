"""What the demo stock is made of: brands, models, cities and stores, with their Chinese names.

The seed draws vehicles from here and the question parser reads its aliases from here, so a brand
or model the data holds is always a word the parser knows. Prices are Chinese guide prices in CNY
(the range of a model's trims); body and fuel types are the ones each model really comes with.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

# The stock is generated relative to this date, never to the day it is seeded, so the data is
# the same on every machine and every day: intake dates fall in the two years up to it.
REFERENCE_DATE = date(2026, 10, 31)
INTAKE_DAYS = 730

BODY_TYPES = ("sedan", "suv", "mpv", "hatchback", "pickup")
FUEL_TYPES = ("gasoline", "hybrid", "electric", "diesel")
COLORS = ("white", "black", "silver", "gray", "red", "blue")
STATUSES = ("in_stock", "reserved", "sold")


@dataclass(frozen=True)
class ModelInfo:
    name: str
    body_type: str
    fuels: dict[str, int]  # fuel type -> weight
    price_min: int
    price_max: int
    weight: int
    zh: tuple[str, ...] = ()
    en: tuple[str, ...] = ()  # extra English spellings (the name itself is always one)


@dataclass(frozen=True)
class BrandInfo:
    name: str
    zh: tuple[str, ...]
    en: tuple[str, ...]
    weight: int
    wmi: str  # first three characters of the VIN
    models: tuple[ModelInfo, ...] = field(default_factory=tuple)


def _m(
    name: str,
    body: str,
    fuels: dict[str, int],
    lo: int,
    hi: int,
    weight: int,
    zh: Sequence[str] = (),
    en: Sequence[str] = (),
) -> ModelInfo:
    return ModelInfo(name, body, fuels, lo, hi, weight, tuple(zh), tuple(en))


G, H, E, D = "gasoline", "hybrid", "electric", "diesel"

BRANDS: tuple[BrandInfo, ...] = (
    BrandInfo(
        "BYD",
        ("比亚迪",),
        ("byd",),
        18,
        "LGX",
        (
            _m("Han", "sedan", {E: 6, H: 4}, 169800, 299800, 5, zh=("汉",)),
            _m("Tang", "suv", {H: 6, E: 4}, 209800, 319800, 4, zh=("唐",)),
            _m("Song", "suv", {H: 8, E: 2}, 139800, 209800, 6, zh=("宋",), en=("song plus",)),
            _m("Qin", "sedan", {H: 7, E: 3}, 99800, 169800, 6, zh=("秦",), en=("qin plus",)),
            _m("Seal", "sedan", {E: 1}, 179800, 289800, 4, zh=("海豹",)),
            _m("Dolphin", "hatchback", {E: 1}, 99800, 139800, 5, zh=("海豚",)),
        ),
    ),
    BrandInfo(
        "Toyota",
        ("丰田",),
        ("toyota",),
        11,
        "LVG",
        (
            _m("Camry", "sedan", {G: 6, H: 4}, 171800, 264800, 5, zh=("凯美瑞",)),
            _m("Corolla", "sedan", {G: 6, H: 4}, 109800, 159800, 5, zh=("卡罗拉",)),
            _m("RAV4", "suv", {G: 5, H: 5}, 175800, 263800, 5, zh=("荣放",), en=("rav 4",)),
            _m("Highlander", "suv", {G: 4, H: 6}, 269800, 349800, 3, zh=("汉兰达",)),
            _m("Sienna", "mpv", {H: 1}, 309800, 409800, 2, zh=("赛那",)),
        ),
    ),
    BrandInfo(
        "Volkswagen",
        ("大众",),
        ("volkswagen", "vw"),
        11,
        "LSV",
        (
            _m("Lavida", "sedan", {G: 1}, 119800, 159800, 6, zh=("朗逸",)),
            _m("Passat", "sedan", {G: 1}, 189800, 259800, 4, zh=("帕萨特",)),
            _m("Golf", "hatchback", {G: 1}, 129800, 179800, 3, zh=("高尔夫",)),
            _m("Tiguan", "suv", {G: 1}, 219800, 289800, 4, zh=("途观",)),
            _m("ID.4", "suv", {E: 1}, 179800, 249800, 3, en=("id4", "id 4")),
            _m("Viloran", "mpv", {G: 1}, 289800, 379800, 2, zh=("威然",)),
        ),
    ),
    BrandInfo(
        "Honda",
        ("本田",),
        ("honda",),
        8,
        "LHG",
        (
            _m("Accord", "sedan", {G: 6, H: 4}, 179800, 259800, 4, zh=("雅阁",)),
            _m("Civic", "sedan", {G: 1}, 129800, 179800, 4, zh=("思域",)),
            _m("CR-V", "suv", {G: 5, H: 5}, 189800, 279800, 4, zh=("皓影",), en=("crv", "cr v")),
            _m("Odyssey", "mpv", {H: 1}, 259800, 329800, 2, zh=("奥德赛",)),
            _m("Fit", "hatchback", {G: 1}, 82800, 109800, 2, zh=("飞度",), en=("honda fit",)),
        ),
    ),
    BrandInfo(
        "Tesla",
        ("特斯拉",),
        ("tesla",),
        8,
        "LRW",
        (
            _m("Model 3", "sedan", {E: 1}, 231800, 335800, 5, en=("model3",)),
            _m("Model Y", "suv", {E: 1}, 249800, 354800, 6, en=("modely",)),
        ),
    ),
    BrandInfo(
        "BMW",
        ("宝马",),
        ("bmw", "bimmer", "beemer"),
        6,
        "LBV",
        (
            _m("3 Series", "sedan", {G: 1}, 299800, 409800, 5, zh=("3系", "三系"), en=("3-series", "3er")),
            _m(
                "5 Series",
                "sedan",
                {G: 7, H: 3},
                439800,
                559800,
                4,
                zh=("5系", "五系"),
                en=("5-series", "5er"),
            ),
            _m("X3", "suv", {G: 1}, 399800, 489800, 4),
            _m("X5", "suv", {G: 7, H: 3}, 699800, 809800, 2),
            _m("iX3", "suv", {E: 1}, 399800, 449800, 2),
        ),
    ),
    BrandInfo(
        "Mercedes-Benz",
        ("奔驰", "梅赛德斯-奔驰", "梅赛德斯", "梅赛德斯奔驰"),
        ("mercedes-benz", "mercedes benz", "mercedes", "benz", "merc"),
        6,
        "LE4",
        (
            _m("C-Class", "sedan", {G: 1}, 329800, 399800, 5, zh=("c级",), en=("c class",)),
            _m("E-Class", "sedan", {G: 7, H: 3}, 449800, 563800, 4, zh=("e级",), en=("e class",)),
            _m("GLC", "suv", {G: 7, H: 3}, 428800, 512800, 4),
            _m("EQE", "sedan", {E: 1}, 477800, 587800, 2),
            _m("V-Class", "mpv", {G: 1}, 499800, 729800, 2, zh=("v级",), en=("v class",)),
        ),
    ),
    BrandInfo(
        "Audi",
        ("奥迪",),
        ("audi",),
        6,
        "LFV",
        (
            _m("A4L", "sedan", {G: 1}, 321800, 401800, 5, en=("a4",)),
            _m("A6L", "sedan", {G: 8, H: 2}, 427800, 658800, 4, en=("a6",)),
            _m("Q5L", "suv", {G: 1}, 395800, 524800, 4, en=("q5",)),
            _m("Q4 e-tron", "suv", {E: 1}, 279800, 349800, 2, en=("q4 etron", "q4")),
        ),
    ),
    BrandInfo(
        "Geely",
        ("吉利",),
        ("geely",),
        7,
        "L6T",
        (
            _m("Emgrand", "sedan", {G: 1}, 69800, 99800, 5, zh=("帝豪",)),
            _m("Boyue", "suv", {G: 1}, 99800, 159800, 4, zh=("博越",), en=("atlas",)),
            _m(
                "Xingyue L",
                "suv",
                {G: 6, H: 4},
                139800,
                189800,
                3,
                zh=("星越l", "星越"),
                en=("xingyue", "monjaro"),
            ),
            _m("Galaxy L7", "suv", {H: 1}, 138800, 173800, 3, zh=("银河l7",), en=("galaxy",)),
        ),
    ),
    BrandInfo(
        "NIO",
        ("蔚来",),
        ("nio",),
        3,
        "LJ1",
        (
            _m("ET5", "sedan", {E: 1}, 297800, 355800, 4),
            _m("ET7", "sedan", {E: 1}, 427800, 505800, 2),
            _m("ES6", "suv", {E: 1}, 337800, 395800, 4),
            _m("ES8", "suv", {E: 1}, 497800, 597800, 2),
        ),
    ),
    BrandInfo(
        "Li Auto",
        ("理想", "理想汽车"),
        ("li auto", "lixiang", "li xiang"),
        4,
        "LW4",
        (
            _m("L7", "suv", {H: 1}, 301800, 359800, 4, en=("li l7",)),
            _m("L8", "suv", {H: 1}, 339800, 399800, 3, en=("li l8",)),
            _m("L9", "suv", {H: 1}, 409800, 459800, 3, en=("li l9",)),
            _m("MEGA", "mpv", {E: 1}, 529800, 559800, 1, en=("li mega",)),
        ),
    ),
    BrandInfo(
        "XPeng",
        ("小鹏", "小鹏汽车"),
        ("xpeng", "xiaopeng"),
        3,
        "LMG",
        (
            _m("P7", "sedan", {E: 1}, 209800, 339800, 4),
            _m("G6", "suv", {E: 1}, 209800, 276800, 3),
            _m("G9", "suv", {E: 1}, 263800, 359800, 2),
            _m("X9", "mpv", {E: 1}, 359800, 419800, 2),
        ),
    ),
    BrandInfo(
        "Ford",
        ("福特",),
        ("ford",),
        4,
        "LVS",
        (
            _m("Mondeo", "sedan", {G: 1}, 189800, 229800, 4, zh=("蒙迪欧",)),
            _m("Explorer", "suv", {G: 1}, 309800, 389800, 3, zh=("探险者",)),
            _m("Ranger", "pickup", {D: 6, G: 4}, 189800, 269800, 3, zh=("游骑侠", "烈马皮卡")),
        ),
    ),
    BrandInfo(
        "Great Wall",
        ("长城", "长城汽车"),
        ("great wall", "gwm"),
        3,
        "LGW",
        (
            _m(
                "Poer",
                "pickup",
                {D: 5, G: 5},
                99800,
                179800,
                5,
                zh=("长城炮", "炮"),
                en=("cannon", "gwm poer"),
            ),
            _m(
                "Shanhai Poer",
                "pickup",
                {D: 4, G: 6},
                172800,
                232800,
                2,
                zh=("山海炮",),
                en=("shanhai cannon",),
            ),
        ),
    ),
)

# Brands a customer may ask about that this dealer does not carry: the parser knows them so that
# "how many Porsches?" filters on Porsche (and finds none) instead of ignoring the word.
OTHER_BRANDS: dict[str, tuple[str, ...]] = {
    "Porsche": ("保时捷", "porsche"),
    "Ferrari": ("法拉利", "ferrari"),
    "Lamborghini": ("兰博基尼", "lamborghini"),
    "Nissan": ("日产", "尼桑", "nissan"),
    "Buick": ("别克", "buick"),
    "Hyundai": ("现代", "hyundai"),
    "Kia": ("起亚", "kia"),
    "Chevrolet": ("雪佛兰", "chevrolet", "chevy"),
    "Volvo": ("沃尔沃", "volvo"),
    "Lexus": ("雷克萨斯", "lexus"),
    "Land Rover": ("路虎", "land rover"),
    "Mazda": ("马自达", "mazda"),
    "Cadillac": ("凯迪拉克", "cadillac"),
    "Hongqi": ("红旗", "hongqi"),
    "Changan": ("长安", "changan"),
    "Chery": ("奇瑞", "chery"),
    "Haval": ("哈弗", "haval"),
    "Xiaomi": ("小米", "xiaomi"),
    "AITO": ("问界", "aito"),
    "Zeekr": ("极氪", "zeekr"),
    "Leapmotor": ("零跑", "leapmotor"),
    "Jeep": ("jeep",),
    "Skoda": ("斯柯达", "skoda"),
}


@dataclass(frozen=True)
class StoreInfo:
    store_id: str
    name: str
    city: str
    zh: tuple[str, ...]  # how people name the store in Chinese
    en: tuple[str, ...]
    weight: int


CITIES: dict[str, tuple[str, ...]] = {
    "Shanghai": ("上海", "沪"),
    "Beijing": ("北京", "京城"),
    "Shenzhen": ("深圳",),
    "Guangzhou": ("广州",),
    "Hangzhou": ("杭州",),
    "Chengdu": ("成都",),
    "Nanjing": ("南京",),
    "Wuhan": ("武汉",),
}

STORES: tuple[StoreInfo, ...] = (
    StoreInfo("S01", "Shanghai Pudong", "Shanghai", ("浦东店", "浦东"), ("pudong",), 9),
    StoreInfo("S02", "Shanghai Minhang", "Shanghai", ("闵行店", "闵行"), ("minhang",), 7),
    StoreInfo("S03", "Shanghai Jiading", "Shanghai", ("嘉定店", "嘉定"), ("jiading",), 5),
    StoreInfo("S04", "Beijing Chaoyang", "Beijing", ("朝阳店", "朝阳"), ("chaoyang",), 9),
    StoreInfo("S05", "Beijing Haidian", "Beijing", ("海淀店", "海淀"), ("haidian",), 7),
    StoreInfo("S06", "Beijing Yizhuang", "Beijing", ("亦庄店", "亦庄"), ("yizhuang",), 5),
    StoreInfo("S07", "Shenzhen Nanshan", "Shenzhen", ("南山店", "南山"), ("nanshan",), 7),
    StoreInfo("S08", "Shenzhen Futian", "Shenzhen", ("福田店", "福田"), ("futian",), 6),
    StoreInfo("S09", "Guangzhou Tianhe", "Guangzhou", ("天河店", "天河"), ("tianhe",), 7),
    StoreInfo("S10", "Guangzhou Panyu", "Guangzhou", ("番禺店", "番禺"), ("panyu",), 5),
    StoreInfo("S11", "Hangzhou Xihu", "Hangzhou", ("西湖店", "西湖"), ("xihu", "west lake"), 6),
    StoreInfo("S12", "Hangzhou Binjiang", "Hangzhou", ("滨江店", "滨江"), ("binjiang",), 5),
    StoreInfo("S13", "Chengdu Jinjiang", "Chengdu", ("锦江店", "锦江"), ("jinjiang",), 6),
    StoreInfo("S14", "Chengdu Gaoxin", "Chengdu", ("高新店", "高新"), ("gaoxin",), 5),
    StoreInfo("S15", "Nanjing Jianye", "Nanjing", ("建邺店", "建邺"), ("jianye",), 5),
    StoreInfo("S16", "Nanjing Jiangning", "Nanjing", ("江宁店", "江宁"), ("jiangning",), 4),
    StoreInfo("S17", "Wuhan Hankou", "Wuhan", ("汉口店", "汉口"), ("hankou",), 5),
    StoreInfo("S18", "Wuhan Optics Valley", "Wuhan", ("光谷店", "光谷"), ("optics valley", "guanggu"), 4),
)

COLOR_WEIGHTS = {"white": 30, "black": 24, "silver": 10, "gray": 16, "red": 8, "blue": 12}


def brand_of_model() -> dict[str, str]:
    """Model name -> brand name."""
    return {m.name: b.name for b in BRANDS for m in b.models}


# Models of the carried brands that the dealer does not stock, by the names people use (Chinese and
# English; none a common English word, none with digits, which the leftovers pass asks about): read
# as a model so that "how many Priuses" finds none instead of dropping the name and counting every car.
OTHER_MODELS: dict[str, tuple[str, ...]] = {
    "Prius": ("普锐斯", "prius", "priuses"),
    "Crown": ("皇冠",),
    "Land Cruiser": ("兰德酷路泽", "陆地巡洋舰", "land cruiser"),
    "Alphard": ("埃尔法", "alphard"),
    "Yaris": ("雅力士", "致炫", "yaris"),
    "Levin": ("雷凌", "levin"),
    "Avalon": ("亚洲龙", "avalon"),
    "Frontlander": ("锋兰达", "frontlander", "corolla cross"),
    "Elysion": ("艾力绅", "elysion"),
    "Vezel": ("缤智", "vezel"),
    "Crider": ("凌派", "crider"),
    "Integra": ("型格", "integra"),
    "Jetta": ("捷达", "jetta"),
    "Sagitar": ("速腾", "sagitar"),
    "Magotan": ("迈腾", "magotan"),
    "Bora": ("宝来", "bora"),
    "Touareg": ("途锐", "touareg"),
    "Teramont": ("途昂", "teramont"),
    "Tayron": ("探岳", "tayron"),
    "T-Roc": ("探歌", "t-roc", "troc"),
    "Maybach": ("迈巴赫", "maybach"),
    "G-Class": ("大g", "g级", "g-class", "g class", "g wagon", "g-wagon"),
    "S-Class": ("s级", "s-class", "s class"),
    "Seagull": ("海鸥", "seagull"),
    "Mustang": ("野马", "mustang"),
    "Focus": ("福克斯",),
    "Edge": ("锐界",),
    "Escape": ("锐际",),
    "Kuga": ("kuga",),
    "Coolray": ("缤越", "coolray"),
    "Preface": ("星瑞",),
    "Wingle": ("风骏", "wingle"),
    "Cybertruck": ("cybertruck",),
}
