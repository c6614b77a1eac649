"""Places people fly between: a city ("北京", "Beijing", "NYC") means all of its airports, an
airport ("首都机场", "Daxing", "PKX") itself. Reads the tables of `tools.airline.airports`.

    place("北京")            -> Place(key="Beijing", codes=("PEK", "PKX"), ...)
    place("pkx")             -> Place(key="PKX", codes=("PKX",), ...)
    find_places("从广州白云机场飞纽约")  -> [Mention(Guangzhou Baiyun CAN), Mention(New York JFK/EWR/LGA)]

`find_places` reads names inside free text: whole words in English, whole names in Chinese, the
longest name first ("北京大兴" before "北京"); a city followed by one of its own airports
("广州白云机场", "Shanghai Pudong") is that airport. IATA codes count in upper case, and in lower
case unless they are English words ("can", "sea", ...).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from switchboard.errors import InputError
from tools.airline.airports import AIRPORTS, CITY_ALIASES, Airport
from tools.airline.schedule import SCHEDULE

# IATA codes that are also English words: in lower case they are the words.
CODE_WORDS = frozenset({"can", "sea", "sin", "den", "lax", "mia"})
# Words after a place name that say nothing more ("Beijing airport", "北京国际机场", "上海市").
_SUFFIX = re.compile(r"^(?:\s*(?:international\s+)?airport\b|国际机场|机场|市)", re.IGNORECASE)
_TRAILING = re.compile(r"(?:\s*(?:international\s+)?airport|国际机场|机场|市)$", re.IGNORECASE)
_LATIN = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class Place:
    """A city (all its airports) or one airport."""

    key: str  # an airport's IATA code, or a city's English name
    codes: tuple[str, ...]
    name: str  # English: "Beijing", "Beijing Daxing"
    name_zh: str  # Chinese: "北京", "北京大兴"
    city: str  # the city's English name

    @property
    def is_airport(self) -> bool:
        return len(self.codes) == 1 and self.key == self.codes[0]

    def label(self, language: str) -> str:
        """How a reply names it: "北京" / "Beijing Daxing (PKX)"."""
        name = self.name_zh if language == "zh" else self.name
        return f"{name} ({self.codes[0]})" if self.is_airport else name


@dataclass(frozen=True)
class Mention:
    """A place named in a text, with where its name starts and ends."""

    place: Place
    start: int
    end: int


_BY_CODE: dict[str, Airport] = {a.code: a for a in AIRPORTS}
CITIES: tuple[str, ...] = tuple(dict.fromkeys(a.city for a in AIRPORTS))


def airport(code: str) -> Airport:
    """The airport with IATA `code`, or InputError."""
    found = _BY_CODE.get(code.upper()) if isinstance(code, str) else None
    if found is None:
        raise InputError(f"unknown airport code {str(code)[:8]!r}")
    return found


def time_zone_of(code: str) -> str:
    return airport(code).time_zone


def _short_name(a: Airport) -> str:
    """ "Beijing Daxing" out of "Beijing Daxing International" (the name a reply uses)."""
    return re.sub(r"\s+(?:International|Airport)$", "", a.name)


def _short_name_zh(a: Airport) -> str:
    return re.sub(r"(?:国际)?机场$", "", a.name_zh)


def airport_place(a: Airport) -> Place:
    return Place(key=a.code, codes=(a.code,), name=_short_name(a), name_zh=_short_name_zh(a), city=a.city)


def city_place(city: str) -> Place:
    members = [a for a in AIRPORTS if a.city == city]
    if not members:
        raise InputError(f"unknown city {city[:40]!r}")
    return Place(
        key=city, codes=tuple(a.code for a in members), name=city, name_zh=members[0].city_zh, city=city
    )


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


@lru_cache(maxsize=1)
def _names() -> dict[str, tuple[Place, str]]:
    """Every name (folded) -> (place, kind); kind: "code", "upper" (short, upper case only), "name".

    Cities come first: a one-airport city's name that is also its airport's ("Denver") names the
    city, which has the same single code and reads better in a reply.
    """
    names: dict[str, tuple[Place, str]] = {}

    def add(name: str, place: Place) -> None:
        if re.fullmatch(r"[A-Z]{3}", name):
            kind = "code"
        elif len(name) <= 4 and name == name.upper() and _LATIN.search(name):
            kind = "upper"
        else:
            kind = "name"
        names.setdefault(_fold(name), (place, kind))

    for city in CITIES:
        place = city_place(city)
        for name in (city, place.name_zh, *CITY_ALIASES.get(city, ())):
            add(name, place)
    for a in AIRPORTS:
        place = airport_place(a)
        for name in (a.code, a.name, a.name_zh, _short_name(a), _short_name_zh(a), *a.aliases):
            add(name, place)
    return names


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    # A Latin name (or code) must be a whole word ("PEK" is not in "PEK123"); a Chinese one needs
    # no boundary, since Chinese runs words and numbers together ("上海3000元以内"). Longest first.
    latin: list[str] = []
    chinese: list[str] = []
    for name in sorted(_names(), key=len, reverse=True):
        ends = name[:1] + name[-1:]
        (latin if any(c.isascii() and c.isalnum() for c in ends) else chinese).append(_escaped(name))
    return re.compile(
        rf"(?<![A-Za-z0-9])(?:{'|'.join(latin)})(?![A-Za-z0-9'])|(?:{'|'.join(chinese)})", re.IGNORECASE
    )


def _escaped(name: str) -> str:
    return re.escape(name).replace(r"\ ", r"\s+")


def _accept(found: str, kind: str) -> bool:
    """Whether the text as written counts for a name of this kind (see the module docstring)."""
    if kind == "upper":
        return found == found.upper()
    if kind == "code":
        return found == found.upper() or found.lower() not in CODE_WORDS
    return True


def _lookup(found: str) -> tuple[Place, str] | None:
    return _names().get(_fold(found))


def find_places(text: str) -> list[Mention]:
    """The places named in `text`, in order, without overlaps (see the module docstring)."""
    mentions: list[Mention] = []
    for match in _pattern().finditer(text):
        entry = _lookup(match.group(0))
        if entry is None or not _accept(match.group(0), entry[1]):
            continue
        place, end = entry[0], match.end()
        if suffix := _SUFFIX.match(text[end:]):
            end += suffix.end()
        previous = mentions[-1] if mentions else None
        between = text[previous.end : match.start()] if previous else ""
        if (
            previous is not None
            and not between.strip()
            and not previous.place.is_airport
            and place.is_airport
            and place.city == previous.place.city
        ):
            mentions[-1] = Mention(place, previous.start, end)  # "广州白云机场": the airport
            continue
        mentions.append(Mention(place, match.start(), end))
    return mentions


def place(value: object) -> Place:
    """The place a whole string names (code, city, airport, alias), or a one-line InputError."""
    if not isinstance(value, str):
        raise InputError(f"a place must be a string, got {type(value).__name__}")
    text = unicodedata.normalize("NFKC", value).strip()
    if not text:
        raise InputError("a place is empty")
    if len(text) > 80:
        raise InputError("a place name is too long")
    entry = _lookup(text) or _lookup(_TRAILING.sub("", text).strip())
    if entry is None:
        found = find_places(text)
        if len(found) == 1 and found[0].start == 0 and found[0].end >= len(text):
            return found[0].place
        raise InputError(
            f"unknown place {text[:40]!r} (a city, an airport or an IATA code, e.g. Beijing, PEK)"
        )
    return entry[0]


def place_of_codes(codes: tuple[str, ...] | list[str]) -> Place:
    """The place whose airports are exactly `codes` (a city, one airport), for naming a query back."""
    wanted = tuple(sorted(c.upper() for c in codes))
    if len(wanted) == 1:
        return airport_place(airport(wanted[0]))
    for city in CITIES:
        candidate = city_place(city)
        if tuple(sorted(candidate.codes)) == wanted:
            return candidate
    raise InputError(f"no city has exactly the airports {', '.join(wanted)}")


def served_cities(country: str | None = None) -> list[Place]:
    """The cities the timetable serves (in `country`, an ISO code, when given), in table order."""
    return [
        city_place(city)
        for city in CITIES
        if country is None or any(a.country == country for a in AIRPORTS if a.city == city)
    ]


def route_partners(key: str, role: str) -> list[Place]:
    """The cities the timetable flies to from `key` (role "origin"), or from to `key` (role
    "destination"), busiest first: what a user can fly instead of a place the desk does not serve."""
    codes = set(place(key).codes)
    counts: dict[str, int] = {}
    for flight in SCHEDULE:
        ours, other = (
            (flight.origin, flight.destination) if role == "origin" else (flight.destination, flight.origin)
        )
        if ours in codes:
            city = airport(other).city
            counts[city] = counts.get(city, 0) + 1
    ranked = sorted(counts, key=lambda c: (-counts[c], CITIES.index(c)))
    return [city_place(c) for c in ranked if c != place(key).city]
