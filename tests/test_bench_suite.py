"""The benchmark suite measures what it says (tiny sizes; no timing is asserted)."""

from __future__ import annotations

from pathlib import Path

from bench import suite


def test_turn_growth_and_stages_report_their_fields(tmp_path: Path) -> None:
    settings = suite.bench_settings(tmp_path)
    turn = suite.turn_vs_bare(settings, turns=4)
    assert turn["assistant"]["p50_ms"] > 0 and turn["bare_langgraph"]["p50_ms"] > 0
    assert turn["ratio_p50"] == round(turn["assistant"]["p50_ms"] / turn["bare_langgraph"]["p50_ms"], 2)
    spread = turn["overhead_ratio_spread"]
    assert len(spread["by_block"]) == 4  # 4 turns: stretches of one turn each
    assert spread["block_min"] == min(spread["by_block"]) <= max(spread["by_block"]) == spread["block_max"]
    p25, p50, p75 = spread["turn_by_turn_p25_p50_p75"]
    assert 0 < p25 <= p50 <= p75
    cpu = turn["cpu"]
    assert cpu["assistant_without_models_p50_ms"] > 0 and cpu["bare_langgraph_p50_ms"] > 0
    growth = suite.growth(settings, length=12)
    assert len(growth["per_turn_ms"]) == len(growth["checkpoint_bytes"]) == 12
    assert all(size > 0 for size in growth["checkpoint_bytes"])
    stages = suite.stage_breakdown(settings, repeat=3)
    assert {"input_guard", "router_classifier", "critic", "output_guard"} <= set(stages)


def test_percentile_and_summary() -> None:
    assert suite.percentile([3.0, 1.0, 2.0], 50) == 2.0
    assert suite.percentile([1.0, 2.0, 3.0, 4.0, 100.0], 95) == 100.0
    assert suite.summary([0.001, 0.002, 0.003])["p50_ms"] == 2.0


def test_the_turn_profile_leaves_out_the_time_inside_models() -> None:
    from types import SimpleNamespace

    from bench.profile_turn import non_model_times

    def frame(function: str, time: float, *children: SimpleNamespace) -> SimpleNamespace:
        return SimpleNamespace(
            function=function,
            time=time,
            children=list(children),
            file_path="x.py",
            file_path_short="x.py",
            line_no=1,
        )

    model = frame("ModelClock.call", 5.0, frame("predict", 5.0))
    root = frame("run_turn", 9.0, frame("node", 7.0, model), frame("put", 1.0))
    total, inclusive, own = non_model_times(root)
    assert total == 4.0  # 9 s of turn, 5 s of it in the model
    assert inclusive["node  x.py:1"] == 2.0 and own["run_turn  x.py:1"] == 1.0
    assert not any(key.startswith("predict") for key in inclusive)
