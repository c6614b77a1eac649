"""Metrics of `python -m evals.knowledge`: document-level recall@k and MRR per retrieval mode, and
answer checks (found / not found, expected fact, numbers grounded in cited passages)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from tools.knowledge.grounding import citations_in, ungrounded_numbers
from tools.knowledge.index import MODES, KnowledgeIndex
from tools.knowledge.query import rewrite

LANGUAGES = ("all", "en", "zh")


def load(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def gold(case: dict[str, Any]) -> set[str]:
    return {case["doc_id"], *case.get("also", [])} if case["doc_id"] else set()


def doc_rank(index: KnowledgeIndex, case: dict[str, Any], mode: str) -> int | None:
    """1-based rank of the first gold document among the documents of the ranked passages."""
    hits = index.search(rewrite(case["question"], case["language"]), mode, k=50)
    docs = list(dict.fromkeys(h.chunk.doc_id for h in hits))
    return next((i + 1 for i, d in enumerate(docs) if d in gold(case)), None)


def _summary(ranks: list[int | None]) -> dict[str, float | int]:
    n = len(ranks)
    if not n:
        return {"n": 0, "recall@1": 0.0, "recall@3": 0.0, "mrr": 0.0}
    return {
        "n": n,
        "recall@1": sum(1 for r in ranks if r == 1) / n,
        "recall@3": sum(1 for r in ranks if r is not None and r <= 3) / n,
        "mrr": sum(1.0 / r for r in ranks if r) / n,
    }


def retrieval_metrics(index: KnowledgeIndex, cases: list[dict[str, Any]]) -> dict[str, Any]:
    answerable = [c for c in cases if c["doc_id"]]
    out: dict[str, Any] = {}
    for mode in MODES:
        ranks = {c["id"]: doc_rank(index, c, mode) for c in answerable}
        out[mode] = {
            lang: _summary([ranks[c["id"]] for c in answerable if lang in ("all", c["language"])])
            for lang in LANGUAGES
        }
        out[mode]["misses@1"] = [c["id"] for c in answerable if ranks[c["id"]] != 1]
    return out


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def answer_metrics(agent: Any, cases: list[dict[str, Any]]) -> dict[str, Any]:
    """Ask every question through `agent.answer` and check the replies."""
    rows = []
    latencies = []
    for case in cases:
        start = time.perf_counter()
        result = agent.answer(case["question"], case["language"])
        latencies.append((time.perf_counter() - start) * 1000)
        cited = citations_in(result.answer)
        passages = [s.snippet for s in result.sources if s.doc_id in cited]
        rows.append(
            {
                "id": case["id"],
                "language": case["language"],
                "answerable": bool(case["doc_id"]),
                "found": result.found,
                "correct_decision": result.found == bool(case["doc_id"]),
                "cited_gold": bool(gold(case) & set(cited)) if case["doc_id"] else None,
                "fact": (case["fact"].lower() in result.answer.lower()) if case.get("fact") else None,
                "ungrounded_numbers": sorted(ungrounded_numbers(result.answer, passages)),
                "states_numbers": any(ch.isdigit() for ch in result.answer),
                "answer": result.answer,
            }
        )
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    answered = [r for r in rows if r["found"]]

    def rate(items: list[dict[str, Any]], key: str) -> dict[str, Any]:
        hits = sum(1 for r in items if r[key])
        return {"count": hits, "of": len(items), "rate": hits / len(items) if items else 0.0}

    return {
        "answered": rate(answerable, "found"),
        "cited_gold": rate(answerable, "cited_gold"),
        "fact_in_answer": rate([r for r in answerable if r["fact"] is not None], "fact"),
        "no_answer_handled": rate(unanswerable, "correct_decision"),
        "grounding": {
            "answers_checked": len(answered),
            "answers_stating_numbers": sum(1 for r in answered if r["states_numbers"]),
            "answers_with_ungrounded_numbers": sum(1 for r in answered if r["ungrounded_numbers"]),
        },
        "latency_ms": {"p50": _percentile(latencies, 0.5), "p95": _percentile(latencies, 0.95)},
        "cases": rows,
    }
