"""bench.server_bench: the production server against a bare graph served beside the assistant."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import pytest

from bench import server_bench
from bench.server_process import CONFIG


def test_the_benchmark_config_serves_the_bare_graph_beside_the_assistant(tmp_path: Path) -> None:
    original = json.loads(CONFIG.read_text(encoding="utf-8"))
    config = json.loads(server_bench.bench_config(tmp_path).read_text(encoding="utf-8"))
    assert config["graphs"] == {**original["graphs"], "bare": "bench.server_graphs:bare"}
    for key in ("checkpointer", "auth", "http"):
        assert config[key] == original[key]  # same checkpointer, auth and routes as the real server
    assert Path(config["dependencies"][0]).resolve() == CONFIG.parent.resolve()


def level(turns_per_s: float, p50: float) -> dict[str, float]:
    return {"turns_per_s": turns_per_s, "p50_ms": p50}


def test_ratios_compare_with_the_bare_graph_and_with_one_worker() -> None:
    report = {
        "in_process_turn_p50_ms": 20.0,
        "workers": {
            "1": {
                "1": {"switchboard": level(5, 100), "bare": level(10, 50)},
                "8": {"switchboard": level(4, 800), "bare": level(8, 400)},
            },
            "2": {
                "1": {"switchboard": level(5, 100), "bare": level(10, 50)},
                "8": {"switchboard": level(6, 500), "bare": level(16, 200)},
            },
        },
    }
    got = server_bench.ratios(report)
    assert got["w1_c8_p50_vs_bare"] == 2.0 and got["w1_c8_throughput_vs_bare"] == 0.5
    assert got["two_workers_vs_one_switchboard_c8"] == 1.5 and got["two_workers_vs_one_bare_c8"] == 2.0
    assert got["lone_turn_vs_in_process"] == 5.0


def test_levels_are_checked() -> None:
    assert server_bench.int_list("1,8,32") == [1, 8, 32]
    for bad in ("", "0", "1,500", "x"):
        with pytest.raises((ValueError, argparse.ArgumentTypeError)):
            server_bench.int_list(bad)


@pytest.mark.postgres
@pytest.mark.slow
def test_a_small_run_on_the_production_path() -> None:
    postgres, redis = (
        os.environ.get("SWITCHBOARD_TEST_POSTGRES_URL"),
        os.environ.get("SWITCHBOARD_TEST_REDIS_URL"),
    )
    if not postgres or not redis:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must provide SWITCHBOARD_TEST_POSTGRES_URL and SWITCHBOARD_TEST_REDIS_URL")
        pytest.skip("needs SWITCHBOARD_TEST_POSTGRES_URL and SWITCHBOARD_TEST_REDIS_URL")
    report = server_bench.run([1], [2], 2, 4, postgres, redis)
    for graph in server_bench.GRAPHS:
        measured = report["workers"]["1"]["2"][graph]
        assert measured["turns"] == 4 and measured["server_cpu_ms_per_turn"] > 0
    assert report["ratios"]["w1_c2_p50_vs_bare"] > 0
    assert "two_workers_vs_one" not in server_bench.table(report)  # one worker count: no such ratio
