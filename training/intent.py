"""Training of the intent classifier (scikit-learn, imported only inside the functions that fit).

Reads the JSON Lines files of `training/data/router/`, holds back a deterministic dev split of the
product-written rows, chooses the out-of-scope threshold on out-of-fold predictions of the train
part, fits the model and exports it to one `.npz` artifact that `agents.intent_model.IntentModel`
loads with numpy alone. `intent_trainer()` is what the builder runs (`python -m training build`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from agents.intent_model import ARTIFACT_FORMAT, FEATURISER_VERSION, INTENT, MAX_CHARS
from switchboard.errors import ConfigurationError
from switchboard.intents import INTENTS
from training.artifact import Inputs, Trainer, model_arrays, write_artifact
from training.features import PUBLIC_WEIGHT, Params, build_vectorizers, split_key

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

LABELS: tuple[str, ...] = INTENTS
DATA_DIR = Path(__file__).resolve().parent / "data" / "router"
# Bump when the training recipe changes in a way the parameters below do not show (it is part of
# the artifact's content key, so the next build trains a fresh model).
RECIPE_VERSION = "2"
# Deferring (LLM or a clarifying question) costs this much of a wrong route: the threshold is the
# lowest confidence cut whose errors + DEFER_COST * deferrals, on out-of-fold predictions, come
# within THRESHOLD_TOLERANCE of the minimum (see `choose_threshold`).
DEFER_COST = 0.3
THRESHOLD_TOLERANCE = 0.02
FOLDS = 5
SEED = 0
DEV_PERCENT = 20


class Row(NamedTuple):
    text: str
    label: str
    lang: str
    source: str  # file stem, e.g. product_zh, public_clinc150

    @property
    def is_product(self) -> bool:
        return self.source.startswith("product")


def data_files(data_dir: Path = DATA_DIR) -> list[Path]:
    files = sorted(Path(data_dir).glob("*.jsonl"))
    if not files:
        raise ConfigurationError(f"no training data (*.jsonl) in {data_dir}")
    return files


def load_rows(data_dir: Path = DATA_DIR) -> list[Row]:
    """Every labelled row of the data folder, validated."""
    rows: list[Row] = []
    for path in data_files(data_dir):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ConfigurationError(f"{path.name}:{number}: {exc}") from exc
            text, label = record.get("text"), record.get("label")
            if not isinstance(text, str) or not text.strip() or label not in LABELS:
                raise ConfigurationError(f"{path.name}:{number}: bad row {line[:80]!r}")
            rows.append(Row(text, label, record.get("lang", ""), path.stem))
    return rows


def is_dev(row: Row) -> bool:
    """Deterministic dev membership: product-written rows only, by a stable hash of `split_key`."""
    if not row.is_product:
        return False
    digest = hashlib.sha256(split_key(row.text).encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % 100 < DEV_PERCENT


def split_rows(rows: Sequence[Row]) -> tuple[list[Row], list[Row]]:
    """(train, dev). A public row that says what a dev row says ("hello") is left out of train."""
    dev = [r for r in rows if is_dev(r)]
    dev_keys = {split_key(r.text) for r in dev}
    train = [r for r in rows if not is_dev(r) and split_key(r.text) not in dev_keys]
    return train, dev


def sample_weights(rows: Sequence[Row], public_weight: float = PUBLIC_WEIGHT) -> np.ndarray:
    """Public rows count `public_weight`; then every label gets the same total weight."""
    raw = np.array([1.0 if r.is_product else public_weight for r in rows])
    labels = np.array([r.label for r in rows])
    weights = np.empty_like(raw)
    present = sorted(set(labels))
    for label in present:
        mask = labels == label
        weights[mask] = raw[mask] * (len(rows) / len(present)) / raw[mask].sum()
    return weights


class Fitted(NamedTuple):
    char: Any
    word: Any
    clf: Any

    def features(self, texts: Sequence[str]) -> csr_matrix:
        from scipy.sparse import hstack

        return hstack([self.char.transform(texts), self.word.transform(texts)], format="csr")

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self.clf.predict_proba(self.features(texts)))


def fit(rows: Sequence[Row], params: Params) -> Fitted:
    from scipy.sparse import hstack
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    char, word = build_vectorizers(params)
    texts = [r.text for r in rows]
    x = hstack([char.fit_transform(texts), word.fit_transform(texts)], format="csr")
    # newton-cg: a few exact steps, ~1 s here where lbfgs crawls; one BLAS thread keeps it fast on a
    # shared 2-core machine and the result independent of the thread count.
    clf = LogisticRegression(C=params.c, solver="newton-cg", max_iter=500, tol=1e-4)
    with threadpool_limits(limits=1):
        clf.fit(
            x, [LABELS.index(r.label) for r in rows], sample_weight=sample_weights(rows, params.public_weight)
        )
    return Fitted(char, word, clf)


def full_proba(fitted: Fitted, texts: Sequence[str]) -> np.ndarray:
    """Probabilities over all LABELS, even if a fold lacked a label."""
    proba = np.zeros((len(texts), len(LABELS)))
    proba[:, fitted.clf.classes_] = fitted.predict_proba(texts)
    return proba


def out_of_fold(rows: Sequence[Row], params: Params) -> np.ndarray:
    """Out-of-fold probabilities on `rows`, grouped so entity variants share a fold."""
    from sklearn.model_selection import StratifiedGroupKFold

    y = [r.label for r in rows]
    groups = [split_key(r.text) for r in rows]
    proba = np.zeros((len(rows), len(LABELS)))
    folds = StratifiedGroupKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    for fit_idx, val_idx in folds.split(np.zeros(len(rows)), y, groups):
        fitted = fit([rows[i] for i in fit_idx], params)
        proba[val_idx] = full_proba(fitted, [rows[i].text for i in val_idx])
    return proba


def choose_threshold(proba: np.ndarray, y: np.ndarray, weights: np.ndarray) -> float:
    """The confidence cut for weighted errors + DEFER_COST * deferrals on out-of-fold predictions.

    The cost curve is flat near its minimum, so the exact argmin wanders with small data changes;
    the lowest cut whose cost is within THRESHOLD_TOLERANCE of the minimum is stabler and defers less.
    """
    confidence = proba.max(axis=1)
    wrong = proba.argmax(axis=1) != y
    cuts = np.round(np.arange(0.0, 0.951, 0.01), 2)
    costs = np.array(
        [weights[(confidence >= t) & wrong].sum() + DEFER_COST * weights[confidence < t].sum() for t in cuts]
    )
    return float(cuts[np.argmax(costs <= costs.min() * (1 + THRESHOLD_TOLERANCE))])


def train_model(path: Path, key: str, *, data_dir: Path = DATA_DIR, params: Params | None = None) -> None:
    """Train on the train split of `data_dir` and write the artifact to `path`."""
    params = params or Params()
    train, dev = split_rows(load_rows(data_dir))
    y = np.array([LABELS.index(r.label) for r in train])
    oof = out_of_fold(train, params)
    threshold = choose_threshold(oof, y, sample_weights(train, params.public_weight))
    fitted = fit(train, params)
    meta = {
        "format": ARTIFACT_FORMAT,
        "code_version": RECIPE_VERSION,
        "data_hash": key[:12],
        "labels": list(LABELS),
        "threshold": threshold,
        "char_ngrams": list(params.char_ngrams),
        "word_ngrams": list(params.word_ngrams),
        "min_df": params.min_df,
        "C": params.c,
        "sublinear_tf": params.sublinear_tf,
        "public_weight": params.public_weight,
        "defer_cost": DEFER_COST,
        "train_rows": len(train),
        "dev_rows": len(dev),
        "cv_accuracy": float((oof.argmax(axis=1) == y).mean()),
    }
    coef = np.zeros((len(LABELS), fitted.clf.coef_.shape[1]))
    intercept = np.full(len(LABELS), -1e9)  # a label without rows can never win
    coef[fitted.clf.classes_] = fitted.clf.coef_
    intercept[fitted.clf.classes_] = fitted.clf.intercept_
    write_artifact(path, model_arrays(meta, fitted.char, fitted.word, coef, intercept))


def intent_inputs(data_dir: Path = DATA_DIR, params: Params | None = None) -> Inputs:
    """What decides the intent artifact's bytes: the data files, the labels and the recipe."""
    recipe = {
        "recipe_version": RECIPE_VERSION,
        "labels": list(LABELS),
        **(params or Params()).as_dict(),
        "defer_cost": DEFER_COST,
        "threshold_tolerance": THRESHOLD_TOLERANCE,
        "folds": FOLDS,
        "seed": SEED,
        "dev_percent": DEV_PERCENT,
        "max_chars": MAX_CHARS,
    }
    return Inputs(files=data_files(data_dir), params=recipe, featuriser=FEATURISER_VERSION)


def intent_trainer(data_dir: Path = DATA_DIR, params: Params | None = None) -> Trainer:
    """The intent model as the builder sees it (`data_dir` and `params` differ only in tests)."""
    return Trainer(
        name=INTENT,
        inputs=lambda: intent_inputs(data_dir, params),
        train=lambda path, key: train_model(path, key, data_dir=data_dir, params=params),
    )
