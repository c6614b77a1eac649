"""Data protection on the MCP face: every tool and resource with PII planted, masking at rest,
per-user limits, and the HTTP endpoint's answers to bad bodies and disconnects."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any

import anyio
import httpx
import pytest
from mcp import ClientSession
from sqlalchemy import text

from faces.mcp_server.hygiene import QuietDisconnects
from switchboard.privacy import has_full_card_number
from tests.test_mcp_server import call, db, session_run
from tests.test_mcp_server import graph as graph  # noqa: F401 - fixtures used by make_server
from tests.test_mcp_server import make_server as make_server  # noqa: F401
from tests.test_mcp_transports import INITIALIZE, MCP_HEADERS, http_server

CARD = "4111 1111 1111 1111"
OTHER_CARD = "5500-0055-5555-5559"
OTHER_PASSPORT = "E98765432"
OTHER_COMPLAINT = "CMP-0BADF00D"

# One call per tool; a tool added to the server without an entry here fails the walk.
SAMPLE_CALLS: dict[str, dict[str, Any]] = {
    "flight_status": {"flight_number": "FL123"},
    "fare_quote": {"flight_number": "FL456"},
    "seat_map": {"flight_number": "FL456"},
    "list_bookings": {"status": "all"},
    "book_seat": {"flight_number": "FL123", "seat": "12A"},
    "change_seat": {"confirmation_number": "ABC123", "new_seat": "14D"},
    "cancel_booking": {"confirmation_number": "ABC123"},
    "file_complaint": {"text": f"Refund my card {CARD}, passport G12345678, call 13812345678"},
    "query_inventory": {"question": f"top 5 by guide price {CARD}"},
    "describe_inventory_schema": {},
    "search_knowledge_base": {"question": f"refund to card {CARD}?"},
    "ask_assistant": {"message": f"我要投诉，退款到卡 {CARD} 一直没到账"},
    "search_flights": {"origin": "PEK", "destination": "PVG"},
    "thread_history": {"thread_id": "t-walk"},
}


def plant_other_users_data(engine) -> None:  # type: ignore[no-untyped-def]
    """USER456's complaint, written before masking existed: a full card and a passport in clear."""
    with engine.begin() as conn:
        conn.execute(
            text(
                "insert into complaints (complaint_id, user_id, text, text_sha256, category, status, created_at)"
                " values (:id, 'USER456', :text, 'x', 'refund', 'open', :at)"
            ),
            {
                "id": OTHER_COMPLAINT,
                "text": f"card {OTHER_CARD} passport {OTHER_PASSPORT}",
                "at": datetime(2026, 1, 1),
            },
        )


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """The application database of `engine` and `settings` below: SQLite unless a test asks."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
def engine(backend: str, seeded_sqlite, db_path):  # type: ignore[no-untyped-def]
    """The conftest's seeded SQLite copy, or a seeded throwaway PostgreSQL database."""
    from tests.conftest import throwaway_pg_database
    from tests.helpers import sqlite_copy
    from tools.db import make_engine
    from tools.inventory.seed import seed_inventory
    from tools.seed import seed_airline

    if backend == "sqlite":
        engine = sqlite_copy(seeded_sqlite, db_path)
        yield engine
        engine.dispose()
        return
    with throwaway_pg_database() as url:
        engine = make_engine(url)
        seed_airline(engine)
        seed_inventory(engine, 1000)
        yield engine
        engine.dispose()


@pytest.fixture
def settings(engine, tmp_path):  # type: ignore[no-untyped-def]
    from switchboard.settings import Settings

    return Settings(
        database_url=engine.url.render_as_string(hide_password=False),
        checkpoint_url=f"sqlite:///{tmp_path / 'checkpoints.db'}",
        openai_api_key=None,
        _env_file=None,  # type: ignore[call-arg]
    )


def leaks(payload: str) -> list[str]:
    found = []
    if has_full_card_number(payload):
        found.append("a full card number")
    for other in ("USER456", OTHER_COMPLAINT, OTHER_PASSPORT):
        if other in payload:
            found.append(other)
    return found


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"], indirect=True)
def test_every_tool_and_resource_returns_no_full_card_and_no_other_users_data(make_server, engine) -> None:  # type: ignore[no-untyped-def]
    plant_other_users_data(engine)

    async def walk(session: ClientSession) -> tuple[list[str], dict[str, str], dict[str, str]]:
        names = [t.name for t in (await session.list_tools()).tools]
        results = {}
        for name in names:
            result = await session.call_tool(name, SAMPLE_CALLS[name])
            results[name] = json.dumps(result.model_dump(mode="json"), ensure_ascii=False)
        resources = {}
        listed = [str(r.uri) for r in (await session.list_resources()).resources]
        listed += ["switchboard://knowledge/documents/refunds-and-changes"]
        for uri in listed:
            read = await session.read_resource(uri)  # type: ignore[arg-type]
            resources[uri] = json.dumps(read.model_dump(mode="json"), ensure_ascii=False)
        return names, results, resources

    names, results, resources = session_run(make_server(), walk)
    assert set(names) <= set(SAMPLE_CALLS), f"add sample calls for {set(names) - set(SAMPLE_CALLS)}"
    for name, payload in {**results, **resources}.items():
        assert not leaks(payload), (name, leaks(payload), payload[:300])
    # The masked complaint came back with its last four; what is stored is masked too.
    assert "**** 1111" in results["file_complaint"] and "***678" in results["file_complaint"]
    stored = db(engine, "select text from complaints where user_id = 'USER123'")
    assert stored and all(not has_full_card_number(row[0]) and "13812345678" not in row[0] for row in stored)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"], indirect=True)
def test_a_card_number_in_any_argument_never_reaches_the_services(make_server, engine) -> None:  # type: ignore[no-untyped-def]
    result = call(make_server(), "file_complaint", {"text": "扣款卡号 4111.1111.1111.1111 重复扣费"})
    assert "**** 1111" in result.structuredContent["text"]
    (stored,) = db(engine, "select text from complaints")
    assert stored[0] == "扣款卡号 **** 1111 重复扣费"


# A checkpoint id (uuid6) whose tail reads as a card number that passes the Luhn check.
CARD_LIKE_ID = "1f1f1466-7d6e-6d92-8002-32500733317c"


def test_ids_in_a_result_are_returned_as_they_are_while_a_card_beside_them_is_masked() -> None:
    from mcp.types import CallToolResult, TextContent

    from faces.mcp_server.guard import guard_result

    assert has_full_card_number(CARD_LIKE_ID)  # the premise: unguarded, the guard would mask it
    structured = {
        "result": [{"checkpoint_id": CARD_LIKE_ID, "id": "1", "reply": f"refund to {CARD}"}],
    }
    result = CallToolResult(
        content=[TextContent(type="text", text=json.dumps(structured))], structuredContent=structured
    )
    guarded = guard_result(result, own_text="")
    entry = guarded.structuredContent["result"][0]  # type: ignore[index]
    assert entry["checkpoint_id"] == CARD_LIKE_ID and entry["id"] == "1"
    assert entry["reply"] == "refund to **** 1111"
    text = guarded.content[0].text  # type: ignore[union-attr]
    # The short id "1" is not kept verbatim in the text, so the card around its digits is still found.
    assert CARD_LIKE_ID in text and CARD not in text and "**** 1111" in text


def test_a_user_over_the_turn_rate_is_told_when_to_try_again(make_server, settings) -> None:  # type: ignore[no-untyped-def]
    server = make_server()
    server.desk.limiter = type(server.desk.limiter)(turns="2/minute", calls="100/minute", max_concurrent=2)

    async def flood(session: ClientSession) -> list[Any]:
        return [await session.call_tool("query_inventory", {"question": "how many BYD"}) for _ in range(3)]

    first, second, third = session_run(server, flood)
    assert not first.isError and not second.isError
    assert third.isError and "too many turns: try again in" in third.content[0].text
    assert third.meta and third.meta["switchboard/error"]["code"] == "rate_limited"
    # Cheap calls are counted apart: the flight desk still answers.
    assert not call(server, "flight_status", {"flight_number": "FL123"}).isError


# ------------------------------------------------------------------------------- HTTP


@pytest.fixture
def served(settings, engine):  # type: ignore[no-untyped-def]
    return settings.model_copy(update={"rate_limit_calls": "5/minute"})


@pytest.mark.parametrize(
    ("body", "status", "expected"),
    [
        (b'{"jsonrpc": "2.0", "id": 1, "method": "ping\xff\xfe"}', 400, "not valid UTF-8"),
        (b'{"jsonrpc": "2.0", "id": 1, "method": ', 400, "not valid JSON"),
        (b'[{"jsonrpc": "2.0", "id": 1, "method": "ping"}]', 400, "one JSON-RPC message"),
        (b'{"jsonrpc": "1.0", "id": {"x": 1}, "method": 5}', 400, "is not a JSON-RPC 2.0"),
        (b'{"hello": "world"}', 400, "is not a JSON-RPC 2.0"),
    ],
)
def test_bad_bodies_get_400_with_one_short_line(served, body: bytes, status: int, expected: str) -> None:  # type: ignore[no-untyped-def]
    with http_server(served) as url:
        response = httpx.post(url, content=body, headers=MCP_HEADERS, timeout=30)
    assert response.status_code == status
    message = response.json()["error"]["message"]
    assert expected in message and "\n" not in message and len(message) < 300 and "pydantic" not in message


def test_a_flood_gets_429_with_retry_after_and_other_users_are_not_counted(served) -> None:  # type: ignore[no-untyped-def]
    from pydantic import SecretStr

    keyed = served.model_copy(
        update={"api_keys": SecretStr("key-a-0123456789:USER123,key-b-0123456789:USER456")}
    )
    with http_server(keyed) as url:
        codes = [
            httpx.post(
                url, json=INITIALIZE, headers={**MCP_HEADERS, "Authorization": "Bearer key-a-0123456789"}
            ).status_code
            for _ in range(7)
        ]
        refused = httpx.post(
            url, json=INITIALIZE, headers={**MCP_HEADERS, "Authorization": "Bearer key-a-0123456789"}
        )
        other = httpx.post(
            url, json=INITIALIZE, headers={**MCP_HEADERS, "Authorization": "Bearer key-b-0123456789"}
        )
    assert codes[:5] == [200] * 5 and codes[5:] == [429, 429]
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert "try again in" in refused.json()["error_description"]
    assert other.status_code == 200


def test_a_client_disconnect_is_one_log_line_not_a_traceback() -> None:
    logger = logging.getLogger("test.quiet")
    record = logger.makeRecord(
        "mcp.server.streamable_http",
        logging.ERROR,
        __file__,
        1,
        "Error in standalone SSE writer",
        None,
        (anyio.ClosedResourceError, anyio.ClosedResourceError(), None),
    )
    assert QuietDisconnects().filter(record)
    assert record.exc_info is None and record.levelno == logging.INFO
    assert (
        record.getMessage() == "client disconnected (ClosedResourceError) in: Error in standalone SSE writer"
    )
    bug = logger.makeRecord(
        "x", logging.ERROR, __file__, 1, "Error in SSE writer", None, (KeyError, KeyError("k"), None)
    )
    assert QuietDisconnects().filter(bug) and bug.exc_info is not None and bug.levelno == logging.ERROR


def test_workers_share_the_limits_through_redis() -> None:
    import os

    from switchboard.errors import RateLimited
    from switchboard.ratelimit import UserLimiter

    url = os.environ.get("SWITCHBOARD_TEST_REDIS_URL")
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must provide SWITCHBOARD_TEST_REDIS_URL (see .ci/run)")
        pytest.skip("SWITCHBOARD_TEST_REDIS_URL is not set")
    namespace = f"test-{os.getpid()}-{id(url)}"
    one, two = (
        UserLimiter(turns="3/minute", calls="100/minute", max_concurrent=2, storage=url, namespace=namespace)
        for _ in range(2)
    )
    one.hit("USER123", "turn")
    two.hit("USER123", "turn")
    one.hit("USER123", "turn")
    with pytest.raises(RateLimited, match="try again in"):
        two.hit("USER123", "turn")
    two.hit("USER456", "turn")  # another user's count is apart


def test_a_refusal_is_answered_after_the_configured_delay_at_most_its_retry_after(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import asyncio

    from switchboard.errors import RateLimited
    from switchboard.ratelimit import UserLimiter

    waited: list[float] = []

    async def sleep(seconds: float) -> None:
        waited.append(seconds)

    monkeypatch.setattr(asyncio, "sleep", sleep)
    limiter = UserLimiter(turns="1/minute", calls="1/minute", max_concurrent=1, refusal_delay_s=2.0)
    asyncio.run(limiter.pause(RateLimited(30)))
    asyncio.run(limiter.pause(RateLimited(1)))
    asyncio.run(UserLimiter(turns="1/minute", calls="1/minute", max_concurrent=1).pause(RateLimited(30)))
    assert waited == [2.0, 1.0, 0.0]
