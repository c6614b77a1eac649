"""Protocol hygiene of the MCP HTTP endpoint: bad bodies get a short 400, disconnects one log line.

`checked_body` reads a POST body once and answers what the MCP SDK would answer badly: a body
that is not UTF-8 (the SDK answers 500), not JSON, or not one JSON-RPC message (the SDK echoes the
whole pydantic error) gets HTTP 400 with a JSON-RPC error of one short line; a body over
`MAX_BODY_BYTES` gets 413. A good body is handed on unchanged.

`QuietDisconnects` is a logging filter for the SDK's loggers: a client that goes away while its
SSE stream is open is logged as one line ("client disconnected ..."), not as a traceback
("Error in standalone SSE writer"); any other error keeps its traceback.

On stdio, `screened` stands between the SDK's line reader and the server: a line that is not a
JSON-RPC message gets a one-line error notification ("Parse error: ..."; the SDK sent "Internal
Server Error" and, when stdin closed while that notice was pending, exited with a traceback), and
the server only ever sees messages.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable

import anyio
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream
from mcp.shared.message import SessionMessage
from mcp.types import JSONRPCMessage, JSONRPCNotification
from pydantic import ValidationError
from starlette.requests import ClientDisconnect
from starlette.responses import JSONResponse
from starlette.types import Message, Receive

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1_000_000
PARSE_ERROR = -32700
INVALID_REQUEST = -32600

_DISCONNECTS: tuple[type[BaseException], ...] = (
    anyio.ClosedResourceError,
    anyio.BrokenResourceError,
    anyio.EndOfStream,
    ClientDisconnect,
    ConnectionError,
)


def rpc_error(status: int, code: int, message: str) -> JSONResponse:
    return JSONResponse({"jsonrpc": "2.0", "id": None, "error": {"code": code, "message": message}}, status)


def _problem(body: bytes) -> JSONResponse | None:
    """The response a bad body gets, or None for one JSON-RPC message in UTF-8 JSON."""
    if len(body) > MAX_BODY_BYTES:
        return rpc_error(413, INVALID_REQUEST, f"Request too large: at most {MAX_BODY_BYTES} bytes")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return rpc_error(400, PARSE_ERROR, f"Parse error: the body is not valid UTF-8 (byte {exc.start})")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return rpc_error(400, PARSE_ERROR, f"Parse error: not valid JSON ({exc.msg} at character {exc.pos})")
    if not isinstance(data, dict):
        return rpc_error(
            400, INVALID_REQUEST, "Invalid Request: the body must be one JSON-RPC message object"
        )
    try:
        JSONRPCMessage.model_validate(data)
    except ValidationError:
        method = data.get("method")
        what = f"method {method!r}" if isinstance(method, str) else "the message"
        return rpc_error(
            400,
            INVALID_REQUEST,
            f"Invalid Request: {what} is not a JSON-RPC 2.0 request, notification or response "
            '(needs "jsonrpc": "2.0", a string "method" and an id that is a string or an integer)',
        )
    return None


async def read_body(receive: Receive, limit: int = MAX_BODY_BYTES) -> bytes | None:
    """The whole body (at most `limit` + 1 bytes are kept); None when the client went away."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        if size <= limit + 1:
            chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)[: limit + 1]


def replay(body: bytes, receive: Receive) -> Callable[[], Awaitable[Message]]:
    """A `receive` that hands `body` on once, then the client's own events (its disconnect)."""
    sent = False

    async def again() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return again


async def checked_body(receive: Receive) -> tuple[bytes | None, JSONResponse | None]:
    """The body of a POST and, when it is not acceptable, the response to send instead."""
    body = await read_body(receive)
    if body is None:
        return None, None
    return body, _problem(body)


class QuietDisconnects(logging.Filter):
    """One line instead of a traceback for a client that went away (see the module docstring)."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if exc is not None and _is_disconnect(exc):
            where = record.getMessage()  # e.g. "Error in standalone SSE writer"
            record.msg, record.args = "client disconnected (%s) in: %s", (type(exc).__name__, where)
            record.exc_info = None
            record.exc_text = None
            record.levelno, record.levelname = logging.INFO, "INFO"
        return True


def _is_disconnect(exc: BaseException) -> bool:
    if isinstance(exc, _DISCONNECTS):
        return True
    if isinstance(exc, BaseExceptionGroup):  # a group of disconnects
        return all(_is_disconnect(inner) for inner in exc.exceptions)
    return False


def quiet_disconnects() -> None:
    """Install `QuietDisconnects` on the MCP SDK's HTTP loggers (once)."""
    for name in ("mcp.server.streamable_http", "mcp.server.streamable_http_manager", "mcp.server.sse"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, QuietDisconnects) for f in logger.filters):
            logger.addFilter(QuietDisconnects())


def line_problem(exc: Exception) -> str:
    """One short line for a stdio line the SDK could not read as a JSON-RPC message."""
    errors = exc.errors() if isinstance(exc, ValidationError) else []
    if errors and errors[0].get("type") == "json_invalid":
        return "Parse error: the line is not valid JSON (one JSON-RPC message per line, in UTF-8)"
    return (
        "Invalid Request: the line is not a JSON-RPC 2.0 request, notification or response "
        '(needs "jsonrpc": "2.0", a string "method" and an id that is a string or an integer)'
    )


async def screened(
    read: MemoryObjectReceiveStream[SessionMessage | Exception],
    write: MemoryObjectSendStream[SessionMessage],
    to_server: MemoryObjectSendStream[SessionMessage | Exception],
) -> None:
    """Hand the stdio reader's messages on to the server; answer bad lines (module docstring)."""
    async with to_server:
        async for item in read:
            if not isinstance(item, Exception):
                await to_server.send(item)
                continue
            problem = line_problem(item)
            log.info("stdio: %s", problem)
            notice = JSONRPCNotification(
                jsonrpc="2.0",
                method="notifications/message",
                params={"level": "error", "logger": "switchboard.stdio", "data": problem},
            )
            try:
                await write.send(SessionMessage(JSONRPCMessage(notice)))
            except (anyio.ClosedResourceError, anyio.BrokenResourceError):
                return  # the client went away: nothing left to tell it
