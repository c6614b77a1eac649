"""LLM budgets, structured output and engine notes, with scripted chat models on an injected clock.

No test here reads a real clock: a scripted model advances a fake clock by the time its answer
"takes", and gives up (as the HTTP client does) when that exceeds the timeout it was called with.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx
import openai
import pytest
from langchain_core.messages import AIMessage

from agents import llm_budget
from agents.llm_budget import CALL_KINDS, turn_scope
from agents.llm_calls import ask_json, ask_text, request_options
from agents.structured import ENDPOINT_MODES, parse_reply, strict_object
from graphs.runner import run_turn
from switchboard.settings import Settings
from tests.fakes import ScriptedIntentModel

UNSURE = ScriptedIntentModel({}, default=("irrelevant", 0.2))
LABEL = strict_object({"intent": {"type": "string", "enum": ["greeting", "flight_status"]}})


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class TimedChatModel:
    """Answers from a script of (seconds it takes, reply or exception); records every call."""

    def __init__(self, clock: Clock, script: list[tuple[float, Any]], model_name: str = "timed") -> None:
        self.clock = clock
        self.script = list(script)
        self.model_name = model_name
        self.calls: list[dict[str, Any]] = []

    def invoke(self, messages: list[Any], **kwargs: Any) -> AIMessage:
        self.calls.append({"messages": messages, **kwargs})
        seconds, answer = self.script.pop(0) if self.script else (1.0, "{}")
        timeout = kwargs.get("timeout")
        if timeout is not None and seconds > timeout:
            self.clock.now += timeout  # the client closes the connection at its timeout
            raise openai.APITimeoutError(
                request=httpx.Request("POST", "http://127.0.0.1/v1/chat/completions")
            )
        self.clock.now += seconds
        if isinstance(answer, BaseException):
            raise answer
        return AIMessage(content=answer)


def bad_request() -> openai.BadRequestError:
    request = httpx.Request("POST", "http://127.0.0.1/v1/chat/completions")
    return openai.BadRequestError(
        "response_format not supported", response=httpx.Response(400, request=request), body=None
    )


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(llm_budget, "monotonic", clock)
    return clock


@pytest.fixture(autouse=True)
def _fresh_endpoint_modes() -> Any:
    ENDPOINT_MODES.forget()
    yield
    ENDPOINT_MODES.forget()


def llm_settings(**values: Any) -> Settings:
    return Settings(openai_api_key="sk-test", _env_file=None, **values)  # type: ignore[call-arg]


# ----------------------------------------------------------------------------- one call
def test_each_call_kind_is_capped_and_the_field_depends_on_the_server() -> None:
    class Local:
        openai_api_base = "http://127.0.0.1:8080/v1"

    class OpenAI:
        openai_api_base = None

    local = request_options(Local(), "router", 3.0, {"type": "json_object"})
    assert local == {
        "timeout": 3.0,
        "extra_body": {
            "max_tokens": CALL_KINDS["router"].max_tokens,
            "response_format": {"type": "json_object"},
        },
    }
    assert request_options(OpenAI(), "sql", 5.0, None)["extra_body"] == {
        "max_completion_tokens": CALL_KINDS["sql"].max_tokens
    }
    assert CALL_KINDS["router"].max_tokens < CALL_KINDS["sql"].max_tokens
    assert CALL_KINDS["slots"].max_tokens < CALL_KINDS["answer"].max_tokens


def test_a_call_gets_the_smaller_of_its_timeout_and_what_is_left(clock: Clock) -> None:
    settings = llm_settings(llm_turn_budget_s=10.0, llm_timeout_s=4.0)
    model = TimedChatModel(clock, [(3.0, "a"), (3.0, "b"), (3.0, "c"), (3.0, "d")])
    with turn_scope(settings.llm_turn_budget_s, settings.llm_timeout_s) as budget:
        answers = [ask_text(settings, model, "answer", []) for _ in range(4)]
    # 3 s each: after three calls 1 s is left, and the fourth call gets only that.
    assert [call["timeout"] for call in model.calls] == [4.0, 4.0, 4.0, 1.0]
    assert answers == ["a", "b", "c", None]
    assert budget.spent_s == pytest.approx(10.0)


def test_the_budget_ends_the_turn_s_llm_calls_and_says_so_once(clock: Clock, caplog: Any) -> None:
    settings = llm_settings(llm_turn_budget_s=10.0, llm_timeout_s=6.0)
    model = TimedChatModel(clock, [(30.0, "late")] * 5)
    with caplog.at_level(logging.WARNING, "switchboard.llm"), turn_scope(10.0, 6.0) as budget:
        results = [ask_text(settings, model, "answer", []) for _ in range(5)]
    assert results == [None] * 5
    # Two calls were cancelled at their timeouts (6 s, then the 4 s left); no third was started.
    assert [call["timeout"] for call in model.calls] == [6.0, 4.0]
    assert budget.spent_s == pytest.approx(10.0)
    assert [c["outcome"] for c in budget.calls] == ["timeout", "timeout", "skipped", "skipped", "skipped"]
    assert [(n["call"], n["event"]) for n in budget.notes] == [
        ("answer", "timeout"),
        ("answer", "budget_spent"),
    ]
    assert len([r for r in caplog.records if "budget_spent" in r.getMessage()]) == 1


# ----------------------------------------------------------------------------- structured output
def test_json_schema_first_then_one_step_down_remembered_per_endpoint(clock: Clock) -> None:
    settings = llm_settings()
    model = TimedChatModel(
        clock, [(0.1, bad_request()), (0.1, '{"intent": "greeting"}'), (0.1, '{"intent": "flight_status"}')]
    )
    with turn_scope(20.0, 10.0) as budget:
        first = ask_json(settings, model, "router", [], LABEL)
        second = ask_json(settings, model, "router", [], LABEL)
    formats = [call["extra_body"].get("response_format", {}).get("type") for call in model.calls]
    assert formats == ["json_schema", "json_object", "json_object"]  # detected once, then kept
    assert (first, second) == ({"intent": "greeting"}, {"intent": "flight_status"})
    assert ("router", "downgraded") in [(n["call"], n["event"]) for n in budget.notes]
    schema = model.calls[0]["extra_body"]["response_format"]["json_schema"]["schema"]
    assert schema["properties"]["intent"]["enum"] == ["greeting", "flight_status"]


def test_a_configured_mode_is_used_as_is(clock: Clock) -> None:
    model = TimedChatModel(clock, [(0.1, 'Sure! {"intent": "greeting"}')])
    with turn_scope(20.0, 10.0):
        value = ask_json(llm_settings(llm_structured_output="prompt"), model, "router", [], LABEL)
    assert value == {"intent": "greeting"} and "response_format" not in model.calls[0]["extra_body"]


@pytest.mark.parametrize(
    "reply",
    ["%PDF-1.4 \x00\x01", '{"intent": "make_coffee"}', '{"label": "greeting"}', "[1, 2]", ""],
)
def test_garbage_and_wrong_schemas_are_invalid_never_half_used(clock: Clock, reply: str) -> None:
    model = TimedChatModel(clock, [(0.1, reply)])
    with turn_scope(20.0, 10.0) as budget:
        assert ask_json(llm_settings(), model, "router", [], LABEL) is None
    assert budget.calls[-1]["outcome"] == "invalid" and budget.notes[-1]["event"] == "invalid"


def test_parse_reply_takes_json_in_prose_and_checks_the_schema() -> None:
    assert parse_reply('```json\n{"intent": "greeting"}\n```', LABEL)[0] == {"intent": "greeting"}
    value, why = parse_reply('{"intent": "greeting", "extra": 1}', LABEL)
    assert value is None and "extra" in why


# ----------------------------------------------------------------------------- whole turns
def test_a_slow_server_costs_a_turn_its_budget_and_no_more(make_graph, thread_id, clock) -> None:  # type: ignore[no-untyped-def]
    # Every call would take a minute: the router's is cancelled at its timeout, and the budget
    # leaves no room for more. The turn still answers (a clarifying question), and says why.
    model = TimedChatModel(clock, [(60.0, '{"intent": "greeting"}')] * 10)
    graph = make_graph(intent_model=UNSURE, chat_model=model)
    result = run_turn(graph, user_id="USER123", thread_id=thread_id, text="hmm")
    budget, timeout = 20.0, 10.0  # the defaults
    assert result["task_status"] == "needs_info" and result["agent"] == "router"
    assert [c["timeout"] for c in model.calls] == [timeout]
    assert result["llm"]["spent_s"] <= budget
    assert result["engine_notes"][0]["call"] == "router" and result["engine_notes"][0]["event"] == "timeout"


def test_engine_notes_and_usage_are_in_the_turn_report(make_graph, thread_id, clock) -> None:  # type: ignore[no-untyped-def]
    model = TimedChatModel(clock, [(2.0, "no idea"), (1.0, '{"ok": true, "problems": []}')])
    graph = make_graph(intent_model=UNSURE, chat_model=model)
    result = run_turn(graph, user_id="USER123", thread_id=thread_id, text="hmm")
    assert result["engine_notes"] == [
        {"call": "router", "event": "invalid", "detail": "no JSON object in the reply ('no idea')"}
    ]
    assert result["llm"]["calls"] == [
        {"kind": "router", "ms": 2000, "outcome": "invalid", "mode": "json_schema"}
    ]
    # The next turn starts afresh.
    again = run_turn(graph, user_id="USER123", thread_id=thread_id, text="hmm")
    assert len(again["llm"]["calls"]) == 1


def test_without_an_llm_a_turn_reports_no_llm_and_opens_no_connection(
    make_graph, thread_id, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import socket

    connections: list[Any] = []
    monkeypatch.setattr(socket.socket, "connect", lambda self, address: connections.append(address))
    graph = make_graph()
    for text in (
        "查询航班 FL123 的状态",
        "hmm",
        "在库的比亚迪有几辆？",
        "I want to complain, the staff were rude",
    ):
        result = run_turn(graph, user_id="USER123", thread_id=thread_id, text=text)
        assert result["llm"] is None and result["engine_notes"] == []
    assert connections == []
