"""What `deepeval test run evals/` evaluates, run once per process and shared by evals/test_*.py.

SWITCHBOARD_EVAL_DATASET   comma-separated JSON Lines files (default: the full dataset)
SWITCHBOARD_EVAL_WORKERS   worker processes (default: the CPU count)
SWITCHBOARD_EVAL_OUT       report directory (default var/eval/deepeval)
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from evals.harness.dataset import Case, default_paths, load_dataset
from evals.harness.evaluate import Options, Outcome, evaluate
from evals.harness.runner import default_workers
from switchboard.settings import VAR_DIR, get_settings


def suite_paths() -> list[Path]:
    value = os.environ.get("SWITCHBOARD_EVAL_DATASET", "").strip()
    return [Path(p.strip()) for p in value.split(",") if p.strip()] if value else default_paths()


def suite_cases() -> list[Case]:
    return load_dataset(suite_paths())


@lru_cache(maxsize=1)
def suite_outcome() -> Outcome:
    workers = int(os.environ.get("SWITCHBOARD_EVAL_WORKERS") or default_workers())
    out = Path(os.environ.get("SWITCHBOARD_EVAL_OUT") or VAR_DIR / "eval" / "deepeval")
    # The LLM-judged metrics join in when a judge model is configured (see llm_judge).
    options = Options(workers=workers, progress=False)
    return evaluate(suite_paths(), out, get_settings(), options)


@lru_cache(maxsize=1)
def suite_runs() -> dict[str, dict[str, Any]]:
    """Case id -> its run, from the suite's one evaluation."""
    outcome = suite_outcome()
    return {case.id: run for case, run in zip(outcome.cases, outcome.runs, strict=True)}
