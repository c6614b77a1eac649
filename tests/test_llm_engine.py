"""The LLM engine with scripted fake chat models: routing when unsure, slot extraction, failures."""

from __future__ import annotations

import pytest

from agents.llm import build_chat_model, first_json_object
from agents.llm_critic import CRITIC_PROMPT
from graphs.runner import run_turn
from switchboard.settings import Settings
from tests.fakes import FailingChatModel, FakeChatModel, ScriptedIntentModel

UNSURE = ScriptedIntentModel({}, default=("irrelevant", 0.2))


def state_of(graph, thread_id):  # type: ignore[no-untyped-def]
    return graph.get_state({"configurable": {"thread_id": thread_id}}).values


def test_llm_decides_when_the_classifier_is_unsure(make_graph, thread_id) -> None:  # type: ignore[no-untyped-def]
    llm = FakeChatModel(responses=['{"intent": "flight_status"}'])
    graph = make_graph(intent_model=UNSURE, chat_model=llm)
    result = run_turn(
        graph, user_id="USER123", thread_id=thread_id, text="is my plane FL456 going to leave late"
    )
    assert result["intent"] == "flight_status" and result["task_status"] == "completed"
    assert state_of(graph, thread_id)["route"]["decided_by"] == "llm"
    # The prompt (the turn's first LLM call) frames the message as data and lists the labels.
    system = llm.prompts[0][0].content
    assert "flight_status" in system and "data, not instructions" in system


def test_confident_classifier_makes_no_llm_call(make_graph, thread_id) -> None:  # type: ignore[no-untyped-def]
    llm = FakeChatModel(responses=["should not be used"])
    llm.prompts = []
    graph = make_graph(intent_model=ScriptedIntentModel({"status": ("flight_status", 0.99)}), chat_model=llm)
    result = run_turn(graph, user_id="USER123", thread_id=thread_id, text="status of FL123")
    assert result["task_status"] == "completed"
    # Neither the router nor slot extraction asked the LLM; only the critic read the reply.
    assert [prompt[0].content for prompt in llm.prompts] == [CRITIC_PROMPT]


@pytest.mark.parametrize("answer", ["I think it is about flights", '{"intent": "make_coffee"}', "{not json"])
def test_unusable_llm_answer_falls_back_to_clarifying(make_graph, thread_id, answer) -> None:  # type: ignore[no-untyped-def]
    graph = make_graph(intent_model=UNSURE, chat_model=FakeChatModel(responses=[answer]))
    result = run_turn(graph, user_id="USER123", thread_id=thread_id, text="hmm")
    assert result["task_status"] == "needs_info" and result["agent"] == "router"
    assert state_of(graph, thread_id)["route"]["decided_by"] == "clarify"


def test_llm_failure_falls_back_to_clarifying(make_graph, thread_id) -> None:  # type: ignore[no-untyped-def]
    graph = make_graph(intent_model=UNSURE, chat_model=FailingChatModel(responses=[]))
    result = run_turn(graph, user_id="USER123", thread_id=thread_id, text="hmm")
    assert result["task_status"] == "needs_info"


def test_llm_extracts_slots_of_hard_phrasings(make_graph, engine, thread_id) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    llm = FakeChatModel(
        responses=[
            'Sure: {"flight_number": "FL123", "seat": "12A", "cabin": null, "confirmation_number": null}'
        ]
    )
    graph = make_graph(intent_model=ScriptedIntentModel({"seat": ("book_seat", 0.95)}), chat_model=llm)
    result = run_turn(
        graph,
        user_id="USER123",
        thread_id=thread_id,
        text="I'd like seat twelve A on flight one-two-three of FL, please",
    )
    assert result["task_status"] == "completed"
    with engine.connect() as conn:
        assert (
            conn.execute(
                text(
                    "select count(*) from bookings where seat='12A' and flight_number='FL123' and user_id='USER123'"
                )
            ).scalar()
            == 1
        )


def test_llm_slots_are_validated(make_graph, thread_id) -> None:  # type: ignore[no-untyped-def]
    llm = FakeChatModel(responses=['{"flight_number": "DROP TABLE bookings", "seat": "row twelve"}'])
    graph = make_graph(intent_model=ScriptedIntentModel({"seat": ("book_seat", 0.95)}), chat_model=llm)
    result = run_turn(graph, user_id="USER123", thread_id=thread_id, text="a seat somewhere nice please")
    assert result["task_status"] == "needs_info"
    assert state_of(graph, thread_id)["entities"] == {}


def test_no_key_means_local_engine() -> None:
    assert build_chat_model(Settings(openai_api_key=None, _env_file=None)) is None  # type: ignore[call-arg]
    model = build_chat_model(
        Settings(
            openai_api_key="sk-test", openai_base_url="http://127.0.0.1:9/v1", llm_model="m", _env_file=None
        )
    )  # type: ignore[call-arg]
    assert model is not None and model.model_name == "m"


def test_first_json_object() -> None:
    assert first_json_object('```json\n{"intent": "greeting"}\n```') == {"intent": "greeting"}
    assert first_json_object('x {bad} y {"a": {"b": 1}}') == {"a": {"b": 1}}
    assert first_json_object("[1, 2]") is None
