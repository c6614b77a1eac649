"""One evaluation run, end to end: load -> run -> judge -> (LLM judge) -> report -> (compare,
upload). `switchboard eval` and `evals/test_*.py` both call `evaluate`."""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evals.harness.dataset import Case, load_dataset
from evals.harness.runner import DEFAULT_VEHICLES, RunStats, run_cases
from switchboard.errors import InputError
from switchboard.settings import REPO_ROOT, Settings

if TYPE_CHECKING:
    from deepeval.models import DeepEvalBaseLLM


@dataclass
class Options:
    workers: int = 1
    vehicles: int = DEFAULT_VEHICLES
    compare_dir: Path | None = None
    charts: bool = True
    judge: DeepEvalBaseLLM | None = None  # an explicit judge model (tests pass a fake)
    judge_model: str | None = None
    judge_disabled: bool = False
    judge_turns: int = 60
    langsmith_api_key: str | None = None
    progress: bool | None = None
    quiet_logs: bool = True
    shared: dict[str, Any] | None = field(default=None)  # models for in-process runs (tests)


@dataclass
class Outcome:
    report: dict[str, Any]
    out_dir: Path
    comparison_lines: list[str] | None
    stats: RunStats
    cases: list[Case] = field(default_factory=list)
    runs: list[dict[str, Any]] = field(default_factory=list)


@contextmanager
def _quiet(quiet: bool) -> Iterator[None]:
    """Authorization refusals and the like are expected outcomes of cases (the report has them):
    keep the assistant's warnings off the terminal for the run, then restore the level."""
    logger = logging.getLogger("switchboard")
    level = logger.level
    if quiet:
        logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _commit() -> str | None:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None


def _display(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def prepare_out_dir(out_dir: Path) -> Path:
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"--out: {out_dir} exists and is not a directory")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"--out: cannot create {out_dir}: {exc.strerror}") from None
    return out_dir


def score(cases: list[Case], runs: list[dict[str, Any]]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(headline figures, case entries) of finished runs."""
    from evals.harness.aggregate import headline
    from evals.harness.metrics import measure_case
    from evals.harness.report import case_entry

    verdicts, entries, passed = [], [], {}
    for case, run in zip(cases, runs, strict=True):
        verdict, metrics, ok = measure_case(case, run)
        verdicts.append(verdict)
        passed[case.id] = ok
        entries.append(case_entry(case, run, verdict, metrics, ok))
    figures = headline(verdicts, passed, {c.id: c.source for c in cases}, {c.id: c.tags for c in cases})
    return figures, entries


def evaluate(paths: list[Path], out_dir: Path, settings: Settings, options: Options | None = None) -> Outcome:
    """Run the cases of `paths` and write report.json, report.md and the charts to `out_dir`."""
    from evals.harness import charts, compare, langsmith_upload, llm_judge, report

    options = options or Options()
    cases = load_dataset(paths)
    old = compare.load_report(options.compare_dir) if options.compare_dir else None
    out_dir = prepare_out_dir(out_dir)
    with _quiet(options.quiet_logs):
        runs, stats = run_cases(
            cases,
            settings,
            workers=options.workers,
            vehicles=options.vehicles,
            progress=options.progress,
            shared=options.shared,
            quiet_logs=options.quiet_logs,
        )
    figures, entries = score(cases, runs)
    judge_model, reason = llm_judge.resolve_judge(
        settings, explicit=options.judge, model_name=options.judge_model, disabled=options.judge_disabled
    )
    meta = {
        "datasets": [_display(p) for p in paths],
        "created_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": _commit(),
        "engine": "llm" if settings.llm_enabled else "local",
        "run": {**stats.as_dict(), "vehicles": options.vehicles},
        "judge": llm_judge.run_judge(entries, judge_model, reason, options.judge_turns),
    }
    result = report.build_report(figures, entries, meta)
    comparison_lines = None
    if old is not None and options.compare_dir is not None:
        result["comparison"] = compare.compare(old, result, _display(options.compare_dir))
        comparison_lines = compare.render_lines(result["comparison"])
    result["langsmith"] = langsmith_upload.upload(result, api_key=options.langsmith_api_key)
    chart_files = charts.write_charts(result, out_dir) if options.charts else {}
    report.write_json(result, out_dir)
    report.write_markdown(result, out_dir, chart_files, comparison_lines)
    return Outcome(result, out_dir, comparison_lines, stats, cases, runs)
