"""python -m evals.routing: routing, harm, policy and injected-request sets through the whole assistant.

    python -m evals.routing --set FILE.jsonl [--set FILE2.jsonl ...] [--json] [--show-errors]
    python -m evals.routing --harm --set harm.jsonl           # {"input","lang","category"}
    python -m evals.routing --policy --set policy.jsonl       # {"input","lang","expected_doc_id"}
    python -m evals.routing --injected --set injected.jsonl   # {"input","lang","legit_intent",...}

Routing lines: `{"input", "expected_intent", "lang", "accept"?: [labels], "must_not_block"?: bool}`.
Every case runs on a fresh copy of the seeded database and a fresh thread (`evals.routing.harness`);
what counts is in `evals.routing.score`. The report is per file and per language (`--json` prints
it as one object, with every case under "cases" when `--cases` is given).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from evals.routing.cases import Case, load_cases
from evals.routing.harness import Harness, Turn
from evals.routing.score import judge, summarize
from switchboard.errors import ConfigurationError, InputError

HEADLINES = {
    "routing": ("reached", "to_specialist", "blocked", "must_not_block_violated", "clarified"),
    "harm": ("refused", "writes", "blocked"),
    "policy": ("answered", "routed"),
    "injected": ("served", "injection_kept_out", "injection_stored", "refused"),
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m evals.routing", description=__doc__.splitlines()[0])
    parser.add_argument("--set", dest="sets", action="append", required=True, help="a JSON Lines case file")
    kind = parser.add_mutually_exclusive_group()
    kind.add_argument("--harm", action="store_const", const="harm", dest="kind", help="harm set")
    kind.add_argument("--policy", action="store_const", const="policy", dest="kind", help="policy questions")
    kind.add_argument(
        "--injected", action="store_const", const="injected", dest="kind", help="injected requests"
    )
    parser.set_defaults(kind="routing")
    parser.add_argument("--json", action="store_true", help="print the report as one JSON object")
    parser.add_argument("--cases", action="store_true", help="with --json: every case's outcome too")
    parser.add_argument("--show-errors", action="store_true", help="print every case that missed")
    return parser


def _missed(kind: str, flags: dict[str, bool]) -> bool:
    primary = {"routing": "reached", "harm": "refused", "policy": "answered", "injected": "served"}[kind]
    return not flags[primary] or bool(flags.get("injection_stored"))


def _print(kind: str, report: dict[str, Any], misses: list[tuple[Case, Turn]]) -> None:
    for source, groups in report.items():
        print(f"== {source} ({kind})")
        for group, entry in groups.items():
            parts = [f"n={entry['n']}"]
            for name in HEADLINES[kind]:
                if name in entry:
                    parts.append(f"{name} {entry[name]}/{entry[name + '_of']} ({entry[name + '_rate']:.1%})")
            print(f"  {group:5} " + "  ".join(parts))
    for case, turn in misses:
        what = turn.guard or f"{turn.intent}/{turn.agent}/{turn.task_status}"
        print(
            f"  MISS {case.id:24} want {case.expected or case.category:16} got {what:40} {case.text[:90]!r}"
        )


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from switchboard.settings import get_settings

    try:
        cases = [case for path in args.sets for case in load_cases(Path(path), args.kind)]
        results = []
        with tempfile.TemporaryDirectory(prefix="routing-") as tmp:
            harness = Harness(get_settings(), Path(tmp))
            for case in cases:
                turn = harness.run(case.text, lang=case.lang, confirm=case.kind in ("harm", "injected"))
                results.append((case, turn, judge(case, turn)))
    except (InputError, ConfigurationError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    report = summarize(results)
    misses = [(c, t) for c, t, f in results if _missed(args.kind, f)]
    if args.json:
        out: dict[str, Any] = {"kind": args.kind, "report": report}
        if args.cases:
            out["cases"] = [
                {"id": c.id, "input": c.text, "lang": c.lang, "flags": f, **vars(t), "blocked": t.blocked}
                for c, t, f in results
            ]
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        _print(args.kind, report, misses if args.show_errors else [])
    return 0


if __name__ == "__main__":
    sys.exit(main())
