"""The airline desk over MCP: a drop-in for `tools.airline.AirlineService` whose calls go to the
Switchboard MCP server (`faces.mcp_server`) through one long-lived client session.

With `SWITCHBOARD_TOOLS_VIA_MCP=true` the graph's specialists get this instead of the in-process
service (`graphs.services.Services.airline`); they need no change: the methods they call have the
same names, arguments and result models, and a tool error comes back as the `switchboard.errors`
exception the in-process service raises, `details` included (`tools.mcp_wire`).

    specialist (sync, any thread) ──> McpAirlineService ──> SessionBridge (event loop thread)
        ──> ClientSession (one, reused; langchain-mcp-adapters opens it) ──> MCP server

Identity: the acting user is the run's `Context.user_id`, which the specialists pass as the first
argument, as in-process. It travels in the request `_meta` with the service token, never as a
tool argument; the server honours it only with that token (see docs/mcp.md).
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import logging
import os
import secrets
import sys
import threading
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from switchboard.errors import ConfigurationError, InputError, ToolError
from switchboard.settings import Settings
from tools.airline import (
    BookingInfo,
    BookingResult,
    CancellationResult,
    ComplaintInfo,
    FareInfo,
    FlightInfo,
    FlightSearchResult,
    RefundQuote,
    SeatMap,
    normalize_cabin,
    normalize_complaint_category,
)
from tools.airline_models import BOOKING_STATUSES
from tools.mcp_wire import ACTING_USER_KEY, SERVICE_TOKEN_KEY, decode_error

if TYPE_CHECKING:
    from mcp import ClientSession
    from mcp.types import CallToolResult

log = logging.getLogger(__name__)

SessionFactory = Callable[[], AbstractAsyncContextManager["ClientSession"]]
SERVER_NAME = "switchboard"
# Starting a stdio server process imports the whole stack: seconds on a busy machine.
CONNECT_TIMEOUT_S = 60.0
CALL_TIMEOUT_S = 30.0


def _is_timeout(exc: BaseException) -> bool:
    from mcp.shared.exceptions import McpError

    return isinstance(exc, McpError) and exc.error.code == 408  # the SDK's read timeout


def _unavailable(exc: BaseException) -> ToolError:
    return ToolError(
        f"the MCP tool server is unavailable: {exc or type(exc).__name__}", code="tool_server_unavailable"
    )


class SessionBridge:
    """One MCP client session on a background event loop, shared by synchronous callers.

    The session is opened on first use and reused for every call (concurrent calls share it). If
    the connection breaks, the next call opens a new one.
    """

    def __init__(
        self,
        open_session: SessionFactory,
        *,
        connect_timeout_s: float = CONNECT_TIMEOUT_S,
        call_timeout_s: float = CALL_TIMEOUT_S,
    ) -> None:
        self._open = open_session
        self._connect_timeout = connect_timeout_s
        self._call_timeout = call_timeout_s
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="switchboard-mcp-client", daemon=True
        )
        self._thread.start()
        self._lock = threading.Lock()
        self._session: ClientSession | None = None
        self._holder: concurrent.futures.Future[None] | None = None
        self._stop: asyncio.Event | None = None
        self._closed = False

    async def _hold(self, ready: concurrent.futures.Future[ClientSession]) -> None:
        """Open the session and keep it open (in this one task, as anyio requires) until stopped."""
        self._stop = stop = asyncio.Event()
        try:
            async with self._open() as session:
                ready.set_result(session)
                await stop.wait()
        except BaseException as exc:
            if not ready.done():
                ready.set_exception(exc)
            else:
                log.debug("MCP client session ended: %r", exc)
            if not isinstance(exc, Exception):
                raise

    def session(self) -> ClientSession:
        """The live session, opened if there is none."""
        with self._lock:
            if self._closed:
                raise ToolError("the MCP client is closed", code="tool_server_unavailable")
            if self._session is not None and self._holder is not None and not self._holder.done():
                return self._session
            ready: concurrent.futures.Future[ClientSession] = concurrent.futures.Future()
            self._holder = asyncio.run_coroutine_threadsafe(self._hold(ready), self._loop)
            try:
                self._session = ready.result(timeout=self._connect_timeout)
            except Exception as exc:  # noqa: BLE001 - process, anyio and MCP failures share no base
                self._stop_holder()
                raise _unavailable(exc) from exc
            return self._session

    def call_tool(
        self, name: str, arguments: dict[str, Any], meta: dict[str, Any] | None = None
    ) -> CallToolResult:
        """Call one tool and wait for its result (from any thread but the bridge's own).

        A broken connection (the server restarted, the session expired) is reopened and the call
        sent once more: the airline tools are idempotent, so repeating one that did reach the old
        server changes nothing. A timeout is not retried.
        """
        from mcp import types

        request = types.ClientRequest(
            types.CallToolRequest(
                params=types.CallToolRequestParams(
                    name=name, arguments=arguments, _meta=types.RequestParams.Meta(**meta) if meta else None
                )
            )
        )
        for retries_left in (1, 0):
            session = self.session()
            # `send_request` rather than `ClientSession.call_tool`: the caller validates the result
            # with its pydantic model, while the SDK's jsonschema check re-checks the schema itself
            # on every call (most of the cost of a call; see bench/mcp.py).
            future = asyncio.run_coroutine_threadsafe(
                session.send_request(
                    request,
                    types.CallToolResult,
                    request_read_timeout_seconds=timedelta(seconds=self._call_timeout),
                ),
                self._loop,
            )
            try:
                return future.result(timeout=self._call_timeout + 5)
            except concurrent.futures.TimeoutError as exc:
                future.cancel()
                raise _unavailable(exc) from exc
            except Exception as exc:  # noqa: BLE001 - anyio, MCP and OS failures share no base
                if _is_timeout(exc):
                    raise _unavailable(exc) from exc
                with self._lock:
                    if self._session is session:
                        self._stop_holder()
                if not retries_left:
                    raise _unavailable(exc) from exc
                log.warning("the MCP connection broke (%r); reconnecting", exc)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _stop_holder(self) -> None:
        """Close the current session (caller holds the lock)."""
        self._session = None
        holder, stop = self._holder, self._stop
        self._holder = None
        if holder is not None and not holder.done() and stop is not None:
            self._loop.call_soon_threadsafe(stop.set)
            try:
                holder.result(timeout=10)
            except Exception as exc:  # noqa: BLE001 - closing a broken session may fail; it is gone either way
                log.debug("closing the MCP session: %r", exc)

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._stop_holder()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        if not self._loop.is_running():
            self._loop.close()


class McpAirlineService:
    """`AirlineService` over MCP: same methods (those the specialists use), results and errors.

    Not provided: `get_booking` and `free_seats_near`, which no specialist calls and which the MCP
    server does not expose as such (`list_bookings`, `seat_map` cover them for MCP clients).
    """

    def __init__(self, bridge: SessionBridge, service_token: str | None = None) -> None:
        self._bridge = bridge
        self._service_token = service_token

    def close(self) -> None:
        self._bridge.close()

    def _call(self, tool: str, arguments: dict[str, Any], user_id: str | None = None) -> dict[str, Any]:
        meta: dict[str, Any] | None = None
        if user_id is not None:
            if not isinstance(user_id, str):
                raise InputError(f"user id must be a string, got {type(user_id).__name__}")
            meta = {ACTING_USER_KEY: user_id}
            if self._service_token:
                meta[SERVICE_TOKEN_KEY] = self._service_token
        result = self._bridge.call_tool(tool, {k: v for k, v in arguments.items() if v is not None}, meta)
        if result.isError:
            text = " ".join(getattr(block, "text", "") for block in result.content).strip()
            raise decode_error(text, result.meta) or ToolError(text or f"{tool} failed", code="tool_error")
        if not isinstance(result.structuredContent, dict):
            raise ToolError(f"the MCP server returned no structured result for {tool}", code="tool_error")
        return result.structuredContent

    # -- reads

    def flight_status(self, flight_number: str, flight_date: date | str | None = None) -> FlightInfo:
        args = {"flight_number": flight_number, "flight_date": _iso(flight_date)}
        return FlightInfo.model_validate(self._call("flight_status", args))

    def fares(
        self, flight_number: str, cabin: str | None = None, flight_date: date | str | None = None
    ) -> list[FareInfo]:
        wanted = None if cabin is None else normalize_cabin(cabin)
        args = {"flight_number": flight_number, "cabin": wanted, "flight_date": _iso(flight_date)}
        data = self._call("fare_quote", args)
        return [FareInfo.model_validate(fare) for fare in data["fares"]]

    def seat_map(self, flight_number: str, flight_date: date | str | None = None) -> SeatMap:
        args = {"flight_number": flight_number, "flight_date": _iso(flight_date)}
        return SeatMap.model_validate(self._call("seat_map", args))

    def search_flights(self, **filters: Any) -> FlightSearchResult:
        """`search_flights` with the service's keywords (dates and times as the tool takes them)."""
        args = {key: _wire(value) for key, value in filters.items()}
        return FlightSearchResult.model_validate(self._call("search_flights", args))

    def user_bookings(
        self,
        user_id: str,
        flight_number: str | None = None,
        status: str | None = "confirmed",
        flight_date: date | str | None = None,
    ) -> list[BookingInfo]:
        if status is not None and status not in BOOKING_STATUSES:
            raise InputError(f"status must be one of {', '.join(BOOKING_STATUSES)} or None")
        args = {"flight_number": flight_number, "status": status or "all", "flight_date": _iso(flight_date)}
        data = self._call("list_bookings", args, user_id=user_id)
        return [BookingInfo.model_validate(b) for b in data["bookings"]]

    def quote_refund(self, user_id: str, confirmation_number: str) -> RefundQuote:
        """What cancelling would refund now; changes nothing (`cancel_booking` with confirm=false)."""
        data = self._call(
            "cancel_booking", {"confirmation_number": confirmation_number, "confirm": False}, user_id=user_id
        )
        return RefundQuote.model_validate(data["refund_quote"])

    # -- writes

    def request_applied(self, request_id: str) -> bool:
        """Not visible through MCP: the server keeps its requests to itself. A replayed yes is
        still carried out at most once (the write tools take the same `request_id`)."""
        return False

    def book_seat(
        self,
        user_id: str,
        flight_number: str,
        seat: str,
        flight_date: date | str | None = None,
        *,
        request_id: str | None = None,
    ) -> BookingResult:
        arguments = {
            "flight_number": flight_number,
            "seat": seat,
            "flight_date": _iso(flight_date),
            "request_id": request_id,
        }
        return BookingResult.model_validate(self._call("book_seat", arguments, user_id=user_id))

    def change_seat(
        self, user_id: str, confirmation_number: str, new_seat: str, *, request_id: str | None = None
    ) -> BookingInfo:
        arguments = {
            "confirmation_number": confirmation_number,
            "new_seat": new_seat,
            "request_id": request_id,
        }
        return BookingInfo.model_validate(self._call("change_seat", arguments, user_id=user_id))

    def cancel_booking(
        self, user_id: str, confirmation_number: str, *, request_id: str | None = None
    ) -> CancellationResult:
        """Cancel for real: the specialist has already asked the user (`confirm=true`)."""
        arguments = {"confirmation_number": confirmation_number, "confirm": True, "request_id": request_id}
        data = self._call("cancel_booking", arguments, user_id=user_id)
        return CancellationResult.model_validate(data["cancellation"])

    def file_complaint(
        self, user_id: str, text: str, category: str | None = None, flight_number: str | None = None
    ) -> ComplaintInfo:
        kind = None if category is None else normalize_complaint_category(category)
        data = self._call(
            "file_complaint",
            {"text": text, "category": kind, "flight_number": flight_number},
            user_id=user_id,
        )
        return ComplaintInfo.model_validate(data)


def _iso(value: date | str | None) -> str | None:
    """A date argument as the tools take it (YYYY-MM-DD)."""
    return value.isoformat() if isinstance(value, date) else value


def _wire(value: Any) -> Any:
    """A search argument in JSON: dates as YYYY-MM-DD, prices as numbers."""
    if isinstance(value, date):
        return value.isoformat()
    return float(value) if isinstance(value, Decimal) else value


def _connection(settings: Settings, token: str) -> dict[str, Any]:
    """The langchain-mcp-adapters connection to the configured server."""
    if settings.mcp_tools_url:
        return {
            "transport": "streamable_http",
            "url": settings.mcp_tools_url,
            "headers": {"Authorization": f"Bearer {token}"},
        }
    # A stdio child over the same databases; it must run its tools in-process (no recursion).
    env = dict(os.environ)
    env.update(
        SWITCHBOARD_TOOLS_VIA_MCP="false",
        SWITCHBOARD_MCP_SERVICE_TOKEN=token,
        SWITCHBOARD_DATABASE_URL=settings.database_url,
        SWITCHBOARD_CHECKPOINT_URL=settings.checkpoint_url,
        SWITCHBOARD_MODEL_DIR=str(settings.model_dir),
        SWITCHBOARD_TIME_ZONE=settings.time_zone,
    )
    if settings.now:  # the child's clock is the parent's, frozen or not
        env["SWITCHBOARD_NOW"] = settings.now
    return {
        "transport": "stdio",
        "command": sys.executable,
        "args": ["-m", "faces.cli.main", "mcp", "--transport", "stdio"],
        "env": env,
    }


def connect_airline(settings: Settings) -> McpAirlineService:
    """The airline service through the MCP server `settings` name (`mcp_tools_url`, else stdio).

    Over HTTP the server must know the same `SWITCHBOARD_MCP_SERVICE_TOKEN`; for a stdio child
    one is generated when none is configured and handed to the child.
    """
    from langchain_mcp_adapters.client import MultiServerMCPClient

    configured = settings.mcp_service_token.get_secret_value() if settings.mcp_service_token else ""
    if settings.mcp_tools_url and not configured:
        raise ConfigurationError(
            "SWITCHBOARD_MCP_TOOLS_URL needs SWITCHBOARD_MCP_SERVICE_TOKEN (known to both sides)"
        )
    token = configured or secrets.token_urlsafe(32)
    client = MultiServerMCPClient({SERVER_NAME: _connection(settings, token)})  # type: ignore[dict-item]
    service = McpAirlineService(SessionBridge(lambda: client.session(SERVER_NAME)), service_token=token)
    atexit.register(service.close)
    return service
