"""Snapshot the router's in-domain requests as benign rows for the guard (run by hand).

    python training/data/guard/import_router.py

Ordinary requests are the class the injection detector must never block, and the router's data
holds thousands of them. Copying them here (rather than reading the router's files at training
time) keeps the guard's model, and its measured figures, fixed until this script is run again.
Rows labelled `irrelevant` are left out: they mix off-topic requests with injections. The CLINC150
rows (CC BY 3.0, see CLINC150_LICENSE) are all benign: the dataset holds no injections.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROUTER = HERE.parent / "router"
FILES = ("product_en.jsonl", "product_zh.jsonl", "product_mixed.jsonl", "public_clinc150.jsonl")


def main() -> int:
    seen: set[str] = set()
    rows = []
    for name in FILES:
        for line in (ROUTER / name).read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            record = json.loads(line)
            text = record["text"].strip()
            if text in seen or (record.get("label") == "irrelevant" and not name.startswith("public_")):
                continue
            seen.add(text)
            # The router's label is kept in the category: the guard's write threshold is chosen so that
            # genuine complaints (`router_product:complaint`) are still written down.
            origin = "clinc150" if name.startswith("public_") else f"router_product:{record['label']}"
            rows.append(
                {
                    "text": text,
                    "label": "benign",
                    "lang": record.get("lang", ""),
                    "category": origin,
                    "source": "router",
                }
            )
    with (HERE / "in_domain_router.jsonl").open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(rows)} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
