"""A tiny real run through the whole assistant: report.json fields exactly per CONTRACTS §6, report.md,
charts, database isolation per case, the command with --compare, and parallel workers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from evals.harness.dataset import load_dataset
from evals.harness.evaluate import Options, evaluate
from switchboard.settings import Settings

BOOKED_12A = {
    "table": "bookings",
    "where": {"flight_number": "FL123", "seat": "12A", "status": "confirmed"},
    "count": 1,
}
CASES: list[dict[str, Any]] = [
    {
        "id": "t-book",
        "input": "book seat 12A on FL123",
        "expected_intent": "book_seat",
        "task_completed": True,
        "expect_db": [BOOKED_12A],
    },
    # The same seat for another user: passes only if every case has its own database copy.
    {
        "id": "t-book-other-user",
        "user_id": "USER456",
        "input": "book seat 12A on FL123",
        "expected_intent": "book_seat",
        "task_completed": True,
        "expect_db": [BOOKED_12A],
    },
    # Ends on a confirmation question: the harness answers yes, the database shows the result.
    {
        "id": "t-cancel",
        "input": "cancel booking ABC123",
        "expected_intent": "cancel_flight",
        "task_completed": True,
        "expect_db": [
            {
                "table": "bookings",
                "where": {"confirmation_number": "ABC123", "status": "cancelled"},
                "count": 1,
            }
        ],
    },
    {
        "id": "t-dialogue",
        "turns": [
            {"input": "我想订一个座位", "expected_intent": "book_seat", "task_completed": False},
            {"input": "FL456, 15B", "expected_intent": "book_seat", "task_completed": True},
        ],
        "expect_db": [{"table": "bookings", "where": {"seat": "15B", "user_id": "USER123"}, "count": 1}],
    },
    # Deliberately mislabelled: must fail and be listed with what was expected and what happened.
    {
        "id": "t-mislabelled",
        "input": "what's the status of FL123?",
        "expected_intent": "greeting",
        "task_completed": True,
    },
]

CONTRACT_TOP = {
    "intent_accuracy",
    "intent_macro_f1",
    "per_intent",
    "confusion_matrix",
    "task_completion_rate",
    "guardrail_accuracy",
    "latency_ms",
    "cases",
}
CONTRACT_TURN = {"input", "expected_intent", "intent", "task_status", "guardrail", "reply", "latency_ms"}


def settings_for_tests() -> Settings:
    return Settings(openai_api_key=None, _env_file=None)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("data") / "tiny.jsonl"
    path.write_text("\n".join(json.dumps(c, ensure_ascii=False) for c in CASES) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def first_run(dataset: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    out = tmp_path_factory.mktemp("run1")
    outcome = evaluate(
        [dataset], out, settings_for_tests(), Options(workers=1, judge_disabled=True, progress=False)
    )
    return outcome.report, out


def test_report_json_has_the_contract_fields(first_run: tuple[dict[str, Any], Path]) -> None:
    report, out = first_run
    on_disk = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert on_disk == json.loads(json.dumps(report))
    assert set(on_disk) >= CONTRACT_TOP
    assert set(on_disk["latency_ms"]) >= {"p50", "p95"}
    for label, figures in on_disk["per_intent"].items():
        assert set(figures) >= {"precision", "recall", "f1", "support"}, label
    cm = on_disk["confusion_matrix"]
    assert len(cm["matrix"]) == len(cm["labels"]) and sum(map(sum, cm["matrix"])) == on_disk["turns_total"]
    assert [c["id"] for c in on_disk["cases"]] == [c["id"] for c in CASES]
    for case in on_disk["cases"]:
        assert {"id", "passed", "turns"} <= set(case) and isinstance(case["passed"], bool)
        for turn in case["turns"]:
            assert set(turn) >= CONTRACT_TURN
            assert isinstance(turn["latency_ms"], float) and turn["latency_ms"] > 0
    for language in ("zh", "en"):
        figures = on_disk["per_language"][language]
        assert {"intent_accuracy", "task_completion_rate", "guardrail_accuracy"} <= set(figures)
    assert on_disk["judge"] == {"enabled": False, "reason": "the LLM metrics were turned off (--no-judge)"}
    assert on_disk["langsmith"] is None


def test_outcomes_are_judged_from_behaviour(first_run: tuple[dict[str, Any], Path]) -> None:
    report, _ = first_run
    cases = {c["id"]: c for c in report["cases"]}
    assert cases["t-book"]["passed"] and cases["t-book-other-user"]["passed"]
    cancel = cases["t-cancel"]
    assert cancel["passed"] and cancel["turns"][0]["task_status"] == "awaiting_confirmation"
    assert cancel["auto_confirmation"]["task_status"] == "completed"
    assert cancel["db_checks"][0]["actual"] == 1
    assert cases["t-dialogue"]["passed"]
    wrong = cases["t-mislabelled"]
    assert not wrong["passed"]
    assert any("expected intent greeting, got flight_status" in f for f in wrong["failures"])
    assert report["cases_passed"] == 4 and report["intent_accuracy"] == pytest.approx(5 / 6, abs=1e-3)


def test_markdown_and_charts(first_run: tuple[dict[str, Any], Path]) -> None:
    _, out = first_run
    text = (out / "report.md").read_text(encoding="utf-8")
    assert "## Headline" in text and "| Intent accuracy |" in text
    assert "## Failing cases (1 of 5)" in text and "### `t-mislabelled`" in text
    assert "expected intent greeting, got flight_status" in text
    assert "Skipped: the LLM metrics were turned off" in text
    for name in ("headline.png", "confusion_matrix.png", "latency.png"):
        data = (out / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000, name
        assert f"]({name})" in text


def test_the_command_compares_with_an_earlier_run(
    first_run: tuple[dict[str, Any], Path],
    dataset: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from faces.cli.main import main
    from switchboard.settings import get_settings

    for name in ("OPENAI_API_KEY", "LANGSMITH_API_KEY", "SWITCHBOARD_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    report, _ = first_run
    old = json.loads(json.dumps(report))
    flips = {"t-book": False, "t-mislabelled": True}
    for case in old["cases"]:
        case["passed"] = flips.get(case["id"], case["passed"])
    old["cases"] = [c for c in old["cases"] if c["id"] != "t-dialogue"] + [
        {"id": "t-gone", "passed": True, "turns": []}
    ]
    old["intent_accuracy"] = 0.5
    old_dir = tmp_path / "old"
    old_dir.mkdir()
    (old_dir / "report.json").write_text(json.dumps(old), encoding="utf-8")
    out = tmp_path / "new"
    argv = [
        "eval",
        "--dataset",
        str(dataset),
        "--out",
        str(out),
        "--compare",
        str(old_dir),
        "--workers",
        "1",
        "--no-charts",
    ]
    try:
        assert main(argv) == 0
    finally:
        get_settings.cache_clear()
    printed = capsys.readouterr().out
    assert "4/5 cases passed" in printed
    assert "intent_accuracy: 0.500 -> 0.833 (+0.333)" in printed
    assert "passed -> failed: 1" in printed and "- t-mislabelled: turn 1" in printed
    assert "failed -> passed: 1" in printed and "+ t-book" in printed
    assert "new cases: 1" in printed and "no longer in the dataset: 1" in printed
    comparison = json.loads((out / "report.json").read_text(encoding="utf-8"))["comparison"]
    assert [r["id"] for r in comparison["regressions"]] == ["t-mislabelled"]
    assert [f["id"] for f in comparison["fixes"]] == ["t-book"]
    assert (comparison["added"], comparison["removed"]) == (["t-dialogue"], ["t-gone"])
    assert "## Compared with the earlier run" in (out / "report.md").read_text(encoding="utf-8")
    assert not (out / "headline.png").exists()


def test_parallel_workers_give_the_same_outcomes(dataset: Path) -> None:
    from evals.harness.judge import judge_case
    from evals.harness.runner import run_cases

    cases = load_dataset([dataset])[:3]
    settings = settings_for_tests()
    serial, _ = run_cases(cases, settings, workers=1, progress=False, quiet_logs=True)
    parallel, stats = run_cases(cases, settings, workers=2, progress=False, quiet_logs=True)
    assert stats.workers == 2 and stats.cases == 3
    for case, a, b in zip(cases, serial, parallel, strict=True):
        assert judge_case(case, a).passed == judge_case(case, b).passed
        assert [t["result"]["task_status"] for t in a["turns"]] == [
            t["result"]["task_status"] for t in b["turns"]
        ]
