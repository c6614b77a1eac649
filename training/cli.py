"""`python -m training`: build the model artifacts, evaluate and tune the models.

    python -m training build [--model-dir DIR] [--only NAME ...] [--force] [--json]
    python -m training evaluate intent [--show-errors]       # the router's dev split (make router-eval)
    python -m training evaluate guards|injection|social|abuse [--show-errors]
    python -m training tune intent                           # cross-validated hyper-parameter grid
    python -m training tune knowledge [--write]              # the knowledge agent's relevance decision

`build` is what `make install` runs: it trains only what changed (see `training.builder`) and
prints one line per model. `evaluate` builds what it evaluates first (nothing when it is current),
so a report always describes the model of the current data.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from switchboard.errors import ConfigurationError
from training.builder import Built, build
from training.registry import TRAINERS, trainer_names

GUARDS = ("injection", "social", "abuse")


def _model_dir(args: argparse.Namespace) -> Path:
    from switchboard.settings import get_settings

    return Path(args.model_dir) if args.model_dir else get_settings().model_dir


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _build(args: argparse.Namespace, names: list[str]) -> dict[str, Built]:
    trainers = [t for t in TRAINERS if t.name in names]
    return {b.name: b for b in build(_model_dir(args), trainers, force=args.force, log=_log)}


def _cmd_build(args: argparse.Namespace) -> int:
    built = _build(args, args.only or trainer_names())
    if args.json:
        print(json.dumps([b.as_json() for b in built.values()], ensure_ascii=False))
        return 0
    for b in built.values():
        state = f"trained in {b.seconds:.1f} s" if b.trained else "up to date"
        print(f"{b.name:10} {state:18} {b.path}")
    return 0


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from training import guard_report, intent_report
    from training.guards import SPECS

    if args.model == "intent":
        built = _build(args, ["intent", "router_semantic"])
        intent_report.evaluate(built["intent"].path, args.show_errors, built["router_semantic"].path)
        return 0
    names = list(GUARDS) if args.model == "guards" else [args.model]
    for name in names:
        guard_report.evaluate_spec(SPECS[name], args.show_errors)
    if "injection" in names:
        built = _build(args, ["injection"])
        guard_report.heldout_report(built["injection"].path, args.show_errors)
    return 0


def _cmd_tune(args: argparse.Namespace) -> int:
    if args.model == "knowledge":
        from training import knowledge

        knowledge.tune(write=args.write)
        return 0
    from training import intent_report

    intent_report.tune()
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m training", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--model-dir", help="artifact directory (default: Settings.model_dir, var/models)")
    common.add_argument("--force", action="store_true", help="train even when the artifact exists")
    build_cmd = sub.add_parser(
        "build", parents=[common], help="build every model artifact that is not current"
    )
    build_cmd.add_argument("--only", nargs="+", choices=trainer_names(), help="build only these models")
    build_cmd.add_argument("--json", action="store_true", help="print what was built as one JSON list")
    build_cmd.set_defaults(run=_cmd_build)
    evaluate = sub.add_parser("evaluate", parents=[common], help="report on a model (built first if needed)")
    evaluate.add_argument("model", choices=["intent", "guards", *GUARDS])
    evaluate.add_argument("--show-errors", action="store_true", help="print every misclassified row")
    evaluate.set_defaults(run=_cmd_evaluate)
    tune = sub.add_parser("tune", help="cross-validate the hyper-parameter grid on the train split")
    tune.add_argument("model", choices=["intent", "knowledge"])
    tune.add_argument("--write", action="store_true", help="knowledge: write the fitted relevance model")
    tune.set_defaults(run=_cmd_tune)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return int(args.run(args))
    except ConfigurationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
