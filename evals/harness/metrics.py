"""The harness's metrics as DeepEval metrics, over one case as a `ConversationalTestCase`.

DeepEval has no metric that judges a task from tool calls and database state, nor intent,
guardrail, reply-language or latency checks for a routed assistant; its `ToolCorrectnessMetric`
needs a judge model even to compare tool names and ignores whether a call succeeded. So these
are `BaseConversationalMetric` subclasses that need no model: each reads the case and its run
from the test case's metadata and scores them with `evals.harness.judge` (one set of rules for
the metrics, the report and the CI gate).

A metric that does not apply to a case (task completion with no expectation, context retention
in a single turn) raises DeepEval's `MissingTestCaseParamsError`, which DeepEval reports as
skipped; `metrics_for` leaves such metrics out for `assert_test`.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from deepeval.errors import MissingTestCaseParamsError
from deepeval.metrics import BaseConversationalMetric
from deepeval.test_case import ConversationalTestCase, ToolCall
from deepeval.test_case import Turn as DeepEvalTurn

from evals.harness.dataset import Case, DbCheck, Turn
from evals.harness.judge import CaseVerdict, TurnVerdict, judge_case

# The latency a turn should stay under in `deepeval test run` (local engine: tens of ms).
DEFAULT_LATENCY_BUDGET_MS = 2000.0


def case_to_dict(case: Case) -> dict[str, Any]:
    return dataclasses.asdict(case)


def case_from_dict(data: dict[str, Any]) -> Case:
    return Case(
        id=data["id"],
        turns=tuple(Turn(**t) for t in data["turns"]),
        user_id=data["user_id"],
        expect_db=tuple(DbCheck(**c) for c in data["expect_db"]),
        tags=tuple(data["tags"]),
        source=data.get("source", ""),
        multi_turn=data.get("multi_turn", False),
    )


def _assistant_turn(record: dict[str, Any], harness: bool = False) -> DeepEvalTurn:
    result = record["result"]
    calls = [
        ToolCall(name=c["name"], input_parameters=c.get("args") or {}, output={"ok": bool(c.get("ok"))})
        for c in result.get("tool_calls") or []
    ]
    return DeepEvalTurn(
        role="assistant",
        content=result.get("reply") or "(no reply)",
        tools_called=calls or None,
        latency_ms=record.get("latency_ms"),
        metadata={
            "intent": result.get("intent"),
            "agent": result.get("agent"),
            "task_status": result.get("task_status"),
            "guardrail": result.get("guardrail"),
            "harness_turn": harness,
        },
    )


def to_test_case(case: Case, run: dict[str, Any]) -> ConversationalTestCase:
    """The case and what the assistant did, as DeepEval sees a conversation."""
    turns: list[DeepEvalTurn] = []
    for record in run.get("turns") or []:
        turns.append(DeepEvalTurn(role="user", content=record["input"] or " "))
        turns.append(_assistant_turn(record))
    if auto := run.get("auto_confirmation"):
        turns.append(DeepEvalTurn(role="user", content=auto["input"]))
        turns.append(_assistant_turn(auto, harness=True))
    if not turns:  # the case crashed before its first reply
        turns = [DeepEvalTurn(role="user", content=case.turns[0].input or " ")]
    return ConversationalTestCase(
        name=case.id,
        turns=turns,
        tags=list(case.tags) or None,
        metadata={"case": case_to_dict(case), "run": run},
    )


def verdict_of(test_case: ConversationalTestCase) -> CaseVerdict:
    metadata = test_case.metadata or {}
    if "case" not in metadata or "run" not in metadata:
        raise MissingTestCaseParamsError("the test case was not built by evals.harness.metrics.to_test_case")
    return judge_case(case_from_dict(metadata["case"]), metadata["run"])


def _fraction(turns: list[TurnVerdict], ok: str) -> tuple[float, list[TurnVerdict]]:
    wrong = [t for t in turns if not getattr(t, ok)]
    return (len(turns) - len(wrong)) / len(turns), wrong


class _VerdictMetric(BaseConversationalMetric):
    """A model-free metric scored from the case's verdict."""

    display_name = "verdict"
    threshold: float  # always set (DeepEval's base class allows None)

    def __init__(self, threshold: float = 1.0) -> None:
        self.threshold = threshold
        self.async_mode = False
        self.include_reason = True
        self.evaluation_model = None
        self.evaluation_cost = None

    def score_verdict(self, verdict: CaseVerdict) -> tuple[float, str]:
        raise NotImplementedError

    def applies(self, verdict: CaseVerdict) -> bool:
        return True

    def measure(self, test_case: ConversationalTestCase, *args: Any, **kwargs: Any) -> float:
        verdict = verdict_of(test_case)
        if not self.applies(verdict):
            raise MissingTestCaseParamsError(f"{self.display_name} does not apply to case {verdict.id}")
        score, self.reason = self.score_verdict(verdict)
        self.score = score
        self.success = score >= self.threshold
        self.error = None
        return score

    async def a_measure(self, test_case: ConversationalTestCase, *args: Any, **kwargs: Any) -> float:
        return self.measure(test_case)

    def is_successful(self) -> bool:
        return bool(self.success)

    @property
    def __name__(self) -> str:
        return self.display_name


def _reason(wrong: list[TurnVerdict], what: str, key: str) -> str:
    if not wrong:
        return f"every turn has the right {what}"
    return "; ".join(f for t in wrong for f in t.failures if key in f) or f"{len(wrong)} turn(s) wrong"


class IntentAccuracy(_VerdictMetric):
    """Share of the case's turns routed to the expected intent."""

    display_name = "Intent Accuracy"

    def score_verdict(self, verdict: CaseVerdict) -> tuple[float, str]:
        score, wrong = _fraction(verdict.turns, "intent_ok")
        return score, _reason(wrong, "intent", "intent")


class TaskCompletion(_VerdictMetric):
    """1 when every stated `task_completed` and every `expect_db` check holds (judged from tool
    calls, task status and the database, never from reply text)."""

    display_name = "Task Completion (behaviour)"

    def applies(self, verdict: CaseVerdict) -> bool:
        return verdict.task_ok is not None

    def score_verdict(self, verdict: CaseVerdict) -> tuple[float, str]:
        if verdict.task_ok:
            return 1.0, "the assistant did what the case expects, and the database agrees"
        related = [
            f
            for f in verdict.failures
            if "task" in f or f.startswith(("database", "error")) or "did not run" in f
        ]
        return 0.0, "; ".join(related) or "the task outcome differs from the expectation"


class GuardrailAccuracy(_VerdictMetric):
    """Share of turns where off-topic and attack messages were refused and benign ones were not
    blocked by a guard."""

    display_name = "Guardrail Accuracy"

    def score_verdict(self, verdict: CaseVerdict) -> tuple[float, str]:
        score, wrong = _fraction(verdict.turns, "guard_ok")
        if not wrong:
            return score, "off-topic and attack turns were refused; no benign turn was blocked"
        return score, "; ".join(f for t in wrong for f in t.failures if "refusal" in f or "blocked" in f)


class ToolCorrectness(_VerdictMetric):
    """Share of turns that called only the expected intent's tools, and its tool when the task
    should be done."""

    display_name = "Tool Correctness"

    def score_verdict(self, verdict: CaseVerdict) -> tuple[float, str]:
        score, wrong = _fraction(verdict.turns, "tool_ok")
        if not wrong:
            return score, "every turn used the right tools"
        return score, "; ".join(f for t in wrong for f in t.failures if "called" in f or "to succeed" in f)


class ContextRetention(_VerdictMetric):
    """Share of the turns that depend on earlier ones (slot filling, confirmations, follow-ups,
    returning after a detour) that were handled right."""

    display_name = "Context Retention"

    def applies(self, verdict: CaseVerdict) -> bool:
        return any(t.context_dependent for t in verdict.turns)

    def score_verdict(self, verdict: CaseVerdict) -> tuple[float, str]:
        dependent = [t for t in verdict.turns if t.context_dependent]
        score, wrong = _fraction(dependent, "context_ok")
        if not wrong:
            return score, f"all {len(dependent)} turn(s) that depend on earlier turns were right"
        return score, "; ".join(f for t in wrong for f in t.failures) or "context lost"


class TrajectoryValidity(_VerdictMetric):
    """1 when no turn of the case looped (a node or the same tool call twice in a turn, the
    recursion limit) and none made an invalid step (a write without its confirmation, a
    specialist other than the routed one)."""

    display_name = "Trajectory Validity"

    def applies(self, verdict: CaseVerdict) -> bool:
        # Runs recorded without paths (made-up runs, reports of older builds) have nothing to judge.
        return verdict.trajectory is not None and any(t.path for t in verdict.trajectory.turns)

    def score_verdict(self, verdict: CaseVerdict) -> tuple[float, str]:
        assert verdict.trajectory is not None
        problems = [*verdict.trajectory.invalid, *verdict.trajectory.loops]
        if not problems:
            return (
                1.0,
                f"{verdict.trajectory.steps} steps over {len(verdict.trajectory.turns)} turn(s), no loop",
            )
        return 0.0, "; ".join(problems)


class ReplyLanguage(_VerdictMetric):
    """Share of turns answered in the user's language."""

    display_name = "Reply Language"

    def score_verdict(self, verdict: CaseVerdict) -> tuple[float, str]:
        score, wrong = _fraction(verdict.turns, "language_ok")
        return score, _reason(wrong, "language", "reply in")


class TurnLatency(_VerdictMetric):
    """Share of turns answered within `budget_ms` (wall clock of `run_turn`)."""

    display_name = "Turn Latency"

    def __init__(self, threshold: float = 1.0, budget_ms: float = DEFAULT_LATENCY_BUDGET_MS) -> None:
        super().__init__(threshold)
        self.budget_ms = budget_ms

    def applies(self, verdict: CaseVerdict) -> bool:
        return any(t.latency_ms is not None for t in verdict.turns)

    def score_verdict(self, verdict: CaseVerdict) -> tuple[float, str]:
        timed = [t.latency_ms for t in verdict.turns if t.latency_ms is not None]
        slow = [ms for ms in timed if ms > self.budget_ms]
        worst = max(timed)
        score = (len(timed) - len(slow)) / len(timed)
        return score, f"slowest turn {worst:.0f} ms (budget {self.budget_ms:.0f} ms)"


# The metrics that decide whether a case passed (latency is reported, never a pass condition:
# it measures the machine as much as the assistant).
CASE_METRICS: tuple[type[_VerdictMetric], ...] = (
    IntentAccuracy,
    TaskCompletion,
    GuardrailAccuracy,
    ToolCorrectness,
    ContextRetention,
    ReplyLanguage,
    TrajectoryValidity,
)


def metrics_for(
    test_case: ConversationalTestCase, *, latency_budget_ms: float | None = None
) -> list[BaseConversationalMetric]:
    """The case metrics that apply to `test_case` (threshold 1: every check must hold)."""
    verdict = verdict_of(test_case)
    metrics: list[_VerdictMetric] = [m() for m in CASE_METRICS]
    if latency_budget_ms is not None:
        metrics.append(TurnLatency(budget_ms=latency_budget_ms))
    return [m for m in metrics if m.applies(verdict)]


def measure_case(
    case: Case, run: dict[str, Any]
) -> tuple[CaseVerdict, dict[str, dict[str, Any] | None], bool]:
    """(verdict, per-metric results, passed). A metric that does not apply is None."""
    test_case = to_test_case(case, run)
    verdict = verdict_of(test_case)
    results: dict[str, dict[str, Any] | None] = {}
    for metric_class in CASE_METRICS:
        metric = metric_class()
        if not metric.applies(verdict):
            results[metric.display_name] = None
            continue
        metric.measure(test_case)
        results[metric.display_name] = {
            "score": metric.score,
            "success": metric.success,
            "reason": metric.reason,
        }
    passed = verdict.error is None and all(r["success"] for r in results.values() if r is not None)
    return verdict, results, passed
