"""The report of a run: `report.json` (CONTRACTS §6 fields and more), `report.md` for people, and
the charts. Every failing case is listed with what was expected and what happened."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from evals.harness.dataset import Case
from evals.harness.judge import CaseVerdict

REPORT_VERSION = 1
MAX_REPLY_CHARS = 2000  # replies longer than this are cut in report.json (inventory tables)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def display_source(source: str) -> str:
    """FILE:LINE with FILE relative to the repository when it is inside it."""
    from switchboard.settings import REPO_ROOT

    path, _, line = source.rpartition(":")
    resolved = Path(path).resolve()
    if resolved.is_relative_to(REPO_ROOT):
        path = str(resolved.relative_to(REPO_ROOT))
    return f"{path}:{line}"


def _result(run: dict[str, Any], index: int) -> dict[str, Any]:
    turns = run.get("turns") or []
    return (turns[index].get("result") or {}) if index < len(turns) else {}


def case_entry(
    case: Case, run: dict[str, Any], verdict: CaseVerdict, metrics: dict[str, Any], passed: bool
) -> dict[str, Any]:
    """One entry of `cases`: the §6 fields per turn, plus what each check decided."""
    turns = []
    for t in verdict.turns:
        turns.append(
            {
                "input": t.input,
                "expected_intent": t.expected_intent,
                "intent": ((run["turns"][t.index]["result"].get("intent")) if t.ran else None),
                "task_status": t.task_status,
                "guardrail": t.guardrail,
                "reply": _cut(t.reply, MAX_REPLY_CHARS),
                "latency_ms": t.latency_ms,
                "agent": t.agent,
                "tool_calls": t.tool_calls,
                # How the reply was revised (rules, LLM critic) and the LLM engine's fallbacks.
                "revisions": (_result(run, t.index).get("critic") or {}).get("revisions", []),
                "engine_notes": _result(run, t.index).get("engine_notes", []),
                "expected_task_completed": t.task_expected,
                "language": t.language,
                "judged_intent": t.intent,
                "path": list(_result(run, t.index).get("path") or []),
                "checks": {
                    "intent": t.intent_ok,
                    "task": t.task_ok,
                    "guardrail": t.guard_ok,
                    "tool": t.tool_ok,
                    "language": t.language_ok,
                    "context": t.context_ok,
                },
            }
        )
    auto = run.get("auto_confirmation")
    return {
        "id": case.id,
        "passed": passed,
        "turns": turns,
        "language": verdict.language,
        "source": display_source(case.source),
        "user_id": case.user_id,
        "tags": list(case.tags),
        "auto_confirmation": (
            {
                "input": auto["input"],
                "task_status": auto["result"].get("task_status"),
                "tool_calls": auto["result"].get("tool_calls"),
                "path": list(auto["result"].get("path") or []),
                "reply": _cut(auto["result"].get("reply") or "", MAX_REPLY_CHARS),
                "latency_ms": auto["latency_ms"],
            }
            if auto
            else None
        ),
        "db_checks": verdict.db_checks,
        "task_completed": verdict.task_ok,
        "metrics": metrics,
        "failures": verdict.failures,
        "error": verdict.error,
        "trajectory": verdict.trajectory.as_dict() if verdict.trajectory else None,
    }


def build_report(
    headline: dict[str, Any], cases: list[dict[str, Any]], meta: dict[str, Any]
) -> dict[str, Any]:
    return {"report_version": REPORT_VERSION, **headline, **meta, "cases": cases}


def write_json(report: dict[str, Any], out_dir: Path) -> Path:
    path = out_dir / "report.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


# ---- report.md -------------------------------------------------------------------------------

HEADLINE_ROWS = (
    ("intent_accuracy", "Intent accuracy"),
    ("intent_macro_f1", "Intent macro-F1"),
    ("task_completion_rate", "Task completion"),
    ("guardrail_accuracy", "Guardrail accuracy"),
    ("tool_correctness", "Tool correctness"),
    ("context_retention", "Context retention"),
    ("reply_language_accuracy", "Reply language"),
    ("pass_rate", "Cases passed"),
)


def _pct(value: Any) -> str:
    return "–" if value is None else f"{100 * value:.1f} %"


def _md(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ⏎ ")


def headline_table(report: dict[str, Any]) -> list[str]:
    languages = list(report.get("per_language", {}))
    lines = [
        "| metric | all | " + " | ".join(languages) + " |",
        "|---|---|" + "---|" * len(languages),
    ]
    for key, label in HEADLINE_ROWS:
        cells = [_pct(report.get(key))] + [_pct(report["per_language"][lang].get(key)) for lang in languages]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    counts = [f"{report['cases_total']} / {report['turns_total']}"] + [
        f"{report['per_language'][lang]['cases']} / {report['per_language'][lang]['turns']}"
        for lang in languages
    ]
    lines.append("| cases / turns | " + " | ".join(counts) + " |")
    return lines


def _transcript(case: dict[str, Any]) -> list[str]:
    lines = [
        "| # | message | expected (intent, task) | intent | status | tools (✗ failed) | path | reply |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for i, t in enumerate(case["turns"], start=1):
        tools = ", ".join(f"{c['name']}{'' if c.get('ok') else ' ✗'}" for c in t["tool_calls"]) or "–"
        expected = t["expected_intent"] + (
            ""
            if t["expected_task_completed"] is None
            else (", done" if t["expected_task_completed"] else ", not done")
        )
        guard = f" (guard {t['guardrail']['name']})" if t.get("guardrail") else ""
        lines.append(
            f"| {i} | {_md(_cut(t['input'], 80))} | {expected} | {t['judged_intent']} | "
            f"{t['task_status']}{guard} | {_md(tools)} | {' > '.join(t.get('path') or []) or '–'} | "
            f"{_md(_cut(t['reply'], 110))} |"
        )
    if auto := case.get("auto_confirmation"):
        tools = ", ".join(c["name"] for c in auto["tool_calls"] or []) or "–"
        lines.append(
            f"| + | {_md(auto['input'])} *(harness confirms)* | | | {auto['task_status']} | {_md(tools)} | "
            f"{' > '.join(auto.get('path') or []) or '–'} | {_md(_cut(auto['reply'], 110))} |"
        )
    return lines


def markdown(report: dict[str, Any], charts: dict[str, str], comparison_lines: list[str] | None) -> str:
    lines = _summary(report)
    if charts:
        lines += ["## Charts", ""] + [f"![{name}]({file})" for name, file in charts.items()] + [""]
    if comparison_lines:
        lines += ["## Compared with the earlier run", "", "```", *comparison_lines, "```", ""]
    lines += _task_and_guardrails(report)
    lines += _trajectories(report)
    lines += _per_intent(report)
    lines += _confusion(report)
    lines += _groups(report)
    lines += _llm_judge(report)
    lines += _failing(report)
    return "\n".join(lines) + "\n"


def _summary(report: dict[str, Any]) -> list[str]:
    run = report["run"]
    return [
        "# Switchboard evaluation report",
        "",
        f"Datasets: {', '.join(f'`{d}`' for d in report['datasets'])} · engine: {report['engine']} · "
        f"{report['created_at']}" + (f" · commit `{report['commit']}`" if report.get("commit") else ""),
        "",
        "## Headline",
        "",
        *headline_table(report),
        "",
        f"Latency per turn: p50 {report['latency_ms']['p50']} ms, p95 {report['latency_ms']['p95']} ms "
        f"(max {report['latency_ms']['max']} ms, {report['latency_ms']['turns']} turns). "
        f"Throughput: {run['cases_per_s']} cases/s with {run['workers']} worker(s) "
        f"({run['steady_cases_per_s']} cases/s after start-up; {run['wall_s']} s for {run['cases']} cases).",
        "",
    ]


def _task_and_guardrails(report: dict[str, Any]) -> list[str]:
    task, guard = report["task_completion"], report["guardrail"]
    return [
        "## Task completion and guardrails",
        "",
        f"- Task completion (judged from task status, tool calls and the database): {_pct(task['rate'])} of "
        f"{task['cases']} cases; completed when the case expects it: {_pct(task['completed_when_expected'])} "
        f"({task['expected_completed']} cases); held back when it should be: "
        f"{_pct(task['held_back_when_expected'])} ({task['expected_not_completed']} cases).",
        f"- Guardrails: {_pct(guard['accuracy'])} of {guard['turns']} turns right; off-topic and attack turns "
        f"refused: {_pct(guard['refused_when_expected'])} of {guard['expected_refusals']} (by a guard: "
        f"{_pct(guard['blocked_by_guard_when_expected'])}); benign turns not blocked by a guard: "
        f"{_pct(guard['benign_not_blocked'])} of {guard['benign_turns']}; benign turns refused anyway: "
        f"{_pct(guard['benign_over_refused'])}.",
        f"- Context retention: {_pct(report['context_retention'])} of {report['context_turns']} turns that depend "
        "on earlier turns.",
        "",
    ]


def _spread(figures: dict[str, Any]) -> str:
    if not figures.get("n"):
        return "–"
    return f"{figures['mean']:.2f} | {figures['p50']} | {figures['p95']} | {figures['max']}"


def _trajectories(report: dict[str, Any]) -> list[str]:
    """Steps, tool calls, loops and invalid trajectories (`evals.harness.trajectory`)."""
    figures = report.get("trajectory")
    if not figures:
        return []
    loops, invalid = figures["loops"], figures["invalid"]
    lines = [
        "## Trajectories",
        "",
        f"Every turn's path through the graph ({figures['turns']} turns, {figures['tasks']} tasks: "
        "consecutive turns on one intent; the harness's confirmations included).",
        "",
        "| per | mean | p50 | p95 | max |",
        "|---|---|---|---|---|",
        f"| steps (nodes run) per turn | {_spread(figures['steps_per_turn'])} |",
        f"| steps per task | {_spread(figures['steps_per_task'])} |",
        f"| tool calls per task | {_spread(figures['tool_calls_per_task'])} |",
        f"| steps per case | {_spread(figures['steps_per_case'])} |",
        "",
        f"- Loops: {loops['cases']} case(s) ({_pct(figures['dead_loop_rate'])}): a node run twice in a turn "
        f"{loops['node_repeats']}, the same tool call twice in a turn {loops['tool_repeats']}, recursion-limit "
        f"hits {loops['recursion_limit_hits']}.",
        f"- Invalid trajectories: {invalid['cases']} case(s) ({_pct(figures['invalid_trajectory_rate'])}): "
        f"writes without their confirmation {invalid['unconfirmed_writes']}, a specialist other than the "
        f"routed one {invalid['wrong_specialist']}.",
        "",
    ]
    flagged = [
        c
        for c in report["cases"]
        if c.get("trajectory") and (c["trajectory"]["loops"] or c["trajectory"]["invalid"])
    ]
    for case in flagged:
        for problem in [*case["trajectory"]["invalid"], *case["trajectory"]["loops"]]:
            lines.append(f"- `{case['id']}`: {_md(problem)}")
    if flagged:
        lines.append("")
    return lines


def _per_intent(report: dict[str, Any]) -> list[str]:
    lines = [
        "## Per intent",
        "",
        "| intent | precision | recall | F1 | support |",
        "|---|---|---|---|---|",
    ]
    for label, v in report["per_intent"].items():
        lines.append(
            f"| {label} | {v['precision']:.3f} | {v['recall']:.3f} | {v['f1']:.3f} | {v['support']} |"
        )
    return lines


def _confusion(report: dict[str, Any]) -> list[str]:
    cm = report["confusion_matrix"]
    short = [label.split("_")[0][:8] for label in cm["labels"]]
    lines = [
        "",
        "## Confusion matrix (rows: expected, columns: predicted)",
        "",
        "| | " + " | ".join(short) + " |",
        "|---|" + "---|" * len(short),
    ]
    for label, row in zip(cm["labels"], cm["matrix"], strict=True):
        lines.append(f"| {label} | " + " | ".join(str(n) if n else "·" for n in row) + " |")
    return lines


def _groups(report: dict[str, Any]) -> list[str]:
    lines = [
        "",
        "## By dataset file and tag",
        "",
        "| group | cases | passed | intent accuracy |",
        "|---|---|---|---|",
    ]
    for prefix, groups in (("file", report["per_dataset"]), ("tag", report["per_tag"])):
        for name, g in groups.items():
            lines.append(
                f"| {prefix} `{name}` | {g['cases']} | {_pct(g['pass_rate'])} | {_pct(g['intent_accuracy'])} |"
            )
    return lines


def _llm_judge(report: dict[str, Any]) -> list[str]:
    judge = report["judge"]
    lines = ["", "## LLM-judged metrics (DeepEval)", ""]
    if judge["enabled"]:
        lines += [
            f"{judge['reason']}; {judge['turns_judged']} turns judged.",
            "",
            "| metric | mean | pass rate | errors |",
            "|---|---|---|---|",
        ]
        for name, m in judge["metrics"].items():
            mean = "–" if m["mean"] is None else f"{m['mean']:.3f}"
            lines.append(f"| {name} | {mean} | {_pct(m['pass_rate'])} | {m['errors']} |")
    else:
        lines.append(f"Skipped: {judge['reason']}.")
    if report.get("langsmith"):
        lines += ["", f"Uploaded to LangSmith project `{report['langsmith'].get('project')}`."]
    return lines


def _failing(report: dict[str, Any]) -> list[str]:
    failing = [c for c in report["cases"] if not c["passed"]]
    lines = ["", f"## Failing cases ({len(failing)} of {len(report['cases'])})", ""]
    if not failing:
        lines.append("None.")
    for case in failing:
        tags = f" · tags: {', '.join(case['tags'])}" if case["tags"] else ""
        lines += [
            f"### `{case['id']}`",
            "",
            f"{case['source']} · language {case['language']} · user {case['user_id']}{tags}",
            "",
            *[f"- {_md(f)}" for f in case["failures"]],
            "",
            *_transcript(case),
            "",
        ]
    return lines


def write_markdown(
    report: dict[str, Any], out_dir: Path, charts: dict[str, str], comparison_lines: list[str] | None
) -> Path:
    path = out_dir / "report.md"
    path.write_text(markdown(report, charts, comparison_lines), encoding="utf-8")
    return path
