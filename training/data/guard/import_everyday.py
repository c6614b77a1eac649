"""Copy everyday assistant requests of CLINC150 into this folder (run by hand, not at build time).

    python training/data/guard/import_everyday.py /work/shared/datasets

The guards learnt "benign" mostly from this product's own traffic, so an everyday request with a
word that also names harm ("how do I smoke a pork shoulder", "get red wine out of a carpet") sat
nearer their attack rows than their benign ones. CLINC150's `train` split holds 15,000 requests to
a general assistant written by crowd workers (cooking, banking, home, work, travel, small talk):
`public_everyday.jsonl` takes a seeded sample of each intent that is not one of this product's
(flights, bags, travel alerts; those are the router's) as benign rows of every guard model. Only
`train` is read: the validation split and the test split stay out of this folder.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 20261206
PER_INTENT = 10
# Intents the router maps onto a product intent (training/data/router/import_public.py) or that
# speak of the product's own domain: not "everyday" for the guards.
PRODUCT_INTENTS = frozenset(
    {
        "flight_status",
        "book_flight",
        "carry_on",
        "lost_luggage",
        "travel_alert",
        "greeting",
        "goodbye",
        "thank_you",
    }
)


def import_everyday(root: Path) -> list[dict[str, str]]:
    data = json.loads((root / "clinc150" / "train_val.json").read_text(encoding="utf-8"))
    by_intent: dict[str, list[str]] = {}
    for text, intent in data["train"]:
        by_intent.setdefault(intent, []).append(text)
    rng = random.Random(SEED)
    rows = []
    for intent in sorted(by_intent):
        if intent in PRODUCT_INTENTS:
            continue
        texts = sorted(set(by_intent[intent]))
        for text in rng.sample(texts, min(PER_INTENT, len(texts))):
            rows.append(
                {
                    "text": text,
                    "label": "benign",
                    "lang": "en",
                    "category": f"clinc150:{intent}",
                    "source": "public",
                }
            )
    return rows


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    rows = import_everyday(Path(argv[1]))
    with (HERE / "public_everyday.jsonl").open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"public_everyday.jsonl: {len(rows)} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
