"""The places a route names, served or not: a place the desk does not fly to keeps its role
instead of vanishing ("明天广州到长沙的航班" is not a search for flights to Guangzhou).

`route_spots(text)` returns, in order, the served places (`tools.airline.find_places`), the listed
unserved ones (`tools.airline.unserved`: Chinese cities, world cities) and the unlisted names a
route frame shows, as `Spot`s. The frames are small and need a place on the other side of the
route word, or "from X to Y" / "从X到Y" with flying words:

    <place> to|到|去|飞|飞往 <name>      "北京到铜仁", "Boston to Springfield tomorrow"
    <name> to|到|去|飞 <place>           "潍坊到北京", "Springfield to Boston", "从潍坊出发去北京"
    to <name> from <place>, to <place> from <name>
    from <name> to <name>, 从<name>到<name>   (only with words of flying: "flights from A to B")

A name is 2-4 Chinese characters, or 1-3 English words, that are not words of another kind:
dates and times ("明天", "Friday", "5 pm"), pronouns and verbs ("我想到北京": 想到 is no place;
"how to get to the airport"), particles and flight nouns ("到时候", "去年", "to my seat"). An
English name must also end where a route's words end (the text, a comma, "on", "tomorrow", ...)
and, before "to", start where they start (the text, "from", "flights", ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tools.airline import Place, find_places
from tools.airline.unserved import find_unserved_names


@dataclass(frozen=True)
class Spot:
    """A place named in a text: served (`place`) or not (`place` None, `name` as written)."""

    start: int
    end: int
    name: str
    place: Place | None = None
    country: str | None = None  # of an unserved place, when the list knows it


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


_ZH_TO = r"(?:飞往|飞到|前往|抵达|到|去|至|飞(?![机行]))"
_ZH_AFTER_PLACE = re.compile(rf"\s*(?:出发|起飞)?\s*{_ZH_TO}\s*")
_ZH_BEFORE_PLACE = re.compile(rf"(?:出发|起飞)?\s*{_ZH_TO}\s*$")
_ZH_FROM = re.compile(r"从|由")
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
_HAN_TAIL = re.compile(r"[\u4e00-\u9fff]+$")
# Words that end a Chinese place name (none of them is part of a city name the list lacks).
_ZH_STOP = re.compile(
    r"今天|明天|后天|昨天|今晚|明早|明晚|早上|上午|中午|下午|晚上|凌晨|傍晚|夜里|周[一二三四五六日天末]|星期.|礼拜.|下周|这周"
    r"|本周|下个|上个|出发|起飞|直飞|往返|单程|机票|航班|飞机|班机|机场|经济舱|商务舱|头等舱|一下|帮忙|请问|查询|搜索|看看"
    r"|可以|需要|打算|准备|然后|之后|以后|以前|之前|什么|多少|开会|出差|旅游|旅行|上班|工作|学习|读书|顺利|平安|安全|马上|已经|直接|一起|便宜"
    r"|[查搜找看订买要想能的了吗呢吧啊呀么有没是在和跟与还就都也很最再又才这那哪怎几我你您他她它们咱从由到去飞往回来至走转经过"
    r"年月号点时分吃玩办接送寄先刚票价钱贵早晚快慢租车辆一个张些]"
)
# Two to four characters that pass the stops and still name no place.
_ZH_NOT_PLACES = _wordset(
    "国外 国内 外地 老家 南方 北方 海边 市区 市内 郊区 附近 公司 学校 单位 酒店 宾馆 医院 家里 城里 乡下 对面 隔壁 楼下"
    " 外国 境外 海外 当地 本地 别处 其他 其它 任何 所有 全部 目的地 终点 起点 底下 一半"
)
_EN_WORD = re.compile(r"[A-Za-z][A-Za-z.'\-]*|\d+|[^\sA-Za-z\d]")
# Words that are no part of a place name: function words, pronouns, verbs of travel, time words.
_EN_STOP = _wordset(
    """a an the my your our their his her its me you him us them it i we they he she this that these those
    here there home work where what which who how when why get go going gone come coming fly flying flight
    flights travel traveling travelling trip trips way back return returning move moving head heading drive
    take book booking see visit meet want need like would will can could should must have has had be is are
    was were am do does did and or but not no yes of in on at for by with about into onto to from up down
    over under before after around until till then now today tomorrow tonight yesterday morning afternoon
    evening night noon midnight week weekend month year day days next last pm airport seat seats gate
    terminal ticket tickets fare fares price prices cheap cheaper cheapest please thanks thank one two three
    any some all every each other another same different first second third only just also too very more
    less much many time times date connect change switch upgrade cancel send transfer talk speak say tell
    show list find search check look let make help give bring welcome nonstop direct economy business
    class cabin round via per than so if because monday tuesday wednesday thursday friday saturday sunday
    mon tue tues wed thu thur thurs fri sat sun january february march april may june july august
    september october november december jan feb mar apr jun jul aug sep sept oct nov dec"""
)
# Words a place name may follow in "X to <place>", and may be followed by in "<place> to Y".
_EN_BEFORE = _wordset(
    "from flights flight fly tickets ticket fares fare book any cheapest cheap direct nonstop show me list"
    " search find prices price route routes"
)
_EN_AFTER = _wordset(
    """on for at in this next tomorrow today tonight please departing leaving around before after by with
    under and or nonstop direct flights flight from morning afternoon evening night one-way return round
    economy business first cheapest leaving monday tuesday wednesday thursday friday saturday sunday"""
)
_FLYING = re.compile(
    r"\b(?:flights?|fly|flying|planes?|tickets?|air\s*fares?|fares?)\b|航班|飞机|机票|班机|飞", re.I
)


def _zh_after(text: str, pos: int) -> tuple[int, int] | None:
    """The Chinese name that starts at `pos`, up to the first stop word."""
    run = _HAN_RUN.match(text, pos)
    if run is None:
        return None
    stop = _ZH_STOP.search(run.group(0))
    name = run.group(0)[: stop.start() if stop else None]
    return (pos, pos + len(name)) if _zh_name(name) else None


def _zh_before(text: str, pos: int) -> tuple[int, int] | None:
    """The Chinese name that ends at `pos`, from the last stop word before it."""
    run = _HAN_TAIL.search(text[:pos])
    if run is None:
        return None
    stops = list(_ZH_STOP.finditer(run.group(0)))
    name = run.group(0)[stops[-1].end() :] if stops else run.group(0)
    return (pos - len(name), pos) if _zh_name(name) else None


def _zh_name(name: str) -> bool:
    return 2 <= len(name) <= 4 and name not in _ZH_NOT_PLACES


def _tokens(text: str) -> list[re.Match[str]]:
    return list(_EN_WORD.finditer(text))


def _name_word(token: str) -> bool:
    return token[:1].isalpha() and token.lower() not in _EN_STOP


def _en_after(text: str, pos: int, ends: frozenset[str] = _EN_AFTER) -> tuple[int, int] | None:
    """The English name (1-3 words) that starts at `pos` and ends where a route's words end."""
    tokens = [t for t in _tokens(text) if t.start() >= pos]
    words: list[re.Match[str]] = []
    for token in tokens:
        if not _name_word(token.group(0)) or len(words) == 3:
            end_word = token.group(0).lower()
            if words and (end_word in ends or not end_word[:1].isalnum() or end_word.isdigit()):
                break
            return None
        words.append(token)
    return (words[0].start(), words[-1].end()) if words else None


def _en_before(text: str, pos: int, starts: frozenset[str] = _EN_BEFORE) -> tuple[int, int] | None:
    """The English name (1-3 words) that ends at `pos` and starts where a route's words start."""
    tokens = [t for t in _tokens(text) if t.end() <= pos]
    words: list[re.Match[str]] = []
    for token in reversed(tokens):
        if not _name_word(token.group(0)) or len(words) == 3:
            start_word = token.group(0).lower()
            if words and (start_word in starts or not start_word[:1].isalnum()):
                break
            return None
        words.insert(0, token)
    return (words[0].start(), words[-1].end()) if words else None


def _framed(text: str, spots: list[Spot]) -> list[tuple[int, int]]:
    """Unlisted names in the frames of the module docstring, next to a place already found."""
    found: list[tuple[int, int] | None] = []
    for spot in spots:
        after, before = text[spot.end :], text[: spot.start]
        if zh := _ZH_AFTER_PLACE.match(after):
            found.append(_zh_after(text, spot.end + zh.end()))
        if zh := _ZH_BEFORE_PLACE.search(before):
            found.append(_zh_before(text, zh.start()))
        if en := re.match(r"\s+to\s+", after, re.I):
            found.append(_en_after(text, spot.end + en.end()))
        if en := re.search(r"\bto\s+$", before, re.I):
            found.append(_en_before(text, en.start()))
            if then := re.match(r"\s+from\s+", after, re.I):  # "to Beijing from Springfield"
                found.append(_en_after(text, spot.end + then.end()))
        if en := re.search(r"\bfrom\s+$", before, re.I):  # "to Springfield from Beijing"
            found.append(_en_before(text, en.start(), frozenset({"to"})))
    if not spots and _FLYING.search(text):
        found.extend(_both_unnamed(text))
    return [span for span in found if span is not None]


def _both_unnamed(text: str) -> list[tuple[int, int] | None]:
    """ "from A to B" / "从A到B" with neither end a place found already."""
    for match in re.finditer(r"\bfrom\s+", text, re.I):
        first = _en_after(text, match.end(), frozenset({"to"}))
        if first and (to := re.match(r"\s+to\s+", text[first[1] :], re.I)):
            second = _en_after(text, first[1] + to.end())
            if second:
                return [first, second]
    for match in _ZH_FROM.finditer(text):
        first = _zh_after(text, match.end())
        if first and (to := re.match(_ZH_TO, text[first[1] :])):
            second = _zh_after(text, first[1] + to.end())
            if second:
                return [first, second]
    return []


def _overlaps(a: Spot, b: Spot) -> bool:
    return a.start < b.end and b.start < a.end


def route_spots(text: str) -> list[Spot]:
    """The places `text` names, served and unserved, in order, without overlaps."""
    served = [Spot(m.start, m.end, text[m.start : m.end], m.place) for m in find_places(text)]
    listed = [Spot(n.start, n.end, n.name, None, n.country) for n in find_unserved_names(text)]
    # A served name wins where two overlap, unless the unserved one holds it ("大兴安岭", "大兴").
    kept = [
        s for s in served if not any(_overlaps(s, u) and u.end - u.start > s.end - s.start for u in listed)
    ]
    spots = kept + [u for u in listed if not any(_overlaps(u, s) for s in kept)]
    for start, end in _framed(text, spots):
        candidate = Spot(start, end, text[start:end])
        if not any(_overlaps(candidate, s) for s in spots):
            spots.append(candidate)
    return sorted(spots, key=lambda s: s.start)


def flying_words(text: str) -> bool:
    return bool(_FLYING.search(text))
