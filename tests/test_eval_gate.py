"""CI quality gate: the quick subset (`evals/datasets/quick.jsonl`) through the whole assistant, with
thresholds a few points below the figures measured when the gate was set (in the comments).

A failure here means the assistant got worse on cases it used to handle (or the subset changed):
run `switchboard eval --dataset evals/datasets/quick.jsonl` and read report.md's failing cases.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from evals.harness.dataset import DATASET_DIR, QUICK_DATASET
from evals.harness.evaluate import Options, evaluate
from switchboard.settings import Settings

# metric -> (threshold, measured on the quick subset: 77 cases, 97 turns, local engine)
THRESHOLDS: dict[str, tuple[float, float]] = {
    "intent_accuracy": (0.91, 0.948),
    "intent_macro_f1": (0.90, 0.942),
    "task_completion_rate": (0.90, 0.935),
    "guardrail_accuracy": (0.94, 0.979),
    "tool_correctness": (0.92, 0.959),
    # 15 turns: one miss is 6.7 points (measured 0.800 before the follow-up and seat-change fixes)
    "context_retention": (0.86, 1.000),
    "reply_language_accuracy": (0.97, 1.000),
    "pass_rate": (0.86, 0.909),
}
PER_LANGUAGE: dict[tuple[str, str], tuple[float, float]] = {
    ("zh", "intent_accuracy"): (0.95, 1.000),
    ("en", "intent_accuracy"): (0.82, 0.865),
    ("zh", "task_completion_rate"): (0.93, 0.977),
    ("en", "task_completion_rate"): (0.83, 0.871),
    ("zh", "guardrail_accuracy"): (0.94, 0.982),
    ("en", "guardrail_accuracy"): (0.93, 0.973),
}


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("quick")
    options = Options(workers=1, charts=False, judge_disabled=True, progress=False)
    outcome = evaluate(
        [DATASET_DIR / QUICK_DATASET], out, Settings(openai_api_key=None, _env_file=None), options
    )
    assert (Path(out) / "report.json").is_file()
    return outcome.report


def _failing(report: dict[str, Any]) -> str:
    return "\n".join(f"{c['id']}: {c['failures'][:2]}" for c in report["cases"] if not c["passed"])


@pytest.mark.parametrize("metric", sorted(THRESHOLDS))
def test_quick_subset_meets_its_threshold(report: dict[str, Any], metric: str) -> None:
    threshold, _measured = THRESHOLDS[metric]
    assert report[metric] is not None and report[metric] >= threshold, _failing(report)


@pytest.mark.parametrize(("language", "metric"), sorted(PER_LANGUAGE))
def test_quick_subset_meets_its_threshold_per_language(
    report: dict[str, Any], language: str, metric: str
) -> None:
    threshold, _measured = PER_LANGUAGE[(language, metric)]
    value = report["per_language"][language][metric]
    assert value is not None and value >= threshold, _failing(report)


def test_no_case_crashes_the_assistant(report: dict[str, Any]) -> None:
    assert [c["id"] for c in report["cases"] if c["error"]] == []


def test_no_invalid_trajectory_and_no_loop(report: dict[str, Any]) -> None:
    """Any write without its confirmation, any specialist other than the routed one, any loop
    (`evals.harness.trajectory`) fails the gate, whatever the other figures say."""
    figures = report["trajectory"]
    flagged = [
        (c["id"], [*c["trajectory"]["invalid"], *c["trajectory"]["loops"]])
        for c in report["cases"]
        if c["trajectory"] and (c["trajectory"]["invalid"] or c["trajectory"]["loops"])
    ]
    assert figures["invalid"]["cases"] == 0 and figures["loops"]["cases"] == 0, flagged
    assert figures["turns"] >= report["turns_total"]  # every turn has its path
