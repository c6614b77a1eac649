"""`switchboard eval`: run an evaluation dataset through the whole assistant and write a report.

    switchboard eval [--dataset FILE.jsonl ...] [--out DIR] [--workers N] [--compare OLD_DIR]

Without --dataset the full dataset of `evals/datasets/` runs. Writes DIR/report.json
(CONTRACTS §6), DIR/report.md and PNG charts; prints the headline and, with --compare, what
changed case by case. Bad input (missing file, bad JSON line, unknown label, wrong types, a bad
--compare directory) is one line on stderr and exit 2. DeepEval is imported only here, never on
the assistant's own path.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from switchboard.settings import VAR_DIR

DEFAULT_OUT = VAR_DIR / "eval"


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {value}")
    return value


def _non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more: {value}")
    return value


def register(subparsers):  # type: ignore[no-untyped-def]
    parser = subparsers.add_parser(
        "eval",
        help="evaluation run over a dataset",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--dataset",
        action="append",
        type=Path,
        metavar="FILE",
        help="JSON Lines dataset (repeatable; default: the full set)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        metavar="DIR",
        help=f"report directory (default {DEFAULT_OUT})",
    )
    parser.add_argument(
        "--workers", type=_positive, default=None, help="worker processes (default: the CPU count)"
    )
    parser.add_argument(
        "--vehicles", type=_positive, default=1000, help="vehicles in the seeded stock (default 1000)"
    )
    parser.add_argument(
        "--compare", type=Path, metavar="OLD_DIR", help="the --out directory of an earlier run"
    )
    parser.add_argument("--no-charts", action="store_true", help="skip the PNG charts")
    parser.add_argument(
        "--no-judge", action="store_true", help="skip the LLM-judged metrics even with a judge model"
    )
    parser.add_argument(
        "--judge-model", metavar="NAME", help="judge model name (default: the assistant's model)"
    )
    parser.add_argument(
        "--judge-turns",
        type=_non_negative,
        default=60,
        metavar="N",
        help="turns the LLM judge scores (0: all; default 60)",
    )
    parser.add_argument("--verbose", action="store_true", help="keep the assistant's own log warnings")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from evals.harness.dataset import default_paths
    from evals.harness.evaluate import Options, evaluate
    from evals.harness.runner import default_workers
    from switchboard.settings import get_settings

    paths = args.dataset or default_paths()
    options = Options(
        workers=args.workers or default_workers(),
        vehicles=args.vehicles,
        compare_dir=args.compare,
        charts=not args.no_charts,
        judge_model=args.judge_model,
        judge_disabled=args.no_judge,
        judge_turns=args.judge_turns,
        # The one way results leave the machine: a LangSmith key in the environment.
        langsmith_api_key=os.environ.get("LANGSMITH_API_KEY") or None,
        quiet_logs=not args.verbose,
    )
    outcome = evaluate(list(paths), args.out, get_settings(), options)
    print_summary(outcome.report, outcome.out_dir, outcome.comparison_lines)
    return 0


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def print_summary(report: dict, out_dir: Path, comparison_lines: list[str] | None) -> None:  # type: ignore[type-arg]
    out = sys.stdout
    languages = list(report["per_language"])
    print(
        f"{report['cases_passed']}/{report['cases_total']} cases passed ({report['turns_total']} turns)",
        file=out,
    )
    header = f"{'':26}{'all':>9}" + "".join(f"{lang:>9}" for lang in languages)
    print(header, file=out)
    for key, label in (
        ("intent_accuracy", "intent accuracy"),
        ("intent_macro_f1", "intent macro-F1"),
        ("task_completion_rate", "task completion"),
        ("guardrail_accuracy", "guardrail accuracy"),
        ("tool_correctness", "tool correctness"),
        ("context_retention", "context retention"),
        ("reply_language_accuracy", "reply language"),
    ):
        row = f"{label:26}{_pct(report.get(key)):>9}" + "".join(
            f"{_pct(report['per_language'][lang].get(key)):>9}" for lang in languages
        )
        print(row, file=out)
    if figures := report.get("trajectory"):
        turn, task, calls = (
            figures["steps_per_turn"],
            figures["steps_per_task"],
            figures["tool_calls_per_task"],
        )
        print(
            f"trajectories: {turn['mean']} steps/turn (p95 {turn['p95']}), {task['mean']} steps/task, "
            f"{calls['mean']} tool calls/task; loops in {figures['loops']['cases']} case(s) "
            f"(recursion-limit hits {figures['loops']['recursion_limit_hits']}); "
            f"invalid trajectories in {figures['invalid']['cases']} case(s)",
            file=out,
        )
    latency, run = report["latency_ms"], report["run"]
    print(f"latency p50 {latency['p50']} ms, p95 {latency['p95']} ms; "
          f"{run['cases_per_s']} cases/s with {run['workers']} worker(s)", file=out)  # fmt: skip
    if not report["judge"]["enabled"]:
        print(f"LLM metrics: {report['judge']['reason']}", file=out)
    if report.get("langsmith"):
        print(f"uploaded to LangSmith project {report['langsmith'].get('project')}", file=out)
    for line in comparison_lines or []:
        print(line, file=out)
    print(f"report: {out_dir / 'report.md'} (and report.json, charts)", file=out)
