"""DeepEval's LLM-judged metrics, when a judge model is configured.

The judge is, in order: a `DeepEvalBaseLLM` given by the caller (tests pass a fake); the
product's own OpenAI-compatible settings (`OPENAI_API_KEY`, optional `OPENAI_BASE_URL`); or a
model configured through DeepEval's own settings. Without one the LLM metrics are skipped and the
report says so. Metrics: `AnswerRelevancyMetric`, and `GEval` on politeness and on replying in the
user's language. They run on a deterministic sample of the turns (every k-th) to bound the cost.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from switchboard.settings import Settings

if TYPE_CHECKING:
    from deepeval.models import DeepEvalBaseLLM

logger = logging.getLogger("switchboard.eval")

NO_JUDGE = (
    "no judge model configured: set OPENAI_API_KEY (and OPENAI_BASE_URL for an OpenAI-compatible "
    "server) or configure a DeepEval model; the LLM metrics were skipped"
)
POLITENESS = (
    "Judge whether the actual output is polite, respectful customer-service language for the "
    "input, including when it refuses a request or asks for missing details."
)
SAME_LANGUAGE = (
    "Judge whether the actual output is written in the same natural language as the input: a "
    "Chinese input needs a Chinese reply, an English input an English reply. Flight numbers, "
    "codes, brand names and table values do not count; a mixed-language input may get either."
)
DEFAULT_JUDGE_TURNS = 60


def resolve_judge(
    settings: Settings,
    *,
    explicit: DeepEvalBaseLLM | None = None,
    model_name: str | None = None,
    disabled: bool = False,
) -> tuple[DeepEvalBaseLLM | None, str]:
    """(judge model or None, what was chosen or why there is none)."""
    if disabled:
        return None, "the LLM metrics were turned off (--no-judge)"
    if explicit is not None:
        return explicit, f"judge model {explicit.get_model_name()}"
    from deepeval.errors import DeepEvalError

    if settings.llm_enabled:
        # Not DeepEval's OpenAIModel: it picks OpenAI-only parsing by the model's name.
        from evals.harness.judge_model import OpenAICompatibleJudge

        judge = OpenAICompatibleJudge(settings, model_name)
        return judge, f"judge model {judge.get_model_name()} (OpenAI-compatible settings)"
    from deepeval.metrics.utils import initialize_model

    try:
        configured, _ = initialize_model(model_name)
    except DeepEvalError:
        return None, NO_JUDGE
    if configured is None:
        return None, NO_JUDGE
    return configured, f"judge model {configured.get_model_name()} (DeepEval settings)"


def judge_metrics(model: DeepEvalBaseLLM) -> list[Any]:
    from deepeval.metrics import AnswerRelevancyMetric, GEval
    from deepeval.test_case import SingleTurnParams

    params = [SingleTurnParams.INPUT, SingleTurnParams.ACTUAL_OUTPUT]
    return [
        AnswerRelevancyMetric(threshold=0.5, model=model, async_mode=False, include_reason=False),
        GEval(
            name="Politeness", criteria=POLITENESS, evaluation_params=params, model=model, async_mode=False
        ),
        GEval(
            name="Reply language",
            criteria=SAME_LANGUAGE,
            evaluation_params=params,
            model=model,
            async_mode=False,
        ),
    ]


def sample_turns(cases: list[dict[str, Any]], limit: int) -> list[tuple[str, int, dict[str, Any]]]:
    """(case id, turn index, turn) for every k-th judgeable turn, at most `limit` (0: all)."""
    turns = [
        (case["id"], i, turn)
        for case in cases
        for i, turn in enumerate(case["turns"])
        if turn.get("reply") and (turn.get("input") or "").strip()
    ]
    if limit and len(turns) > limit:
        step = len(turns) / limit
        turns = [turns[int(k * step)] for k in range(limit)]
    return turns


def run_judge(
    cases: list[dict[str, Any]], model: DeepEvalBaseLLM | None, reason: str, limit: int = DEFAULT_JUDGE_TURNS
) -> dict[str, Any]:
    """The LLM metrics over a sample of the report's turns, or why they were skipped."""
    if model is None:
        return {"enabled": False, "reason": reason}
    from deepeval.test_case import LLMTestCase

    metrics = judge_metrics(model)
    names = [m.__name__ for m in metrics]
    per_turn: list[dict[str, Any]] = []
    errors: dict[str, int] = dict.fromkeys(names, 0)
    for case_id, index, turn in sample_turns(cases, limit):
        test_case = LLMTestCase(input=turn["input"], actual_output=turn["reply"])
        scores: dict[str, float | None] = {}
        for name, metric in zip(names, metrics, strict=True):
            try:
                metric.measure(test_case, _show_indicator=False)
                scores[name] = metric.score
            except Exception as exc:  # noqa: BLE001
                # A judge is an outside service: one failed call is counted and reported, the
                # rest of the report stands.
                logger.warning("judge metric %s failed on %s turn %d: %s", name, case_id, index + 1, exc)
                errors[name] += 1
                scores[name] = None
        per_turn.append({"case": case_id, "turn": index + 1, "scores": scores})
    summary: dict[str, Any] = {}
    for name, metric in zip(names, metrics, strict=True):
        values = [t["scores"][name] for t in per_turn if t["scores"][name] is not None]
        summary[name] = {
            "mean": round(sum(values) / len(values), 4) if values else None,
            "pass_rate": round(sum(v >= metric.threshold for v in values) / len(values), 4)
            if values
            else None,
            "threshold": metric.threshold,
            "errors": errors[name],
        }
    return {
        "enabled": True,
        "reason": reason,
        "turns_judged": len(per_turn),
        "metrics": summary,
        "turns": per_turn,
    }
