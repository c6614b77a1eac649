"""Reports on the intent classifier: the held-out dev split (`python -m training evaluate intent`,
what `make router-eval` runs) and the cross-validated hyper-parameter grid (`... tune intent`).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np

from agents.intent_model import IntentModel
from agents.semantic import SemanticHead, local_encoder
from agents.understanding import BlendedIntentModel
from training.features import Params
from training.intent import LABELS, load_rows, out_of_fold, split_rows

GRID: tuple[Params, ...] = tuple(
    Params(char_ngrams=cr, c=c, min_df=md)
    for cr in ((1, 3), (1, 4), (2, 5))
    for c in (10.0, 30.0, 100.0)
    for md in (1, 2)
)


def evaluate(artifact: Path, show_errors: bool = False, semantic: Path | None = None) -> None:
    """Accuracy, macro-F1, per-label and per-language figures and confusions on the dev split.

    With `semantic` (the router head's artifact) the model reported is the router's: TF-IDF blended
    with the semantic head; the TF-IDF model alone is summarised first for comparison.
    """
    from sklearn.metrics import accuracy_score, classification_report, f1_score

    lexical = IntentModel.load(artifact)
    model: IntentModel | BlendedIntentModel = lexical
    print(f"model {artifact}")
    _train, dev = split_rows(load_rows())
    if semantic is not None:
        alone = [p.label for p in lexical.predict_many([r.text for r in dev])]
        gold_alone = [r.label for r in dev]
        print(f"TF-IDF alone: dev accuracy {accuracy_score(gold_alone, alone):.4f}")
        blended = BlendedIntentModel(lexical, SemanticHead.load(semantic), local_encoder())
        print(f"blended with {semantic} (TF-IDF weight {blended.weight}, threshold {blended.threshold})")
        model = blended
    predictions = model.predict_many([r.text for r in dev])
    gold = [r.label for r in dev]
    pred = [p.label for p in predictions]
    print(
        f"dev rows {len(dev)}  accuracy {accuracy_score(gold, pred):.4f}  macro-F1 "
        f"{f1_score(gold, pred, average='macro', labels=list(LABELS), zero_division=0):.4f}"
    )
    print(classification_report(gold, pred, labels=list(LABELS), digits=3, zero_division=0))
    for lang in ("zh", "en", "mixed"):
        idx = [i for i, r in enumerate(dev) if r.lang == lang]
        if idx:
            lang_gold, lang_pred = [gold[i] for i in idx], [pred[i] for i in idx]
            f1 = f1_score(
                lang_gold, lang_pred, average="macro", labels=sorted(set(lang_gold)), zero_division=0
            )
            print(
                f"{lang:6} n={len(idx):4}  accuracy {accuracy_score(lang_gold, lang_pred):.4f}  macro-F1 {f1:.4f}"
            )
    below = [p.confidence < model.threshold for p in predictions]
    wrong_above = sum(1 for g, p, b in zip(gold, predictions, below, strict=True) if not b and p.label != g)
    print(
        f"threshold {model.threshold:.2f}: {sum(below) / len(dev):.1%} of dev below it; "
        f"{wrong_above} wrong at or above it"
    )
    pairs = Counter((g, p) for g, p in zip(gold, pred, strict=True) if g != p)
    print("confusions (gold -> predicted: count)")
    for (g, p), n in pairs.most_common():
        print(f"  {g} -> {p}: {n}")
    if show_errors:
        for r, prediction in zip(dev, predictions, strict=True):
            if prediction.label != r.label:
                print(f"  [{r.label} -> {prediction.label} {prediction.confidence:.2f}] {r.text}")


def tune() -> None:
    """Grouped cross-validation of `GRID` on the train split (the dev split is never looked at)."""
    from sklearn.metrics import f1_score

    train, _dev = split_rows(load_rows())
    y = np.array([LABELS.index(r.label) for r in train])
    product = np.array([r.is_product for r in train])
    print("char   C     min_df  cv_acc  cv_macro_f1  product_acc")
    for params in GRID:
        pred = out_of_fold(train, params).argmax(axis=1)
        print(
            f"{params.char_ngrams!s:6} {params.c:<5} {params.min_df:<7} {(pred == y).mean():.4f}  "
            f"{f1_score(y, pred, average='macro'):.4f}       {(pred[product] == y[product]).mean():.4f}"
        )
