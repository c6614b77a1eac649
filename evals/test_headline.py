"""`deepeval test run evals/`: the headline figures of the dataset must stay above their thresholds.

Thresholds sit a few points below the figures measured on the full dataset (local engine, in the
comments); a figure under its threshold fails the run. Per-language thresholds keep a drop in one
language from hiding behind the other.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

from evals.harness.suite import suite_outcome

# metric -> threshold, measured on the full dataset in the comment (375 cases, 449 turns, local engine)
THRESHOLDS: dict[str, float] = {
    "intent_accuracy": 0.93,  # 0.967
    "intent_macro_f1": 0.93,  # 0.964
    "task_completion_rate": 0.91,  # 0.944
    "guardrail_accuracy": 0.94,  # 0.973
    "tool_correctness": 0.92,  # 0.960
    "context_retention": 0.75,  # 0.831
    "reply_language_accuracy": 0.97,  # 1.000
    "pass_rate": 0.87,  # 0.909
}
PER_LANGUAGE: dict[tuple[str, str], float] = {
    ("zh", "intent_accuracy"): 0.95,  # 0.985
    ("en", "intent_accuracy"): 0.91,  # 0.944
    ("mixed", "intent_accuracy"): 0.93,  # 1.000
    ("zh", "task_completion_rate"): 0.92,  # 0.953
    ("en", "task_completion_rate"): 0.90,  # 0.931
    ("zh", "guardrail_accuracy"): 0.94,  # 0.970
    ("en", "guardrail_accuracy"): 0.94,  # 0.977
}
# Mean score of each LLM-judged metric (0..1), when a judge model is configured.
JUDGE_MEAN = 0.7
LATENCY_P95_MS = 1000.0  # measured 38-100 ms on 2 shared cores, depending on their load


def _report() -> dict[str, Any]:
    if os.environ.get("SWITCHBOARD_EVAL_DATASET"):
        pytest.skip("the thresholds belong to the full dataset; SWITCHBOARD_EVAL_DATASET chose another")
    return suite_outcome().report


@pytest.mark.parametrize("metric", sorted(THRESHOLDS))
def test_headline_threshold(metric: str) -> None:
    value = _report()[metric]
    assert value is not None and value >= THRESHOLDS[metric], f"{metric} = {value}"


@pytest.mark.parametrize(("language", "metric"), sorted(PER_LANGUAGE))
def test_per_language_threshold(language: str, metric: str) -> None:
    value = _report()["per_language"][language][metric]
    assert value is not None and value >= PER_LANGUAGE[(language, metric)], f"{language} {metric} = {value}"


def test_latency_p95() -> None:
    assert _report()["latency_ms"]["p95"] <= LATENCY_P95_MS


def test_llm_judged_metrics() -> None:
    judge = _report()["judge"]
    if not judge["enabled"]:
        pytest.skip(judge["reason"])
    for name, figures in judge["metrics"].items():
        assert figures["mean"] is not None and figures["mean"] >= JUDGE_MEAN, f"{name}: {figures}"
