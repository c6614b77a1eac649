"""The server's graph in-process: the acting user comes from the server's auth, never the client."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from langgraph.checkpoint.memory import InMemorySaver
from sqlalchemy import text

from faces.langgraph_server.graph import AUTH_USER_KEY, ServerGraph, acting_user, as_server_graph
from graphs.assistant import build_graph
from graphs.checkpoint import open_async_checkpointer
from graphs.services import build_services
from switchboard.errors import ConfigurationError, NotAllowed
from tests.fakes import ScriptedIntentModel

SCRIPT = {"取消": ("cancel_flight", 0.95), "cancel": ("cancel_flight", 0.95), "诗": ("irrelevant", 0.95)}
CANCEL = {"messages": [{"role": "user", "content": "取消 FL789，确认号 ABC123"}]}


@pytest.fixture
def graph(settings, engine) -> ServerGraph:  # type: ignore[no-untyped-def]
    services = build_services(settings, engine=engine, intent_model=ScriptedIntentModel(SCRIPT))
    return as_server_graph(build_graph(services).compile(checkpointer=InMemorySaver()))


def server_config(thread_id: str, user: str | None) -> dict[str, Any]:
    configurable: dict[str, Any] = {"thread_id": thread_id}
    if user is not None:
        configurable[AUTH_USER_KEY] = user
    return {"configurable": configurable}


def run(graph: ServerGraph, payload: Any, config: dict[str, Any], **kwargs: Any) -> list[Any]:
    async def collect() -> list[Any]:
        return [chunk async for chunk in graph.astream(payload, config, **kwargs)]

    return asyncio.run(collect())


def booking_status(engine) -> str:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return conn.execute(
            text("select status from bookings where confirmation_number='ABC123'")
        ).scalar_one()


def test_client_context_cannot_choose_the_user(graph, engine, thread_id) -> None:  # type: ignore[no-untyped-def]
    config = server_config(thread_id, "USER456")
    run(graph, CANCEL, config, context={"user_id": "USER123"})
    values = asyncio.run(graph.aget_state(config)).values
    assert values["user_id"] == "USER456"
    assert values["task_status"] != "awaiting_confirmation"
    assert "在您的账户下没有找到确认号为 ABC123 的预订" in values["reply"]
    assert booking_status(engine) == "confirmed"


def test_the_events_stream_is_bound_to_the_user_too(graph, engine, thread_id) -> None:  # type: ignore[no-untyped-def]
    config = server_config(thread_id, "USER456")

    async def events() -> None:
        async for _ in graph.astream_events(CANCEL, config, version="v2", context={"user_id": "USER123"}):
            pass

    asyncio.run(events())
    assert asyncio.run(graph.aget_state(config)).values["user_id"] == "USER456"
    assert booking_status(engine) == "confirmed"


def test_the_owner_cancels_after_a_yes(graph, engine, thread_id) -> None:  # type: ignore[no-untyped-def]
    from langgraph.types import Command

    config = server_config(thread_id, "USER123")
    run(graph, CANCEL, config)
    assert asyncio.run(graph.aget_state(config)).interrupts
    run(graph, Command(resume={"approved": True}), config)
    assert booking_status(engine) == "cancelled"


def test_a_run_without_an_authenticated_user_is_refused(graph, thread_id) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionError):
        run(graph, CANCEL, server_config(thread_id, None), context={"user_id": "USER123"})
    with pytest.raises(PermissionError):
        acting_user({"configurable": {AUTH_USER_KEY: ""}})


def test_another_users_conversation_cannot_be_continued(graph, engine, thread_id) -> None:  # type: ignore[no-untyped-def]
    run(graph, CANCEL, server_config(thread_id, "USER123"))
    with pytest.raises(NotAllowed):
        run(graph, {"messages": [{"role": "user", "content": "yes"}]}, server_config(thread_id, "USER456"))
    assert booking_status(engine) == "confirmed"


def test_the_sync_stream_is_closed(graph, thread_id) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotImplementedError):
        graph.invoke(CANCEL, server_config(thread_id, "USER123"))


def test_async_checkpointers_by_url(tmp_path) -> None:  # type: ignore[no-untyped-def]
    async def roundtrip(url: str) -> str:
        async with open_async_checkpointer(url) as saver:
            graph = build_graph_for_saver(saver)
            config = {"configurable": {"thread_id": "t1"}}
            await graph.ainvoke({"n": 1}, config)
            return type(saver).__name__ + ":" + str((await graph.aget_state(config)).values["n"])

    assert asyncio.run(roundtrip("memory://")) == "InMemorySaver:2"
    assert asyncio.run(roundtrip(f"sqlite:///{tmp_path / 'sub' / 'cp.db'}")) == "AsyncSqliteSaver:2"
    assert (tmp_path / "sub" / "cp.db").exists()


@pytest.mark.parametrize("url", ["not a url", "mysql://u@h/db"])
def test_bad_checkpoint_urls_are_configuration_errors(url: str) -> None:
    async def open_it() -> None:
        async with open_async_checkpointer(url):
            pass

    with pytest.raises(ConfigurationError):
        asyncio.run(open_it())


def build_graph_for_saver(saver: Any) -> Any:
    from typing import TypedDict

    from langgraph.graph import START, StateGraph

    class Counter(TypedDict):
        n: int

    builder = StateGraph(Counter)
    builder.add_node("inc", lambda state: {"n": state["n"] + 1})
    builder.add_edge(START, "inc")
    return builder.compile(checkpointer=saver)
