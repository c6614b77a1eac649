"""Write tools/inventory/homophones.json: the characters that sound like those of Chinese names.

Chinese is typed by sound, so a misspelt name is a homophone ("奔弛" for 奔驰, "雅格" for 雅阁).
For every character of the catalogue's Chinese names (and of the attribute words read by sound,
`SOUND_TYPED_ATTRIBUTES`: "电冻" for 电动) this lists the common characters (GB2312)
whose usual reading has the same pinyin and tone, using pypinyin (a dev dependency only: the table is committed, so
the product reads a small JSON file instead of loading pypinyin's 40,000-character dictionary).
Run it after changing Chinese names in tools/inventory/catalog.py:

    .venv/bin/python scripts/build_homophones.py
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from pypinyin import Style, lazy_pinyin
from pypinyin.pinyin_dict import pinyin_dict

from tools.inventory.lexicon import ENTITY_ALIASES, SOUND_TYPED_ATTRIBUTES

OUT = Path(__file__).resolve().parents[1] / "tools" / "inventory" / "homophones.json"


def _common(char: str) -> bool:
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def build() -> dict[str, str]:
    """Character of a Chinese name -> the common characters that sound the same (itself excluded)."""
    readings: dict[str, set[str]] = {}
    words = [a.text for a in ENTITY_ALIASES if not a.exact] + list(SOUND_TYPED_ATTRIBUTES)
    for text in words:
        if not re.fullmatch(r"[\u4e00-\u9fff]{2,}", text):
            continue
        # the reading of each character in this name (a polyphone is read in context)
        for char, sound in zip(text, lazy_pinyin(text, style=Style.TONE), strict=True):
            readings.setdefault(char, set()).add(sound)
    by_sound: dict[str, set[str]] = {}
    for code, sounds in pinyin_dict.items():
        char = chr(code)
        if _common(char):  # by its usual reading: "压" (yā) is no homophone of 亚 (yà)
            by_sound.setdefault(sounds.split(",")[0], set()).add(char)
    return {
        char: "".join(sorted(set().union(*(by_sound.get(s, set()) for s in sounds)) - {char}))
        for char, sounds in sorted(readings.items())
    }


if __name__ == "__main__":
    table = build()
    OUT.write_text(json.dumps(table, ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(table)} characters, {sum(map(len, table.values()))} homophones")
