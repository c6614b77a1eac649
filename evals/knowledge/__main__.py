"""`python -m evals.knowledge [--dataset main|fresh|all] [--out FILE.json] [--show-failures]`.

Prints recall@1, recall@3 and MRR (document level) for sparse, dense and hybrid retrieval,
overall and per language; the local engine's answer rate, no-answer handling and the number
grounding check (every number in an answer appears in a passage it cites).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from evals.knowledge.metrics import LANGUAGES, answer_metrics, load, retrieval_metrics

HERE = Path(__file__).resolve().parent
DATASETS = {"main": HERE / "questions.jsonl", "fresh": HERE / "fresh.jsonl"}


def _pct(x: float) -> str:
    return f"{100 * x:5.1f}%"


def report(name: str, path: Path, agent: Any) -> dict[str, Any]:
    cases = load(path)
    answerable = [c for c in cases if c["doc_id"]]
    by_lang = {lang: sum(1 for c in answerable if c["language"] == lang) for lang in ("en", "zh")}
    retrieval = retrieval_metrics(agent.index, cases)
    answers = answer_metrics(agent, cases)
    print(
        f"\n== {name}: {path.name} — {len(answerable)} answerable ({by_lang['en']} en / {by_lang['zh']} zh), "
        f"{len(cases) - len(answerable)} unanswerable; embedder {agent.embedder.name}"
    )
    print("retrieval (gold doc among ranked passages' documents)")
    print(f"  {'mode':7} {'lang':4} {'n':>3}  {'R@1':>6} {'R@3':>6} {'MRR':>6}")
    for mode, per_lang in retrieval.items():
        for lang in LANGUAGES:
            m = per_lang[lang]
            print(
                f"  {mode:7} {lang:4} {m['n']:>3}  {_pct(m['recall@1'])} {_pct(m['recall@3'])} {m['mrr']:6.3f}"
            )
    a = answers
    print("answers (local engine unless a chat model is configured)")
    print(
        f"  answered (answerable, found)      {a['answered']['count']}/{a['answered']['of']} = {_pct(a['answered']['rate'])}"
    )
    print(
        f"  cites the gold document           {a['cited_gold']['count']}/{a['cited_gold']['of']} = {_pct(a['cited_gold']['rate'])}"
    )
    print(
        f"  expected fact in the answer       {a['fact_in_answer']['count']}/{a['fact_in_answer']['of']} = {_pct(a['fact_in_answer']['rate'])}"
    )
    print(
        f"  no-answer handled (unanswerable)  {a['no_answer_handled']['count']}/{a['no_answer_handled']['of']} = {_pct(a['no_answer_handled']['rate'])}"
    )
    g = a["grounding"]
    print(
        f"  number grounding: {g['answers_with_ungrounded_numbers']} of {g['answers_checked']} answers "
        f"({g['answers_stating_numbers']} stating numbers) state a number absent from their cited passages"
    )
    print(f"  latency per answer: p50 {a['latency_ms']['p50']:.1f} ms, p95 {a['latency_ms']['p95']:.1f} ms")
    return {"dataset": str(path), "retrieval": retrieval, "answers": answers}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.knowledge", description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", choices=[*DATASETS, "all"], default="all")
    parser.add_argument("--out", type=Path, help="write the full report (with every case) as JSON")
    parser.add_argument("--show-failures", action="store_true", help="print the cases that failed")
    args = parser.parse_args(argv)

    from agents.knowledge import build_knowledge_agent
    from agents.llm import build_chat_model
    from switchboard.settings import get_settings

    settings = get_settings()
    agent = build_knowledge_agent(settings, build_chat_model(settings))
    agent.reindex()
    names = list(DATASETS) if args.dataset == "all" else [args.dataset]
    results = {name: report(name, DATASETS[name], agent) for name in names}
    if args.show_failures:
        for name, result in results.items():
            for row in result["answers"]["cases"]:
                bad = not row["correct_decision"] or row["fact"] is False or row["ungrounded_numbers"]
                if bad:
                    print(
                        f"\n[{name}] {row['id']}: found={row['found']} fact={row['fact']} "
                        f"ungrounded={row['ungrounded_numbers']}\n  {row['answer']}"
                    )
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
