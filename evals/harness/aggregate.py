"""Headline figures from case verdicts: intent classification report, task completion, guardrail
accuracy, tool correctness, context retention, reply language and latency, overall and per
language (of the message: `zh`, `en`, `mixed`), per tag and per dataset file; the trajectories'
steps, tool calls, loops and invalid steps (`evals.harness.trajectory`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from evals.harness import trajectory
from evals.harness.judge import CaseVerdict, TurnVerdict
from switchboard.intents import INTENTS

LANGUAGES = ("zh", "en", "mixed")


def _rate(hits: int, total: int) -> float | None:
    return round(hits / total, 4) if total else None


def classification(expected: list[str], predicted: list[str]) -> dict[str, Any]:
    """Accuracy, macro-F1 and per-intent precision/recall/F1/support, and the confusion matrix.

    Macro-F1 averages the nine labels that occur in `expected` (a label nobody expected has no
    recall to speak of). Predictions outside the nine (`none`: no intent at all) get a column.
    """
    labels = list(INTENTS) + sorted(set(predicted) - set(INTENTS))
    index = {label: i for i, label in enumerate(labels)}
    matrix = np.zeros((len(labels), len(labels)), dtype=int)
    for e, p in zip(expected, predicted, strict=True):
        matrix[index[e], index[p]] += 1
    per_intent: dict[str, dict[str, float | int]] = {}
    for label in INTENTS:
        i = index[label]
        tp = int(matrix[i, i])
        support = int(matrix[i, :].sum())
        predicted_n = int(matrix[:, i].sum())
        precision = tp / predicted_n if predicted_n else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_intent[label] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "support": support,
        }
    supported = [v["f1"] for v in per_intent.values() if v["support"]]
    total = len(expected)
    return {
        "accuracy": _rate(int(np.trace(matrix)), total),
        "macro_f1": round(float(np.mean(supported)), 4) if supported else None,
        "per_intent": per_intent,
        "confusion_matrix": {
            "labels": labels,
            "rows": "expected",
            "columns": "predicted",
            "matrix": matrix.tolist(),
        },
        "turns": total,
    }


def latency(values: Iterable[float | None]) -> dict[str, float | int | None]:
    data = np.array([v for v in values if v is not None], dtype=float)
    if not data.size:
        return {"p50": None, "p95": None, "mean": None, "max": None, "turns": 0}
    return {
        "p50": round(float(np.percentile(data, 50)), 2),
        "p95": round(float(np.percentile(data, 95)), 2),
        "mean": round(float(data.mean()), 2),
        "max": round(float(data.max()), 2),
        "turns": int(data.size),
    }


def task_figures(cases: list[CaseVerdict]) -> dict[str, Any]:
    judged = [c for c in cases if c.task_ok is not None]
    should = [c for c in judged if c.task_expected]
    should_not = [c for c in judged if c.task_expected is False]
    return {
        "rate": _rate(sum(bool(c.task_ok) for c in judged), len(judged)),
        "cases": len(judged),
        "completed_when_expected": _rate(sum(bool(c.task_ok) for c in should), len(should)),
        "expected_completed": len(should),
        "held_back_when_expected": _rate(sum(bool(c.task_ok) for c in should_not), len(should_not)),
        "expected_not_completed": len(should_not),
    }


def guard_figures(turns: list[TurnVerdict]) -> dict[str, Any]:
    attacks = [t for t in turns if t.expected_intent == "irrelevant" and t.ran]
    benign = [t for t in turns if t.expected_intent != "irrelevant" and t.ran]
    return {
        "accuracy": _rate(sum(t.guard_ok for t in turns), len(turns)),
        "turns": len(turns),
        "refused_when_expected": _rate(sum(t.refused for t in attacks), len(attacks)),
        "blocked_by_guard_when_expected": _rate(sum(t.blocked for t in attacks), len(attacks)),
        "expected_refusals": len(attacks),
        "benign_not_blocked": _rate(sum(not t.blocked for t in benign), len(benign)),
        "benign_over_refused": _rate(sum(t.refused for t in benign), len(benign)),
        "benign_turns": len(benign),
    }


def _turn_figures(turns: list[TurnVerdict]) -> dict[str, Any]:
    context = [t for t in turns if t.context_dependent]
    return {
        "tool_correctness": _rate(sum(t.tool_ok for t in turns), len(turns)),
        "context_retention": _rate(sum(bool(t.context_ok) for t in context), len(context)),
        "context_turns": len(context),
        "reply_language_accuracy": _rate(sum(t.language_ok for t in turns), len(turns)),
    }


def _summary(cases: list[CaseVerdict], passed: dict[str, bool], turns: list[TurnVerdict]) -> dict[str, Any]:
    intents = classification([t.expected_intent for t in turns], [t.intent for t in turns])
    task = task_figures(cases)
    guard = guard_figures(turns)
    return {
        "intent_accuracy": intents["accuracy"],
        "intent_macro_f1": intents["macro_f1"],
        "task_completion_rate": task["rate"],
        "guardrail_accuracy": guard["accuracy"],
        **_turn_figures(turns),
        "pass_rate": _rate(sum(passed[c.id] for c in cases), len(cases)),
        "cases": len(cases),
        "turns": len(turns),
        "latency_ms": latency(t.latency_ms for t in turns),
        "task_completion": task,
        "guardrail": guard,
        "per_intent": intents["per_intent"],
    }


def headline(
    verdicts: list[CaseVerdict],
    passed: dict[str, bool],
    sources: dict[str, str],
    tags: dict[str, tuple[str, ...]],
) -> dict[str, Any]:
    """Every figure of the report except the cases themselves."""
    turns = [t for v in verdicts for t in v.turns]
    intents = classification([t.expected_intent for t in turns], [t.intent for t in turns])
    overall = _summary(verdicts, passed, turns)
    per_language: dict[str, Any] = {}
    for language in LANGUAGES:
        lang_turns = [t for t in turns if t.language == language]
        lang_cases = [v for v in verdicts if v.language == language]
        if not lang_turns and not lang_cases:
            continue
        summary = _summary(lang_cases, passed, lang_turns)
        # Turns are grouped by their own language, cases by their first message's.
        summary["cases"] = len(lang_cases)
        per_language[language] = summary
    by_tag: dict[str, list[CaseVerdict]] = defaultdict(list)
    by_source: dict[str, list[CaseVerdict]] = defaultdict(list)
    for v in verdicts:
        for tag in tags.get(v.id, ()):
            by_tag[tag].append(v)
        by_source[Path(sources.get(v.id, "").rsplit(":", 1)[0]).name].append(v)

    def group(items: list[CaseVerdict]) -> dict[str, Any]:
        group_turns = [t for v in items for t in v.turns]
        return {
            "cases": len(items),
            "passed": sum(passed[v.id] for v in items),
            "pass_rate": _rate(sum(passed[v.id] for v in items), len(items)),
            "intent_accuracy": _rate(sum(t.intent_ok for t in group_turns), len(group_turns)),
        }

    return {
        "intent_accuracy": overall["intent_accuracy"],
        "intent_macro_f1": overall["intent_macro_f1"],
        "per_intent": intents["per_intent"],
        "confusion_matrix": intents["confusion_matrix"],
        "task_completion_rate": overall["task_completion_rate"],
        "guardrail_accuracy": overall["guardrail_accuracy"],
        "tool_correctness": overall["tool_correctness"],
        "context_retention": overall["context_retention"],
        "reply_language_accuracy": overall["reply_language_accuracy"],
        "latency_ms": overall["latency_ms"],
        "pass_rate": overall["pass_rate"],
        "cases_total": len(verdicts),
        "cases_passed": sum(passed[v.id] for v in verdicts),
        "turns_total": len(turns),
        "task_completion": overall["task_completion"],
        "guardrail": overall["guardrail"],
        "context_turns": overall["context_turns"],
        "per_language": per_language,
        "per_tag": {tag: group(items) for tag, items in sorted(by_tag.items())},
        "per_dataset": {source: group(items) for source, items in sorted(by_source.items())},
        "trajectory": trajectory.aggregate([v.trajectory for v in verdicts if v.trajectory is not None]),
    }
