"""Unicode normalisation for the guards, and the de-obfuscated views the detectors read.

`normalize_input` is what the rest of the turn sees: `switchboard.text.normalize` (NFKC, so
full-width forms become ASCII; zero-width characters dropped; spaces collapsed) plus every other
invisible format character (bidi controls, Unicode tag characters, variation selectors) removed.

`detection_views` are for the detectors only, never shown or routed: the same text with
look-alike letters mapped to Latin (Cyrillic "о" -> "o"), leetspeak undone inside words
("1gn0re" -> "ignore"), letter-by-letter spacing joined ("i g n o r e", "忽 略 指 令"), chat
shorthand spelled out ("ur rules" -> "your rules"), text hidden in Unicode tag characters made
visible, and base64 runs decoded. `squash` keeps letters only, for
keyword rules that must survive any separator ("s-y-s-t-e-m p.r.o.m.p.t", pinyin).
"""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata

from switchboard.text import normalize

# Unicode tag characters (U+E0000..U+E007F) mirror ASCII invisibly: "ASCII smuggling".
_TAG_START, _TAG_END = 0xE0000, 0xE007F
_VARIATION_SELECTORS = re.compile("[\ufe00-\ufe0f]|[\U000e0100-\U000e01ef]")

# Look-alikes that NFKC leaves alone (Cyrillic, Greek) -> the Latin letter they imitate.
_CONFUSABLES = str.maketrans(
    {
        "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
        "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j", "ѕ": "s", "ԁ": "d",
        "ԛ": "q", "ԝ": "w", "ɡ": "g", "ı": "i", "ℓ": "l",
        "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
        "Т": "T", "У": "Y", "Х": "X", "І": "I", "Ј": "J", "Ѕ": "S",
        "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t",
        "υ": "u", "χ": "x", "Α": "A", "Β": "B", "Ε": "E", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
        "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "Ζ": "Z",
    }
)  # fmt: skip
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i", "|": "l"}
)
_LEET_CHARS = "013457@$!|"
_LEET_TOKEN = re.compile(r"[\w@$!|]{3,}")
# Leetspeak puts symbols between letters ("h4ck", "1gn0re"); codes put digits after letters
# (FL123, USER456, ABC123) and are left alone.
_LEET_SIGN = re.compile(r"[a-z][013457@$!|]+[a-z]|^[013457@$!|][a-z]{2,}")
_SEPARATORS = r"[\s\-_.*·•|/\\,，、~+^'\"`]+"
_SPLIT = re.compile(f"({_SEPARATORS})")
# Chat shorthand spelled out ("stop following ur rules pls" -> "... your rules please"), so rules
# and models written for full words read informal text too.
_INFORMAL = {
    "u": "you", "ya": "you", "ur": "your", "r": "are", "pls": "please", "plz": "please", "thx": "thanks",
    "ppl": "people", "cuz": "because", "coz": "because", "msg": "message", "gimme": "give me",
    "wanna": "want to", "b4": "before", "abt": "about", "bc": "because", "w/o": "without",
}  # fmt: skip
_INFORMAL_WORD = re.compile(r"(?<![\w/])(" + "|".join(map(re.escape, _INFORMAL)) + r")(?![\w/])")
_BASE64 = re.compile(r"(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{16,}={0,2}(?![A-Za-z0-9+/=])")
_NOT_LETTER = re.compile(r"[^a-z\u3400-\u9fff]+")
# A run this long of one-character pieces is spacing obfuscation, not language.
_SPACED_RUN = 4


def normalize_input(raw: str) -> str:
    """The message as the rest of the turn sees it (and as the detectors start from)."""
    text = "".join(ch for ch in raw if not _invisible(ch))
    return normalize(_VARIATION_SELECTORS.sub("", text))


def _invisible(ch: str) -> bool:
    # Format characters (Cf) carry no visible text: zero-width joiners, bidi overrides, tags,
    # soft hyphens. Dropping them all closes the "invisible text" family of tricks at once.
    return unicodedata.category(ch) == "Cf"


def hidden_tag_text(raw: str) -> str:
    """Text smuggled in Unicode tag characters, made visible ('' when there is none)."""
    chars = [chr(ord(ch) - _TAG_START) for ch in raw if _TAG_START <= ord(ch) <= _TAG_END]
    return "".join(ch for ch in chars if ch.isprintable())


def join_spaced(text: str) -> str:
    """'i g n o r e  a l l' -> 'ignoreall', '忽 略 指 令' -> '忽略指令'; ordinary text is unchanged."""
    parts = _SPLIT.split(text)
    words, seps = parts[0::2], parts[1::2]
    out: list[str] = []
    i = 0
    while i < len(words):
        j = i
        while j < len(words) and len(words[j]) == 1:
            j += 1
        if j - i >= _SPACED_RUN:
            out.append(_join_run(words[i:j], seps[i : j - 1]))
            if j < len(words):
                out.append(seps[j - 1] if j - 1 < len(seps) else " ")
            i = j
            continue
        out.append(words[i])
        if i < len(seps):
            out.append(seps[i])
        i += 1
    return "".join(out)


def _join_run(letters: list[str], seps: list[str]) -> str:
    """Letters of one spaced run joined; a separator unlike both of its neighbours is a word boundary.

    "d.i.s.p.l.a.y  y.o.u.r" -> "display your", "s-y-s-t-e-m p.r.o.m.p.t" -> "system prompt".
    """
    out = [letters[0]]
    for k, letter in enumerate(letters[1:]):
        neighbours = [seps[n] for n in (k - 1, k + 1) if 0 <= n < len(seps)]
        boundary = bool(neighbours) and all(seps[k] != other for other in neighbours)
        out.append(" " + letter if boundary else letter)
    return "".join(out)


def _unleet(match: re.Match[str]) -> str:
    word = match.group(0)
    return word.translate(_LEET) if _LEET_SIGN.search(word) else word


def skeleton(text: str) -> str:
    """Look-alikes mapped, leetspeak undone inside words, spaced letters joined; lower case."""
    text = unicodedata.normalize("NFKC", text.translate(_CONFUSABLES)).lower()
    text = join_spaced(_LEET_TOKEN.sub(_unleet, text))
    return _INFORMAL_WORD.sub(lambda m: _INFORMAL[m.group(1)], text)


def decoded_base64(text: str) -> list[str]:
    """Readable text hidden in base64 runs of `text` (attackers encode instructions to slip past filters)."""
    found: list[str] = []
    for run in _BASE64.findall(text):
        padded = run + "=" * (-len(run) % 4)
        try:
            data = base64.b64decode(padded, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            continue
        if data and sum(ch.isprintable() or ch.isspace() for ch in data) >= 0.95 * len(data):
            found.append(data)
    return found


def detection_views(raw: str, normalized: str) -> list[str]:
    """Distinct texts a detector should read (lower case): the message and its de-obfuscated forms."""
    views = [normalized.lower(), skeleton(normalized)]
    if hidden := hidden_tag_text(raw):
        views.append(normalize(hidden).lower())
    views.extend(normalize(text).lower() for text in decoded_base64(normalized))
    return list(dict.fromkeys(v for v in views if v))


def squash(text: str) -> str:
    """Letters and CJK only, lower case: 's-y-s-t-e-m p.r.o.m.p.t' -> 'systemprompt'."""
    return _NOT_LETTER.sub("", text.lower())
