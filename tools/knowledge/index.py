"""The knowledge index: passages, their vectors and BM25, persisted under `var/index/`.

One file per embedder, `var/index/<embedder>.npz`, holds the sentence vectors and a JSON manifest
(per document: content hash, titles, passages). Opening the index compares every document's hash
with the manifest: unchanged documents keep their passages and vectors, changed and new ones are
re-chunked, and only sentences whose text is new are embedded (vectors are keyed by the hash of
the text embedded, so editing one sentence of a file re-embeds one sentence). BM25 is rebuilt in memory
on every open: its IDF statistics are corpus-wide anyway and it takes milliseconds here. The file
is written with an atomic rename under a lock, so concurrent readers never see half an index.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from switchboard.settings import VAR_DIR
from tools.knowledge.chunking import Chunk, chunk_document
from tools.knowledge.dense import DenseIndex, Embedder
from tools.knowledge.documents import KNOWLEDGE_DIR, load_documents
from tools.knowledge.fusion import Features, coverage, rrf
from tools.knowledge.query import Query
from tools.knowledge.sparse import SparseIndex
from tools.knowledge.tokenize import tokenize

INDEX_DIR = VAR_DIR / "index"
# Bump when the manifest changes. Stored passages are also invalidated whenever the code that
# makes them (chunking, sanitize, documents) changes; vectors are still reused by sentence text.
INDEX_VERSION = 2
CANDIDATES = 30  # taken from each of the sparse and dense lists
RERANK_DEPTH = 20  # fused candidates the reranker scores
MODES = ("sparse", "dense", "hybrid")


@functools.lru_cache(maxsize=1)
def _pipeline_version() -> str:
    from tools.knowledge import chunking, documents, sanitize

    digest = hashlib.sha1(str(INDEX_VERSION).encode())
    for module in (chunking, documents, sanitize):
        digest.update(Path(module.__file__ or "").read_bytes())
    return digest.hexdigest()[:16]


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    embedded: int = 0  # passages sent to the embedder
    dropped_sentences: dict[str, int] = field(default_factory=dict)  # instruction-like, per doc_id

    @property
    def wrote(self) -> bool:
        return bool(self.added or self.changed or self.removed or self.embedded)

    def lines(self) -> list[str]:
        out = [
            f"added: {', '.join(self.added) or '-'}",
            f"changed: {', '.join(self.changed) or '-'}",
            f"removed: {', '.join(self.removed) or '-'}",
            f"unchanged: {len(self.unchanged)} document(s); passages embedded: {self.embedded}",
        ]
        out += [f"skipped {name}: {reason}" for name, reason in self.skipped]
        out += [
            f"warning: {doc_id}: dropped {n} instruction-like sentence(s)"
            for doc_id, n in sorted(self.dropped_sentences.items())
        ]
        return out


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    features: Features
    sparse: float
    sentence_cosines: tuple[float, ...]  # per sentence of the passage (zeros in sparse mode)

    @property
    def score(self) -> float:
        return self.features.score


def _key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name)[:80] or "default"


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    directory.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # not POSIX: the atomic rename still protects readers
        yield
        return
    with open(directory / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class KnowledgeIndex:
    """Passages with sparse and dense indexes; `search` ranks them for a rewritten query."""

    def __init__(
        self,
        chunks: list[Chunk],
        vectors: np.ndarray,
        titles: dict[str, dict[str, str]],
        embedder: Embedder,
        hashes: dict[str, str] | None = None,
    ) -> None:
        owners = [i for i, chunk in enumerate(chunks) for _ in chunk.sentences]
        if len(owners) != len(vectors):
            raise ValueError(f"{len(owners)} sentences but {len(vectors)} vectors")
        self.chunks = chunks
        self.titles = titles
        self.hashes = hashes or {}
        self.embedder = embedder
        # Token sets for coverage are recomputed for the few reranked candidates of a query:
        # keeping one per passage cost more memory than the vectors at 10,000 documents.
        self.sparse = SparseIndex([tokenize(c.search_text) for c in chunks])
        self.dense = DenseIndex(vectors, np.asarray(owners, dtype=np.int32), len(chunks))
        self.sentence_language = np.asarray([chunks[i].language for i in owners], dtype="U2")
        first = np.zeros(len(chunks) + 1, dtype=np.int64)
        np.cumsum([len(c.sentences) for c in chunks], out=first[1:])
        self._first_sentence = first

    # ----------------------------------------------------------------------------- building
    @classmethod
    def open(
        cls, embedder: Embedder, kb_dir: Path = KNOWLEDGE_DIR, index_dir: Path = INDEX_DIR
    ) -> tuple[KnowledgeIndex, SyncReport]:
        """The index of `kb_dir`, brought up to date with the folder and saved if it changed."""
        path = index_dir / f"{_slug(embedder.name)}.npz"
        with _locked(index_dir):
            manifest, vectors = _read(path, embedder.name)
            index, report = cls._sync(embedder, kb_dir, manifest, vectors)
            if report.wrote or not path.exists():
                index._write(path, report)
        return index, report

    @classmethod
    def _sync(
        cls, embedder: Embedder, kb_dir: Path, manifest: dict[str, Any], stored_vectors: np.ndarray
    ) -> tuple[KnowledgeIndex, SyncReport]:
        loaded = load_documents(kb_dir)
        report = SyncReport(skipped=loaded.skipped)
        version = _pipeline_version()
        stored_docs: dict[str, Any] = manifest.get("docs", {}) if manifest.get("version") == version else {}
        by_key = {key: row for row, key in enumerate(manifest.get("keys", []))}
        chunks: list[Chunk] = []
        titles: dict[str, dict[str, str]] = {}
        hashes: dict[str, str] = {}
        for doc in loaded.documents:
            previous = stored_docs.get(doc.doc_id)
            if previous and previous["hash"] == doc.content_hash:
                doc_chunks = [Chunk(**c) for c in previous["chunks"]]
                dropped = previous.get("dropped", 0)
                report.unchanged.append(doc.doc_id)
            else:
                doc_chunks, dropped = chunk_document(doc)
                (report.changed if doc.doc_id in manifest.get("docs", {}) else report.added).append(
                    doc.doc_id
                )
            if dropped:
                report.dropped_sentences[doc.doc_id] = dropped
            chunks += doc_chunks
            titles[doc.doc_id] = dict(doc.titles)
            hashes[doc.doc_id] = doc.content_hash
        report.removed = sorted(set(manifest.get("docs", {})) - set(hashes))

        texts = [text for chunk in chunks for text in chunk.embedding_texts()]
        keys = [_key(text) for text in texts]
        missing = {key: text for key, text in zip(keys, texts, strict=True) if key not in by_key}
        # No new text: an empty block, so the width comes from the stored vectors.
        fresh = (
            embedder.embed_passages(list(missing.values())) if missing else np.zeros((0, 0), dtype=np.float32)
        )
        report.embedded = len(missing)
        dim = fresh.shape[1] if fresh.size else (stored_vectors.shape[1] if stored_vectors.size else 0)
        vectors = np.zeros((len(texts), dim), dtype=np.float32)
        fresh_row = {key: r for r, key in enumerate(missing)}
        for i, key in enumerate(keys):
            vectors[i] = fresh[fresh_row[key]] if key in fresh_row else stored_vectors[by_key[key]]
        index = cls(chunks, vectors, titles, embedder, hashes)
        return index, report

    def _write(self, path: Path, report: SyncReport) -> None:
        docs: dict[str, dict[str, Any]] = {}
        for chunk in self.chunks:
            docs.setdefault(chunk.doc_id, {"chunks": []})["chunks"].append(asdict(chunk))
        for doc_id in self.titles:
            entry = docs.setdefault(doc_id, {"chunks": []})
            entry.update(hash=self.hashes.get(doc_id, ""), titles=self.titles[doc_id])
            entry["dropped"] = report.dropped_sentences.get(doc_id, 0)
        manifest = {
            "version": _pipeline_version(),
            "embedder": self.embedder.name,
            "docs": docs,
            "keys": [_key(text) for chunk in self.chunks for text in chunk.embedding_texts()],
        }
        raw = np.frombuffer(json.dumps(manifest, ensure_ascii=False).encode("utf-8"), dtype=np.uint8)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.stem, suffix=".tmp.npz")
        try:
            with os.fdopen(fd, "wb") as handle:
                np.savez(handle, vectors=self.dense.vectors, manifest=raw)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    # ----------------------------------------------------------------------------- searching
    def title(self, doc_id: str, language: str) -> str:
        titles = self.titles.get(doc_id, {})
        return titles.get(language) or titles.get("en") or doc_id

    def search(self, query: Query, mode: str = "hybrid", k: int = 10) -> list[Hit]:
        """The best `k` passages for `query`: by BM25, by cosine, or fused and reranked."""
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; expected one of {MODES}")
        n = len(self.chunks)
        if n == 0:
            return []
        sparse = self.sparse.scores(tokenize(query.expanded))
        if mode == "sparse":
            sentences = np.zeros(len(self.dense.vectors), dtype=np.float32)
            dense = np.zeros(n, dtype=np.float32)
            dense_z = dense
        else:
            sentences = self.dense.sentence_scores(self.embedder.embed_query(query.original))
            dense = self.dense.passage_scores(sentences)
            dense_z = self._z(dense, sentences, query.language)
        fused = np.zeros(n)
        if mode == "sparse":
            order = _top(sparse, k)
        elif mode == "dense":
            order = _top(dense, k)
        else:
            fused = rrf([_top(sparse, CANDIDATES, positive=True), _top(dense, CANDIDATES)], n)
            order = _top(fused, RERANK_DEPTH, positive=True)
        hits = []
        for i in order:
            chunk = self.chunks[i]
            features = Features(
                dense=float(dense[i]),
                dense_z=float(dense_z[i]),
                coverage=coverage(query.concepts, set(tokenize(chunk.search_text)), self.sparse.idf),
                language_match=chunk.language == query.language,
                rrf=float(fused[i]),
            )
            lo, hi = self._first_sentence[i], self._first_sentence[i + 1]
            hits.append(Hit(chunk, features, float(sparse[i]), tuple(float(x) for x in sentences[lo:hi])))
        if mode == "hybrid":
            hits.sort(key=lambda h: -h.score)
        return hits[:k]

    def _z(self, dense: np.ndarray, sentences: np.ndarray, language: str) -> np.ndarray:
        """Passage cosines in standard deviations above the asker's-language sentence mean."""
        pool = sentences[self.sentence_language == language]
        if len(pool) < 2:
            pool = sentences
        if len(pool) < 2:
            return np.zeros_like(dense)
        std = float(pool.std())
        return (dense - float(pool.mean())) / (std if std > 1e-9 else 1.0)

    def nbytes(self) -> int:
        """Approximate memory of the index: vectors, BM25 matrix and vocabulary, passage texts."""
        texts = sum(len(c.text.encode("utf-8")) + len(c.heading.encode("utf-8")) + 200 for c in self.chunks)
        vocabulary = sum(len(t) * 4 + 100 for t in self.sparse.df)  # str + dict entry + int
        return int(self.dense.nbytes() + self.sparse.nbytes() + texts + vocabulary)


def _top(scores: np.ndarray, k: int, positive: bool = False) -> list[int]:
    """Indices of the `k` highest scores, best first (ties by position; zeros dropped if asked)."""
    k = min(k, len(scores))
    if k <= 0:
        return []
    part = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
    order = sorted(part.tolist(), key=lambda i: (-float(scores[i]), i))
    return [i for i in order if scores[i] > 0] if positive else order


def _read(path: Path, embedder_name: str) -> tuple[dict[str, Any], np.ndarray]:
    """The stored manifest and vectors, or empty ones when absent, unreadable or foreign."""
    empty: tuple[dict[str, Any], np.ndarray] = ({}, np.zeros((0, 0), dtype=np.float32))
    if not path.exists():
        return empty
    try:
        with np.load(path, allow_pickle=False) as data:
            manifest = json.loads(data["manifest"].tobytes().decode("utf-8"))
            vectors = np.asarray(data["vectors"], dtype=np.float32)
    except (OSError, ValueError, KeyError, json.JSONDecodeError):
        return empty  # a corrupt file is rebuilt, not fatal
    if manifest.get("embedder") != embedder_name or len(manifest.get("keys", [])) != len(vectors):
        return empty
    return manifest, vectors
