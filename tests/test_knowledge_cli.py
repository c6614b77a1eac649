"""`switchboard search`: JSON shape of CONTRACTS §2, plain output, --reindex, bad input.

The agent is built over a copy of three documents with a hashing embedder (fast, offline)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from agents import knowledge
from faces.cli import main as cli
from faces.cli.commands import search
from switchboard.settings import Settings
from tests.test_knowledge_index import LangChainStyleEmbeddings, copy_kb


@pytest.fixture
def kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = copy_kb(tmp_path / "kb", "baggage", "pets", "price-list")
    settings = Settings(openai_api_key=None, _env_file=None)  # type: ignore[call-arg]
    real = knowledge.build_knowledge_agent

    def build(settings: Settings, chat_model: Any = None, embeddings: Any = None, **_: Any) -> Any:
        return real(settings, None, LangChainStyleEmbeddings(), kb_dir=folder, index_dir=tmp_path / "index")

    monkeypatch.setattr(search, "get_settings", lambda: settings)
    monkeypatch.setattr(knowledge, "build_knowledge_agent", build)
    return folder


def test_json_output_is_exactly_the_contract(kb: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["search", "--json", "What is the free checked baggage allowance in economy?"]) == 0
    out = capsys.readouterr().out
    payload = json.loads(out)
    assert set(payload) == {"answer", "sources"}
    assert payload["sources"] and all(
        set(s) == {"doc_id", "title", "score", "snippet"} for s in payload["sources"]
    )
    assert payload["sources"][0]["doc_id"] == "baggage" and "[baggage]" in payload["answer"]
    assert isinstance(payload["sources"][0]["score"], float)
    assert out.count("\n") == 1  # one object, one line


def test_plain_output_in_the_askers_language(kb: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["search", "客舱宠物运输费多少钱？"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("根据《") and "来源：" in out and "[pets]" in out


def test_reindex_reports_what_changed(kb: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["search", "--reindex"]) == 0
    assert "added: baggage, pets, price-list" in capsys.readouterr().out
    (kb / "faq.md").write_text(
        "# FAQ\n\n## Gates\n\nGates close 20 minutes before departure.\n", encoding="utf-8"
    )
    (kb / "pets.md").unlink()
    assert cli.main(["search", "--reindex", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["added"], report["removed"], report["unchanged"]) == (
        ["faq"],
        ["pets"],
        ["baggage", "price-list"],
    )
    assert report["embedded"] == 1


def test_reindex_with_a_question_keeps_stdout_for_the_answer(
    kb: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["search", "--reindex", "--json", "extra-legroom seat price"]) == 0
    captured = capsys.readouterr()
    assert set(json.loads(captured.out)) == {"answer", "sources"}
    assert "added:" in captured.err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["search", ""], "empty"),
        (["search", "   "], "empty"),
        (["search", "x" * 4001], "too long"),
        (["search", "\udc80\udcff binary"], "binary"),
        (["search"], "question is required"),
        (["search", "--bogus", "q"], "unrecognized arguments"),
    ],
)
def test_bad_input_is_one_line_on_stderr_and_exit_2(
    kb: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    try:
        code = cli.main(argv)
    except SystemExit as exc:  # argparse errors exit directly
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    assert code == 2 and captured.out == ""
    assert message in captured.err and captured.err.count("\n") == 1


def test_a_user_over_the_turn_rate_is_told_when_to_try_again(
    kb: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    limited = Settings(openai_api_key=None, rate_limit_turns="1/minute", _env_file=None)  # type: ignore[call-arg]
    monkeypatch.setattr(search, "get_settings", lambda: limited)
    assert cli.main(["search", "Can I bring my cat?"]) == 0
    capsys.readouterr()
    assert cli.main(["search", "Can I bring my cat?"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("switchboard search: error: too many turns: try again in ")
