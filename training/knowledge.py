"""Tuning of the knowledge agent's relevance decision ("is the answer in the documents?").

`tools.knowledge.fusion.Features.relevance` is `coverage + DENSE_WEIGHT * min(dense_z, Z_CAP)` and
`tools.knowledge.answer` answers when the best passage's relevance reaches `RELEVANCE_THRESHOLD`.
`python -m training tune knowledge` chooses the dense weight and the threshold by 5-fold
cross-validation on `training/data/knowledge/relevance.jsonl` (questions written for it: answerable
ones with the document (or documents) that answer them, and airline questions the documents do not answer).
A question counts as rightly answered when the decision says "found" and the best passage is from
its document; rightly declined when the decision says "not found" and it has no document (an
answerable question whose best passage is from another document is also better declined).
It prints the cross-validated accuracy and the constants to write into the runtime; the
evaluation sets of `evals/knowledge/` are never used here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

import numpy as np

DATA = Path(__file__).resolve().parent / "data" / "knowledge" / "relevance.jsonl"
WEIGHTS = tuple(round(w, 2) for w in np.arange(0.1, 0.61, 0.05))
THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.6, 2.01, 0.02))
FOLDS = 5
SEED = 0


class Observed(NamedTuple):
    question: str
    language: str
    coverage: float
    dense_z: float
    right_doc: bool  # the best passage is from the question's document
    answerable: bool


def _docs(doc_id: str | list[str] | None) -> list[str]:
    """The documents that answer a question (a list when two sections answer it alike)."""
    return [] if doc_id is None else [doc_id] if isinstance(doc_id, str) else list(doc_id)


def observe(path: Path = DATA) -> list[Observed]:
    """Retrieve every question of `path` with the local knowledge agent and keep its features."""
    from agents.knowledge import build_knowledge_agent
    from switchboard.settings import get_settings
    from tools.knowledge.answer import retrieve

    index = build_knowledge_agent(get_settings()).index
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        retrieval = retrieve(index, record["question"], record["language"])
        best = retrieval.hits[0] if retrieval.hits else None
        rows.append(
            Observed(
                record["question"],
                record["language"],
                best.features.coverage if best else 0.0,
                best.features.dense_z if best else 0.0,
                bool(best and best.chunk.doc_id in _docs(record["doc_id"])),
                record["doc_id"] is not None,
            )
        )
    return rows


def _accuracy(rows: list[Observed], weight: float, threshold: float, z_cap: float) -> float:
    right = 0
    for r in rows:
        found = r.coverage + weight * min(r.dense_z, z_cap) >= threshold
        right += (found and r.right_doc and r.answerable) or (
            not found and not (r.answerable and r.right_doc)
        )
    return right / len(rows)


def best_pair(rows: list[Observed], z_cap: float) -> tuple[float, float]:
    scores = {(w, t): _accuracy(rows, w, t, z_cap) for w in WEIGHTS for t in THRESHOLDS}
    top = max(scores.values())
    # Among the best pairs, the middle threshold of the weight nearest the current 0.25: a margin.
    best = [wt for wt, s in scores.items() if s == top]
    weight = min({w for w, _ in best}, key=lambda w: abs(w - 0.25))
    cuts = sorted(t for w, t in best if w == weight)
    return weight, cuts[len(cuts) // 2]


def tune(z_cap: float = 5.0) -> None:
    rows = observe()
    rng = np.random.default_rng(SEED)
    order = rng.permutation(len(rows))
    folds = np.array_split(order, FOLDS)
    held = []
    for k, fold in enumerate(folds):
        train = [rows[i] for j, f in enumerate(folds) if j != k for i in f]
        weight, threshold = best_pair(train, z_cap)
        held.append(_accuracy([rows[i] for i in fold], weight, threshold, z_cap))
    weight, threshold = best_pair(rows, z_cap)
    print(f"{len(rows)} questions; {FOLDS}-fold cross-validated accuracy {np.mean(held):.3f}")
    print(f"chosen on all: DENSE_WEIGHT = {weight}, RELEVANCE_THRESHOLD = {threshold}")
    print(
        f"  accuracy with them {_accuracy(rows, weight, threshold, z_cap):.3f}; with 0.25 / 1.26: {_accuracy(rows, 0.25, 1.26, z_cap):.3f}"
    )
    for r in rows:
        found = r.coverage + weight * min(r.dense_z, z_cap) >= threshold
        if found != (r.answerable and r.right_doc):
            print(
                f"  {'ANSWERED' if found else 'DECLINED'} cov={r.coverage:.2f} z={r.dense_z:.2f} right_doc={r.right_doc} {r.question}"
            )
