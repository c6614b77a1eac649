"""Training and evaluation of the injection detector's model (scikit-learn, imported lazily).

Data (all in the repository, so a clone trains without the shared datasets):
- `agents/data/guard/product_attack.jsonl`, `product_benign.jsonl`: written for this product
  (attacks of every family in Chinese, English and mixed; benign hard negatives);
- `agents/data/guard/public_train.jsonl`: deepset/prompt-injections and XSafety rows (see SOURCES.md);
- `agents/data/guard/in_domain_router.jsonl`: a snapshot of the router's in-domain requests
  (`import_router.py`): ordinary requests, the benign class the guard must never block.
`agents/data/guard/public_heldout.jsonl` is never trained on: it is the public report.

The features and the classifier are the intent model's (`agents.intent_model`): the artifact has
its layout with the labels (`benign`, `attack`), so inference is numpy only. The threshold is chosen
on out-of-fold scores: the lowest that keeps the false-block rate on in-domain requests at or
under TARGET_FALSE_BLOCK.

    python -m agents.guards.injection_train train [--out DIR]
    python -m agents.guards.injection_train evaluate      # cross-validation + public held-out report
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from agents.guards.rules import mask_accounts
from agents.intent_model import ARTIFACT_FORMAT, Params, split_key
from switchboard.errors import ConfigurationError

GUARD_DIR = Path(__file__).resolve().parent.parent / "data" / "guard"
GUARD_FILES = ("product_attack.jsonl", "product_benign.jsonl", "public_train.jsonl", "in_domain_router.jsonl")
HELDOUT_FILE = "public_heldout.jsonl"
LABELS = ("benign", "attack")
# Bump when the features, the recipe or the data selection change (part of the artifact's name).
CODE_VERSION = "3"

PARAMS = Params(char_ngrams=(1, 4), word_ngrams=(1, 2), min_df=1, c=10.0)
# Relative weight of a row by source, before each class is balanced to the same total.
SOURCE_WEIGHTS = {"product": 1.0, "product_composed": 1.0, "router": 0.5, "public": 0.5}
# Out-of-fold false blocks allowed on in-domain requests when choosing the threshold.
TARGET_FALSE_BLOCK = 0.003
THRESHOLD_RANGE = (0.3, 0.9)
FOLDS = 5
SEED = 0


class Row(NamedTuple):
    text: str
    label: str  # benign | attack
    lang: str
    source: str  # product | product_composed | router | public
    category: str

    @property
    def in_domain_benign(self) -> bool:
        """An ordinary request to this product (the rows the false-block target is about)."""
        return self.label == "benign" and self.source in ("product", "router")


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        raise ConfigurationError(f"missing training data {path}")
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ConfigurationError(f"{path.name}:{number}: {exc}") from exc
    return records


def _guard_row(record: dict[str, Any], path: Path) -> Row:
    text, label = record.get("text"), record.get("label")
    if not isinstance(text, str) or not text.strip() or label not in LABELS:
        raise ConfigurationError(f"{path.name}: bad row {str(record)[:80]!r}")
    source = str(record.get("source", "product"))
    source = "public" if source in ("deepset", "xsafety") else source
    return Row(text, label, str(record.get("lang", "")), source, str(record.get("category", "")))


def load_rows(guard_dir: Path = GUARD_DIR) -> list[Row]:
    """Every training row of the guard's data folder, validated and de-duplicated."""
    rows: list[Row] = []
    for name in GUARD_FILES:
        path = Path(guard_dir) / name
        rows += [_guard_row(r, path) for r in _read_jsonl(path)]
    seen: set[str] = set()
    unique = []
    for row in rows:
        if row.text not in seen:
            seen.add(row.text)
            unique.append(row)
    return unique


def load_heldout(guard_dir: Path = GUARD_DIR) -> list[Row]:
    path = Path(guard_dir) / HELDOUT_FILE
    return [_guard_row(r, path) for r in _read_jsonl(path)]


def data_hash(guard_dir: Path = GUARD_DIR) -> str:
    digest = hashlib.sha256(f"injection-model-{CODE_VERSION}".encode())
    for path in [Path(guard_dir) / n for n in GUARD_FILES]:
        if not path.exists():
            raise ConfigurationError(f"missing training data {path}")
        digest.update(path.name.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def artifact_name(guard_dir: Path = GUARD_DIR) -> str:
    return f"injection-{data_hash(guard_dir)}.npz"


def sample_weights(rows: Sequence[Row]) -> np.ndarray:
    raw = np.array([SOURCE_WEIGHTS.get(r.source, 0.5) for r in rows])
    labels = np.array([r.label for r in rows])
    weights = np.empty_like(raw)
    for label in LABELS:
        mask = labels == label
        if mask.any():
            weights[mask] = raw[mask] * (len(rows) / len(LABELS)) / raw[mask].sum()
    return weights


# ---------------------------------------------------------------------------------------------
# Training


@dataclass
class _Fitted:
    char: Any
    word: Any
    clf: Any

    def attack_proba(self, texts: Sequence[str]) -> np.ndarray:
        from scipy.sparse import hstack

        texts = [mask_accounts(t) for t in texts]
        x = hstack([self.char.transform(texts), self.word.transform(texts)], format="csr")
        return self.clf.predict_proba(x)[:, 1]


def _fit(rows: Sequence[Row], params: Params) -> _Fitted:
    from scipy.sparse import hstack
    from sklearn.linear_model import LogisticRegression

    from agents.intent_model import build_vectorizers  # shared with the intent model: same analyzers

    char, word = build_vectorizers(params)
    texts = [mask_accounts(r.text) for r in rows]  # as the detector shows them to the model
    x = hstack([char.fit_transform(texts), word.fit_transform(texts)], format="csr")
    # liblinear: the exact binary solution in a few seconds (lbfgs needs ten times longer here).
    clf = LogisticRegression(C=params.c, solver="liblinear", tol=1e-6, max_iter=1000)
    clf.fit(x, [LABELS.index(r.label) for r in rows], sample_weight=sample_weights(rows))
    return _Fitted(char, word, clf)


def out_of_fold(rows: Sequence[Row], params: Params = PARAMS) -> np.ndarray:
    """Out-of-fold attack probabilities, grouped so that entity variants of a sentence share a fold."""
    from sklearn.model_selection import StratifiedGroupKFold

    y = [r.label for r in rows]
    groups = [split_key(r.text) for r in rows]
    proba = np.zeros(len(rows))
    folds = StratifiedGroupKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    for fit_idx, val_idx in folds.split(np.zeros(len(rows)), y, groups):
        fitted = _fit([rows[i] for i in fit_idx], params)
        proba[val_idx] = fitted.attack_proba([rows[i].text for i in val_idx])
    return proba


def choose_threshold(proba: np.ndarray, rows: Sequence[Row]) -> float:
    """The lowest threshold whose out-of-fold false-block rate on in-domain requests meets the target."""
    in_domain = np.array([r.in_domain_benign for r in rows])
    low, high = THRESHOLD_RANGE
    for t in np.round(np.arange(low, high + 1e-9, 0.01), 2):
        if (proba[in_domain] >= t).mean() <= TARGET_FALSE_BLOCK:
            return float(t)
    return high


def train_model(out_dir: Path, *, guard_dir: Path = GUARD_DIR) -> Path:
    """Fit on every training row, write the artifact into `out_dir`, return its path."""
    from agents.intent_model import join_terms, write_artifact  # shared artifact writer

    rows = load_rows(guard_dir)
    oof = out_of_fold(rows)
    threshold = choose_threshold(oof, rows)
    fitted = _fit(rows, PARAMS)
    y = np.array([LABELS.index(r.label) for r in rows])
    char_terms = sorted(fitted.char.vocabulary_, key=fitted.char.vocabulary_.get)
    word_terms = sorted(fitted.word.vocabulary_, key=fitted.word.vocabulary_.get)
    meta = {
        "format": ARTIFACT_FORMAT,
        "kind": "injection",
        "code_version": CODE_VERSION,
        "data_hash": data_hash(guard_dir),
        "labels": list(LABELS),
        "threshold": threshold,
        "char_ngrams": list(PARAMS.char_ngrams),
        "word_ngrams": list(PARAMS.word_ngrams),
        "min_df": PARAMS.min_df,
        "C": PARAMS.c,
        "sublinear_tf": PARAMS.sublinear_tf,
        "train_rows": len(rows),
        "cv_accuracy": float(((oof >= threshold).astype(int) == y).mean()),
    }
    # A binary logistic regression is a two-label softmax with the benign scores fixed at zero.
    coef = np.zeros((len(LABELS), fitted.clf.coef_.shape[1]))
    coef[1] = fitted.clf.coef_[0]
    intercept = np.array([0.0, float(fitted.clf.intercept_[0])])
    arrays = {
        "meta": np.frombuffer(json.dumps(meta, sort_keys=True).encode("utf-8"), dtype=np.uint8),
        "char_vocab": join_terms(char_terms),
        "word_vocab": join_terms(word_terms),
        "char_idf": fitted.char.idf_.astype(np.float64),
        "word_idf": fitted.word.idf_.astype(np.float64),
        "coef_t": coef.T.astype(np.float32),
        "intercept": intercept,
    }
    path = Path(out_dir) / artifact_name(guard_dir)
    write_artifact(path, arrays)
    return path


# ---------------------------------------------------------------------------------------------
# Reports


def rates(flags: Sequence[bool], rows: Sequence[Row]) -> dict[str, float]:
    """Attack recall and benign false-positive rate of `flags` (True = flagged as attack)."""
    attacks = [f for f, r in zip(flags, rows, strict=True) if r.label == "attack"]
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


def _cmd_train(args: argparse.Namespace) -> int:
    from switchboard.settings import get_settings

    out = Path(args.out) if args.out else get_settings().model_dir
    start = time.perf_counter()
    path = train_model(out)
    print(f"{path}\ntrained in {time.perf_counter() - start:.1f} s")
    return 0


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from agents.guards.injection import InjectionDetector, load_injection_model
    from agents.guards.normalize import normalize_input
    from switchboard.settings import get_settings

    rows = load_rows()
    print(
        f"training rows {len(rows)}: "
        + ", ".join(f"{k} {v}" for k, v in sorted(Counter((r.source, r.label) for r in rows).items()))
    )
    oof = out_of_fold(rows)
    threshold = choose_threshold(oof, rows)
    print(f"\n{FOLDS}-fold cross-validation (model alone, threshold {threshold:.2f} chosen on these scores)")
    flags = list(oof >= threshold)
    _print_rates("all", flags, rows)
    for source in ("product", "product_composed", "public", "router"):
        idx = [i for i, r in enumerate(rows) if r.source == source]
        _print_rates(f"source {source}", [flags[i] for i in idx], [rows[i] for i in idx])
    for lang in ("zh", "en", "mixed"):
        idx = [i for i, r in enumerate(rows) if r.lang == lang and r.source.startswith("product")]
        _print_rates(f"product rows, {lang}", [flags[i] for i in idx], [rows[i] for i in idx])

    model_dir = Path(args.model_dir) if args.model_dir else get_settings().model_dir
    detector = InjectionDetector(load_injection_model(model_dir))
    heldout = load_heldout()
    print(f"\npublic held-out ({HELDOUT_FILE}, never trained on; threshold {detector.threshold:.2f})")
    model_flags = [detector.score(mask_accounts(r.text)) >= detector.threshold for r in heldout]
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
    if args.show_errors:
        for row, flag in zip(heldout, full_flags, strict=True):
            if flag != (row.label == "attack"):
                print(f"  [{row.label} {row.category}] {row.text[:140]}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m agents.guards.injection_train", description=__doc__.splitlines()[0]
    )
    sub = parser.add_subparsers(dest="command", required=True)
    train = sub.add_parser("train", help="train and write the artifact")
    train.add_argument("--out", help="artifact directory (default: Settings.model_dir)")
    train.set_defaults(run=_cmd_train)
    evaluate = sub.add_parser("evaluate", help="cross-validation and the public held-out report")
    evaluate.add_argument("--model-dir", help="artifact directory (default: Settings.model_dir)")
    evaluate.add_argument(
        "--show-errors", action="store_true", help="print held-out rows the detector gets wrong"
    )
    evaluate.set_defaults(run=_cmd_evaluate)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except ConfigurationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
