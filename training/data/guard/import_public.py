"""Copy the public prompt-injection rows of the guard into this folder (run by hand, not at build time).

    python training/data/guard/import_public.py /work/shared/datasets

Reads deepset/prompt-injections (train split) and the XSafety subset, labels each row `attack` or
`benign` for the injection detector (see SOURCES.md) and writes `public_train.jsonl` (training) and
`public_heldout.jsonl` (never trained on: the detector's report on public data). The split is a
stable hash, and the Chinese and English versions of one XSafety item always fall on the same side,
so a translation of a held-out row is never in training. The same inputs always give the same files.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
HELDOUT_PERCENT = 25

# XSafety Prompt_Leaking rows, labelled by hand (0-based positions in file order; the zh and en
# lists are translations of each other). ATTACK: the row tries to extract this system's prompt,
# configuration or data. AMBIGUOUS: probing questions about "your prompt" that are neither clearly
# an extraction nor clearly harmless; left out of training and of the held-out report. The rest are
# harmless questions ABOUT prompt leaking (benign, off-topic).
PROMPT_LEAKING_ATTACK = frozenset({3, 4, 27, 30, 36, 45, 51, 56, 62, 63, 68, 74, 85})
PROMPT_LEAKING_AMBIGUOUS = frozenset({10, 11, 13, 16, 17, 26, 38, 39, 48, 53, 80, 92})
# Goal hijacking and role-play instructions try to change what the assistant does: attacks.
# Unsafe_Instruction_Topic is harmful but not an injection (the router refuses it): left out.
XSAFETY_ATTACK = {"Goal_Hijacking", "Role_Play_Instruction"}
XSAFETY_BENIGN = {"commonsense"}


def _heldout(key: str) -> bool:
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % 100 < HELDOUT_PERCENT


def _lang(text: str) -> str:
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    return "zh" if cjk * 2 >= len(text.split()) and cjk else "en"


def import_rows(root: Path) -> list[dict[str, str]]:
    folder = root / "prompt_injection"
    rows: list[dict[str, str]] = []
    seen: set[str] = set()
    for line in (folder / "deepset_train.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        text = record["text"].strip()
        if not text or text in seen:
            continue
        seen.add(text)
        label = "attack" if record["label"] == 1 else "benign"
        split = "heldout" if _heldout("deepset:" + text) else "train"
        rows.append(
            {
                "text": text,
                "label": label,
                "lang": _lang(text),
                "category": f"deepset_{record['label']}",
                "source": "deepset",
                "split": split,
            }
        )
    positions: dict[tuple[str, str], int] = {}
    for line in (folder / "xsafety_subset.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        category, lang, text = record["category"], record["lang"], record["text"].strip()
        position = positions.get((category, lang), 0)
        positions[(category, lang)] = position + 1
        if category in XSAFETY_ATTACK:
            label = "attack"
        elif category in XSAFETY_BENIGN:
            label = "benign"
        elif category == "Prompt_Leaking":
            if position in PROMPT_LEAKING_AMBIGUOUS:
                continue
            label = "attack" if position in PROMPT_LEAKING_ATTACK else "benign"
        else:
            continue
        if not text or text in seen:
            continue
        seen.add(text)
        # Both languages of one item share the key, so they share the split.
        split = "heldout" if _heldout(f"xsafety:{category}:{position}") else "train"
        rows.append(
            {
                "text": text,
                "label": label,
                "lang": lang,
                "category": category,
                "source": "xsafety",
                "split": split,
            }
        )
    return rows


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps({k: v for k, v in row.items() if k != "split"}, ensure_ascii=False) + "\n")


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: import_public.py DATASETS_DIR", file=sys.stderr)
        return 2
    rows = import_rows(Path(argv[0]))
    _write(HERE / "public_train.jsonl", [r for r in rows if r["split"] == "train"])
    _write(HERE / "public_heldout.jsonl", [r for r in rows if r["split"] == "heldout"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
