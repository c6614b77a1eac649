"""Reciprocal-rank fusion of the sparse and dense rankings, then a feature reranker.

No cross-encoder ships offline (models may not be downloaded at run time), so the fused top-k is
reranked by three cheap signals that each fix a known weakness of the other lists:
  * dense z-score: the cosine of the passage's best sentence, in standard deviations above the
    mean over all sentences in the asker's language. Raw e5 cosines crowd into 0.75-0.95 and
    shift per query and language; the z-score does not, nor does it depend on the embedder's
    scale. It carries the paraphrase-level and cross-lingual signal.
  * coverage: the IDF-weighted share of the question's concepts (rewritten words; Chinese
    characters) found in the passage. BM25 rewards one rare word repeated; coverage asks whether
    the whole question is addressed, and unseen words (damaged, 签证) weigh the most.
  * language match: among the parallel English/Chinese sections, answer from the asker's one.
The same two signals, without the language bonus, decide relevance ("not in the documents").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from tools.knowledge.query import Concept

RRF_K = 60
# relevance = coverage + DENSE_WEIGHT * min(z, Z_CAP): coverage is in [0, 1], a clearly relevant
# passage sits 3-5 standard deviations above the mean, so both signals count about equally.
DENSE_WEIGHT = 0.25
Z_CAP = 5.0
# Ranking adds a small bonus for the asker's language (parallel sections tie otherwise).
LANGUAGE_BONUS = 0.05


@dataclass(frozen=True)
class Features:
    dense: float  # best sentence cosine
    dense_z: float
    coverage: float
    language_match: bool
    rrf: float

    @property
    def relevance(self) -> float:
        """How well the passage addresses the question; `answer` compares it with a threshold."""
        return self.coverage + DENSE_WEIGHT * min(self.dense_z, Z_CAP)

    @property
    def score(self) -> float:
        """The reranking score."""
        return self.relevance + LANGUAGE_BONUS * self.language_match


def rrf(rankings: Iterable[Sequence[int]], size: int, k: int = RRF_K) -> np.ndarray:
    """Reciprocal-rank fusion: sum of 1 / (k + rank) over the rankings a passage appears in."""
    fused = np.zeros(size, dtype=np.float64)
    for ranking in rankings:
        for rank, index in enumerate(ranking):
            fused[index] += 1.0 / (k + rank + 1)
    return fused


def coverage(
    concepts: Sequence[Concept], passage_tokens: set[str] | frozenset[str], idf: Callable[[str], float]
) -> float:
    """IDF-weighted share of the question's concepts present in the passage. A concept is present
    when all terms of one of its phrasings are; it weighs the mean IDF of the asker's phrasing, so
    a word the documents never use (damaged, 签证) weighs the most."""
    total = covered = 0.0
    for concept in concepts:
        asked = concept.phrases[0]
        weight = sum(idf(t) for t in asked) / len(asked)
        total += weight
        if any(phrase <= passage_tokens for phrase in concept.phrases):
            covered += weight
    return covered / total if total > 0 else 0.0
