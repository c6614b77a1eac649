"""The real HTTP client against a misbehaving OpenAI-compatible server (a scripted fault proxy).

The same faults run against a real model in `tests/test_real_model.py` (`make llm-real`); here a
scripted responder stands in for the model, so the suite stays fast. Budgets are checked by
counting requests and cancellations, never by reading a clock.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import SecretStr

from agents.structured import ENDPOINT_MODES
from bench.llm_serving.faults import FaultProxy, dead_url
from graphs.runner import run_turn
from switchboard.settings import Settings
from tests.fakes import ScriptedIntentModel

UNSURE = ScriptedIntentModel({}, default=("irrelevant", 0.2))


def answer(body: dict[str, Any]) -> str:
    """The scripted model: a router label, or a verdict, or plain text, by what is asked."""
    fmt = body.get("response_format") or {}
    schema = (fmt.get("json_schema") or {}).get("schema") or {}
    if "intent" in schema.get("properties", {}):
        return json.dumps({"intent": "greeting"})
    return "Hello!"


@pytest.fixture
def proxy() -> Iterator[FaultProxy]:
    ENDPOINT_MODES.forget()
    with FaultProxy(respond=answer) as proxy:
        yield proxy
        proxy.settle()
    ENDPOINT_MODES.forget()


def use(settings: Settings, url: str) -> None:
    settings.openai_api_key = SecretStr("test")
    settings.openai_base_url = url
    settings.llm_timeout_s = 1.0
    settings.llm_turn_budget_s = 1.5


def unsure_turn(make_graph: Any, thread_id: str) -> dict[str, Any]:
    return dict(run_turn(make_graph(intent_model=UNSURE), user_id="USER123", thread_id=thread_id, text="hmm"))


def test_a_working_server_routes_with_a_schema_and_a_token_cap(
    make_graph, settings, proxy, thread_id
) -> None:  # type: ignore[no-untyped-def]
    use(settings, proxy.url)
    result = unsure_turn(make_graph, thread_id)
    assert result["intent"] == "greeting" and result["engine_notes"] == []
    (request,) = proxy.requests
    assert request.response_format == "json_schema" and request.body["max_tokens"] == 24


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
    ],
)
def test_faults_fall_back_once_and_are_never_retried(
    make_graph, settings, proxy, thread_id, mode, event
) -> None:  # type: ignore[no-untyped-def]
    proxy.mode, proxy.delay_s = mode, 30.0
    use(settings, proxy.url)
    result = unsure_turn(make_graph, thread_id)
    assert result["agent"] == "router" and result["task_status"] == "needs_info"
    assert [(n["call"], n["event"]) for n in result["engine_notes"]] == [("router", event)]
    assert len(proxy.requests) == 1  # no retry
    proxy.settle()
    assert proxy.requests[0].client_left == (mode in ("hang", "slow"))  # timed out = cancelled


def test_a_server_that_is_down(make_graph, settings, thread_id) -> None:  # type: ignore[no-untyped-def]
    use(settings, dead_url())
    result = unsure_turn(make_graph, thread_id)
    assert result["task_status"] == "needs_info"
    assert [(n["call"], n["event"]) for n in result["engine_notes"]] == [("router", "error")]


def test_refused_schemas_step_down_once_per_endpoint(make_graph, settings, proxy, thread_id) -> None:  # type: ignore[no-untyped-def]
    proxy.mode = "reject_schema"
    use(settings, proxy.url)
    settings.llm_turn_budget_s = 5.0
    unsure_turn(make_graph, thread_id)
    unsure_turn(make_graph, thread_id + "b")
    # json_schema refused, json_object answered; the next turn asks json_object straight away.
    assert [r.response_format for r in proxy.requests] == ["json_schema", "json_object", "json_object"]


def test_a_trickling_answer_ends_at_the_deadline(make_graph, settings, proxy, thread_id) -> None:  # type: ignore[no-untyped-def]
    # Headers at once, then one byte every 0.2 s: each read is quick, so only a deadline on the
    # whole answer stops it. The client hangs up with most of the body still unsent.
    proxy.mode, proxy.delay_s = "drip", 0.2
    use(settings, proxy.url)
    result = unsure_turn(make_graph, thread_id)
    proxy.settle()
    assert [(n["call"], n["event"]) for n in result["engine_notes"]] == [("router", "timeout")]
    (request,) = proxy.requests
    assert request.client_left and 0 < request.bytes_sent < 100
