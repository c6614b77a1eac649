"""Fitting the knowledge agent's relevance decision ("is the answer in the documents?").

`tools.knowledge.relevance` scores the best retrieved passage with a logistic model over retrieval
features. `python -m training tune knowledge [--write]` fits it on questions written for it:
  * `training/data/knowledge/relevance.jsonl`: answerable questions with the document (or
    documents) that answer them, in many phrasings (colloquial, typo'd, indirect), and airline or
    travel questions the documents do not answer;
  * `evals/knowledge/policy_dev.jsonl`: the policy dev set (an outside author, documents' titles
    only; `expected_doc` or null).
A question is a positive when it is answerable and its best passage is from its document (an
answerable question whose best passage is from another document is better declined than answered
from the wrong one). The regularisation and the probability cut are chosen by grouped
cross-validation: folds hold out whole documents (a not-covered question goes with the document it
lands on), so the estimate is for questions about topics the fit did not see. The evaluation sets
of `evals/knowledge/` (questions.jsonl, fresh.jsonl) are never used here. `--write` refits on all
rows and writes `tools/knowledge/relevance_model.json`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "training" / "data" / "knowledge" / "relevance.jsonl"
DEV = ROOT / "evals" / "knowledge" / "policy_dev.jsonl"
C_GRID = (0.03, 0.1, 0.3, 1.0, 3.0)
CUTS = tuple(round(c, 2) for c in np.arange(0.2, 0.81, 0.05))
FOLDS = 6


@dataclass(frozen=True)
class Observed:
    source: str
    question: str
    language: str
    x: np.ndarray
    right_doc: bool  # the best passage is from the question's document
    answerable: bool
    group: str
    old_found: bool  # the previous rule: coverage + 0.25·z >= 1.26

    @property
    def label(self) -> bool:
        return self.answerable and self.right_doc


def _docs(doc_id: str | list[str] | None) -> list[str]:
    """The documents that answer a question (a list when two sections answer it alike)."""
    return [] if doc_id is None else [doc_id] if isinstance(doc_id, str) else list(doc_id)


def _records() -> list[tuple[str, dict[str, Any]]]:
    out = []
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if line.strip():
            out.append(("relevance", json.loads(line)))
    for line in DEV.read_text(encoding="utf-8").splitlines():
        if line.strip():
            r = json.loads(line)
            out.append(
                (
                    "policy_dev",
                    {"question": r["question"], "language": r["lang"], "doc_id": r["expected_doc"]},
                )
            )
    return out


def observe() -> list[Observed]:
    """Retrieve every question with the local knowledge agent and keep its decision features."""
    from agents.knowledge import build_knowledge_agent
    from switchboard.settings import get_settings
    from tools.knowledge.answer import decision_features
    from tools.knowledge.query import rewrite

    index = build_knowledge_agent(get_settings()).index
    rows = []
    for source, record in _records():
        query = rewrite(record["question"], record["language"])
        hits = index.search(query, "hybrid", k=10)
        docs = _docs(record["doc_id"])
        top = hits[0].chunk.doc_id if hits else ""
        rows.append(
            Observed(
                source,
                record["question"],
                record["language"],
                decision_features(index, query, hits),
                top in docs,
                bool(docs),
                docs[0] if docs else top,
                bool(hits) and hits[0].features.relevance >= 1.26,
            )
        )
    return rows


def _fit(x: np.ndarray, y: np.ndarray, c: float) -> Any:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=2000)).fit(x, y)


def out_of_fold(rows: list[Observed], c: float) -> np.ndarray:
    """Grouped cross-validated probabilities: each document's questions predicted by a fit
    that never saw that document."""
    from sklearn.model_selection import GroupKFold

    x = np.stack([r.x for r in rows])
    y = np.array([r.label for r in rows])
    groups = np.array([r.group for r in rows])
    proba = np.zeros(len(rows))
    for train, test in GroupKFold(n_splits=FOLDS).split(x, y, groups):
        proba[test] = _fit(x[train], y[train], c).predict_proba(x[test])[:, 1]
    return proba


def _accuracy(rows: list[Observed], found: np.ndarray) -> float:
    return float(np.mean([f == r.label for r, f in zip(rows, found, strict=True)]))


def choose(rows: list[Observed]) -> tuple[float, float, np.ndarray]:
    """(C, cut, out-of-fold probabilities at that C) with the best grouped-CV accuracy; ties go
    to the cut nearest 0.5 and the stronger regularisation."""
    best: tuple[float, float, float, np.ndarray] | None = None
    for c in C_GRID:
        proba = out_of_fold(rows, c)
        for cut in CUTS:
            score = _accuracy(rows, proba >= cut)
            key = (score, -abs(cut - 0.5))
            if best is None or key > (best[0], -abs(best[2] - 0.5)):
                best = (score, c, cut, proba)
    assert best is not None
    return best[1], best[2], best[3]


def _report(rows: list[Observed], found: np.ndarray, name: str) -> None:
    for source in ("relevance", "policy_dev", "all"):
        mine = [(r, f) for r, f in zip(rows, found, strict=True) if source in ("all", r.source)]
        covered = [(r, f) for r, f in mine if r.answerable]
        uncovered = [(r, f) for r, f in mine if not r.answerable]
        cited = sum(1 for r, f in covered if f and r.right_doc)
        declined = sum(1 for _, f in uncovered if not f)
        acc = np.mean([f == r.label for r, f in mine])
        print(
            f"  {name:22} {source:10} decision accuracy {acc:.3f}; answered from the right document "
            f"{cited}/{len(covered)}; not covered declined {declined}/{len(uncovered)}"
        )


def tune(write: bool = False) -> None:
    from tools.knowledge.relevance import MODEL_PATH, RelevanceModel

    rows = observe()
    c, cut, proba = choose(rows)
    print(f"{len(rows)} questions, {FOLDS} folds grouped by document; chosen C={c}, cut={cut}")
    _report(rows, np.array([r.old_found for r in rows]), "old rule (1.26 cut)")
    _report(rows, proba >= cut, "model, grouped CV")
    x = np.stack([r.x for r in rows])
    y = np.array([r.label for r in rows])
    pipeline = _fit(x, y, c)
    scaler, logistic = pipeline[0], pipeline[-1]
    model = RelevanceModel(
        np.asarray(scaler.mean_, dtype=np.float64),
        np.asarray(scaler.scale_, dtype=np.float64),
        np.asarray(logistic.coef_[0], dtype=np.float64),
        float(logistic.intercept_[0]),
        cut,
    )
    _report(rows, np.array([model.found(r.x) for r in rows]), "model, fitted on all")
    for r, p in zip(rows, proba, strict=True):
        if (p >= cut) != r.label:
            what = "ANSWERED" if p >= cut else "DECLINED"
            print(f"  cv {what} p={p:.2f} right_doc={r.right_doc} answerable={r.answerable} {r.question}")
    if write:
        MODEL_PATH.write_text(json.dumps(model.to_json(), indent=1) + "\n", encoding="utf-8")
        print(f"wrote {MODEL_PATH}")
