"""What changed between two runs: cases that started or stopped passing, and metric deltas.

`load_report(DIR)` reads `DIR/report.json` of an earlier run (bad input is an `InputError`);
`compare(old, new)` returns JSON; `render_lines` turns it into the lines printed and put in
report.md.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from switchboard.errors import InputError

COMPARED_METRICS = (
    "intent_accuracy",
    "intent_macro_f1",
    "task_completion_rate",
    "guardrail_accuracy",
    "tool_correctness",
    "context_retention",
    "reply_language_accuracy",
    "pass_rate",
)
COMPARED_LATENCY = ("p50", "p95")
# Trajectory figures (`evals.harness.trajectory`), by their path in the report.
COMPARED_TRAJECTORY = (
    ("trajectory.steps_per_turn.mean", ("trajectory", "steps_per_turn", "mean")),
    ("trajectory.steps_per_task.mean", ("trajectory", "steps_per_task", "mean")),
    ("trajectory.tool_calls_per_task.mean", ("trajectory", "tool_calls_per_task", "mean")),
    ("trajectory.dead_loop_rate", ("trajectory", "dead_loop_rate")),
    ("trajectory.invalid_trajectory_rate", ("trajectory", "invalid_trajectory_rate")),
    ("trajectory.invalid.cases", ("trajectory", "invalid", "cases")),
)


def _dig(report: dict[str, Any], keys: tuple[str, ...]) -> Any:
    value: Any = report
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def load_report(directory: Path) -> dict[str, Any]:
    path = Path(directory) / "report.json"
    if not path.is_file():
        raise InputError(f"--compare: {path} does not exist (give the --out directory of an earlier run)")
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"--compare: {path} is not a JSON report ({exc})") from None
    if not isinstance(report, dict) or not isinstance(report.get("cases"), list):
        raise InputError(f"--compare: {path} has no 'cases' list")
    for case in report["cases"]:
        if (
            not isinstance(case, dict)
            or not isinstance(case.get("id"), str)
            or not isinstance(case.get("passed"), bool)
        ):
            raise InputError(f"--compare: {path} has a case without an 'id' and a boolean 'passed'")
    return report


def _delta(old: Any, new: Any) -> dict[str, Any]:
    delta = round(new - old, 4) if isinstance(old, int | float) and isinstance(new, int | float) else None
    return {"old": old, "new": new, "delta": delta}


def compare(old: dict[str, Any], new: dict[str, Any], old_dir: str = "") -> dict[str, Any]:
    old_cases = {c["id"]: c for c in old["cases"]}
    new_cases = {c["id"]: c for c in new["cases"]}
    common = [i for i in new_cases if i in old_cases]
    regressions = [
        {"id": i, "failures": new_cases[i].get("failures", [])}
        for i in common
        if old_cases[i]["passed"] and not new_cases[i]["passed"]
    ]
    fixes = [{"id": i} for i in common if not old_cases[i]["passed"] and new_cases[i]["passed"]]
    metrics = {name: _delta(old.get(name), new.get(name)) for name in COMPARED_METRICS}
    for key in COMPARED_LATENCY:
        metrics[f"latency_ms.{key}"] = _delta(
            (old.get("latency_ms") or {}).get(key), (new.get("latency_ms") or {}).get(key)
        )
    for name, keys in COMPARED_TRAJECTORY:
        metrics[name] = _delta(_dig(old, keys), _dig(new, keys))
    per_language: dict[str, dict[str, Any]] = {}
    for language in sorted(set(old.get("per_language", {})) | set(new.get("per_language", {}))):
        before = old.get("per_language", {}).get(language, {})
        after = new.get("per_language", {}).get(language, {})
        per_language[language] = {
            name: _delta(before.get(name), after.get(name)) for name in COMPARED_METRICS
        }
    per_intent = {
        label: _delta(
            (old.get("per_intent") or {}).get(label, {}).get("f1"),
            (new.get("per_intent") or {}).get(label, {}).get("f1"),
        )
        for label in (new.get("per_intent") or {})
    }
    return {
        "old": old_dir,
        "cases_compared": len(common),
        "regressions": regressions,
        "fixes": fixes,
        "added": [i for i in new_cases if i not in old_cases],
        "removed": [i for i in old_cases if i not in new_cases],
        "metrics": metrics,
        "per_language": per_language,
        "per_intent_f1": per_intent,
    }


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def _signed(value: float | None) -> str:
    return "-" if value is None else f"{value:+.3f}"


def render_lines(comparison: dict[str, Any]) -> list[str]:
    """Plain lines: metric deltas, then each case that changed."""
    lines = [
        f"compared with {comparison['old'] or 'the earlier run'} ({comparison['cases_compared']} cases in both)"
    ]
    for name, d in comparison["metrics"].items():
        if d["delta"]:
            lines.append(f"  {name}: {_fmt(d['old'])} -> {_fmt(d['new'])} ({_signed(d['delta'])})")
    if not any(d["delta"] for d in comparison["metrics"].values()):
        lines.append("  headline metrics unchanged")
    trajectory = {k: d for k, d in comparison["metrics"].items() if k.startswith("trajectory.")}
    if trajectory and all(d["old"] is None for d in trajectory.values()):
        lines.append("  trajectory metrics: none in the earlier run")
    elif trajectory and not any(d["delta"] for d in trajectory.values()):
        now = ", ".join(f"{k.removeprefix('trajectory.')} {_fmt(d['new'])}" for k, d in trajectory.items())
        lines.append(f"  trajectory metrics unchanged: {now}")
    lines.append(f"  passed -> failed: {len(comparison['regressions'])}")
    for item in comparison["regressions"]:
        first = item["failures"][0] if item["failures"] else ""
        lines.append(f"    - {item['id']}: {first}")
    lines.append(f"  failed -> passed: {len(comparison['fixes'])}")
    lines.extend(f"    + {item['id']}" for item in comparison["fixes"])
    if comparison["added"]:
        lines.append(f"  new cases: {len(comparison['added'])}")
    if comparison["removed"]:
        lines.append(f"  cases no longer in the dataset: {len(comparison['removed'])}")
    return lines
