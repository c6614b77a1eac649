"""The graph's airline specialists with their tools in-process and through MCP: the same tests pass.

`mcp` mode gives the graph `agents.mcp_airline.McpAirlineService` over one client session to the
MCP server (in memory); the last test turns on `tools_via_mcp` in the settings, which starts the
server as a stdio child process, as a deployment would.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from mcp import ClientSession
from mcp.shared.memory import create_client_server_memory_streams, create_connected_server_and_client_session
from pydantic import SecretStr
from sqlalchemy import text

import server as mcp_server
from agents.mcp_airline import McpAirlineService, SessionBridge
from graphs.runner import run_turn
from graphs.services import build_services
from switchboard.errors import Conflict, InputError, NotFound, ToolError
from tests.fakes import ScriptedIntentModel
from tools.airline import BookingInfo

SCRIPT = {
    "状态": ("flight_status", 0.95),
    "status": ("flight_status", 0.95),
    "取消": ("cancel_flight", 0.95),
    "cancel": ("cancel_flight", 0.95),
    "预订座位": ("book_seat", 0.95),
    "book": ("book_seat", 0.9),
    "seat": ("book_seat", 0.9),
    "票价": ("price_inquiry", 0.95),
    "投诉": ("complaint", 0.95),
}
SERVICE_TOKEN = "graph-service-token-0123456789"


class CountingBridge(SessionBridge):
    """Records the tools called through the session (proof that MCP carried them)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.calls: Counter[str] = Counter()

    def call_tool(self, name: str, arguments: dict[str, Any], meta: dict[str, Any] | None = None) -> Any:
        self.calls[name] += 1
        return super().call_tool(name, arguments, meta)


@pytest.fixture(params=["in_process", "mcp"])
def mode(request) -> str:  # type: ignore[no-untyped-def]
    return request.param


@pytest.fixture
def airline(mode, settings, engine):  # type: ignore[no-untyped-def]
    """None (the in-process service) or the MCP-backed one over an in-memory session."""
    if mode == "in_process":
        yield None
        return
    server_settings = settings.model_copy(update={"mcp_service_token": SecretStr(SERVICE_TOKEN)})
    server = mcp_server.build_server(server_settings, services=build_services(server_settings, engine=engine))
    bridge = CountingBridge(lambda: create_connected_server_and_client_session(server))
    service = McpAirlineService(bridge, service_token=SERVICE_TOKEN)
    yield service
    service.close()
    assert sum(bridge.calls.values()) > 0  # every test of this mode went through MCP


@pytest.fixture
def graph(make_graph, airline):  # type: ignore[no-untyped-def]
    extra = {} if airline is None else {"airline": airline}
    return make_graph(intent_model=ScriptedIntentModel(SCRIPT), **extra)


def turn(graph: Any, thread: str, message: str, user: str = "USER123") -> dict[str, Any]:
    return dict(run_turn(graph, user_id=user, thread_id=thread, text=message))


def rows(engine, sql: str) -> list[tuple]:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql))]


def test_flight_status(graph, thread_id) -> None:  # type: ignore[no-untyped-def]
    result = turn(graph, thread_id, "查询航班 FL123 的状态")
    assert (result["intent"], result["task_status"]) == ("flight_status", "completed")
    assert "14:00" in result["reply"]
    assert result["tool_calls"] == [{"name": "flight_status", "args": {"flight_number": "FL123"}, "ok": True}]


def test_booking_writes_the_database(graph, engine, thread_id) -> None:  # type: ignore[no-untyped-def]
    result = turn(graph, thread_id, "为 FL456 预订座位 15B")
    assert (result["intent"], result["task_status"]) == ("book_seat", "completed")
    assert "15B" in result["reply"] and "确认号" in result["reply"]
    assert rows(
        engine,
        "select user_id from bookings where flight_number='FL456' and seat='15B' and status='confirmed'",
    ) == [("USER123",)]


def test_seat_taken_offers_free_alternatives(graph, engine, thread_id) -> None:  # type: ignore[no-untyped-def]
    taken = rows(
        engine, "select seat from bookings where flight_number='FL123' and status='confirmed' limit 1"
    )[0][0]
    result = turn(graph, thread_id, f"book seat {taken} on FL123")
    assert result["task_status"] == "needs_info" and "taken" in result["reply"]
    # Looked up, never booked: a taken seat is not proposed.
    assert [call["name"] for call in result["tool_calls"]] == ["seat_map", "flight_status", "list_bookings"]
    free = result["reply"].split("Free seats nearby: ")[1].split(".")[0].split(", ")
    again = turn(graph, thread_id, free[0])  # the seat came in a later message: its fare first
    assert again["task_status"] == "awaiting_confirmation" and "USD" in again["reply"]
    assert turn(graph, thread_id, "yes")["task_status"] == "completed"
    assert rows(
        engine,
        "select seat from bookings where user_id='USER123' and flight_number='FL123' and status='confirmed'",
    ) == [(free[0],)]


def test_seat_change_needs_confirmation(graph, engine, thread_id) -> None:  # type: ignore[no-untyped-def]
    turn(graph, thread_id, "book seat 12A on FL123")
    ask = turn(graph, thread_id, "book seat 14C on FL123 instead")
    assert ask["task_status"] == "awaiting_confirmation"
    done = turn(graph, thread_id, "yes")
    assert done["task_status"] == "completed"
    assert rows(
        engine,
        "select seat from bookings where user_id='USER123' and flight_number='FL123' and status='confirmed'",
    ) == [("14C",)]


def test_cancellation_with_confirmation(graph, engine, thread_id) -> None:  # type: ignore[no-untyped-def]
    ask = turn(graph, thread_id, "取消 FL789，确认号 ABC123")
    assert (ask["intent"], ask["task_status"]) == ("cancel_flight", "awaiting_confirmation")
    assert "650.00" in ask["reply"]
    assert rows(engine, "select status from bookings where confirmation_number='ABC123'") == [("confirmed",)]
    done = turn(graph, thread_id, "是的")
    assert done["task_status"] == "completed" and "已取消" in done["reply"]
    assert rows(engine, "select status, refund_amount from bookings where confirmation_number='ABC123'") == [
        ("cancelled", 650)
    ]


def test_another_users_booking_cannot_be_cancelled(graph, engine, thread_id) -> None:  # type: ignore[no-untyped-def]
    result = turn(graph, thread_id, "cancel booking ABC123", user="MALLORY")
    assert result["task_status"] == "needs_info"  # as for a booking that does not exist
    assert "couldn't find" in result["reply"] and "FL789" not in result["reply"]
    assert rows(engine, "select status from bookings where confirmation_number='ABC123'") == [("confirmed",)]


def test_fare_and_complaint(graph, engine, thread_id) -> None:  # type: ignore[no-untyped-def]
    fare = turn(graph, thread_id, "FL123 经济舱票价是多少")
    assert fare["task_status"] == "completed" and "500.00 USD" in fare["reply"]
    complaint = turn(graph, thread_id, "我要投诉，服务太差了")
    assert complaint["task_status"] == "completed"
    assert rows(engine, "select category from complaints where user_id='USER123'") == [("service",)]


def test_errors_come_back_as_the_same_exceptions(mode, airline, engine) -> None:  # type: ignore[no-untyped-def]
    """The MCP client raises what the in-process service raises, details included."""
    from tools.airline import AirlineService

    service = AirlineService(engine) if airline is None else airline
    with pytest.raises(NotFound) as missing:
        service.quote_refund("USER123", "XYZ999")
    assert missing.value.details == {"code": "no_such_booking", "confirmation_number": "XYZ999"}
    with pytest.raises(NotFound):
        service.cancel_booking("MALLORY", "ABC123")
    with pytest.raises(InputError):
        service.flight_status("not a flight")
    first = service.book_seat("USER123", "FL123", "12A").booking
    with pytest.raises(Conflict) as clash:
        service.book_seat("USER123", "FL123", "14C")
    assert clash.value.details["code"] == "already_booked"
    assert clash.value.details["booking"] == first and isinstance(clash.value.details["booking"], BookingInfo)


def test_setting_runs_the_specialists_through_a_stdio_server(settings, engine, thread_id) -> None:  # type: ignore[no-untyped-def]
    """`tools_via_mcp` in the settings: the services start `switchboard mcp` and use it."""
    from langgraph.checkpoint.memory import InMemorySaver

    from graphs.assistant import build_graph

    settings = settings.model_copy(update={"tools_via_mcp": True})
    services = build_services(settings, engine=engine, intent_model=ScriptedIntentModel(SCRIPT))
    assert isinstance(services.airline, McpAirlineService)
    graph = build_graph(services).compile(checkpointer=InMemorySaver())
    try:
        booked = turn(graph, thread_id, "为 FL456 预订座位 15B")
        ask = turn(graph, thread_id, "取消 FL789，确认号 ABC123")
        done = turn(graph, thread_id, "是的")
        refused = turn(graph, f"{thread_id}-m", "cancel booking ABC123", user="MALLORY")
    finally:
        services.airline.close()
    assert booked["task_status"] == "completed"
    assert (ask["task_status"], done["task_status"], refused["task_status"]) == (
        "awaiting_confirmation",
        "completed",
        "needs_info",  # another user's booking reads as one that does not exist
    )
    assert rows(engine, "select seat from bookings where flight_number='FL456' and user_id='USER123'") == [
        ("15B",)
    ]
    assert rows(engine, "select status from bookings where confirmation_number='ABC123'") == [("cancelled",)]


@asynccontextmanager
async def _dead_server_session() -> AsyncIterator[ClientSession]:
    """A client session whose server end is already gone (a crashed or restarted server)."""
    async with create_client_server_memory_streams() as ((read, write), (server_read, server_write)):
        await server_read.aclose()
        await server_write.aclose()
        async with ClientSession(read, write) as session:
            yield session


def test_a_broken_connection_is_reopened_once(settings, engine) -> None:  # type: ignore[no-untyped-def]
    server = mcp_server.build_server(settings, services=build_services(settings, engine=engine))
    opened: list[str] = []

    def open_session() -> Any:
        opened.append("dead" if not opened else "live")
        return (
            _dead_server_session() if len(opened) == 1 else create_connected_server_and_client_session(server)
        )

    service = McpAirlineService(SessionBridge(open_session))
    try:
        assert service.flight_status("FL123").flight_number == "FL123"
        assert service.flight_status("FL456").status == "delayed"  # the new session is kept
    finally:
        service.close()
    assert opened == ["dead", "live"]


def test_an_unreachable_server_is_a_tool_error(settings) -> None:  # type: ignore[no-untyped-def]
    service = McpAirlineService(SessionBridge(_dead_server_session))
    try:
        with pytest.raises(ToolError) as failure:
            service.flight_status("FL123")
    finally:
        service.close()
    assert failure.value.details["code"] == "tool_server_unavailable"
    assert "unavailable" in str(failure.value)
