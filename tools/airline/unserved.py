"""Places people name that the timetable does not serve (data, and finding them in text).

A route naming one of these ("明天广州到长沙的航班", "flights from Boston to Kansas City") must not be
read as a route without it: `find_unserved_names` finds them so the desk can say plainly that it
does not fly there. Names the desk does serve (`tools.airline.airports`) win over these wherever
the two overlap, unless the name here is the longer one ("大兴安岭" is not "大兴").

Sources: the Chinese names are China's prefecture-level divisions (cities, prefectures, leagues)
as the Ministry of Civil Affairs lists them (民政部《中华人民共和国行政区划简册》, 2023), written
without the suffix 市/地区/自治州, plus county-level cities with airports and Hong Kong/Macau/Taiwan
cities. The world names are cities and areas with commercial airports (capitals, the larger US
metropolitan areas, common holiday destinations), in English and in their usual Chinese names.
The lists are not exhaustive: `agents.flight_search.unserved` reads unlisted names from the shape
of a route. Left out on purpose: names that are also common words or places of another kind
(朝阳 is a Beijing district, 阿里 begins 阿里巴巴, 三明 begins 三明治, 来宾 means "guests", 中山 names
streets and universities; Nice, Mobile, Reading), and 咸阳, which people use for Xi'an Xianyang
airport.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# One line per country: ISO 3166-1 alpha-2, then names (Chinese separated by spaces, Latin by commas).
# fmt: off
_NAMES = """
CN: 石家庄 唐山 秦皇岛 邯郸 邢台 保定 张家口 承德 沧州 廊坊 衡水 天津
CN: 太原 大同 阳泉 长治 晋城 朔州 晋中 运城 忻州 临汾 吕梁
CN: 呼和浩特 包头 乌海 赤峰 通辽 鄂尔多斯 呼伦贝尔 巴彦淖尔 乌兰察布 兴安盟 锡林郭勒 阿拉善 海拉尔 满洲里 二连浩特 锡林浩特 乌兰浩特
CN: 沈阳 大连 鞍山 抚顺 本溪 丹东 锦州 营口 阜新 辽阳 盘锦 铁岭 葫芦岛
CN: 长春 吉林 四平 辽源 通化 白山 松原 白城 延边 延吉
CN: 哈尔滨 齐齐哈尔 鸡西 鹤岗 双鸭山 大庆 伊春 佳木斯 七台河 牡丹江 黑河 绥化 大兴安岭 漠河
CN: 南京 无锡 徐州 常州 苏州 南通 连云港 淮安 盐城 扬州 镇江 泰州 宿迁
CN: 宁波 温州 嘉兴 湖州 绍兴 金华 衢州 舟山 台州 丽水 义乌
CN: 合肥 芜湖 蚌埠 淮南 马鞍山 淮北 铜陵 安庆 黄山 滁州 阜阳 宿州 六安 亳州 池州 宣城
CN: 福州 莆田 泉州 漳州 南平 龙岩 宁德 武夷山 晋江
CN: 南昌 景德镇 萍乡 九江 新余 鹰潭 赣州 吉安 宜春 抚州 上饶
CN: 济南 青岛 淄博 枣庄 东营 烟台 潍坊 济宁 泰安 威海 日照 临沂 德州 聊城 滨州 菏泽
CN: 郑州 开封 洛阳 平顶山 安阳 鹤壁 新乡 焦作 濮阳 许昌 漯河 三门峡 南阳 商丘 信阳 周口 驻马店
CN: 黄石 十堰 宜昌 襄阳 鄂州 荆门 孝感 荆州 黄冈 咸宁 随州 恩施 神农架
CN: 长沙 株洲 湘潭 衡阳 邵阳 岳阳 常德 张家界 益阳 郴州 永州 怀化 娄底 湘西
CN: 珠海 汕头 佛山 韶关 湛江 肇庆 江门 茂名 惠州 梅州 汕尾 河源 阳江 清远 东莞 潮州 揭阳 云浮
CN: 南宁 柳州 桂林 梧州 北海 防城港 钦州 贵港 玉林 百色 贺州 河池 崇左
CN: 海口 三沙 儋州 琼海 万宁
CN: 自贡 攀枝花 泸州 德阳 绵阳 广元 遂宁 内江 乐山 南充 眉山 宜宾 广安 达州 雅安 巴中 资阳 阿坝 甘孜 凉山 西昌 九寨沟 稻城
CN: 贵阳 六盘水 遵义 安顺 毕节 铜仁 黔东南 黔南 黔西南 凯里 兴义
CN: 曲靖 玉溪 保山 昭通 丽江 普洱 临沧 楚雄 红河 文山 西双版纳 大理 德宏 怒江 迪庆 香格里拉 景洪 芒市 腾冲
CN: 拉萨 日喀则 昌都 林芝 山南 那曲
CN: 铜川 宝鸡 渭南 延安 汉中 榆林 安康 商洛
CN: 兰州 嘉峪关 金昌 白银 天水 武威 张掖 平凉 酒泉 庆阳 定西 陇南 临夏 甘南 敦煌
CN: 西宁 海东 海北 黄南 果洛 玉树 格尔木 德令哈
CN: 银川 石嘴山 吴忠 固原 中卫
CN: 乌鲁木齐 克拉玛依 吐鲁番 哈密 昌吉 博尔塔拉 巴音郭楞 阿克苏 克孜勒苏 喀什 和田 伊犁 塔城 阿勒泰 石河子 库尔勒 伊宁
CN: Tianjin, Changsha, Weifang, Nanjing, Qingdao, Dalian, Shenyang, Harbin, Zhengzhou, Jinan, Fuzhou, Nanning, Guiyang
CN: Lanzhou, Urumqi, Lhasa, Haikou, Ningbo, Wenzhou, Suzhou, Wuxi, Hefei, Nanchang, Taiyuan, Shijiazhuang, Hohhot
CN: Yinchuan, Xining, Guilin, Lijiang, Dali, Zhuhai, Shantou, Yantai, Changchun, Zhangjiajie, Dunhuang, Luoyang, Yichang
CN: Quanzhou, Huangshan, Weihai, Xishuangbanna, Jiuzhaigou
MO: 澳门 Macau, Macao
TW: 台北 高雄 台中 台南 花莲 Taipei, Kaohsiung, Taichung, Tainan
JP: 大阪 名古屋 福冈 札幌 冲绳 那霸 京都 Osaka, Nagoya, Fukuoka, Sapporo, Okinawa, Naha, Kyoto
KR: 釜山 济州 济州岛 Busan, Jeju
TH: 普吉 普吉岛 清迈 芭提雅 Phuket, Chiang Mai, Pattaya
VN: 河内 胡志明市 岘港 Hanoi, Ho Chi Minh City, Saigon, Da Nang
PH: 马尼拉 宿务 Manila, Cebu
MY: 吉隆坡 槟城 Kuala Lumpur, Penang
ID: 雅加达 巴厘岛 Jakarta, Bali
KH: 金边 暹粒 Phnom Penh, Siem Reap
IN: 新德里 德里 孟买 班加罗尔 Delhi, New Delhi, Mumbai, Bangalore
NP: 加德满都 Kathmandu
LK: 科伦坡 Colombo
MV: 马累 马尔代夫 Maldives
MN: 乌兰巴托 Ulaanbaatar
AE: 迪拜 阿布扎比 Dubai, Abu Dhabi
QA: 多哈 Doha
IL: 特拉维夫 Tel Aviv
TR: 伊斯坦布尔 Istanbul
EG: 开罗 Cairo
ZA: 约翰内斯堡 开普敦 Johannesburg, Cape Town
KE: 内罗毕 Nairobi
RU: 莫斯科 圣彼得堡 海参崴 Moscow, St. Petersburg, Saint Petersburg, Vladivostok
DE: 柏林 慕尼黑 汉堡 杜塞尔多夫 Berlin, Munich, Hamburg, Dusseldorf
IT: 罗马 米兰 威尼斯 佛罗伦萨 Rome, Milan, Venice, Florence
ES: 马德里 巴塞罗那 Madrid, Barcelona
PT: 里斯本 Lisbon
NL: 阿姆斯特丹 Amsterdam
BE: 布鲁塞尔 Brussels
CH: 苏黎世 日内瓦 Zurich, Geneva
AT: 维也纳 Vienna
CZ: 布拉格 Prague
DK: 哥本哈根 Copenhagen
SE: 斯德哥尔摩 Stockholm
NO: 奥斯陆 Oslo
FI: 赫尔辛基 Helsinki
IE: 都柏林 Dublin
GB: 爱丁堡 曼彻斯特 伯明翰 Edinburgh, Manchester, Birmingham, Glasgow
GR: 雅典 Athens
PL: 华沙 Warsaw
HU: 布达佩斯 Budapest
AU: 墨尔本 布里斯班 珀斯 阿德莱德 凯恩斯 Melbourne, Brisbane, Perth, Adelaide, Cairns
NZ: 奥克兰 惠灵顿 皇后镇 Auckland, Wellington, Queenstown
CA: 多伦多 温哥华 蒙特利尔 卡尔加里 渥太华 Toronto, Vancouver, Montreal, Calgary, Ottawa, Edmonton
MX: 墨西哥城 坎昆 Mexico City, Cancun
BR: 圣保罗 里约热内卢 Sao Paulo, São Paulo, Rio de Janeiro, Rio
AR: 布宜诺斯艾利斯 Buenos Aires
PE: 利马 Lima
US: 休斯顿 凤凰城 费城 圣安东尼奥 圣迭戈 圣何塞 奥斯汀 底特律 孟菲斯 纳什维尔 波特兰 拉斯维加斯 巴尔的摩
US: 明尼阿波利斯 圣路易斯 匹兹堡 辛辛那提 克利夫兰 奥兰多 坦帕 新奥尔良 盐湖城 檀香山 夏威夷 安克雷奇 堪萨斯城 夏洛特
US: Houston, Phoenix, Philadelphia, San Antonio, San Diego, San Jose, Austin, Jacksonville, Columbus, Charlotte
US: Indianapolis, Detroit, Memphis, Nashville, Portland, Las Vegas, Vegas, Baltimore, Milwaukee, Albuquerque
US: Tucson, Sacramento, Kansas City, Omaha, Minneapolis, St. Louis, Saint Louis, Pittsburgh, Cincinnati, Cleveland
US: Orlando, Tampa, New Orleans, Salt Lake City, Honolulu, Hawaii, Anchorage, Raleigh, Raleigh-Durham, Richmond
US: Buffalo, Hartford, Providence, St. Petersburg, Fort Lauderdale, Oakland, Boise, Louisville, Charleston
US: Savannah, West Palm Beach, Palm Beach, Long Beach, Burbank, Reno, Westchester County, Westchester, White Plains
US: Albany, Syracuse, Rochester, Norfolk, Des Moines, Little Rock, Oklahoma City, Tulsa, Wichita, El Paso, Spokane
US: Palm Springs, Santa Barbara, Fresno, Fairbanks, Juneau, Maui, Key West, Myrtle Beach, Knoxville, Grand Rapids
"""
# fmt: on
_LATIN = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class UnservedName:
    """A name of an unserved place in a text, as written there, with its country when known."""

    name: str
    start: int
    end: int
    country: str | None = None


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


@lru_cache(maxsize=1)
def unserved_names() -> dict[str, str]:
    """Every listed name (folded) -> its country."""
    names: dict[str, str] = {}
    for line in _NAMES.strip().splitlines():
        country, _, rest = line.partition(":")
        first_latin = _LATIN.search(rest)
        cut = first_latin.start() if first_latin else len(rest)
        chinese, latin = rest[:cut], rest[cut:]
        for name in [*chinese.split(), *(n.strip() for n in latin.split(","))]:
            if name:
                key, code = _fold(name), country.strip()
                # A name of two countries' places ("St. Petersburg") says no country.
                names[key] = code if names.get(key, code) == code else ""
    return names


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    # As in tools.airline.places: Latin names are whole words, Chinese ones need no boundary.
    latin: list[str] = []
    chinese: list[str] = []
    for name in sorted(unserved_names(), key=len, reverse=True):
        escaped = re.escape(name).replace(r"\ ", r"\s+")
        (latin if _LATIN.search(name) else chinese).append(escaped)
    return re.compile(
        rf"(?<![A-Za-z0-9])(?:{'|'.join(latin)})(?![A-Za-z0-9'])|(?:{'|'.join(chinese)})", re.IGNORECASE
    )


def find_unserved_names(text: str) -> list[UnservedName]:
    """The listed unserved names in `text`, in order, longest first where two overlap."""
    found = []
    for match in _pattern().finditer(text):
        country = unserved_names().get(_fold(match.group(0))) or None
        found.append(UnservedName(match.group(0), match.start(), match.end(), country))
    return found
