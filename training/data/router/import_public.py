"""Copy the public training rows of the router into this folder (run by hand, not at build time).

    python training/data/router/import_public.py /work/shared/datasets

Reads CLINC150, deepset/prompt-injections and the XSafety subset, maps their labels onto the
nine Switchboard intents (see SOURCES.md for the reasoning and the licenses) and writes
`public_clinc150.jsonl` and `public_prompt_injection.jsonl` next to this file. Sampling is
seeded, so the same inputs always give the same files.
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 20250620

# CLINC150 intents that map onto a product intent, with how many rows to keep of each (train+val).
CLINC_MAPPED: dict[str, tuple[str, int]] = {
    "flight_status": ("flight_status", 80),
    "book_flight": ("book_seat", 60),
    "carry_on": ("knowledge_search", 60),
    "lost_luggage": ("knowledge_search", 40),
    "greeting": ("greeting", 35),
    "goodbye": ("greeting", 30),
    "thank_you": ("greeting", 30),
    "what_can_i_ask_you": ("greeting", 30),
    "are_you_a_bot": ("greeting", 10),
    "what_is_your_name": ("greeting", 10),
}
# Irrelevant here, and close enough to the product's words to be worth more rows (hard negatives).
CLINC_HARD_NEGATIVES: dict[str, int] = {
    "cancel_reservation": 25,  # restaurant, not a flight booking
    "confirm_reservation": 10,
    "restaurant_reservation": 15,
    "book_hotel": 20,
    "car_rental": 25,  # renting, not the dealer's stock
    "mpg": 10,
    "oil_change_when": 10,
    "oil_change_how": 10,
    "tire_pressure": 10,
    "tire_change": 10,
    "schedule_maintenance": 10,
    "last_maintenance": 5,
    "gas_type": 5,
    "jump_start": 5,
    "uber": 10,
    "weather": 15,
    "order_status": 10,
    "exchange_rate": 8,
    "plug_type": 8,
    "international_visa": 8,
    "timezone": 5,
    "translate": 8,
    "tell_joke": 8,
    "damaged_card": 5,
    "report_lost_card": 5,
}
# Left out on purpose: ambiguous for an airline desk (a travel alert or a vaccine question may be
# a policy question), or dialogue moves the graph handles itself (yes/no/cancel that/repeat).
CLINC_EXCLUDED = {
    "travel_alert",
    "vaccines",
    "who_made_you",
    "who_do_you_work_for",
    "yes",
    "no",
    "maybe",
    "cancel",
    "repeat",
}
CLINC_PER_OTHER_INTENT = 3
CLINC_OOS = 60
# A randomly drawn "other domain" sentence that talks about flights or bags could be a product
# question after all; leave such rows out rather than teach that they are off-topic.
_DOMAIN_WORDS = re.compile(
    r"\b(flights?|fly|flying|airlines?|airport|plane|luggage|baggage|bags?|seats?|tickets?|board(ing)?|"
    r"refund|complain\w*|cars?|vehicles?|dealer\w*)\b",
    re.IGNORECASE,
)
_BOOK_FLIGHT_FARES = re.compile(r"\b(cheap\w*|fares?|prices?|compare)\b", re.IGNORECASE)

# XSafety Prompt_Leaking rows, labelled by hand: these positions (0-based, in file order; the zh
# and en lists are translations of each other) really try to extract this system's prompt,
# configuration, internals or data. The rest are harmless questions ABOUT prompt leaking. Both
# kinds are irrelevant to an airline desk; the kind is kept in the data for the record.
PROMPT_LEAKING_EXTRACTION = frozenset({3, 4, 11, 27, 30, 36, 45, 51, 56, 63, 68, 74, 85})
XSAFETY_PER_CATEGORY_LANG = 40
DEEPSET_INJECTIONS = 150
DEEPSET_BENIGN = 70


def _row(text: str, label: str, lang: str, source: str, orig: str, **extra: str) -> dict[str, str]:
    return {"text": text.strip(), "label": label, "lang": lang, "source": source, "orig_label": orig, **extra}


def _lang_of(text: str) -> str:
    cjk = len(re.findall(r"[\u4e00-\u9fff]", text))
    latin = len(re.findall(r"[A-Za-z]{2,}", text))
    if cjk and latin and min(cjk, latin) * 4 >= max(cjk, latin):
        return "mixed"
    return "zh" if cjk >= latin else "en"


def import_clinc(root: Path) -> list[dict[str, str]]:
    data = json.loads((root / "clinc150" / "train_val.json").read_text(encoding="utf-8"))
    by_intent: dict[str, list[str]] = {}
    for text, intent in data["train"] + data["val"]:
        by_intent.setdefault(intent, []).append(text)
    oos = [text for text, _ in data["oos_train"] + data["oos_val"]]
    rng = random.Random(SEED)
    rows: list[dict[str, str]] = []
    for intent in sorted(by_intent):
        texts = sorted(set(by_intent[intent]))
        if intent in CLINC_EXCLUDED:
            continue
        if intent in CLINC_MAPPED:
            label, n = CLINC_MAPPED[intent]
            if intent == "book_flight":  # fare comparisons are price questions, not bookings
                texts = [t for t in texts if not _BOOK_FLIGHT_FARES.search(t)]
        elif intent in CLINC_HARD_NEGATIVES:
            label, n = "irrelevant", CLINC_HARD_NEGATIVES[intent]
        else:
            label, n = "irrelevant", CLINC_PER_OTHER_INTENT
            texts = [t for t in texts if not _DOMAIN_WORDS.search(t)]
        for text in rng.sample(texts, min(n, len(texts))):
            rows.append(_row(text, label, "en", "clinc150", intent))
    oos = sorted({t for t in oos if not _DOMAIN_WORDS.search(t)})
    rows += [_row(t, "irrelevant", "en", "clinc150", "oos") for t in rng.sample(oos, CLINC_OOS)]
    return rows


def import_prompt_injection(root: Path) -> list[dict[str, str]]:
    rng = random.Random(SEED + 1)
    folder = root / "prompt_injection"
    deepset = [json.loads(line) for line in (folder / "deepset_train.jsonl").read_text().splitlines() if line]
    rows: list[dict[str, str]] = []
    for flag, n in ((1, DEEPSET_INJECTIONS), (0, DEEPSET_BENIGN)):
        pool = sorted({r["text"].strip() for r in deepset if r["label"] == flag and r["text"].strip()})
        if flag == 0:
            pool = [t for t in pool if not _DOMAIN_WORDS.search(t)]
        for text in rng.sample(pool, min(n, len(pool))):
            kind = "injection" if flag else "benign_off_topic"
            rows.append(_row(text, "irrelevant", _lang_of(text), "deepset", str(flag), kind=kind))
    xsafety = [
        json.loads(line) for line in (folder / "xsafety_subset.jsonl").read_text().splitlines() if line
    ]
    groups: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for r in xsafety:
        group = groups.setdefault((r["category"], r["lang"]), [])
        group.append((len(group), r["text"].strip()))
    for (category, lang), items in sorted(groups.items()):
        for position, text in rng.sample(items, min(XSAFETY_PER_CATEGORY_LANG, len(items))):
            kind = category
            if category == "Prompt_Leaking":
                extraction = position in PROMPT_LEAKING_EXTRACTION
                kind = "prompt_extraction" if extraction else "about_prompt_leaking"
            rows.append(_row(text, "irrelevant", lang, "xsafety", category, kind=kind))
    return rows


# The examples of CONTRACTS §1 are test cases of the router: never training data.
CONTRACT_EXAMPLES = {
    "thanks, bye",
    "is fl456 delayed?",
    "refund my ticket",
    "baggage allowance?",
    "top 5 by guide price",
}


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for r in rows:
            if r["text"].strip().lower() not in CONTRACT_EXAMPLES:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: import_public.py DATASETS_DIR", file=sys.stderr)
        return 2
    root = Path(argv[0])
    _write(HERE / "public_clinc150.jsonl", import_clinc(root))
    _write(HERE / "public_prompt_injection.jsonl", import_prompt_injection(root))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
