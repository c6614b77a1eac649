"""The MCP server through a real client session in memory: tools, resources, errors, identity."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from typing import Any

import anyio
import pytest
from mcp import ClientSession
from mcp.shared.exceptions import McpError
from mcp.shared.memory import create_connected_server_and_client_session
from pydantic import SecretStr
from sqlalchemy import text

import server as mcp_server
from tests.fakes import ScriptedIntentModel
from tests.helpers import SEED_DATE
from tools.mcp_wire import ACTING_USER_KEY, ERROR_KEY, SERVICE_TOKEN_KEY

CONTRACT_TOOLS = {
    "flight_status",
    "book_seat",
    "cancel_booking",
    "fare_quote",
    "file_complaint",
    "query_inventory",
    "describe_inventory_schema",
    "search_knowledge_base",
    "ask_assistant",
    "search_flights",
    "thread_history",
}
SCRIPT = {
    "cancel": ("cancel_flight", 0.95),
    "取消": ("cancel_flight", 0.95),
    "fare": ("price_inquiry", 0.95),
    "status": ("flight_status", 0.95),
}
SERVICE_TOKEN = "test-service-token-0123456789"
TOMORROW = SEED_DATE + timedelta(days=1)


@pytest.fixture
def graph(make_graph):  # type: ignore[no-untyped-def]
    return make_graph(intent_model=ScriptedIntentModel(SCRIPT))


@pytest.fixture
def make_server(settings, engine, graph):  # type: ignore[no-untyped-def]
    """A server over the test database; servers made here share one graph (one checkpointer)."""
    from graphs.services import build_services

    settings = settings.model_copy(update={"mcp_service_token": SecretStr(SERVICE_TOKEN)})

    def make(user_id: str | None = None) -> mcp_server.SwitchboardMCP:
        services = build_services(settings, engine=engine, intent_model=ScriptedIntentModel(SCRIPT))
        return mcp_server.build_server(settings, services=services, graph=graph, user_id=user_id)

    return make


def session_run(server: Any, scenario: Callable[[ClientSession], Awaitable[Any]]) -> Any:
    """Run `scenario` on a client session connected in memory to `server`."""

    async def main() -> Any:
        async with create_connected_server_and_client_session(server) as session:
            return await scenario(session)

    return anyio.run(main)


def call(server: Any, tool: str, arguments: dict[str, Any], meta: dict[str, Any] | None = None) -> Any:
    return session_run(server, lambda s: s.call_tool(tool, arguments, meta=meta))


def error_text(result: Any) -> str:
    assert result.isError, result
    message = " ".join(block.text for block in result.content)
    assert "Traceback" not in message and 'File "' not in message
    return message


def db(engine, sql: str) -> list[tuple]:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql))]


def test_lists_the_contract_tools_typed_and_documented(make_server) -> None:  # type: ignore[no-untyped-def]
    tools = session_run(make_server(), lambda s: s.list_tools()).tools
    by_name = {t.name: t for t in tools}
    assert set(by_name) >= CONTRACT_TOOLS
    for tool in tools:
        assert tool.description and len(tool.description) > 40, tool.name
        assert tool.outputSchema is not None, tool.name  # structured results
        properties = tool.inputSchema.get("properties", {})
        assert not any("user" in name for name in properties), tool.name  # identity is never an argument
    assert by_name["book_seat"].inputSchema["required"] == ["flight_number", "seat"]
    assert by_name["cancel_booking"].annotations.destructiveHint is True
    assert "confirm=true" in by_name["cancel_booking"].description
    assert by_name["flight_status"].annotations.readOnlyHint is True


def strict_formats() -> Any:
    """A format checker as strict as the TypeScript clients' (ajv-formats): RFC 3339 date-times."""
    from jsonschema import FormatChecker

    checker = FormatChecker()

    @checker.checks("date-time", raises=ValueError)
    def rfc3339(value: object) -> bool:
        # RFC 3339 needs an offset; jsonschema skips the check unless rfc3339-validator is installed.
        return not isinstance(value, str) or datetime.fromisoformat(value).tzinfo is not None

    @checker.checks("date", raises=ValueError)
    def full_date(value: object) -> bool:
        return not isinstance(value, str) or bool(date.fromisoformat(value))

    return checker


def test_structured_results_match_their_output_schema_with_formats(make_server, engine) -> None:  # type: ignore[no-untyped-def]
    # MCP Inspector (TypeScript SDK) refused every search_flights result: its schema said
    # "date-time" and the airport-local times carry no offset.
    from jsonschema import Draft202012Validator

    day = (TOMORROW + timedelta(days=1)).isoformat()
    calls = [
        ("search_flights", {"origin": "北京", "destination": "Shanghai", "date_from": day, "limit": 2}),
        ("flight_status", {"flight_number": "FL456"}),
        ("fare_quote", {"flight_number": "FL456"}),
        ("list_bookings", {}),
        ("file_complaint", {"text": "the flight was three hours late and nobody told us"}),
        ("query_inventory", {"question": "how many BYD are in stock"}),
        ("search_knowledge_base", {"question": "can I bring a power bank"}),
    ]

    async def scenario(session: ClientSession) -> Any:
        schemas = {t.name: t.outputSchema for t in (await session.list_tools()).tools}
        return schemas, [(name, await session.call_tool(name, args)) for name, args in calls]

    schemas, results = session_run(make_server(user_id="USER123"), scenario)
    checker = strict_formats()
    for name, result in results:
        assert not result.isError, (name, result.content)
        validator = Draft202012Validator(schemas[name], format_checker=checker)
        errors = [
            f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(result.structuredContent)
        ]
        assert errors == [], name


def test_resources_hold_the_schema_and_the_documents(make_server) -> None:  # type: ignore[no-untyped-def]
    async def scenario(session: ClientSession) -> Any:
        listed = {str(r.uri) for r in (await session.list_resources()).resources}
        templates = [t.uriTemplate for t in (await session.list_resource_templates()).resourceTemplates]
        schema = await session.read_resource("switchboard://inventory/schema")
        documents = await session.read_resource("switchboard://knowledge/documents")
        baggage = await session.read_resource("switchboard://knowledge/documents/baggage")
        with pytest.raises(McpError):
            await session.read_resource("switchboard://knowledge/documents/no-such-doc")
        return listed, templates, schema, documents, baggage

    listed, templates, schema, documents, baggage = session_run(make_server(), scenario)
    assert {"switchboard://inventory/schema", "switchboard://knowledge/documents"} <= listed
    assert templates == ["switchboard://knowledge/documents/{doc_id}"]
    tables = {t["name"]: t for t in json.loads(schema.contents[0].text)["tables"]}
    assert set(tables) == {"vehicles", "stores"}
    assert "guide_price" in {c["name"] for c in tables["vehicles"]["columns"]}
    ids = {d["doc_id"] for d in json.loads(documents.contents[0].text)}
    assert {"baggage", "dangerous-goods", "pets", "refunds-and-changes", "check-in", "price-list"} <= ids
    assert baggage.contents[0].mimeType == "text/markdown" and "#" in baggage.contents[0].text


def test_flight_tools(make_server) -> None:  # type: ignore[no-untyped-def]
    async def scenario(session: ClientSession) -> Any:
        return (
            await session.call_tool("flight_status", {"flight_number": "fl 456"}),
            await session.call_tool("fare_quote", {"flight_number": "FL456", "cabin": "business"}),
            await session.call_tool("seat_map", {"flight_number": "FL123"}),
        )

    status, fare, seats = session_run(make_server(), scenario)
    assert status.structuredContent["flight_number"] == "FL456"
    assert status.structuredContent["status"] == "delayed"
    assert fare.structuredContent["fares"] == [
        {
            "flight_number": "FL456",
            "flight_date": TOMORROW.isoformat(),
            "cabin": "business",
            "price": "1400.00",
            "currency": "USD",
        }
    ]
    seat_12a = next(s for s in seats.structuredContent["seats"] if s["seat"] == "12A")
    assert seat_12a["free"] is True and seat_12a["position"] == "window"


def test_search_flights_then_book_one_on_its_date(make_server, engine) -> None:  # type: ignore[no-untyped-def]
    day = (TOMORROW + timedelta(days=2)).isoformat()

    async def scenario(session: ClientSession) -> Any:
        found = await session.call_tool(
            "search_flights",
            {
                "origin": "北京",
                "destination": "Shanghai",
                "date_from": day,
                "depart_before": "12:00",
                "limit": 3,
            },
        )
        first = found.structuredContent["flights"][0]
        seats = await session.call_tool(
            "seat_map", {"flight_number": first["flight_number"], "flight_date": day}
        )
        free = next(
            s["seat"] for s in seats.structuredContent["seats"] if s["free"] and s["cabin"] == "economy"
        )
        booked = await session.call_tool(
            "book_seat", {"flight_number": first["flight_number"], "seat": free, "flight_date": day}
        )
        bad = await session.call_tool("search_flights", {"origin": "Atlantis"})
        return found, booked, bad

    found, booked, bad = session_run(make_server(), scenario)
    result = found.structuredContent
    assert result["total"] >= len(result["flights"]) == 3
    assert set(result["origin"]) == {"PEK", "PKX"} and set(result["destination"]) == {"PVG", "SHA"}
    assert all(f["flight_date"] == day and f["departure_time"][11:16] < "12:00" for f in result["flights"])
    assert all(f["fares"] and f["price"] for f in result["flights"])
    assert booked.structuredContent["booking"]["flight_date"] == day
    assert "unknown place" in error_text(bad)


def test_booking_is_idempotent(make_server, engine) -> None:  # type: ignore[no-untyped-def]
    async def scenario(session: ClientSession) -> Any:
        return (
            await session.call_tool("book_seat", {"flight_number": "FL123", "seat": "12a"}),
            await session.call_tool("book_seat", {"flight_number": "FL123", "seat": "12A"}),
            await session.call_tool("book_seat", {"flight_number": "FL123", "seat": "14C"}),
        )

    first, again, other = session_run(make_server(), scenario)
    booking = first.structuredContent["booking"]
    assert first.structuredContent["created"] is True and booking["user_id"] == "USER123"
    assert again.structuredContent == {"booking": booking, "created": False}
    assert db(engine, "select count(*) from bookings where flight_number='FL123' and seat='12A'") == [(1,)]
    assert f"change_seat with confirmation_number {booking['confirmation_number']}" in error_text(other)
    assert other.meta[ERROR_KEY]["code"] == "already_booked"


def test_a_taken_seat_is_an_error_listing_free_seats(make_server, engine) -> None:  # type: ignore[no-untyped-def]
    taken = db(
        engine, "select seat from bookings where flight_number='FL123' and status='confirmed' limit 1"
    )[0][0]
    result = call(make_server("MALLORY"), "book_seat", {"flight_number": "FL123", "seat": taken})
    message = error_text(result)
    error = result.meta[ERROR_KEY]
    assert (error["type"], error["code"]) == ("Conflict", "seat_taken")
    alternatives = error["details"]["alternatives"]
    assert alternatives and taken not in alternatives
    assert f"seat {taken} on FL123 is taken" in message and ", ".join(alternatives) in message
    assert "call book_seat again" in message


def test_cancel_booking_takes_two_calls(make_server, engine) -> None:  # type: ignore[no-untyped-def]
    server = make_server()
    quote = call(server, "cancel_booking", {"confirmation_number": "abc123"})
    assert quote.structuredContent["status"] == "confirmation_required"
    assert quote.structuredContent["refund_quote"]["refund_amount"] == "650.00"
    assert "confirm=true" in quote.structuredContent["next_step"]
    assert db(engine, "select status from bookings where confirmation_number='ABC123'") == [("confirmed",)]

    done = call(server, "cancel_booking", {"confirmation_number": "ABC123", "confirm": True})
    assert done.structuredContent["status"] == "cancelled"
    assert done.structuredContent["cancellation"]["refund_amount"] == "650.00"
    assert db(engine, "select status from bookings where confirmation_number='ABC123'") == [("cancelled",)]
    again = call(server, "cancel_booking", {"confirmation_number": "ABC123", "confirm": True})
    assert again.structuredContent["status"] == "already_cancelled"


def test_an_unknown_booking_is_a_clear_tool_error(make_server) -> None:  # type: ignore[no-untyped-def]
    result = call(make_server(), "cancel_booking", {"confirmation_number": "XYZ999"})
    assert error_text(result) == "no booking XYZ999 on your account"
    assert result.meta[ERROR_KEY] == {
        "type": "NotFound",
        "code": "no_such_booking",
        "details": {"confirmation_number": "XYZ999"},
    }


@pytest.mark.parametrize(
    ("tool", "arguments", "expected"),
    [
        ("book_seat", {"flight_number": "FL123"}, "seat: Field required"),
        ("book_seat", {"flight_number": "FL123", "seat": 12}, "seat: Input should be a valid string"),
        ("book_seat", {"flight_number": "FL123", "seat": "12A" * 10}, "seat: String should have at most 8"),
        ("fare_quote", {"flight_number": "FL123", "cabin": "premium"}, "cabin: Input should be"),
        (
            "cancel_booking",
            {"confirmation_number": "ABC123", "confirm": "perhaps"},
            "confirm: Input should be",
        ),
        ("flight_status", {"flight_number": "hello world"}, "not a flight number"),
        ("change_seat", {"confirmation_number": "1234567", "new_seat": "1A"}, "not a confirmation number"),
        ("ask_assistant", {"message": "hi", "thread_id": "bad id!"}, "thread_id: String should match"),
        ("ask_assistant", {"message": ""}, "message: String should have at least 1"),
        ("query_inventory", {"question": "\x00\x01 binary"}, "binary or control characters"),
        ("no_such_tool", {}, "Unknown tool: no_such_tool"),
    ],
)
def test_bad_arguments_are_tool_errors(make_server, tool, arguments, expected) -> None:  # type: ignore[no-untyped-def]
    assert expected in error_text(call(make_server(), tool, arguments))


def test_identity_comes_from_the_connection_not_the_arguments(make_server) -> None:  # type: ignore[no-untyped-def]
    mallory = make_server("MALLORY")
    own = call(mallory, "list_bookings", {"user_id": "USER123", "status": "all"})
    assert own.structuredContent == {"bookings": []}
    refused = call(mallory, "cancel_booking", {"confirmation_number": "ABC123", "user_id": "USER123"})
    assert "no booking ABC123 on your account" in error_text(refused)
    assert refused.meta[ERROR_KEY]["type"] == "NotFound"
    mine = call(make_server(), "list_bookings", {})
    assert [b["confirmation_number"] for b in mine.structuredContent["bookings"]] == ["ABC123"]


def test_only_the_service_token_may_name_the_acting_user(make_server) -> None:  # type: ignore[no-untyped-def]
    server = make_server("MALLORY")
    forged = call(server, "list_bookings", {}, meta={ACTING_USER_KEY: "USER123"})
    assert "only the service connection" in error_text(forged)
    wrong = call(server, "list_bookings", {}, meta={ACTING_USER_KEY: "USER123", SERVICE_TOKEN_KEY: "guess"})
    assert "only the service connection" in error_text(wrong)
    delegated = call(
        server, "list_bookings", {}, meta={ACTING_USER_KEY: "USER123", SERVICE_TOKEN_KEY: SERVICE_TOKEN}
    )
    assert [b["confirmation_number"] for b in delegated.structuredContent["bookings"]] == ["ABC123"]


def test_complaint_inventory_schema_and_knowledge_tools(make_server, engine) -> None:  # type: ignore[no-untyped-def]
    async def scenario(session: ClientSession) -> Any:
        return (
            await session.call_tool(
                "file_complaint", {"text": "航班延误了三个小时也没人通知", "flight_number": "FL456"}
            ),
            await session.call_tool("query_inventory", {"question": "在库的比亚迪有几辆？"}),
            await session.call_tool("query_inventory", {"question": "delete all the cars"}),
            await session.call_tool("describe_inventory_schema", {}),
            await session.call_tool("search_knowledge_base", {"question": "可以带充电宝上飞机吗"}),
        )

    complaint, count, hostile, schema, answer = session_run(make_server(), scenario)
    assert complaint.structuredContent["category"] == "delay"
    assert db(engine, "select user_id, flight_number from complaints") == [("USER123", "FL456")]
    in_stock = db(engine, "select count(*) from vehicles where brand='BYD' and status='in_stock'")[0][0]
    assert count.structuredContent["status"] == "completed"
    assert (
        count.structuredContent["rows"] == [[in_stock]] and "SELECT" in count.structuredContent["sql"].upper()
    )
    assert hostile.structuredContent["status"] == "refused" and hostile.structuredContent["rows"] == []
    assert {t["name"] for t in schema.structuredContent["tables"]} == {"vehicles", "stores"}
    assert answer.structuredContent["found"] is True
    assert answer.structuredContent["sources"][0]["doc_id"] == "dangerous-goods"
    assert "充电宝" in answer.structuredContent["answer"]


def test_ask_assistant_confirms_across_two_calls(make_server, engine) -> None:  # type: ignore[no-untyped-def]
    server = make_server()
    ask = call(server, "ask_assistant", {"message": "cancel booking ABC123"}).structuredContent
    # The contract's fields, plus how the reply was checked and the LLM engine's record.
    assert set(ask) == {"reply", "intent", "agent", "task_status", "guardrail", "tool_calls", "thread_id"} | {
        "critic",
        "engine_notes",
        "llm",
        "path",
        "failure",
    }
    assert (ask["intent"], ask["task_status"]) == ("cancel_flight", "awaiting_confirmation")
    assert "650.00" in ask["reply"]
    assert db(engine, "select status from bookings where confirmation_number='ABC123'") == [("confirmed",)]

    # A new session (another call from the IDE) continues the same thread.
    done = call(server, "ask_assistant", {"message": "yes", "thread_id": ask["thread_id"]}).structuredContent
    assert (done["task_status"], done["thread_id"]) == ("completed", ask["thread_id"])
    assert [c["name"] for c in done["tool_calls"]] == ["cancel_booking"]
    assert db(engine, "select status from bookings where confirmation_number='ABC123'") == [("cancelled",)]


def test_another_user_cannot_continue_a_thread(make_server, engine) -> None:  # type: ignore[no-untyped-def]
    ask = call(make_server(), "ask_assistant", {"message": "cancel booking ABC123", "thread_id": "t-owned"})
    assert ask.structuredContent["task_status"] == "awaiting_confirmation"
    hijack = call(make_server("MALLORY"), "ask_assistant", {"message": "yes", "thread_id": "t-owned"})
    assert "belongs to another user" in error_text(hijack)
    assert db(engine, "select status from bookings where confirmation_number='ABC123'") == [("confirmed",)]


def test_thread_history_and_a_fork_through_mcp(make_server, engine) -> None:  # type: ignore[no-untyped-def]
    server = make_server()
    ask = call(server, "ask_assistant", {"message": "cancel booking ABC123", "thread_id": "t-hist"})
    assert ask.structuredContent["path"][-1] == "review"  # it stopped to wait for the answer
    call(server, "ask_assistant", {"message": "yes", "thread_id": "t-hist"})
    listed = call(server, "thread_history", {"thread_id": "t-hist"}).structuredContent["result"]
    assert [e["message"] for e in listed] == ["cancel booking ABC123", "yes"]
    assert listed[0]["pending"]["applied"] is True and listed[1]["current"]
    forked = call(
        server,
        "ask_assistant",
        {"message": "yes", "thread_id": "t-hist", "checkpoint_id": listed[0]["checkpoint_id"]},
    )
    assert not forked.isError, forked.content
    again = forked.structuredContent
    assert "not done again" in again["reply"] and again["tool_calls"] == []
    assert db(engine, "select count(*) from applied_requests") == [(1,)]
    # Owners only; a checkpoint without its thread, or unknown, is a clear error.
    assert "no conversation" in error_text(
        call(make_server("MALLORY"), "thread_history", {"thread_id": "t-hist"})
    )
    foreign = {"message": "yes", "thread_id": "t-hist", "checkpoint_id": listed[0]["checkpoint_id"]}
    assert "no conversation" in error_text(call(make_server("MALLORY"), "ask_assistant", foreign))
    lone = {"message": "yes", "checkpoint_id": listed[0]["checkpoint_id"]}
    assert "needs the thread_id" in error_text(call(server, "ask_assistant", lone))
    unknown = {"message": "yes", "thread_id": "t-hist", "checkpoint_id": "1f0-unknown"}
    assert "no checkpoint" in error_text(call(server, "ask_assistant", unknown))


def test_concurrent_calls_share_one_server(make_server, engine) -> None:  # type: ignore[no-untyped-def]
    """Calls run in worker threads; a burst of them on one session all complete."""
    server = make_server()

    async def scenario(session: ClientSession) -> list[Any]:
        results: list[Any] = []

        async def one(i: int) -> None:
            tool = ("flight_status", "fare_quote", "list_bookings")[i % 3]
            args = {} if tool == "list_bookings" else {"flight_number": "FL123"}
            results.append(await session.call_tool(tool, args))

        async with anyio.create_task_group() as group:
            for i in range(24):
                group.start_soon(one, i)
        return results

    results = session_run(server, scenario)
    assert len(results) == 24 and not any(r.isError for r in results)


def test_a_bug_is_reported_without_its_details(settings, engine, graph, caplog) -> None:  # type: ignore[no-untyped-def]
    from graphs.services import build_services

    class BrokenKnowledge:
        def answer(self, question: str, language: str) -> Any:
            raise KeyError("/srv/secret/index.npz")

    services = build_services(settings, engine=engine, knowledge=BrokenKnowledge())
    server = mcp_server.build_server(settings, services=services, graph=graph)
    result = call(server, "search_knowledge_base", {"question": "baggage?"})
    message = error_text(result)
    assert message == "internal error in tool search_knowledge_base (KeyError); see the server log"
    assert "secret" not in message and result.meta is None
    assert "secret" in caplog.text  # the traceback is in the server's log
