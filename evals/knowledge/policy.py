"""`python -m evals.knowledge.policy [--set FILE] [--assistant] [--json] [--show-misses]`.

Policy questions with the document expected to answer them (`expected_doc`) or none (`null`: not
covered), scored two ways:
  * search (default): the knowledge agent alone, as `switchboard search --json` answers;
  * assistant (`--assistant`): the whole assistant, one fresh thread and database per question
    (`evals.routing.harness`), so router mistakes count too.
A covered question is right when the answer cites `[expected_doc]`; a not-covered one is right when
the reply cites no document (the knowledge desk's "not in the documents", or a decline elsewhere).
Lines: `{"id", "lang", "question", "expected_doc"}`. The default set is the policy dev set
(`policy_dev.jsonl`, written by an outside author from the documents' titles only; tuned on).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from tools.knowledge.grounding import citations_in

HERE = Path(__file__).resolve().parent
DEV = HERE / "policy_dev.jsonl"


def load(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def score(case: dict[str, Any], reply: str, cited: list[str], desk: str | None) -> dict[str, Any]:
    """One case's outcome: right or not, and which way it went."""
    expected = case["expected_doc"]
    cited_docs = sorted(set(cited) | set(citations_in(reply)))
    right = expected in cited_docs if expected else not cited_docs
    return {
        "id": case["id"],
        "lang": case["lang"],
        "expected": expected,
        "right": right,
        "cited": cited_docs,
        "desk": desk,
        "question": case["question"],
        "reply": reply,
    }


def run_search(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from agents.knowledge import build_knowledge_agent
    from switchboard.settings import get_settings

    agent = build_knowledge_agent(get_settings())
    rows = []
    for case in cases:
        answer = agent.answer(case["question"], case["lang"])
        rows.append(score(case, answer.answer, [s.doc_id for s in answer.sources], "knowledge_agent"))
    return rows


def run_assistant(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from evals.routing.harness import Harness
    from switchboard.settings import get_settings

    rows = []
    with tempfile.TemporaryDirectory(prefix="policy-") as tmp:
        harness = Harness(get_settings(), Path(tmp))
        for case in cases:
            turn = harness.run(case["question"], lang=case["lang"])
            desk = turn.guard or turn.agent
            rows.append(score(case, turn.reply, turn.cited, desk))
    return rows


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for group in ("all", "en", "zh"):
        mine = [r for r in rows if group in ("all", r["lang"])]
        covered = [r for r in mine if r["expected"]]
        uncovered = [r for r in mine if not r["expected"]]
        out[group] = {
            "cited_expected": sum(r["right"] for r in covered),
            "covered": len(covered),
            "honest_not_covered": sum(r["right"] for r in uncovered),
            "not_covered": len(uncovered),
        }
    out["desks_of_covered"] = dict(Counter(str(r["desk"]) for r in rows if r["expected"]))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m evals.knowledge.policy", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--set", type=Path, default=DEV)
    parser.add_argument("--assistant", action="store_true", help="through the whole assistant")
    parser.add_argument("--json", action="store_true", help="print every case as JSON too")
    parser.add_argument("--out", type=Path, help="write every case as JSON")
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args(argv)
    cases = load(args.set)
    rows = run_assistant(cases) if args.assistant else run_search(cases)
    report = summary(rows)
    mode = "assistant" if args.assistant else "search"
    for group in ("all", "en", "zh"):
        s = report[group]
        print(
            f"{mode} {group:3}: cited the expected document {s['cited_expected']}/{s['covered']}"
            f" ({s['cited_expected'] / max(1, s['covered']):.1%}); not covered answered honestly"
            f" {s['honest_not_covered']}/{s['not_covered']} ({s['honest_not_covered'] / max(1, s['not_covered']):.1%})"
        )
    print(f"desks of covered questions: {report['desks_of_covered']}")
    if args.show_misses:
        for r in rows:
            if not r["right"]:
                print(f"  MISS {r['id']} want {r['expected']} got {r['cited']} ({r['desk']}) {r['question']}")
                print(f"       {r['reply'][:160]!r}")
    if args.out:
        args.out.write_text(json.dumps({"summary": report, "cases": rows}, ensure_ascii=False, indent=1))
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
