"""Training of the router's out-of-scope gate, stored in the router head's artifact.

The router sends a message to a specialist when its blended model is confident of one. Requests
that borrow the product's words in another sense ("how many elements are on the periodic table",
"cancel my gym membership", "i lost my phone") are often among them. The gate is a second opinion
on exactly those turns: a binary logistic regression (in scope / out of scope) over the message's
shared e5 vector and the router's nine blended probabilities (`agents.understanding.ScopeGate`).

Everything is chosen on out-of-fold predictions of the router's train split, never on the dev
split or an evaluation set: the router's blended probabilities are themselves out of fold, the
gate is fitted on the same grouped folds, and the cut is the lowest whose out-of-fold refusals of
in-scope requests the router sent on stay within `MAX_REFUSED` (a refused in-scope request is
answered as out of scope: the worst outcome of the gate); within that budget it keeps as many
out-of-scope requests from the specialists as it can. Requests with exact evidence (a flight
number, a confirmation code, a seat, a catalogue name in a stock question, a term of the airline's
documents in a policy question: `agents.scope_evidence`) are never refused, here as at run time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from agents.mixed import OUT_OF_SCOPE
from agents.scope_evidence import has_evidence
from training import intent

GATE_C_GRID = (1.0, 4.0, 16.0)
# Of the in-scope rows the router sends on with confidence, the gate may refuse at most this share
# out of fold (weighted like the router's rows).
MAX_REFUSED = 0.01
CUTS = tuple(round(x, 2) for x in np.arange(0.3, 0.991, 0.01))


def gate_features(vectors: np.ndarray, proba: np.ndarray) -> np.ndarray:
    """The gate's input: the sentence vector and the router's blended probabilities, side by side."""
    features: np.ndarray = np.hstack([vectors, proba]).astype(np.float32)
    return features


def _fit(x: np.ndarray, y: np.ndarray, weights: np.ndarray, c: float) -> Any:
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    clf = LogisticRegression(C=c, solver="liblinear", max_iter=2000, tol=1e-5)
    with threadpool_limits(limits=1):
        clf.fit(x, y, sample_weight=weights)
    return clf


def _export(clf: Any) -> tuple[np.ndarray, np.ndarray]:
    """A fitted binary regression as the two-class softmax `ScopeGate` scores: (weights, bias)."""
    coef, bias = clf.coef_[0], float(clf.intercept_[0])
    return np.stack([-coef / 2, coef / 2], axis=1).astype(np.float32), np.array(
        [-bias / 2, bias / 2], np.float32
    )


def sent_on(proba: np.ndarray, threshold: float) -> np.ndarray:
    """Rows the router alone would send to a specialist: confident of a label in scope."""
    out_labels = [intent.LABELS.index(label) for label in OUT_OF_SCOPE]
    on: np.ndarray = (proba.max(axis=1) >= threshold) & ~np.isin(proba.argmax(axis=1), out_labels)
    return on


def choose_cut(
    p_out: np.ndarray, y_out: np.ndarray, on: np.ndarray, protected: np.ndarray, weights: np.ndarray
) -> tuple[float, dict[str, float]]:
    """The lowest cut within the refusal budget, and the out-of-fold figures at it."""
    inside, outside = ~y_out, y_out
    acting = on & ~protected
    best = CUTS[-1]
    for cut in CUTS:
        refused = weights[inside & acting & (p_out >= cut)].sum() / weights[inside & on].sum()
        if refused <= MAX_REFUSED:
            best = cut
            break
    caught = acting & (p_out >= best)
    figures = {
        "in_scope_sent_on_refused": float(weights[inside & caught].sum() / weights[inside & on].sum()),
        "out_of_scope_sent_on_before": float(weights[outside & on].sum() / weights[outside].sum()),
        "out_of_scope_sent_on_after": float(weights[outside & on & ~caught].sum() / weights[outside].sum()),
    }
    return float(best), figures


def train_gate(
    vectors: np.ndarray,
    blended_oof: np.ndarray,
    rows: Sequence[intent.Row],
    weights: np.ndarray,
    threshold: float,
    folds: Sequence[tuple[np.ndarray, np.ndarray]],
) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    """(weights, bias, meta) of the gate fitted on every train row (on `folds`, the router's grouped
    folds, for its cut and CV figures)."""
    texts = [r.text for r in rows]
    y_out = np.array([r.label == "irrelevant" for r in rows])
    y = y_out.astype(int)
    x = gate_features(vectors, blended_oof)
    # Both classes weigh the same in the fit, within each the router's row weights (public rows less).
    fit_weights = weights.copy()
    for value in (0, 1):
        fit_weights[y == value] *= len(y) / 2 / weights[y == value].sum()
    on = sent_on(blended_oof, threshold)
    labels = [intent.LABELS[i] for i in blended_oof.argmax(axis=1)]
    protected = np.array([has_evidence(t, label) for t, label in zip(texts, labels, strict=True)])
    best: tuple[float, float, float, dict[str, float]] | None = None
    for c in GATE_C_GRID:
        p_out = np.zeros(len(y))
        for fit_idx, val_idx in folds:
            clf = _fit(x[fit_idx], y[fit_idx], fit_weights[fit_idx], c)
            p_out[val_idx] = clf.predict_proba(x[val_idx])[:, 1]
        cut, figures = choose_cut(p_out, y_out, on, protected, weights)
        score = figures["out_of_scope_sent_on_after"]
        if best is None or score < best[1] - 1e-9:
            best = (c, score, cut, figures)
    assert best is not None
    c_best, _, cut, figures = best
    gate_w, gate_b = _export(_fit(x, y, fit_weights, c_best))
    meta = {"C": c_best, "threshold": cut, "max_refused": MAX_REFUSED, "cv": figures}
    return gate_w, gate_b, meta
