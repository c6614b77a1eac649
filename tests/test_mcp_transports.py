"""The MCP server over its real transports: a stdio subprocess and streamable HTTP (sessions and raw
requests for the Host/Origin/token checks), plus the command line's refusals."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client
from pydantic import SecretStr

import server as mcp_server
from faces.cli.main import main as cli_main
from switchboard.errors import ConfigurationError
from tools.mcp_wire import ACTING_USER_KEY, ERROR_KEY

INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-06-18",
        "capabilities": {},
        "clientInfo": {"name": "test", "version": "0"},
    },
}
MCP_HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
KEYS = "key-alice-0123456789:ALICE,key-user-0123456789:USER123"
SERVICE = "service-token-0123456789"


@contextmanager
def http_server(settings: Any, host: str = "127.0.0.1") -> Iterator[str]:
    """The server of `settings` on a free port of `host`, served by uvicorn in a thread."""
    with mcp_server.open_server(settings, host=host) as server:
        app = mcp_server.http_app(server, settings, host)
        sock = mcp_server.bind_socket(host, 0)
        port = sock.getsockname()[1]
        uv = mcp_server.uvicorn_server(app)
        thread = threading.Thread(target=uv.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not uv.started:
            assert thread.is_alive() and time.monotonic() < deadline, "the HTTP server did not start"
            time.sleep(0.02)
        try:
            yield f"http://127.0.0.1:{port}{mcp_server.HTTP_PATH}"
        finally:
            uv.should_exit = True
            thread.join(timeout=20)


def over_http(url: str, scenario: Any, token: str | None = None) -> Any:
    async def main() -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        async with (
            httpx.AsyncClient(headers=headers, timeout=30) as client,
            streamable_http_client(url, http_client=client) as (read, write, _),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            return await scenario(session)

    return anyio.run(main)


def post_initialize(url: str, **headers: str) -> httpx.Response:
    return httpx.post(url, json=INITIALIZE, headers={**MCP_HEADERS, **headers}, timeout=30)


@pytest.fixture
def served(settings, engine):  # type: ignore[no-untyped-def]
    """Settings over the seeded test database (the engine fixture creates the file)."""
    return settings


# ------------------------------------------------------------------------------- HTTP


def test_http_session_lists_calls_and_confirms_across_calls(served, engine) -> None:  # type: ignore[no-untyped-def]
    async def ask(session: ClientSession) -> Any:
        tools = {t.name for t in (await session.list_tools()).tools}
        resources = {str(r.uri) for r in (await session.list_resources()).resources}
        fare = await session.call_tool("fare_quote", {"flight_number": "FL123", "cabin": "economy"})
        missing = await session.call_tool("cancel_booking", {"confirmation_number": "XYZ999"})
        first = await session.call_tool("ask_assistant", {"message": "取消 FL789，确认号 ABC123"})
        return tools, resources, fare, missing, first

    with http_server(served) as url:
        tools, resources, fare, missing, first = over_http(url, ask)
        # The answer comes in another HTTP session: the thread lives in the checkpointer.
        thread = first.structuredContent["thread_id"]
        second = over_http(
            url, lambda s: s.call_tool("ask_assistant", {"message": "确认", "thread_id": thread})
        )
    assert {"ask_assistant", "query_inventory", "search_knowledge_base"} <= tools
    assert "switchboard://inventory/schema" in resources
    assert fare.structuredContent["fares"][0]["price"] == "500.00"
    assert missing.isError and missing.content[0].text == "no booking XYZ999 on your account"
    assert first.structuredContent["task_status"] == "awaiting_confirmation"
    assert second.structuredContent["task_status"] == "completed"
    assert [c["name"] for c in second.structuredContent["tool_calls"]] == ["cancel_booking"]
    with engine.connect() as conn:
        status = conn.exec_driver_sql(
            "select status from bookings where confirmation_number='ABC123'"
        ).scalar()
    assert status == "cancelled"


def test_http_checks_origin_host_and_tokens_on_loopback(served) -> None:  # type: ignore[no-untyped-def]
    with http_server(served) as url:
        port = url.split(":")[2].split("/")[0]
        evil_origin = post_initialize(url, Origin="http://evil.example")
        evil_host = post_initialize(url, Host="evil.example")
        rebound = post_initialize(
            url, Host=f"attacker.example:{port}", Origin=f"http://attacker.example:{port}"
        )
        local_page = post_initialize(url, Origin="http://localhost:3000")
        no_origin = post_initialize(url)
        bogus_token = post_initialize(url, Authorization="Bearer not-a-key")
    assert evil_origin.status_code == 403
    assert evil_host.status_code == 421
    assert rebound.status_code == 421
    assert local_page.status_code == 200 and no_origin.status_code == 200
    assert bogus_token.status_code == 401  # any token given must be valid


def test_non_loopback_bind_requires_a_valid_token(served) -> None:  # type: ignore[no-untyped-def]
    settings = served.model_copy(
        update={"api_keys": SecretStr(KEYS), "mcp_service_token": SecretStr(SERVICE)}
    )

    async def bookings(session: ClientSession) -> Any:
        return await session.call_tool("list_bookings", {"status": "all"})

    async def delegated(session: ClientSession) -> Any:
        return (
            await session.call_tool("list_bookings", {}, meta={ACTING_USER_KEY: "USER123"}),
            await session.call_tool("list_bookings", {}),
        )

    with http_server(settings, host="0.0.0.0") as url:
        missing = post_initialize(url)
        wrong = post_initialize(url, Authorization="Bearer key-mallory")
        basic = post_initialize(url, Authorization="Basic a2V5LXVzZXI6eA==")
        user = over_http(url, bookings, token="key-user-0123456789")
        alice = over_http(url, bookings, token="key-alice-0123456789")
        as_user, unnamed = over_http(url, delegated, token=SERVICE)
        forged = over_http(
            url,
            lambda s: s.call_tool("list_bookings", {}, meta={ACTING_USER_KEY: "USER123"}),
            token="key-alice-0123456789",
        )
    assert missing.status_code == 401 and missing.headers["www-authenticate"].startswith("Bearer")
    assert wrong.status_code == 401 and basic.status_code == 401
    assert [b["confirmation_number"] for b in user.structuredContent["bookings"]] == ["ABC123"]
    assert alice.structuredContent == {"bookings": []}
    assert [b["user_id"] for b in as_user.structuredContent["bookings"]] == ["USER123"]
    assert unnamed.isError and unnamed.meta[ERROR_KEY]["code"] == "no_acting_user"
    assert forged.isError and "only the service connection" in forged.content[0].text


def test_non_loopback_bind_without_keys_refuses_to_start(served) -> None:  # type: ignore[no-untyped-def]
    with (
        mcp_server.open_server(served) as server,
        pytest.raises(ConfigurationError, match="without API keys"),
    ):
        mcp_server.http_app(server, served, "0.0.0.0")


# ------------------------------------------------------------------------------- stdio and the CLI


@pytest.fixture
def process_env(tmp_path: Path, seeded_sqlite: Path, cli_env: dict[str, str]) -> dict[str, str]:
    shutil.copyfile(seeded_sqlite, tmp_path / "app.db")
    return {**cli_env, "SWITCHBOARD_MCP_USER_ID": "USER123"}


def test_stdio_subprocess_session(process_env) -> None:  # type: ignore[no-untyped-def]
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "faces.cli.main", "mcp", "--transport", "stdio"], env=process_env
    )

    async def main() -> Any:
        async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            tools = {t.name for t in (await session.list_tools()).tools}
            templates = (await session.list_resource_templates()).resourceTemplates
            status = await session.call_tool("flight_status", {"flight_number": "FL789"})
            booked = await session.call_tool("book_seat", {"flight_number": "FL456", "seat": "15B"})
            bad = await session.call_tool("book_seat", {"flight_number": "FL456"})
            # Retrieval prints progress on its first use: it must not reach the protocol stream.
            answer = await session.call_tool("search_knowledge_base", {"question": "baggage allowance?"})
            ask = await session.call_tool("ask_assistant", {"message": "取消 FL789，确认号 ABC123"})
            thread = ask.structuredContent["thread_id"]
            done = await session.call_tool("ask_assistant", {"message": "确认", "thread_id": thread})
            return tools, templates, status, booked, bad, answer, ask, done

    tools, templates, status, booked, bad, answer, ask, done = anyio.run(main)
    assert {"flight_status", "book_seat", "ask_assistant"} <= tools and len(templates) == 1
    assert status.structuredContent["status"] == "cancelled"
    assert booked.structuredContent["booking"]["user_id"] == "USER123"  # from SWITCHBOARD_MCP_USER_ID
    assert bad.isError and "seat: Field required" in bad.content[0].text
    assert answer.structuredContent["found"] is True
    assert ask.structuredContent["task_status"] == "awaiting_confirmation"
    assert done.structuredContent["task_status"] == "completed"


def test_stdio_answers_bad_lines_with_one_line_and_goes_on(process_env) -> None:  # type: ignore[no-untyped-def]
    bad_lines = [
        b"\xff\xfe garbage",
        b'{"jsonrpc": "2.0",',
        b'{"jsonrpc": "2.0", "id": {"x": 1}, "method": 5}',
    ]
    proc = subprocess.Popen(
        [sys.executable, "-m", "faces.cli.main", "mcp", "--transport", "stdio"],
        env=process_env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdin is not None and proc.stdout is not None
    lines = [json.dumps(INITIALIZE).encode(), b'{"jsonrpc": "2.0", "method": "notifications/initialized"}']
    lines += [*bad_lines, b'{"jsonrpc": "2.0", "id": 8, "method": "ping"}', b"\xff"]
    proc.stdin.write(b"\n".join(lines) + b"\n")
    proc.stdin.flush()
    received = []
    while not any(m.get("id") == 8 for m in received):  # the ping after the bad lines is answered
        line = proc.stdout.readline()
        assert line, proc.stderr.read() if proc.stderr else "stdout closed"
        received.append(json.loads(line))
    proc.stdin.close()  # the client goes away with a notice about the last bad line pending
    received += [json.loads(line) for line in proc.stdout.read().splitlines()]
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    assert proc.wait(timeout=60) == 0 and "Traceback" not in stderr
    notices = [m["params"]["data"] for m in received if m.get("method") == "notifications/message"]
    assert len(notices) >= len(bad_lines) and all("\n" not in n and len(n) < 300 for n in notices)
    assert notices[0].startswith("Parse error") and notices[2].startswith("Invalid Request")
    assert "Internal Server Error" not in json.dumps(received)


def test_cli_refuses_a_public_bind_without_keys(process_env) -> None:  # type: ignore[no-untyped-def]
    proc = subprocess.run(
        [sys.executable, "-m", "faces.cli.main", "mcp", "--transport", "http", "--host", "0.0.0.0"],
        env=process_env,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2
    lines = proc.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and "without API keys" in lines[0]


@pytest.mark.parametrize(
    "args",
    [
        ["mcp", "--transport", "ftp"],
        ["mcp", "--transport", "http", "--port", "70000"],
        ["mcp", "--transport", "http", "--port", "eighty"],
    ],
)
def test_cli_bad_arguments_exit_2(args, capsys) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit) as exit_info:
        cli_main(args)
    assert exit_info.value.code == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["mcp", "--transport", "stdio", "--port", "9000"], "apply to --transport http only"),
        (["mcp", "--transport", "http", "--host", "bad host!"], "not a host name"),
    ],
)
def test_cli_bad_input_exits_2(args, expected, capsys) -> None:  # type: ignore[no-untyped-def]
    assert cli_main(args) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and expected in err


def test_api_keys_parse_into_token_user_pairs() -> None:
    assert mcp_server.parse_api_keys(" k1:ALICE , k2:USER123,") == {"k1": "ALICE", "k2": "USER123"}
    assert mcp_server.parse_api_keys(None) == {}
    for bad in ("k1", "k1:", ":ALICE", "k1:bad user"):
        with pytest.raises(ConfigurationError):
            mcp_server.parse_api_keys(bad)
