"""The specialist registry: adding a specialist is one module plus one registry line.

A test-only specialist (a loyalty-points desk with a confirmed "redeem" action) is added to the
product's list; the graph, the router's tables, the capability prose and the confirmation flow
pick it up with no other change.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.runtime import Runtime
from langgraph.types import Command

from agents.common import language_of, outcome, say
from agents.registry import ROSTER, SPECIALISTS
from agents.services import Services
from agents.specialist import ActionFn, ConfirmedAction, NodeFn, Roster, Specialist, StateUpdate
from graphs.assistant import build_graph
from graphs.services import build_services
from switchboard.state import Context, PendingAction, State
from tests.fakes import ScriptedIntentModel

REDEEMED: list[str] = []


def build_points_node(services: Services, roster: Roster) -> NodeFn:
    def points(state: State, runtime: Runtime[Context]) -> StateUpdate:
        language = language_of(state)
        question = say(language, "兑换 500 积分吗？", "Redeem 500 points?")
        pending: PendingAction = {
            "id": uuid.uuid4().hex,
            "kind": "redeem_points",
            "agent": "points_agent",
            "intent": "loyalty_points",
            "args": {"points": "500"},
            "question": question,
        }
        return outcome(
            state,
            agent="points_agent",
            intent="loyalty_points",
            reply=question,
            status="awaiting_confirmation",
            pending=pending,
        )

    return points


def build_redeem_node(services: Services, roster: Roster) -> ActionFn:
    def redeem(state: State, runtime: Runtime[Context]) -> StateUpdate:
        REDEEMED.append(runtime.context.user_id)
        language = language_of(state)
        reply = say(language, "已兑换 500 积分。", "Done: 500 points redeemed.")
        return outcome(
            state,
            agent="points_agent",
            intent="loyalty_points",
            reply=reply,
            status="completed",
            pending=None,
            confirmed=None,
        )

    return redeem


def test_a_question_while_an_added_action_waits_keeps_it_waiting(points_graph: Any) -> None:
    REDEEMED.clear()
    thread = uuid.uuid4().hex
    ask(points_graph, thread, "redeem my points please")
    meanwhile = ask(points_graph, thread, Command(resume="hello there"))
    assert (
        meanwhile["agent"] == "greeting_agent"
        and "Still waiting for your answer on redeeming 500 points" in meanwhile["reply"]
    )
    assert REDEEMED == []
    done = ask(points_graph, thread, Command(resume={"approved": True}))
    assert done["reply"] == "Done: 500 points redeemed." and REDEEMED == ["USER123"]


POINTS = Specialist(
    intent="loyalty_points",
    agent="points_agent",
    meaning="loyalty points: balance and redemption",
    build=build_points_node,
    title=("积分", "Points"),
    capability=("兑换积分", "redeem loyalty points"),
    job_tools=frozenset({"redeem_points"}),
    actions=(
        ConfirmedAction(
            "redeem_points",
            build_redeem_node,
            declined=("好的，积分没有兑换。", "OK, your {points} points stay."),
            summary=("兑换 {points} 积分", "redeeming {points} points"),
        ),
    ),
)


@pytest.fixture
def points_graph(settings: Any, engine: Any) -> Any:
    intent_model = ScriptedIntentModel(
        {"points": ("loyalty_points", 0.95), "hello": ("greeting", 0.95)}, default=("irrelevant", 0.2)
    )
    services = build_services(settings, engine=engine, intent_model=intent_model)
    return build_graph(services, [*SPECIALISTS, POINTS]).compile(checkpointer=InMemorySaver())


def ask(graph: Any, thread: str, payload: Any, user: str = "USER123") -> dict[str, Any]:
    config = {"configurable": {"thread_id": thread}}
    message = (
        payload if isinstance(payload, Command) else {"messages": [{"role": "user", "content": payload}]}
    )
    graph.invoke(message, config, context=Context(user_id=user))
    return dict(graph.get_state(config).values)


def test_an_added_specialist_is_routed_to_and_its_action_waits_for_a_yes(points_graph: Any) -> None:
    REDEEMED.clear()
    thread = uuid.uuid4().hex
    proposed = ask(points_graph, thread, "redeem my points please")
    assert (proposed["agent"], proposed["intent"]) == ("points_agent", "loyalty_points")
    assert proposed["task_status"] == "awaiting_confirmation" and REDEEMED == []
    done = ask(points_graph, thread, Command(resume="yes"))
    assert done["reply"] == "Done: 500 points redeemed." and REDEEMED == ["USER123"]


def test_declining_an_added_action_uses_its_own_words(points_graph: Any) -> None:
    REDEEMED.clear()
    thread = uuid.uuid4().hex
    ask(points_graph, thread, "redeem my points please")
    kept = ask(points_graph, thread, Command(resume="no"))
    assert kept["reply"] == "OK, your 500 points stay." and REDEEMED == []


def test_the_capability_prose_includes_an_added_specialist(points_graph: Any) -> None:
    hello = ask(points_graph, uuid.uuid4().hex, "hello there")
    assert "redeem loyalty points" in hello["reply"]
    unsure = ask(points_graph, uuid.uuid4().hex, "qwerty")  # no confident intent: the router asks
    assert unsure["agent"] == "router" and "redeem loyalty points" in unsure["reply"]


def test_the_product_roster_offers_no_added_capability() -> None:
    assert "redeem" not in ROSTER.capabilities("en")
    assert ROSTER.capabilities("en").startswith("I can check flight status, book or change seats")
    assert ROSTER.capabilities("zh").startswith("我可以帮您：查询航班状态、预订或更换座位")


def test_the_router_tables_come_from_the_specialists() -> None:
    assert ROSTER.task_slots == {
        "flight_status": ("flight_number",),
        "book_seat": ("flight_number", "seat"),
        "cancel_flight": ("confirmation_number", "flight_number"),
        "price_inquiry": ("flight_number", "cabin"),
    }
    assert ROSTER.free_text_tasks == {"complaint"}
    assert ROSTER.followup_intents == {
        "flight_status",
        "price_inquiry",
        "inventory_query",
        "knowledge_search",
    }
    assert {a.kind for a in ROSTER.actions} == {"cancel_booking", "change_seat", "reserve_seat"}
    assert set(ROSTER.intents) == {
        "flight_status",
        "book_seat",
        "cancel_flight",
        "price_inquiry",
        "complaint",
        "inventory_query",
        "knowledge_search",
        "greeting",
        "irrelevant",
    }


def test_a_specialist_cannot_take_the_name_of_another_node(settings: Any, engine: Any) -> None:
    clash = Specialist(
        intent="review", agent="x_agent", meaning="x", build=build_points_node, title=("x", "x")
    )
    with pytest.raises(ValueError, match="review"):
        build_graph(build_services(settings, engine=engine), [*SPECIALISTS, clash])
    twice = Specialist(
        intent="greeting", agent="y_agent", meaning="y", build=build_points_node, title=("y", "y")
    )
    with pytest.raises(ValueError, match="same intent"):
        build_graph(build_services(settings, engine=engine), [*SPECIALISTS, twice])


def test_the_web_chat_names_every_specialist() -> None:
    from starlette.testclient import TestClient

    from faces.langgraph_server.web import app

    client = TestClient(app)  # no lifespan: the route reads only the registry
    names = client.get("/ui/specialists.json").json()
    assert set(names) == {s.agent for s in SPECIALISTS}
    assert names["seat_agent"] == {"zh": "座位", "en": "Seats"}
