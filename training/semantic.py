"""Training of the semantic heads: linear classifiers over the shared sentence embedding.

Two heads, each one `.npz` artifact that `agents.semantic.SemanticHead` scores with numpy alone:

- `router_semantic`: the nine intents over the e5 vector of a message, trained on the router's
  train split (`training.intent`). At run time it is blended with the TF-IDF intent model:
  `p = w * p_tfidf + (1 - w) * p_semantic`. The head's C, the weight `w` and the blend's
  confidence threshold (`choose_router_threshold`: out-of-scope requests sent to a specialist
  cost more than deferrals) are chosen on out-of-fold predictions of both models over the same
  grouped folds of the train split, never on the dev split or an evaluation set.
- `harm`: benign or one harm category (violence, weapons and fire on aircraft, drugs, hate,
  tracking people, self-harm, other crime), Chinese and English (`training/data/harm/`, plus the
  guard data's unsafe requests and threats; every ordinary request of the router and guard data
  is a benign row). Its blocking score is 1 - p(benign); the threshold is the lowest cut at which
  out-of-fold false blocks of ordinary requests stay at or under `HARM_FALSE_BLOCK`.

Vectors come from `training.embeddings` (cached per text, so a rebuild embeds only new rows).
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from agents.semantic import DIMENSIONS, HEAD_FORMAT, encoder_id, head_featuriser
from switchboard.errors import ConfigurationError
from training import intent
from training.artifact import Inputs, Trainer, write_artifact
from training.embeddings import embed_texts
from training.features import Params, split_key
from training.guards import GUARD_DIR

ROUTER_HEAD = "router_semantic"
HARM_HEAD = "harm"
HARM_DIR = Path(__file__).resolve().parent / "data" / "harm"
HARM_LABELS = ("benign", "violence", "weapons", "drugs", "hate", "tracking", "self_harm", "crime")
# Guard rows that are harm of another name: unsafe requests (smuggling, weapons) and threats.
GUARD_HARM = {"unsafe_request": "weapons", "threat": "violence"}
GUARD_HARM_FILES = ("abuse_attack.jsonl", "abuse_attack_2.jsonl")
# Guard benign rows by category: ordinary requests, frustration, hard negatives, chit-chat.
GUARD_BENIGN_FILES = (
    "abuse_benign.jsonl",
    "abuse_benign_2.jsonl",
    "product_benign.jsonl",
    "product_benign_2.jsonl",
    "social_benign.jsonl",
    "social_benign_2.jsonl",
    "product_benign_3.jsonl",
    "public_train.jsonl",
)
# Router rows labelled `irrelevant` that are harmful requests themselves ("how do I make a bomb")
# are not benign examples for the harm head.
_HARMFUL_WORDS = re.compile(
    r"bomb|explosive|weapon|gun|kill|poison|drug|cocaine|heroin|meth|suicide|炸|枪|毒|杀|自杀|武器|爆",
    re.IGNORECASE,
)
RECIPE_VERSION = "2"
C_GRID = (16.0, 64.0)  # the router head's regularisation, chosen with the blend by cross-validation
C_HARM = 16.0
# The router's confidence cut minimises, on out-of-fold predictions: a wrong route of an in-domain
# request (1), a deferral of one (DEFER_COST: the LLM or a clarifying question), and an
# out-of-scope request sent to a specialist (LEAK_COST: worse, the user gets a wrong answer to a
# question we do not serve). Deferring an out-of-scope request costs nothing: a clarifying
# question is a fine answer to it.
DEFER_COST = 0.3
LEAK_COST = 1.5
THRESHOLD_TOLERANCE = 0.02
BLEND_GRID = tuple(round(x, 2) for x in np.arange(0.0, 1.001, 0.1))
HARM_FALSE_BLOCK = 0.003
HARM_WRITE_FALSE_BLOCK = 0.01
FOLDS = 5
SEED = 0
DEV_PERCENT = 20


def _lr(c: float, multi: bool) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, solver="lbfgs" if multi else "liblinear", max_iter=2000, tol=1e-5)


def _fit(
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


def _softmax(z: np.ndarray) -> np.ndarray:
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
        w, b = _fit(x[fit_idx], y[fit_idx], weights[fit_idx], n_labels, c)
        proba[val_idx] = _softmax(x[val_idx] @ w + b)
    return proba


def _write_head(path: Path, weights: np.ndarray, bias: np.ndarray, meta: dict[str, Any]) -> None:
    write_artifact(
        path,
        {
            "meta": np.frombuffer(json.dumps(meta, sort_keys=True).encode("utf-8"), dtype=np.uint8),
            "weights": weights.astype(np.float32),
            "bias": bias.astype(np.float32),
        },
    )


# ---------------------------------------------------------------------------------------------
# The router head


def _blend_accuracy(
    tfidf: np.ndarray, semantic: np.ndarray, y: np.ndarray, weights: np.ndarray, w: float
) -> float:
    blended = w * tfidf + (1 - w) * semantic
    return float(weights[blended.argmax(axis=1) == y].sum() / weights.sum())


def _stderr(message: str) -> None:
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


def train_router_head(path: Path, key: str, *, log: Callable[[str], None] = _stderr) -> None:
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
    head_w, head_b = _fit(x, y, weights, len(intent.LABELS), c_best)
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
        "leak_cost": LEAK_COST,
        "defer_cost": DEFER_COST,
        "code_version": RECIPE_VERSION,
        "data_hash": key[:12],
    }
    _write_head(path, head_w, head_b, meta)


# ---------------------------------------------------------------------------------------------
# The harm head


def _is_dev(text: str) -> bool:
    digest = hashlib.sha256(split_key(text).encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % 100 < DEV_PERCENT


def _jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        raise ConfigurationError(f"missing training data {path}")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def harm_rows() -> list[tuple[str, str, bool]]:
    """(text, label, ordinary) rows: harm categories and benign; `ordinary` marks in-domain requests."""
    rows: list[tuple[str, str, bool]] = []
    for path in sorted(HARM_DIR.glob("*.jsonl")):
        rows += [(r["text"], r["label"], False) for r in _jsonl(path)]
    for name in GUARD_HARM_FILES:
        rows += [
            (r["text"], GUARD_HARM[r["category"]], False)
            for r in _jsonl(GUARD_DIR / name)
            if r.get("category") in GUARD_HARM
        ]
    harmful = {text for text, label, _ in rows if label != "benign"}
    for r in intent.load_rows():
        if r.text in harmful or (r.label == "irrelevant" and _HARMFUL_WORDS.search(r.text)):
            continue
        if r.label == "irrelevant" and r.source == "public_prompt_injection":
            continue
        rows.append((r.text, "benign", r.label != "irrelevant" and r.is_product))
    for name in GUARD_BENIGN_FILES:
        rows += [(r["text"], "benign", False) for r in _jsonl(GUARD_DIR / name) if r.get("label") == "benign"]
    unique: dict[str, tuple[str, str, bool]] = {}
    for row in rows:
        unique.setdefault(row[0], row)
    for text, label, _ in unique.values():
        if label not in HARM_LABELS:
            raise ConfigurationError(f"harm data: unknown label {label!r} for {text[:60]!r}")
    return list(unique.values())


def _lowest_cut(score: np.ndarray, mask: np.ndarray, limit: float) -> float:
    for t in np.round(np.arange(0.3, 0.99, 0.01), 2):
        if not mask.any() or (score[mask] >= t).mean() <= limit:
            return float(t)
    return 0.99


def _harm_weights(y: np.ndarray) -> np.ndarray:
    """Benign and harmful rows weigh the same in total; categories share the harmful half evenly."""
    weights = np.empty(len(y))
    benign = y == 0
    weights[benign] = 0.5 * len(y) / benign.sum()
    present = sorted(set(y[~benign]))
    for label in present:
        mask = y == label
        weights[mask] = 0.5 * len(y) / len(present) / mask.sum()
    return weights


def train_harm_head(path: Path, key: str, *, log: Callable[[str], None] = _stderr) -> None:
    rows = harm_rows()
    train = [r for r in rows if not _is_dev(r[0])]
    dev = [r for r in rows if _is_dev(r[0])]
    y = np.array([HARM_LABELS.index(r[1]) for r in train])
    weights = _harm_weights(y)
    x = embed_texts([r[0] for r in train], path.parent, log=log)
    oof = _oof(x, y, weights, len(HARM_LABELS), C_HARM, [r[0] for r in train])
    score = 1 - oof[:, 0]
    benign = y == 0
    threshold = _lowest_cut(score, benign, HARM_FALSE_BLOCK)
    write_threshold = min(threshold, _lowest_cut(score, benign, HARM_WRITE_FALSE_BLOCK))
    head_w, head_b = _fit(x, y, weights, len(HARM_LABELS), C_HARM)
    dev_y = np.array([HARM_LABELS.index(r[1]) for r in dev])
    dev_score = 1 - _softmax(embed_texts([r[0] for r in dev], path.parent, log=log) @ head_w + head_b)[:, 0]
    meta = {
        "format": HEAD_FORMAT,
        "kind": HARM_HEAD,
        "encoder": encoder_id(),
        "labels": list(HARM_LABELS),
        "threshold": threshold,
        "write_threshold": write_threshold,
        "C": C_HARM,
        "train_rows": len(train),
        "dev_rows": len(dev),
        "cv": {
            "harm_recall": float((score[~benign] >= threshold).mean()),
            "benign_false_block": float((score[benign] >= threshold).mean()),
        },
        "dev": {
            "harm_recall": float((dev_score[dev_y != 0] >= threshold).mean()) if (dev_y != 0).any() else None,
            "benign_false_block": float((dev_score[dev_y == 0] >= threshold).mean()),
        },
        "code_version": RECIPE_VERSION,
        "data_hash": key[:12],
    }
    _write_head(path, head_w, head_b, meta)


# ---------------------------------------------------------------------------------------------
# Trainers


def _check_head(path: Path) -> object:
    from agents.semantic import SemanticHead

    head = SemanticHead.load(path)
    if head.weights.shape[0] != DIMENSIONS:
        raise ConfigurationError(f"{path.name}: not a {DIMENSIONS}-d head")
    return head


def _recipe(**extra: Any) -> dict[str, Any]:
    return {"recipe_version": RECIPE_VERSION, "encoder": encoder_id(), "folds": FOLDS, "seed": SEED, **extra}


def router_head_trainer() -> Trainer:
    def inputs() -> Inputs:
        base = intent.intent_inputs()
        params = _recipe(
            c_grid=list(C_GRID),
            blend_grid=list(BLEND_GRID),
            leak_cost=LEAK_COST,
            defer_cost=DEFER_COST,
            tolerance=THRESHOLD_TOLERANCE,
            intent=dict(base.params),
        )
        return Inputs(files=base.files, params=params, featuriser=head_featuriser())

    return Trainer(name=ROUTER_HEAD, inputs=inputs, train=train_router_head, check=_check_head)


def harm_head_trainer() -> Trainer:
    def inputs() -> Inputs:
        files = [
            *sorted(HARM_DIR.glob("*.jsonl")),
            *(GUARD_DIR / n for n in (*GUARD_HARM_FILES, *GUARD_BENIGN_FILES)),
            *intent.data_files(),
        ]
        params = _recipe(
            c=C_HARM,
            labels=list(HARM_LABELS),
            false_block=HARM_FALSE_BLOCK,
            write_false_block=HARM_WRITE_FALSE_BLOCK,
            dev_percent=DEV_PERCENT,
        )
        return Inputs(files=files, params=params, featuriser=head_featuriser())

    return Trainer(name=HARM_HEAD, inputs=inputs, train=train_harm_head, check=_check_head)
