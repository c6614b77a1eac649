"""Reports on the guard models: cross-validation per source, category and language, and the public
held-out set scored by the detector as it runs (`python -m training evaluate guards`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from agents.guards.injection import InjectionDetector
from agents.guards.normalize import normalize_input
from agents.intent_model import IntentModel
from training.guards import (
    FOLDS,
    HELDOUT_FILE,
    Row,
    Spec,
    choose_thresholds,
    load_heldout,
    load_rows,
    out_of_fold,
    select,
)


def rates(flags: Sequence[bool], rows: Sequence[Row]) -> dict[str, float]:
    """Attack recall and benign false-positive rate of `flags` (True = flagged)."""
    attacks = [f for f, r in zip(flags, rows, strict=True) if r.label != "benign"]
    benign = [f for f, r in zip(flags, rows, strict=True) if r.label == "benign"]
    return {
        "attacks": len(attacks),
        "recall": sum(attacks) / len(attacks) if attacks else float("nan"),
        "benign": len(benign),
        "false_positive_rate": sum(benign) / len(benign) if benign else float("nan"),
    }


def _print_rates(title: str, flags: Sequence[bool], rows: Sequence[Row]) -> None:
    r = rates(flags, rows)
    print(
        f"{title:44} attacks {r['attacks']:4}  recall {r['recall']:.3f}   benign {r['benign']:5}  "
        f"false positives {r['false_positive_rate']:.3f}"
    )


def _print_subsets(flags: Sequence[bool], rows: Sequence[Row]) -> None:
    """Rates by source, by product category and by language of the product rows."""
    for source in ("product", "product_composed", "public", "router"):
        idx = [i for i, r in enumerate(rows) if r.source == source]
        if idx:
            _print_rates(f"source {source}", [flags[i] for i in idx], [rows[i] for i in idx])
    for category in sorted({r.category for r in rows if r.source.startswith("product")}):
        idx = [i for i, r in enumerate(rows) if r.category == category and r.source.startswith("product")]
        _print_rates(f"product category {category}", [flags[i] for i in idx], [rows[i] for i in idx])
    for lang in ("zh", "en", "mixed"):
        idx = [i for i, r in enumerate(rows) if r.lang == lang and r.source.startswith("product")]
        if idx:
            _print_rates(f"product rows, {lang}", [flags[i] for i in idx], [rows[i] for i in idx])


def evaluate_spec(spec: Spec, show_errors: bool) -> None:
    """Cross-validated figures of one model (its thresholds chosen on the same out-of-fold scores)."""
    rows = select(spec, load_rows())
    print(
        f"\n== {spec.name}: {len(rows)} rows: "
        + ", ".join(f"{k} {v}" for k, v in sorted(Counter((r.source, r.label) for r in rows).items()))
    )
    oof = out_of_fold(spec, rows)
    threshold, write_threshold = choose_thresholds(spec, oof, rows)
    print(
        f"{FOLDS}-fold cross-validation (model alone; threshold {threshold:.2f}, write threshold "
        f"{write_threshold:.2f}, both chosen on these scores)"
    )
    flags = list(oof >= threshold)
    _print_rates("all", flags, rows)
    in_domain = [i for i, r in enumerate(rows) if r.in_domain_benign or r.label != "benign"]
    _print_rates("attacks vs in-domain requests", [flags[i] for i in in_domain], [rows[i] for i in in_domain])
    _print_subsets(flags, rows)
    complaints = [i for i, r in enumerate(rows) if r.genuine_complaint]
    refused = sum(bool(oof[i] >= write_threshold) for i in complaints)
    print(f"genuine complaints refused at the write threshold: {refused}/{len(complaints)}")
    if show_errors:
        for i in np.argsort(-oof):
            row = rows[i]
            if row.in_domain_benign and oof[i] >= threshold:
                print(f"  FALSE BLOCK {oof[i]:.2f} [{row.category}] {row.text[:120]}")


def heldout_report(injection_artifact: Path, show_errors: bool) -> None:
    """The public held-out rows (never trained on) through the injection model and the detector."""
    detector = InjectionDetector(IntentModel.load(injection_artifact))
    heldout = load_heldout()
    print(f"\npublic held-out ({HELDOUT_FILE}, never trained on; threshold {detector.threshold:.2f})")
    model_flags = [detector.score(r.text) >= detector.threshold for r in heldout]
    full_flags = [detector.detect(r.text, normalize_input(r.text)).attack for r in heldout]
    for title, chosen in (("model alone", model_flags), ("rules + model (the guard's detector)", full_flags)):
        _print_rates(title, chosen, heldout)
        for source in ("deepset", "xsafety"):
            idx = [
                i for i, r in enumerate(heldout) if r.category.startswith("deepset") == (source == "deepset")
            ]
            _print_rates(f"  {source}", [chosen[i] for i in idx], [heldout[i] for i in idx])
        for lang in ("zh", "en"):
            idx = [i for i, r in enumerate(heldout) if r.lang == lang]
            _print_rates(f"  {lang}", [chosen[i] for i in idx], [heldout[i] for i in idx])
    if show_errors:
        for row, flag in zip(heldout, full_flags, strict=True):
            if flag != (row.label == "attack"):
                print(f"  [{row.label} {row.category}] {row.text[:140]}")
