"""`switchboard sql`: reply, --json (CONTRACTS §2), exit codes, bad input, seeding on first use."""

from __future__ import annotations

import json

import pytest

from faces.cli.main import main
from switchboard.settings import get_settings
from tools.db import get_engine


@pytest.fixture()
def app_db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("SWITCHBOARD_DATABASE_URL", url)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("SWITCHBOARD_OPENAI_API_KEY", raising=False)
    get_settings.cache_clear()
    yield url
    get_engine(url).dispose()
    get_settings.cache_clear()


def test_first_use_seeds_then_answers(app_db, capsys):
    assert main(["sql", "在库的比亚迪有几辆？"]) == 0
    out, err = capsys.readouterr()
    assert "seeded 5,000 demo vehicles" in err and "比亚迪" in out and "辆" in out
    assert main(["sql", "How many BYDs are in stock?"]) == 0  # no second seeding
    assert "seeded" not in capsys.readouterr().err


def test_json_follows_the_contract(app_db, capsys):
    assert main(["sql", "--json", "top 5 by guide price"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert {"sql", "columns", "rows", "attempts"} <= set(payload)
    assert payload["sql"].startswith("SELECT") and len(payload["rows"]) == 5 and payload["attempts"] == 1
    assert "guide_price" in payload["columns"]


def test_refusal_is_clear_and_exits_1(app_db, capsys):
    assert main(["sql", "--json", "DROP TABLE vehicles"]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload["sql"] is None and payload["rows"] == [] and payload["status"] == "refused"
    assert main(["sql", "把所有车改成已售"]) == 1
    assert "不能" in capsys.readouterr().out


@pytest.mark.parametrize("bad", ["", "   ", "x" * 4001, "a\x01b", "caf\udce9"])
def test_bad_input_is_one_line_on_stderr_and_exit_2(app_db, capsys, bad):
    assert main(["sql", bad]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and err.startswith("switchboard sql: error:")


def test_missing_question_exits_2(app_db, capsys):
    assert main(["sql"]) == 2
    assert "question is required" in capsys.readouterr().err


def test_a_user_over_the_turn_rate_is_told_when_to_try_again(app_db, capsys, monkeypatch):
    monkeypatch.setenv("SWITCHBOARD_RATE_LIMIT_TURNS", "2/minute")
    get_settings.cache_clear()
    assert main(["sql", "How many BYDs are in stock?"]) == 0
    assert main(["sql", "How many BYDs are in stock?"]) == 0
    capsys.readouterr()
    assert main(["sql", "How many BYDs are in stock?"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("switchboard sql: error: too many turns: try again in ")
