"""The LLM critic in the graph: bounded critique-and-revise, the deterministic critic as the floor."""

from __future__ import annotations

from typing import Any

from agents.llm_critic import CRITIC_PROMPT, REVISE_PROMPT
from graphs.runner import run_turn
from tests.fakes import FakeChatModel, ScriptedIntentModel

STATUS = ScriptedIntentModel({"status": ("flight_status", 0.99)})
NOT_OK = '{"ok": false, "problems": ["say the gate"]}'
OK = '{"ok": true, "problems": []}'


def system_prompts(model: FakeChatModel) -> list[str]:
    return [prompt[0].content[:40] for prompt in model.prompts]


CRITIC, REVISE = CRITIC_PROMPT[:40], REVISE_PROMPT[:40]


def turn(make_graph: Any, thread_id: str, responses: list[str]) -> tuple[dict[str, Any], FakeChatModel]:
    model = FakeChatModel(responses=responses)
    model.prompts = []
    graph = make_graph(intent_model=STATUS, chat_model=model)
    return dict(run_turn(graph, user_id="USER123", thread_id=thread_id, text="status of FL123")), model


def test_a_revision_that_the_facts_support_replaces_the_reply(make_graph, thread_id) -> None:  # type: ignore[no-untyped-def]
    result, model = turn(make_graph, thread_id, [NOT_OK, "Flight FL123 is on time, gate B12.", OK])
    assert result["reply"] == "Flight FL123 is on time, gate B12."
    assert result["critic"]["revised"] is True
    assert result["critic"]["revisions"] == [{"by": "llm", "reason": "say the gate"}]
    assert system_prompts(model) == [CRITIC, REVISE, CRITIC]


def test_a_revision_the_rules_reject_is_not_used(make_graph, thread_id) -> None:  # type: ignore[no-untyped-def]
    # The "revision" invents a gate and a time: the deterministic critic rejects it.
    result, model = turn(make_graph, thread_id, [NOT_OK, "Flight FL123 leaves from gate Z9 at 09:15."])
    assert "Z9" not in result["reply"] and "FL123" in result["reply"]
    assert result["critic"]["revised"] is False and "revisions" not in result["critic"]
    assert [(n["call"], n["event"]) for n in result["engine_notes"]] == [("revise", "rejected")]
    assert system_prompts(model) == [CRITIC, REVISE]


def test_at_most_two_revisions(make_graph, thread_id) -> None:  # type: ignore[no-untyped-def]
    responses = [NOT_OK, "Flight FL123 is on time.", NOT_OK, "Flight FL123 is on time today.", NOT_OK, "x"]
    result, model = turn(make_graph, thread_id, responses)
    assert [r["by"] for r in result["critic"]["revisions"]] == ["llm", "llm"]
    assert result["reply"] == "Flight FL123 is on time today."
    assert system_prompts(model) == [CRITIC, REVISE, CRITIC, REVISE]


def test_an_unusable_verdict_keeps_the_reply(make_graph, thread_id) -> None:  # type: ignore[no-untyped-def]
    plain, _ = turn(make_graph, thread_id + "a", [OK])
    result, model = turn(make_graph, thread_id, ["looks fine to me"])
    assert result["reply"] == plain["reply"] and result["critic"]["revised"] is False
    assert result["engine_notes"][0]["event"] == "invalid"
    assert system_prompts(model) == [CRITIC]


def test_the_critic_can_be_turned_off(make_graph, settings, thread_id) -> None:  # type: ignore[no-untyped-def]
    settings.llm_critic = False
    result, model = turn(make_graph, thread_id, [NOT_OK])
    assert model.prompts == [] and result["llm"] is None


def test_a_verdict_of_ok_stands_whatever_notes_come_with_it(make_graph, thread_id) -> None:  # type: ignore[no-untyped-def]
    result, model = turn(make_graph, thread_id, ['{"ok": true, "problems": ["could be friendlier"]}'])
    assert result["critic"]["revised"] is False and system_prompts(model) == [CRITIC]
