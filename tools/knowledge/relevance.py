"""The relevance decision: do the retrieved passages hold the answer, or is it "not in the documents"?

One fixed cut on `coverage + 0.25·z` declined many plainly answered questions asked in travellers'
words ("my bag came out broken", "贵宾厅") and answered some that only shared a word with a passage
("东航在浦东哪个航站楼" → the lounge at Pudong T2). This module scores the best passage with a small
logistic model over retrieval features instead; it is fitted and cross-validated, grouped by
document, by `python -m training tune knowledge --write`, which writes `relevance_model.json` next to
this file (weights, feature scaling, the probability cut). Only numpy runs here: the model is a
dot product.

Features of the best reranked passage (of a question's retrieval, never of its text):
  * coverage and dense z (capped): the two signals of the old single cut `coverage + 0.25·z`;
  * phrase coverage: IDF-weighted share of the question's words (English) or character bigrams
    (Chinese) found in the passage. Coverage counts single Chinese characters, so "东航" is two
    known characters; as a bigram it is a word the passage does not have;
  * margin: the passage's relevance above the best passage of another document (a question that
    fits one document clearly is more often answered there than one that half-fits three).
Larger sets (document-wide coverage, title overlap, unseen words, BM25, the rarest missing concept)
cross-validated no better and answered more near-topic questions the documents do not cover
(docs/knowledge.md).
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tools.knowledge.fusion import Z_CAP
from tools.knowledge.query import Query
from tools.knowledge.tokenize import is_cjk_token, tokenize

MODEL_PATH = Path(__file__).resolve().parent / "relevance_model.json"
FEATURES = ("coverage", "dense_z", "phrase_coverage", "margin")


@dataclass(frozen=True)
class Candidate:
    """What the decision needs to know about one retrieved passage."""

    doc_id: str
    search_text: str
    coverage: float
    dense_z: float
    relevance: float


def features(query: Query, candidates: Sequence[Candidate], idf: Callable[[str], float]) -> np.ndarray:
    """The feature vector (in `FEATURES` order) of the best candidate; zeros without candidates."""
    if not candidates:
        return np.zeros(len(FEATURES))
    best = candidates[0]
    others = [c.relevance for c in candidates[1:] if c.doc_id != best.doc_id]
    margin = best.relevance - max(others) if others else best.relevance
    passage = set(tokenize(best.search_text))
    # Chinese: bigrams only (the characters are what coverage already counts); English: words.
    asked = list(dict.fromkeys(t for t in tokenize(query.original) if not is_cjk_token(t) or len(t) > 1))
    weights = [idf(t) for t in asked]
    phrase_coverage = sum(w for t, w in zip(asked, weights, strict=True) if t in passage) / (
        sum(weights) or 1.0
    )
    return np.array([best.coverage, min(best.dense_z, Z_CAP), phrase_coverage, margin])


@dataclass(frozen=True)
class RelevanceModel:
    """Standardised logistic regression: P(answered by the best passage's document)."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float  # answer when the probability reaches it

    def probability(self, x: np.ndarray) -> float:
        z = float(((x - self.mean) / self.scale) @ self.coef + self.intercept)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def found(self, x: np.ndarray) -> bool:
        return self.probability(x) >= self.threshold

    def to_json(self) -> dict[str, object]:
        return {
            "features": list(FEATURES),
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "coef": self.coef.tolist(),
            "intercept": self.intercept,
            "threshold": self.threshold,
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> RelevanceModel:
        if data.get("features") != list(FEATURES):
            raise ValueError("the relevance model was fitted on other features; re-run the tuning")

        def vector(name: str) -> np.ndarray:
            values = data[name]
            assert isinstance(values, list)
            return np.asarray(values, dtype=np.float64)

        intercept, threshold = data["intercept"], data["threshold"]
        assert isinstance(intercept, float | int) and isinstance(threshold, float | int)
        return cls(vector("mean"), vector("scale"), vector("coef"), float(intercept), float(threshold))


@functools.lru_cache(maxsize=1)
def load_model(path: Path = MODEL_PATH) -> RelevanceModel:
    return RelevanceModel.from_json(json.loads(path.read_text(encoding="utf-8")))
