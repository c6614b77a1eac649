"""The benchmark suite measures what it says (tiny sizes; no timing is asserted)."""

from __future__ import annotations

from pathlib import Path

from bench import suite


def test_turn_growth_and_stages_report_their_fields(tmp_path: Path) -> None:
    settings = suite.bench_settings(tmp_path)
    turn = suite.turn_vs_bare(settings, turns=4)
    assert turn["assistant"]["p50_ms"] > 0 and turn["bare_langgraph"]["p50_ms"] > 0
    assert turn["ratio_p50"] == round(turn["assistant"]["p50_ms"] / turn["bare_langgraph"]["p50_ms"], 2)
    growth = suite.growth(settings, length=12)
    assert len(growth["per_turn_ms"]) == len(growth["checkpoint_bytes"]) == 12
    assert all(size > 0 for size in growth["checkpoint_bytes"])
    stages = suite.stage_breakdown(settings, repeat=3)
    assert {"input_guard", "router_classifier", "critic", "output_guard"} <= set(stages)


def test_percentile_and_summary() -> None:
    assert suite.percentile([3.0, 1.0, 2.0], 50) == 2.0
    assert suite.percentile([1.0, 2.0, 3.0, 4.0, 100.0], 95) == 100.0
    assert suite.summary([0.001, 0.002, 0.003])["p50_ms"] == 2.0
