"""The inventory agent: answers, statuses, follow-ups, limits, and the LLM engine with scripted fakes."""

from __future__ import annotations

import json
import sqlite3
import time
from datetime import date
from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from agents.inventory import InventoryAnswer, build_inventory_agent, extract_sql
from switchboard.errors import InputError
from switchboard.settings import Settings
from tools.db import make_engine
from tools.inventory.seed import seed_inventory

TODAY = date(2026, 11, 15)
BYD_IN_STOCK = "SELECT COUNT(*) AS n FROM vehicles WHERE brand = 'BYD' AND status = 'in_stock'"


class RecordingFake(FakeListChatModel):
    """FakeListChatModel that keeps the prompts it was sent."""

    seen: list[Any] = []

    def _call(self, messages, *args, **kwargs):  # type: ignore[no-untyped-def, override]
        self.seen.append(messages)
        return super()._call(messages, *args, **kwargs)


class BrokenModel(FakeListChatModel):
    """A model whose server is down."""

    def _call(self, *args, **kwargs):  # type: ignore[no-untyped-def, override]
        raise TimeoutError("model timed out")


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("agent") / "app.db"
    engine = make_engine(f"sqlite:///{path}")
    seed_inventory(engine, 3000)
    yield path, engine
    engine.dispose()


def agent_for(db, chat_model=None, **kwargs):
    path, engine = db
    return build_inventory_agent(
        Settings(database_url=f"sqlite:///{path}"),
        engine=engine,
        chat_model=chat_model,
        today=TODAY,
        **kwargs,
    )


def scalar(db, sql: str) -> Any:
    with sqlite3.connect(db[0]) as conn:
        return conn.execute(sql).fetchone()[0]


def test_answer_is_complete_and_json_serialisable(db):
    answer = agent_for(db).answer("在库的比亚迪有几辆？", "zh")
    assert isinstance(answer, InventoryAnswer) and answer.status == "completed"
    assert answer.rows == [[scalar(db, BYD_IN_STOCK)]]
    assert str(answer.rows[0][0]) in answer.reply and "比亚迪" in answer.reply
    assert answer.attempts == [{"sql": answer.sql, "ok": True, "error": None, "engine": "local"}]
    json.dumps(answer.model_dump(), ensure_ascii=False)


def test_listing_reply_caps_displayed_rows_and_says_so(db):
    answer = agent_for(db).answer("list the in-stock BYDs", "en")
    matched = scalar(db, BYD_IN_STOCK)
    assert answer.status == "completed" and len(answer.rows) == 200 < matched  # the row cap
    # The headline counts every match (not the cap); the note says what the table shows.
    assert answer.reply.startswith(f"Found {matched} vehicles") and answer.total_rows == matched
    assert answer.reply.endswith(f"(showing the first 10 of {matched})")
    assert all(isinstance(v, (str, int, float)) for row in answer.rows for v in row)


def test_english_and_chinese_replies(db):
    agent = agent_for(db)
    en = agent.answer("average price of Teslas", "en")
    zh = agent.answer("特斯拉的平均价格", "zh")
    assert en.rows == zh.rows and "average guide price" in en.reply and "平均指导价" in zh.reply


def test_follow_up_uses_the_previous_state(db):
    agent = agent_for(db)
    first = agent.answer("How many BYDs are in stock?", "en")
    second = agent.answer("and how many of them are white?", "en", first.followup_state)
    expected = scalar(db, BYD_IN_STOCK + " AND color = 'white'")
    assert second.rows == [[expected]] and json.loads(json.dumps(second.followup_state))["spec"]["conditions"]


def test_unclear_question_needs_info_with_examples(db):
    answer = agent_for(db).answer("写一首关于大海的诗", "zh")
    assert answer.status == "needs_info" and answer.sql is None and "例如" in answer.reply


def test_zero_matches_is_an_answer(db):
    answer = agent_for(db).answer("How many Porsches are in stock?", "en")
    assert answer.status == "completed" and answer.rows == [[0]]
    assert len(answer.attempts) == 1  # suspicious result, no other reading: answered, not retried


def test_empty_bare_year_retries_as_model_year(db):
    answer = agent_for(db).answer("列出2027年的理想MEGA", "zh")
    assert [a["engine"] for a in answer.attempts] == ["local", "local"]
    assert (
        answer.attempts[0]["error"] == "the query returned no rows"
        and "model_year" in answer.attempts[1]["sql"]
    )


@pytest.mark.parametrize("bad", ["", "   ", "x" * 4001, "a\x00b", 42])
def test_bad_input_raises(db, bad):
    with pytest.raises(InputError):
        agent_for(db).answer(bad, "en")


def test_timeouts_fail_loudly(db):
    path, engine = db
    # No plan bound here, so that the statement timeout is what stops the query.
    settings = Settings(database_url=f"sqlite:///{path}", inventory_max_plan_scans=1e12)
    # Building the agent measures a full scan under its own budget, so a busy machine cannot make
    # the build itself time out; the 0.05 s then bounds the question's statement.
    agent = build_inventory_agent(settings, engine=engine, today=TODAY, timeout_s=0.05)
    started = time.perf_counter()
    # About 2e10 row pairs: no machine finishes this within 0.05 s, so only the timeout stops it.
    answer = agent.answer(
        "SELECT COUNT(*) FROM vehicles a JOIN vehicles b ON a.vin < b.vin JOIN vehicles c ON b.vin < c.vin",
        "en",
    )
    assert answer.status == "failed" and "longer than 0.05 s" in answer.reply
    assert time.perf_counter() - started < 20  # stopped by the timeout, not run to the end


def test_safe_raw_select_runs(db):
    answer = agent_for(db).answer("SELECT brand, COUNT(*) FROM vehicles GROUP BY brand", "en")
    assert answer.status == "completed" and len(answer.rows) == 14


# --- LLM engine with scripted fakes ------------------------------------------------------------


def test_llm_good_candidate(db):
    model = FakeListChatModel(responses=[json.dumps({"candidates": [BYD_IN_STOCK]})])
    answer = agent_for(db, model).answer("在库的比亚迪有几辆？", "zh")
    assert answer.status == "completed" and answer.attempts[0]["engine"] == "llm" and answer.attempts[0]["ok"]
    assert answer.rows == [[scalar(db, BYD_IN_STOCK)]]
    assert "比亚迪" in answer.reply  # the local engine agrees, so the reply is explained in its terms


def test_llm_hostile_candidate_is_rejected_then_reflected_on(db):
    model = RecordingFake(
        responses=['{"candidates": ["DELETE FROM vehicles"]}', json.dumps({"candidates": [BYD_IN_STOCK]})],
        seen=[],
    )
    before = scalar(db, "SELECT COUNT(*) FROM vehicles")
    answer = agent_for(db, model).answer("How many BYDs are in stock?", "en")
    assert [a["engine"] for a in answer.attempts] == ["llm", "llm"]
    assert not answer.attempts[0]["ok"] and "rejected by validation" in answer.attempts[0]["error"]
    assert answer.status == "completed" and answer.rows == [[scalar(db, BYD_IN_STOCK)]]
    assert "rejected by validation" in model.seen[1][-1].content  # the reflection prompt carried the error
    assert scalar(db, "SELECT COUNT(*) FROM vehicles") == before


def test_llm_unparseable_output_falls_back_to_local(db):
    model = FakeListChatModel(responses=["BYD makes great cars, you should buy one!"])
    answer = agent_for(db, model).answer("How many BYDs are in stock?", "en")
    assert [a["engine"] for a in answer.attempts] == ["llm", "local"]
    assert answer.attempts[0]["error"] == "no usable SQL in the model's output"
    assert answer.status == "completed" and answer.rows == [[scalar(db, BYD_IN_STOCK)]]


def test_llm_down_falls_back_to_local(db):
    answer = agent_for(db, BrokenModel(responses=["unused"])).answer("How many BYDs are in stock?", "en")
    assert [a["engine"] for a in answer.attempts] == ["llm", "local"] and answer.status == "completed"


def test_llm_candidates_are_picked_by_execution_and_agreement(db):
    wrong = "SELECT COUNT(*) AS n FROM vehicles WHERE brand = 'Tesla'"
    broken = "SELECT COUNT(*) FROM vehicle"
    model = FakeListChatModel(responses=[json.dumps({"candidates": [broken, wrong, BYD_IN_STOCK]})])
    answer = agent_for(db, model).answer("How many BYDs are in stock?", "en")
    assert answer.rows == [[scalar(db, BYD_IN_STOCK)]]
    candidates = answer.attempts[0]["candidates"]
    assert len(candidates) == 3 and not candidates[0]["ok"] and candidates[2]["ok"]


def test_llm_repeated_failures_end_with_the_local_engine(db):
    model = FakeListChatModel(responses=['{"candidates": ["SELECT * FROM bookings"]}'])
    answer = agent_for(db, model).answer("How many BYDs are in stock?", "en")
    assert [a["engine"] for a in answer.attempts] == ["llm", "llm", "local"]
    assert answer.status == "completed" and len(answer.attempts) == 3


def test_hostile_question_never_reaches_the_model(db):
    model = RecordingFake(responses=[json.dumps({"candidates": [BYD_IN_STOCK]})], seen=[])
    answer = agent_for(db, model).answer("删除所有宝马", "zh")
    assert answer.status == "refused" and model.seen == []


def test_extract_sql_formats():
    assert extract_sql('{"candidates": ["SELECT 1", "SELECT 2"]}') == ["SELECT 1", "SELECT 2"]
    assert extract_sql("Sure!\n```sql\nSELECT brand FROM vehicles;\n```") == ["SELECT brand FROM vehicles"]
    assert extract_sql("SELECT 3;") == ["SELECT 3"]
    assert extract_sql("no idea") == []


def test_a_new_brand_in_a_follow_up_drops_the_old_model() -> None:
    from datetime import date

    from tools.inventory.parse import parse_question

    first = parse_question("比亚迪汉在库有几辆", today=date(2026, 11, 15))
    assert {c.field for c in first.spec.conditions} >= {"brand", "model"}
    follow = parse_question(
        "那蔚来在库有几辆", today=date(2026, 11, 15), previous={"spec": first.spec.to_dict()}
    )
    fields = {c.field: c.values for c in follow.spec.conditions}
    assert fields["brand"] == ["NIO"] and "model" not in fields


@pytest.mark.parametrize(
    ("question", "language", "unread"),
    [
        ("cars under 150 quid, how many", "en", "150"),  # a number with no unit it knows
        ("比亚迪在库几台，不要那种的", "zh", "不要"),  # a negation with nothing it negates
        ("how many cars with 3 doors", "en", "3"),  # a column the stock does not have
    ],
)
def test_conditions_the_grammar_cannot_read_make_it_ask(db, question: str, language: str, unread: str):
    answer = agent_for(db).answer(question, language, None)
    assert answer.status == "needs_info"
    assert answer.sql is None
    assert unread in answer.reply


def test_a_span_and_an_earliest_date_are_answered_and_said_in_words(db):
    agent = agent_for(db)
    span = agent.answer("Model Y的价格区间", "zh")
    low = scalar(db, "SELECT MIN(guide_price) FROM vehicles WHERE model = 'Model Y'")
    high = scalar(db, "SELECT MAX(guide_price) FROM vehicles WHERE model = 'Model Y'")
    assert span.status == "completed" and span.rows == [[low, high]]
    assert f"{low:,}" in span.reply and f"{high:,}" in span.reply
    first = agent.answer("what's the earliest intake date", "en")
    assert first.rows == [[scalar(db, "SELECT MIN(intake_date) FROM vehicles")]]
    assert "earliest intake date" in first.reply
