"""PNG charts of a report: headline metrics per language, the intent confusion matrix, the
distribution of turn latency and the trajectories (steps per turn and task, tool calls per task). matplotlib with the Agg backend (no display, no fonts beyond the
defaults: every label is ASCII)."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

HEADLINE_METRICS = (
    ("intent_accuracy", "intent\naccuracy"),
    ("intent_macro_f1", "intent\nmacro-F1"),
    ("task_completion_rate", "task\ncompletion"),
    ("guardrail_accuracy", "guardrail\naccuracy"),
    ("tool_correctness", "tool\ncorrectness"),
    ("context_retention", "context\nretention"),
    ("reply_language_accuracy", "reply\nlanguage"),
)
CHART_FILES = {
    "headline": "headline.png",
    "confusion_matrix": "confusion_matrix.png",
    "latency": "latency.png",
    "trajectory": "trajectory.png",
}


def _pyplot() -> ModuleType:
    """pyplot on the Agg backend, imported on first use (the backend must be chosen first)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def headline_chart(report: dict[str, Any], path: Path) -> Path:
    plt = _pyplot()
    groups = [("all", report)] + [(k, v) for k, v in report.get("per_language", {}).items()]
    fig, ax = plt.subplots(figsize=(11, 4.8))
    width = 0.8 / len(groups)
    colors = ["#3b6ea5", "#d1603d", "#5a9e6f", "#8e6bb0"]
    for g, (name, figures) in enumerate(groups):
        values = [figures.get(key) for key, _ in HEADLINE_METRICS]
        xs = [i + (g - (len(groups) - 1) / 2) * width for i in range(len(HEADLINE_METRICS))]
        bars = ax.bar(xs, [v or 0 for v in values], width, label=name, color=colors[g % len(colors)])
        for bar, value in zip(bars, values, strict=True):
            if value is not None:
                ax.text(
                    bar.get_x() + bar.get_width() / 2,
                    value + 0.01,
                    f"{value:.2f}",
                    ha="center",
                    va="bottom",
                    fontsize=7,
                )
    ax.set_xticks(range(len(HEADLINE_METRICS)), [label for _, label in HEADLINE_METRICS], fontsize=9)
    ax.set_ylim(0, 1.08)
    ax.set_ylabel("rate")
    ax.set_title(
        f"Switchboard evaluation: {report.get('cases_total', 0)} cases, {report.get('turns_total', 0)} turns"
    )
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=len(groups), fontsize=8, frameon=False)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def confusion_chart(report: dict[str, Any], path: Path) -> Path:
    import numpy as np

    plt = _pyplot()
    labels = report["confusion_matrix"]["labels"]
    matrix = np.array(report["confusion_matrix"]["matrix"], dtype=float)
    # Colour by share of the expected label (row), annotate with counts.
    totals = matrix.sum(axis=1, keepdims=True)
    shares = np.divide(matrix, totals, out=np.zeros_like(matrix), where=totals > 0)
    fig, ax = plt.subplots(figsize=(8.5, 7))
    image = ax.imshow(shares, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.set_xlabel("predicted intent")
    ax.set_ylabel("expected intent")
    for i in range(len(labels)):
        for j in range(len(labels)):
            if matrix[i, j]:
                color = "white" if shares[i, j] > 0.6 else "black"
                ax.text(j, i, int(matrix[i, j]), ha="center", va="center", fontsize=8, color=color)
    ax.set_title("Intent confusion matrix (colour: share of the expected intent)")
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def latency_chart(latencies: list[float], report: dict[str, Any], path: Path) -> Path:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 4))
    if latencies:
        ax.hist(latencies, bins=40, color="#3b6ea5", alpha=0.85)
        for key, style in (("p50", "--"), ("p95", ":")):
            value = report["latency_ms"].get(key)
            if value is not None:
                ax.axvline(value, color="#d1603d", linestyle=style, label=f"{key} {value:.0f} ms")
        ax.legend(fontsize=8)
    ax.set_xlabel("turn latency (ms, wall clock of one turn in process)")
    ax.set_ylabel("turns")
    ax.set_title(f"Turn latency ({len(latencies)} turns)")
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def trajectory_chart(report: dict[str, Any], path: Path) -> Path:
    """Steps per turn, steps per task and tool calls per task (histograms), with the loop and
    invalid-trajectory counts in the title."""
    plt = _pyplot()
    cases = [c["trajectory"] for c in report["cases"] if c.get("trajectory")]
    series = (
        ("steps (nodes run) per turn", [t["steps"] for c in cases for t in c["turns"]]),
        ("steps per task", [task["steps"] for c in cases for task in c["tasks"]]),
        ("tool calls per task", [task["tool_calls"] for c in cases for task in c["tasks"]]),
    )
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.8))
    for ax, (label, values) in zip(axes, series, strict=True):
        if values:
            top = max(values)
            ax.hist(values, bins=range(0, top + 2), color="#3b6ea5", alpha=0.85, align="left", rwidth=0.85)
        ax.set_xlabel(label)
        ax.set_ylabel("count")
        ax.grid(axis="y", alpha=0.3)
    figures = report.get("trajectory") or {}
    loops = (figures.get("loops") or {}).get("cases", 0)
    invalid = (figures.get("invalid") or {}).get("cases", 0)
    fig.suptitle(
        f"Trajectories: {len(cases)} cases; cases with a loop: {loops}; with an invalid trajectory: {invalid}"
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write_charts(report: dict[str, Any], out_dir: Path) -> dict[str, str]:
    """The four charts in `out_dir`; returns name -> file name."""
    latencies = [
        t["latency_ms"] for c in report["cases"] for t in c["turns"] if t.get("latency_ms") is not None
    ]
    headline_chart(report, out_dir / CHART_FILES["headline"])
    confusion_chart(report, out_dir / CHART_FILES["confusion_matrix"])
    latency_chart(latencies, report, out_dir / CHART_FILES["latency"])
    trajectory_chart(report, out_dir / CHART_FILES["trajectory"])
    return dict(CHART_FILES)
