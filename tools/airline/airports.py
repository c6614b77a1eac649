"""The airports the desk flies to, and every name people use for them (data only).

`AIRPORTS` lists each airport once: its IATA code, its city (the English name is the city's key),
its names in English and Chinese, its country and IANA time zone, and the aliases that mean that
airport alone ("Capital", "首都", "Pudong"). `CITY_ALIASES` holds the names that mean a whole city
or metropolitan area, all of its airports ("北京" is PEK and PKX, "NYC" is JFK, EWR and LGA).
`tools.airline.places` reads these tables; nothing else should need to.

Aliases are matched whole (words in English, whole names in Chinese). Short upper-case aliases
("LA", "DC", "NYC") match only in upper case; the IATA codes match in upper case, and in lower case
unless they are also English words (`tools.airline.places.CODE_WORDS`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Airport:
    code: str  # IATA
    city: str  # the city's English name, its key in CITY_ALIASES
    city_zh: str
    name: str  # the airport's English name
    name_zh: str
    country: str  # ISO 3166-1 alpha-2
    time_zone: str  # IANA
    aliases: tuple[str, ...] = ()  # names of this airport alone


_CN = ("CN", "Asia/Shanghai")

# fmt: off
AIRPORTS: tuple[Airport, ...] = (
    # China
    Airport("PEK", "Beijing", "北京", "Beijing Capital International", "北京首都国际机场", *_CN,
            ("Beijing Capital", "Capital Airport", "北京首都", "首都机场", "首都")),
    Airport("PKX", "Beijing", "北京", "Beijing Daxing International", "北京大兴国际机场", *_CN,
            ("Beijing Daxing", "Daxing", "北京大兴", "大兴机场", "大兴")),
    Airport("PVG", "Shanghai", "上海", "Shanghai Pudong International", "上海浦东国际机场", *_CN,
            ("Shanghai Pudong", "Pudong", "上海浦东", "浦东机场", "浦东")),
    Airport("SHA", "Shanghai", "上海", "Shanghai Hongqiao International", "上海虹桥国际机场", *_CN,
            ("Shanghai Hongqiao", "Hongqiao", "上海虹桥", "虹桥机场", "虹桥")),
    Airport("CAN", "Guangzhou", "广州", "Guangzhou Baiyun International", "广州白云国际机场", *_CN,
            ("Baiyun", "白云机场", "白云")),
    Airport("SZX", "Shenzhen", "深圳", "Shenzhen Bao'an International", "深圳宝安国际机场", *_CN,
            ("Bao'an", "Baoan", "宝安机场", "宝安")),
    Airport("CTU", "Chengdu", "成都", "Chengdu Shuangliu International", "成都双流国际机场", *_CN,
            ("Shuangliu", "双流机场", "双流")),
    Airport("TFU", "Chengdu", "成都", "Chengdu Tianfu International", "成都天府国际机场", *_CN,
            ("Tianfu", "天府机场", "天府")),
    Airport("HGH", "Hangzhou", "杭州", "Hangzhou Xiaoshan International", "杭州萧山国际机场", *_CN,
            ("Xiaoshan", "萧山机场", "萧山")),
    Airport("XIY", "Xi'an", "西安", "Xi'an Xianyang International", "西安咸阳国际机场", *_CN,
            ("Xianyang", "咸阳机场")),
    Airport("CKG", "Chongqing", "重庆", "Chongqing Jiangbei International", "重庆江北国际机场", *_CN,
            ("Jiangbei", "江北机场")),
    Airport("KMG", "Kunming", "昆明", "Kunming Changshui International", "昆明长水国际机场", *_CN,
            ("Changshui", "长水机场")),
    Airport("WUH", "Wuhan", "武汉", "Wuhan Tianhe International", "武汉天河国际机场", *_CN,
            ("Tianhe", "天河机场")),
    Airport("XMN", "Xiamen", "厦门", "Xiamen Gaoqi International", "厦门高崎国际机场", *_CN,
            ("Gaoqi", "高崎机场")),
    Airport("SYX", "Sanya", "三亚", "Sanya Phoenix International", "三亚凤凰国际机场", *_CN,
            ("Phoenix International", "凤凰机场")),
    Airport("HKG", "Hong Kong", "香港", "Hong Kong International", "香港国际机场", "HK", "Asia/Hong_Kong",
            ("Chek Lap Kok", "赤鱲角")),
    # Asia, Europe, Oceania
    Airport("NRT", "Tokyo", "东京", "Tokyo Narita International", "东京成田国际机场", "JP", "Asia/Tokyo",
            ("Narita", "成田机场", "成田")),
    Airport("HND", "Tokyo", "东京", "Tokyo Haneda", "东京羽田机场", "JP", "Asia/Tokyo",
            ("Haneda", "羽田机场", "羽田")),
    Airport("ICN", "Seoul", "首尔", "Seoul Incheon International", "首尔仁川国际机场", "KR", "Asia/Seoul",
            ("Incheon", "仁川机场", "仁川")),
    Airport("SIN", "Singapore", "新加坡", "Singapore Changi", "新加坡樟宜机场", "SG", "Asia/Singapore",
            ("Changi", "樟宜机场", "樟宜")),
    Airport("BKK", "Bangkok", "曼谷", "Bangkok Suvarnabhumi", "曼谷素万那普机场", "TH", "Asia/Bangkok",
            ("Suvarnabhumi", "素万那普")),
    Airport("LHR", "London", "伦敦", "London Heathrow", "伦敦希思罗机场", "GB", "Europe/London",
            ("Heathrow", "希思罗机场", "希思罗")),
    Airport("CDG", "Paris", "巴黎", "Paris Charles de Gaulle", "巴黎戴高乐机场", "FR", "Europe/Paris",
            ("Charles de Gaulle", "戴高乐机场", "戴高乐")),
    Airport("FRA", "Frankfurt", "法兰克福", "Frankfurt am Main", "法兰克福机场", "DE", "Europe/Berlin"),
    Airport("SYD", "Sydney", "悉尼", "Sydney Kingsford Smith", "悉尼金斯福德·史密斯机场", "AU",
            "Australia/Sydney", ("Kingsford Smith",)),
    # United States
    Airport("JFK", "New York", "纽约", "New York John F. Kennedy International", "纽约肯尼迪国际机场", "US",
            "America/New_York", ("Kennedy", "John F. Kennedy", "肯尼迪机场", "肯尼迪")),
    Airport("EWR", "New York", "纽约", "Newark Liberty International", "纽瓦克自由国际机场", "US",
            "America/New_York", ("Newark", "纽瓦克")),
    Airport("LGA", "New York", "纽约", "New York LaGuardia", "纽约拉瓜迪亚机场", "US", "America/New_York",
            ("LaGuardia", "La Guardia", "拉瓜迪亚")),
    Airport("BOS", "Boston", "波士顿", "Boston Logan International", "波士顿洛根国际机场", "US",
            "America/New_York", ("Logan", "洛根机场")),
    Airport("IAD", "Washington", "华盛顿", "Washington Dulles International", "华盛顿杜勒斯国际机场", "US",
            "America/New_York", ("Dulles", "杜勒斯机场", "杜勒斯")),
    Airport("DCA", "Washington", "华盛顿", "Washington Reagan National", "华盛顿里根国家机场", "US",
            "America/New_York", ("Reagan National", "National Airport", "里根机场")),
    Airport("ATL", "Atlanta", "亚特兰大", "Atlanta Hartsfield-Jackson", "亚特兰大哈茨菲尔德-杰克逊机场", "US",
            "America/New_York", ("Hartsfield-Jackson", "Hartsfield")),
    Airport("MIA", "Miami", "迈阿密", "Miami International", "迈阿密国际机场", "US", "America/New_York"),
    Airport("ORD", "Chicago", "芝加哥", "Chicago O'Hare International", "芝加哥奥黑尔国际机场", "US",
            "America/Chicago", ("O'Hare", "OHare", "奥黑尔机场", "奥黑尔")),
    Airport("DFW", "Dallas", "达拉斯", "Dallas/Fort Worth International", "达拉斯-沃斯堡国际机场", "US",
            "America/Chicago", ("Dallas/Fort Worth", "Dallas Fort Worth", "Fort Worth", "沃斯堡")),
    Airport("DEN", "Denver", "丹佛", "Denver International", "丹佛国际机场", "US", "America/Denver"),
    Airport("LAX", "Los Angeles", "洛杉矶", "Los Angeles International", "洛杉矶国际机场", "US",
            "America/Los_Angeles"),
    Airport("SFO", "San Francisco", "旧金山", "San Francisco International", "旧金山国际机场", "US",
            "America/Los_Angeles"),
    Airport("SEA", "Seattle", "西雅图", "Seattle-Tacoma International", "西雅图-塔科马国际机场", "US",
            "America/Los_Angeles", ("Seattle-Tacoma", "Sea-Tac", "SeaTac", "塔科马")),
)

# Names of a whole city (all of its airports), beyond its English and Chinese names.
CITY_ALIASES: dict[str, tuple[str, ...]] = {
    "Beijing": ("Peking", "BJS", "帝都"),
    "Shanghai": ("魔都",),
    "Guangzhou": ("Canton", "羊城"),
    "Shenzhen": ("鹏城",),
    "Chengdu": ("蓉城",),
    "Hangzhou": (),
    "Xi'an": ("Xian", "Xi an"),
    "Chongqing": ("Chungking",),
    "Kunming": ("春城",),
    "Wuhan": (),
    "Xiamen": ("Amoy",),
    "Sanya": (),
    "Hong Kong": ("Hongkong", "HK", "HKSAR", "港岛"),
    "Tokyo": ("TYO",),
    "Seoul": ("汉城",),
    "Singapore": ("狮城",),
    "Bangkok": (),
    "London": ("LON",),
    "Paris": (),
    "Frankfurt": (),
    "Sydney": (),
    "New York": ("New York City", "NYC", "NY", "Manhattan", "纽约市"),
    "Boston": (),
    "Washington": ("Washington DC", "Washington D.C.", "Washington, DC", "Washington, D.C.", "DC", "D.C.",
                   "华府", "华盛顿特区"),
    "Atlanta": (),
    "Miami": (),
    "Chicago": (),
    "Dallas": ("Dallas-Fort Worth",),
    "Denver": (),
    "Los Angeles": ("LA", "L.A.", "洛城"),
    "San Francisco": ("SF", "San Fran", "Frisco", "三藩市", "三藩"),
    "Seattle": (),
}
# fmt: on
