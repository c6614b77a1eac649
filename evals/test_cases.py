"""`deepeval test run evals/`: every case of the dataset as a DeepEval test case.

Each case is asserted with the harness's metrics at threshold 1 (every check must hold) plus a
per-turn latency budget, so DeepEval's table lists each failing case with the metric that failed
and its reason. The figures that gate quality are in `test_headline.py`.
"""

from __future__ import annotations

import pytest
from deepeval.evaluate import assert_test

from evals.harness.dataset import Case
from evals.harness.metrics import metrics_for, to_test_case
from evals.harness.suite import suite_cases, suite_runs

# A turn of the local engine takes tens of milliseconds; a second means something is wrong.
LATENCY_BUDGET_MS = 2000.0
CASES = suite_cases()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case: Case) -> None:
    test_case = to_test_case(case, suite_runs()[case.id])
    assert_test(test_case, metrics_for(test_case, latency_budget_ms=LATENCY_BUDGET_MS))
