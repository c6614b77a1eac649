"""BM25 over passages (the maintained `bm25s` library, Lucene variant) plus the document
frequencies the reranker's coverage feature needs. bm25s (and scipy) load only when built."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np


class SparseIndex:
    """BM25 scores of a tokenised query against every passage."""

    def __init__(self, token_lists: Sequence[Sequence[str]], k1: float = 1.2, b: float = 0.75) -> None:
        import bm25s

        self.size = len(token_lists)
        self.df: Counter[str] = Counter()
        for tokens in token_lists:
            self.df.update(set(tokens))
        self._bm25 = bm25s.BM25(k1=k1, b=b, method="lucene")
        if self.size:
            # An empty passage still needs a token for bm25s; "" never occurs in a query.
            self._bm25.index([list(t) or [""] for t in token_lists], show_progress=False)
        self.max_idf = self.idf("")

    def idf(self, token: str) -> float:
        """Inverse document frequency; unseen tokens get the largest value."""
        df = self.df.get(token, 0)
        return math.log(1.0 + (self.size - df + 0.5) / (df + 0.5))

    def scores(self, tokens: Sequence[str]) -> np.ndarray:
        known = [t for t in tokens if t in self.df]
        if not known or not self.size:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(known), dtype=np.float32)

    def nbytes(self) -> int:
        """Bytes held by the score matrix (for the benchmark's memory figure)."""
        scores = self._bm25.scores if self.size else {}
        return int(sum(v.nbytes for v in scores.values() if isinstance(v, np.ndarray)))
