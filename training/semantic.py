"""Training of the router's semantic head: a linear classifier over the shared sentence embedding,
and the helpers every semantic head shares (softmax regression, grouped folds, the `.npz` writer).

`router_semantic`: the nine intents over the e5 vector of a message, trained on the router's train
split (`training.intent`), one `.npz` artifact that `agents.semantic.SemanticHead` scores with
numpy alone. At run time it is blended with the TF-IDF intent model:
`p = w * p_tfidf + (1 - w) * p_semantic`. The head's C, the weight `w` and the blend's confidence
threshold (`choose_router_threshold`: out-of-scope requests sent to a specialist cost more than
deferrals) are chosen on out-of-fold predictions of both models over the same grouped folds of the
train split, never on the dev split or an evaluation set. The harm head is `training.harm`.

Vectors come from `training.embeddings` (cached per text, so a rebuild embeds only new rows).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from agents.semantic import DIMENSIONS, HEAD_FORMAT, encoder_id, head_featuriser
from switchboard.errors import ConfigurationError
from training import intent, scope
from training.artifact import Inputs, Trainer, write_artifact
from training.embeddings import embed_texts
from training.features import Params, split_key

ROUTER_HEAD = "router_semantic"
RECIPE_VERSION = "3"  # 3: the out-of-scope gate (training.scope) in the same artifact
C_GRID = (16.0, 64.0)  # the router head's regularisation, chosen with the blend by cross-validation
# The router's confidence cut minimises, on out-of-fold predictions: a wrong route of an in-domain
# request (1), a deferral of one (DEFER_COST: the LLM or a clarifying question), and an
# out-of-scope request sent to a specialist (LEAK_COST: worse, the user gets a wrong answer to a
# question we do not serve). Deferring an out-of-scope request costs nothing: a clarifying
# question is a fine answer to it.
DEFER_COST = 0.3
LEAK_COST = 1.5
THRESHOLD_TOLERANCE = 0.02
BLEND_GRID = tuple(round(x, 2) for x in np.arange(0.0, 1.001, 0.1))
FOLDS = 5
SEED = 0


def _lr(c: float, multi: bool) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, solver="lbfgs" if multi else "liblinear", max_iter=2000, tol=1e-5)


def fit_softmax(
    x: np.ndarray, y: np.ndarray, weights: np.ndarray, n_labels: int, c: float
) -> tuple[np.ndarray, np.ndarray]:
    """(weights (DIMENSIONS, n_labels), bias (n_labels,)) of a softmax regression over `x`."""
    from threadpoolctl import threadpool_limits

    clf = _lr(c, multi=True)
    with threadpool_limits(limits=1):
        clf.fit(x, y, sample_weight=weights)
    coef = np.zeros((n_labels, x.shape[1]), dtype=np.float64)
    bias = np.full(n_labels, -1e4)  # a label without rows can never win
    coef[clf.classes_] = clf.coef_ if len(clf.classes_) > 2 else np.vstack([-clf.coef_, clf.coef_]) / 2
    bias[clf.classes_] = clf.intercept_ if len(clf.classes_) > 2 else np.array([-1, 1]) * clf.intercept_ / 2
    return coef.T.astype(np.float32), bias.astype(np.float32)


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    out: np.ndarray = e / e.sum(axis=1, keepdims=True)
    return out


def _folds(y: np.ndarray, texts: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray]]:
    from sklearn.model_selection import StratifiedGroupKFold

    groups = [split_key(t) for t in texts]
    folds = StratifiedGroupKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    return list(folds.split(np.zeros(len(y)), list(y), groups))


def _oof(
    x: np.ndarray, y: np.ndarray, weights: np.ndarray, n_labels: int, c: float, texts: Sequence[str]
) -> np.ndarray:
    proba = np.zeros((len(y), n_labels))
    for fit_idx, val_idx in _folds(y, texts):
        w, b = fit_softmax(x[fit_idx], y[fit_idx], weights[fit_idx], n_labels, c)
        proba[val_idx] = softmax(x[val_idx] @ w + b)
    return proba


def write_head(
    path: Path,
    weights: np.ndarray,
    bias: np.ndarray,
    meta: dict[str, Any],
    extras: dict[str, np.ndarray] | None = None,
) -> None:
    write_artifact(
        path,
        {
            "meta": np.frombuffer(json.dumps(meta, sort_keys=True).encode("utf-8"), dtype=np.uint8),
            "weights": weights.astype(np.float32),
            "bias": bias.astype(np.float32),
            **{name: array.astype(np.float32) for name, array in (extras or {}).items()},
        },
    )


# ---------------------------------------------------------------------------------------------
# The router head


def _blend_accuracy(
    tfidf: np.ndarray, semantic: np.ndarray, y: np.ndarray, weights: np.ndarray, w: float
) -> float:
    blended = w * tfidf + (1 - w) * semantic
    return float(weights[blended.argmax(axis=1) == y].sum() / weights.sum())


def log_stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def choose_router_threshold(proba: np.ndarray, y: np.ndarray, weights: np.ndarray) -> float:
    """The lowest confidence cut within THRESHOLD_TOLERANCE of the least cost (see LEAK_COST)."""
    irrelevant = y == intent.LABELS.index("irrelevant")
    confidence, predicted = proba.max(axis=1), proba.argmax(axis=1)
    cuts = np.round(np.arange(0.2, 0.951, 0.01), 2)
    costs = []
    for t in cuts:
        sure = confidence >= t
        wrong = weights[~irrelevant & sure & (predicted != y)].sum()
        deferred = weights[~irrelevant & ~sure].sum()
        leaked = weights[irrelevant & sure & (predicted != y)].sum()
        costs.append(wrong + DEFER_COST * deferred + LEAK_COST * leaked)
    cost = np.array(costs)
    return float(cuts[np.argmax(cost <= cost.min() * (1 + THRESHOLD_TOLERANCE))])


def train_router_head(path: Path, key: str, *, log: Callable[[str], None] = log_stderr) -> None:
    """Fit the router head; choose C, the blend and the threshold on out-of-fold predictions."""
    params = Params()
    train, dev = intent.split_rows(intent.load_rows())
    y = np.array([intent.LABELS.index(r.label) for r in train])
    weights = intent.sample_weights(train, params.public_weight)
    texts = [r.text for r in train]
    x = embed_texts(texts, path.parent, log=log)
    tfidf_oof = intent.out_of_fold(train, params)
    scores: dict[tuple[float, float], float] = {}
    semantic_oof: dict[float, np.ndarray] = {}
    for c in C_GRID:
        semantic_oof[c] = _oof(x, y, weights, len(intent.LABELS), c, texts)
        for w in BLEND_GRID:
            scores[(c, w)] = _blend_accuracy(tfidf_oof, semantic_oof[c], y, weights, w)
    c_best, blend = max(scores, key=lambda cw: (round(scores[cw], 4), -abs(cw[1] - 0.5)))
    blended = blend * tfidf_oof + (1 - blend) * semantic_oof[c_best]
    threshold = choose_router_threshold(blended, y, weights)
    head_w, head_b = fit_softmax(x, y, weights, len(intent.LABELS), c_best)
    gate_folds = _folds((y == intent.LABELS.index("irrelevant")).astype(int), texts)
    gate_w, gate_b, gate_meta = scope.train_gate(x, blended, train, weights, threshold, gate_folds)
    log(f"{ROUTER_HEAD}: out-of-scope gate {gate_meta}")
    irrelevant = y == intent.LABELS.index("irrelevant")
    sure = blended.max(axis=1) >= threshold
    right = blended.argmax(axis=1) == y
    meta = {
        "format": HEAD_FORMAT,
        "kind": ROUTER_HEAD,
        "encoder": encoder_id(),
        "labels": list(intent.LABELS),
        "blend_tfidf_weight": blend,
        "threshold": threshold,
        "C": c_best,
        "train_rows": len(train),
        "dev_rows": len(dev),
        "cv_accuracy": {
            "tfidf": scores[(c_best, 1.0)],
            "semantic": scores[(c_best, 0.0)],
            "blend": scores[(c_best, blend)],
        },
        "cv_at_threshold": {
            "in_domain_reached": float((~irrelevant & sure & right).sum() / (~irrelevant).sum()),
            "out_of_scope_leaked": float((irrelevant & sure & ~right).sum() / irrelevant.sum()),
        },
        "scope_gate": gate_meta,
        "leak_cost": LEAK_COST,
        "defer_cost": DEFER_COST,
        "code_version": RECIPE_VERSION,
        "data_hash": key[:12],
    }
    write_head(path, head_w, head_b, meta, {"scope_weights": gate_w, "scope_bias": gate_b})


# ---------------------------------------------------------------------------------------------
# Trainers


def check_head(path: Path) -> object:
    from agents.semantic import SemanticHead

    head = SemanticHead.load(path)
    if head.weights.shape[0] != DIMENSIONS:
        raise ConfigurationError(f"{path.name}: not a {DIMENSIONS}-d head")
    return head


def recipe(**extra: Any) -> dict[str, Any]:
    return {"recipe_version": RECIPE_VERSION, "encoder": encoder_id(), "folds": FOLDS, "seed": SEED, **extra}


def router_head_trainer() -> Trainer:
    def inputs() -> Inputs:
        base = intent.intent_inputs()
        params = recipe(
            c_grid=list(C_GRID),
            blend_grid=list(BLEND_GRID),
            leak_cost=LEAK_COST,
            defer_cost=DEFER_COST,
            tolerance=THRESHOLD_TOLERANCE,
            scope_gate={
                "c_grid": list(scope.GATE_C_GRID),
                "max_refused": scope.MAX_REFUSED,
                "solver": "liblinear",
            },
            intent=dict(base.params),
        )
        return Inputs(files=base.files, params=params, featuriser=head_featuriser())

    return Trainer(name=ROUTER_HEAD, inputs=inputs, train=train_router_head, check=check_head)
