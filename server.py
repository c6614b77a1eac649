"""The MCP server of Switchboard: the assistant's tools, and the assistant itself, over MCP.

    switchboard mcp                                   stdio, for IDE agents (one user: settings)
    switchboard mcp --transport http [--port 8765]    streamable HTTP on 127.0.0.1 (bearer -> user)
    python server.py ...                              the same

`build_server(settings)` returns the FastMCP server: the tools of CONTRACTS §5 (plus the few the
graph's specialists need to run through MCP: `seat_map`, `list_bookings`, `change_seat`), typed
arguments, structured results, and resources for the inventory schema and the knowledge base.
It is a face: every tool translates to `tools.airline.AirlineService`, the inventory and knowledge
agents or `graphs.runner.run_turn`; no business logic lives here.

Who is calling is never a tool argument. On stdio (and in memory) it is the configured user
(`SWITCHBOARD_MCP_USER_ID`, default `SWITCHBOARD_DEFAULT_USER_ID`); over HTTP, the bearer token
(`SWITCHBOARD_API_KEYS`, `key:user_id` pairs). The graph's own service connection (see
`agents.mcp_airline`) may name the acting user in the request `_meta`, proven by
`SWITCHBOARD_MCP_SERVICE_TOKEN`.

The process holds one engine, one compiled graph and one checkpointer, built once; synchronous
work (SQLAlchemy, the graph) runs in worker threads so that the event loop never blocks.
"""

# No `from __future__ import annotations`: FastMCP reads the tools' annotations at registration,
# and the tool functions are closures.

import functools
import hashlib
import io
import ipaddress
import json
import logging
import os
import socket
import sys
import threading
import uuid
import weakref
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Annotated, Any, Literal, TypeVar

import anyio
import anyio.to_thread
from mcp.server.fastmcp import Context, FastMCP
from mcp.server.fastmcp.exceptions import ResourceError
from mcp.server.fastmcp.exceptions import ToolError as FastMCPToolError
from mcp.server.transport_security import TransportSecurityMiddleware, TransportSecuritySettings
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from pydantic import BaseModel, Field, ValidationError

from graphs.runner import TurnResult, run_turn, validate_ids
from graphs.services import Services, build_services
from switchboard.errors import ConfigurationError, InputError, NotAllowed, SwitchboardError
from switchboard.identity import configured_user, parse_api_keys
from switchboard.settings import Settings
from tools.airline import (
    COMPLAINT_CATEGORIES,
    BookingInfo,
    BookingResult,
    CancellationResult,
    ComplaintInfo,
    FareInfo,
    FlightInfo,
    RefundQuote,
    SeatMap,
    normalize_user_id,
)
from tools.mcp_wire import ACTING_USER_KEY, SERVICE_TOKEN_KEY, encode_error

log = logging.getLogger("switchboard.mcp")

SERVER_NAME = "switchboard"
DEFAULT_HTTP_PORT = 8765
HTTP_PATH = "/mcp"
# Scope key under which the HTTP gate leaves the authenticated caller for the tools.
CALLER_SCOPE_KEY = "switchboard.caller"
# A sanity bound on text arguments; the services enforce the real limit (`max_input_chars`).
MAX_TEXT_CHARS = 65_536

INSTRUCTIONS = """Switchboard is the customer-service desk of Skylark Airways and of a car dealer's \
vehicle stock, in Chinese and English.
- Flights: flight_status, fare_quote, seat_map; bookings of the signed-in user: list_bookings, \
book_seat, change_seat, cancel_booking (two steps: quote, then confirm=true after the user agrees), \
file_complaint.
- Vehicle stock: query_inventory (a question in Chinese or English, answered by read-only SQL); \
describe_inventory_schema.
- Policies and the price list: search_knowledge_base.
- ask_assistant: one turn of the whole assistant on a conversation thread; pass the returned \
thread_id to continue it (a confirmation it asks for is answered in the next call).
The user is the one this connection is signed in as; tools never take a user id."""

T = TypeVar("T")

# ------------------------------------------------------------------------------- argument types

FlightNumber = Annotated[
    str,
    Field(
        min_length=1, max_length=32, description="Flight number, e.g. FL123 (case and spaces do not matter)"
    ),
]
SeatCode = Annotated[str, Field(min_length=1, max_length=8, description="Seat: a row and a letter, e.g. 12A")]
ConfirmationNumber = Annotated[
    str,
    Field(
        min_length=1,
        max_length=16,
        description="Booking confirmation number: 3 letters and 3 digits, e.g. ABC123",
    ),
]
Cabin = Literal["economy", "business", "first"]
ComplaintCategory = Literal[COMPLAINT_CATEGORIES]  # type: ignore[valid-type]
Question = Annotated[
    str, Field(min_length=1, max_length=MAX_TEXT_CHARS, description="The question, in Chinese or English")
]
Message = Annotated[
    str,
    Field(min_length=1, max_length=MAX_TEXT_CHARS, description="The user's message, in Chinese or English"),
]
ThreadId = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z0-9_.:@-]{1,128}$",
        description="Conversation id returned by an earlier call; omit it to start a new conversation",
    ),
]

# ------------------------------------------------------------------------------- result models


class FareQuote(BaseModel):
    flight_number: str
    fares: list[FareInfo]


class BookingList(BaseModel):
    bookings: list[BookingInfo]


class CancelBookingOutcome(BaseModel):
    status: Literal["confirmation_required", "cancelled", "already_cancelled"]
    # confirm=false: what cancelling would refund now (nothing is changed).
    refund_quote: RefundQuote | None = None
    # confirm=true: what was done.
    cancellation: CancellationResult | None = None
    next_step: str | None = None


class InventoryResult(BaseModel):
    sql: str | None = Field(description="the SELECT that answered the question; null when nothing ran")
    columns: list[str]
    rows: list[list[Any]]
    reply: str = Field(description="the answer as a sentence, in the question's language")
    status: Literal["completed", "refused", "failed", "needs_info"]
    attempts: int


class KnowledgeSource(BaseModel):
    doc_id: str
    title: str
    score: float
    snippet: str


class KnowledgeResult(BaseModel):
    answer: str = Field(description="the answer, citing doc_ids in brackets, e.g. [baggage]")
    sources: list[KnowledgeSource]
    found: bool = Field(description="false: the documents do not answer it (closest topics are named)")


# ------------------------------------------------------------------------------- identity


@dataclass(frozen=True)
class Caller:
    """Who a request comes from: a user, or the graph's service connection (acts for others)."""

    user_id: str | None
    service: bool = False


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# The rule of `graphs.runner.validate_ids`: a user id of the MCP face must be able to hold a thread.


class Desk:
    """What the tools work with, built once per server: services, the graph, identity rules."""

    def __init__(self, settings: Settings, services: Services, graph: Any = None, user_id: str | None = None):
        self.settings = settings
        self.services = services
        self.local_caller = Caller(
            configured_user(
                user_id or settings.mcp_user_id or settings.default_user_id, "SWITCHBOARD_MCP_USER_ID"
            )
        )
        token = settings.mcp_service_token.get_secret_value() if settings.mcp_service_token else ""
        self._service_digest = _digest(token) if token else None
        self._graph = graph
        self._graph_lock = threading.Lock()
        self._stack = ExitStack()
        # One turn at a time per thread: two concurrent turns would race on its checkpoint.
        self._thread_locks: weakref.WeakValueDictionary[str, threading.Lock] = weakref.WeakValueDictionary()
        self._thread_locks_guard = threading.Lock()

    # -- identity
    def is_service_token(self, token: object) -> bool:
        return (
            isinstance(token, str)
            and self._service_digest is not None
            and _digest(token) == self._service_digest
        )

    def acting_user(self, ctx: Context) -> str:
        """The user a tool acts for: from the transport, or delegated by the service connection."""
        request_context = ctx.request_context
        request = request_context.request
        if request is None:  # stdio, in memory: the configured user
            caller = self.local_caller
        else:
            caller = getattr(request, "scope", {}).get(CALLER_SCOPE_KEY)
            if not isinstance(caller, Caller):  # an HTTP app mounted without the gate: fail closed
                raise NotAllowed("this request is not authenticated", code="unauthenticated")
        meta = request_context.meta
        extra = (meta.model_extra or {}) if meta is not None else {}
        acting = extra.get(ACTING_USER_KEY)
        service = caller.service or self.is_service_token(extra.get(SERVICE_TOKEN_KEY))
        if acting is None:
            if caller.user_id is None:
                raise NotAllowed("the service connection must name the acting user", code="no_acting_user")
            return caller.user_id
        if not service:
            raise NotAllowed("only the service connection may act for another user", code="not_delegated")
        return normalize_user_id(acting)

    # -- the assistant
    def graph(self) -> Any:
        """The compiled graph with the configured checkpointer, built on first use."""
        with self._graph_lock:
            if self._graph is None:
                from graphs.assistant import build_graph
                from graphs.checkpoint import open_checkpointer

                checkpointer = self._stack.enter_context(open_checkpointer(self.settings.checkpoint_url))
                self._graph = build_graph(self.services).compile(checkpointer=checkpointer)
            return self._graph

    def turn(self, user_id: str, thread_id: str, message: str) -> TurnResult:
        validate_ids(user_id, thread_id)
        with self._thread_locks_guard:
            lock = self._thread_locks.get(thread_id)
            if lock is None:
                lock = self._thread_locks[thread_id] = threading.Lock()
        with lock:
            return run_turn(self.graph(), user_id=user_id, thread_id=thread_id, text=message)

    def close(self) -> None:
        self._stack.close()


async def _in_thread(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run blocking work (SQLAlchemy, the graph, retrieval) off the event loop."""
    return await anyio.to_thread.run_sync(functools.partial(fn, *args, **kwargs))


# ------------------------------------------------------------------------------- errors


def _tool_message(exc: SwitchboardError) -> str:
    """The error as the model reads it: the service's message plus what to do next."""
    message = str(exc)
    details = getattr(exc, "details", {}) or {}
    code = details.get("code")
    if code == "seat_taken":
        free = list(details.get("alternatives") or [])
        message += (
            f". Free seats nearby: {', '.join(free)}; call book_seat again with one of them."
            if free
            else ". No free seat is left in that cabin."
        )
    elif code == "already_booked" and isinstance(details.get("booking"), BookingInfo):
        message += f" (call change_seat with confirmation_number {details['booking'].confirmation_number})"
    return message


def _validation_message(tool: str, exc: ValidationError) -> str:
    problems = []
    for error in exc.errors(include_url=False):
        where = ".".join(str(p) for p in error.get("loc", ())) or "arguments"
        problems.append(f"{where}: {error.get('msg', 'invalid')}")
    return f"invalid arguments for {tool}: " + "; ".join(problems)


def _error_result(text: str, meta: dict[str, Any] | None = None) -> CallToolResult:
    return CallToolResult(content=[TextContent(type="text", text=text)], isError=True, _meta=meta)


class SwitchboardMCP(FastMCP):
    """FastMCP whose tool errors are clear messages (with the error as data in `_meta`)."""

    desk: Desk

    async def call_tool(self, name: str, arguments: dict[str, Any]) -> Any:
        try:
            result = await super().call_tool(name, arguments)
        except FastMCPToolError as exc:
            cause = exc.__cause__
            if isinstance(cause, SwitchboardError):
                return _error_result(_tool_message(cause), encode_error(cause))
            if isinstance(cause, ValidationError) and cause.title.endswith("Arguments"):
                # FastMCP's argument model ("<tool>Arguments"); any other ValidationError is a bug.
                problem = InputError(_validation_message(name, cause))
                return _error_result(str(problem), encode_error(problem))
            if cause is None:  # FastMCP's own: unknown tool, ...
                return _error_result(str(exc))
            # A bug, not the caller's fault: the log gets the traceback, the caller a short line.
            log.error("tool %s failed", name, exc_info=cause)
            return _error_result(
                f"internal error in tool {name} ({type(cause).__name__}); see the server log"
            )
        if isinstance(result, tuple):
            # (content, structured), the latter already validated by the tool's pydantic output
            # model. A finished result skips the low-level server's jsonschema re-validation, which
            # re-checks the schema itself on every call (most of the cost of a call).
            content, structured = result
            return CallToolResult(content=list(content), structuredContent=structured, isError=False)
        return result


# ------------------------------------------------------------------------------- the server


def _readonly(title: str) -> ToolAnnotations:
    return ToolAnnotations(title=title, readOnlyHint=True, idempotentHint=True, openWorldHint=False)


def build_server(
    settings: Settings,
    *,
    services: Services | None = None,
    graph: Any = None,
    user_id: str | None = None,
    host: str = "127.0.0.1",
    port: int = DEFAULT_HTTP_PORT,
) -> SwitchboardMCP:
    """The MCP server over `settings`' databases.

    `services` and `graph` (compiled, with its checkpointer) may be given ready-made (tests);
    otherwise the services are built and the demo data seeded now, and the graph is compiled with
    the configured checkpointer on the first `ask_assistant`. `user_id` overrides the stdio user.
    Call `server.desk.close()` (or use `open_server`) to release the checkpointer.
    """
    # The server always runs its tools in-process: a server whose graph called its tools through
    # MCP would start another server, which would start another one.
    settings = settings.model_copy(update={"tools_via_mcp": False})
    if services is None:
        from graphs.app import ensure_seeded

        services = build_services(settings)
        ensure_seeded(services)
    desk = Desk(settings, services, graph=graph, user_id=user_id)
    server = SwitchboardMCP(
        SERVER_NAME,
        instructions=INSTRUCTIONS,
        host=host,
        port=port,
        streamable_http_path=HTTP_PATH,
        # Tools send no progress mid-call, so a plain JSON answer per POST does; it saves about
        # 1.4 ms a call over an SSE stream (bench/mcp.py).
        json_response=True,
        log_level="WARNING",
        transport_security=transport_security(host, settings),
    )
    server.desk = desk

    # -- flights --------------------------------------------------------------------------------
    @server.tool(annotations=_readonly("Flight status"))
    async def flight_status(flight_number: FlightNumber) -> FlightInfo:
        """Status of a flight: on time, delayed (with minutes), cancelled, boarding...; scheduled and
        estimated departure, gate, origin and destination. Times are local airport times."""
        return await _in_thread(desk.services.airline.flight_status, flight_number)

    @server.tool(annotations=_readonly("Fare quote"))
    async def fare_quote(flight_number: FlightNumber, cabin: Cabin | None = None) -> FareQuote:
        """Ticket prices of a flight per cabin (economy, business, first), with currency. Give `cabin`
        for one cabin only; an error says when the flight sells no such cabin."""
        fares = await _in_thread(desk.services.airline.fares, flight_number, cabin)
        return FareQuote(flight_number=fares[0].flight_number if fares else flight_number, fares=fares)

    @server.tool(annotations=_readonly("Seat map"))
    async def seat_map(flight_number: FlightNumber) -> SeatMap:
        """Every seat of a flight with its cabin, position (window/aisle/middle) and whether it is
        free, plus free counts per cabin. Use it to pick a seat before book_seat."""
        return await _in_thread(desk.services.airline.seat_map, flight_number)

    # -- bookings of the signed-in user ---------------------------------------------------------
    @server.tool(annotations=_readonly("My bookings"))
    async def list_bookings(
        ctx: Context,
        flight_number: FlightNumber | None = None,
        status: Literal["confirmed", "cancelled", "all"] = "confirmed",
    ) -> BookingList:
        """The signed-in user's bookings (confirmation number, flight, seat, cabin, fare, status),
        optionally for one flight; by default only confirmed ones."""
        user = desk.acting_user(ctx)
        wanted = None if status == "all" else status
        bookings = await _in_thread(desk.services.airline.user_bookings, user, flight_number, wanted)
        return BookingList(bookings=bookings)

    @server.tool(
        annotations=ToolAnnotations(
            title="Book a seat",
            readOnlyHint=False,
            destructiveHint=False,
            idempotentHint=True,
            openWorldHint=False,
        )
    )
    async def book_seat(ctx: Context, flight_number: FlightNumber, seat: SeatCode) -> BookingResult:
        """Book `seat` on `flight_number` for the signed-in user and return the booking with its
        confirmation number. Booking the same seat again returns the existing booking
        (created=false). A taken seat is an error that lists free seats nearby; a user who already
        holds another seat on the flight must use change_seat."""
        user = desk.acting_user(ctx)
        return await _in_thread(desk.services.airline.book_seat, user, flight_number, seat)

    @server.tool(
        annotations=ToolAnnotations(
            title="Change seat",
            readOnlyHint=False,
            destructiveHint=False,
            idempotentHint=True,
            openWorldHint=False,
        )
    )
    async def change_seat(
        ctx: Context, confirmation_number: ConfirmationNumber, new_seat: SeatCode
    ) -> BookingInfo:
        """Move the signed-in user's booking to `new_seat` on the same flight (ask the user first).
        A taken seat is an error that lists free seats nearby."""
        user = desk.acting_user(ctx)
        return await _in_thread(desk.services.airline.change_seat, user, confirmation_number, new_seat)

    @server.tool(
        annotations=ToolAnnotations(
            title="Cancel a booking",
            readOnlyHint=False,
            destructiveHint=True,
            idempotentHint=True,
            openWorldHint=False,
        )
    )
    async def cancel_booking(
        ctx: Context,
        confirmation_number: ConfirmationNumber,
        confirm: Annotated[
            bool, Field(description="false (default): only quote the refund; true: cancel for real")
        ] = False,
    ) -> CancelBookingOutcome:
        """Cancel one of the signed-in user's bookings. This cannot be undone, so it takes two calls:
        first with confirm=false (the default), which changes nothing and returns the refund quote
        (amount, fee, reason) -- show it to the user and ask them; then, only after the user has
        agreed, call again with confirm=true to cancel and refund."""
        user = desk.acting_user(ctx)
        airline = desk.services.airline
        if not confirm:
            quote = await _in_thread(airline.quote_refund, user, confirmation_number)
            if quote.reason == "already_cancelled":
                return CancelBookingOutcome(status="already_cancelled", refund_quote=quote)
            return CancelBookingOutcome(
                status="confirmation_required",
                refund_quote=quote,
                next_step="Show the refund to the user; if they agree, call cancel_booking again with confirm=true.",
            )
        result = await _in_thread(airline.cancel_booking, user, confirmation_number)
        return CancelBookingOutcome(
            status="already_cancelled" if result.already_cancelled else "cancelled", cancellation=result
        )

    @server.tool(
        annotations=ToolAnnotations(
            title="File a complaint",
            readOnlyHint=False,
            destructiveHint=False,
            idempotentHint=True,
            openWorldHint=False,
        )
    )
    async def file_complaint(
        ctx: Context,
        text: Annotated[
            str,
            Field(min_length=1, max_length=MAX_TEXT_CHARS, description="The complaint, in the user's words"),
        ],
        category: ComplaintCategory | None = None,
        flight_number: FlightNumber | None = None,
    ) -> ComplaintInfo:
        """Record a complaint of the signed-in user and return its complaint id. Without `category`
        the text is classified (delay, baggage, refund, staff, ...). Filing the same open complaint
        twice returns the first one (created=false)."""
        user = desk.acting_user(ctx)
        return await _in_thread(desk.services.airline.file_complaint, user, text, category, flight_number)

    # -- vehicle inventory ----------------------------------------------------------------------
    @server.tool(annotations=_readonly("Query the vehicle inventory"))
    async def query_inventory(question: Question) -> InventoryResult:
        """Answer a question about the car dealer's vehicle stock (Chinese or English, e.g.
        "在库的比亚迪有几辆？", "top 5 electric cars by guide price") with one read-only SQL query.
        Returns the SQL, the columns and rows, and the answer as a sentence. Requests to change
        data are refused (status "refused")."""
        from switchboard.text import detect_language
        from tools.inventory.pipeline import check_question

        check_question(question, desk.settings.max_input_chars)
        language = detect_language(question) or "en"
        answer = await _in_thread(desk.services.inventory.answer, question, language, None)
        return InventoryResult(
            sql=answer.sql,
            columns=answer.columns,
            rows=answer.rows,
            reply=answer.reply,
            status=answer.status,
            attempts=len(answer.attempts),
        )

    @server.tool(annotations=_readonly("Inventory schema"))
    async def describe_inventory_schema() -> dict[str, Any]:
        """The inventory database's tables and columns (types, allowed values), the join, the brand
        and model catalogue (with Chinese names) and the stores. Also the resource
        switchboard://inventory/schema."""
        from tools.inventory.schema import describe_schema

        return describe_schema()

    # -- knowledge base -------------------------------------------------------------------------
    @server.tool(annotations=_readonly("Search the policies and price list"))
    async def search_knowledge_base(question: Question) -> KnowledgeResult:
        """Answer a question about Skylark Airways' policies and price list (baggage, dangerous goods
        such as power banks, pets, refunds and changes, check-in, special assistance, prices of
        extras) from the company documents, in the question's language, with the passages used.
        found=false means the documents do not say."""
        from switchboard.text import detect_language

        language = detect_language(question) or "en"
        answer = await _in_thread(desk.services.knowledge.answer, question, language)
        return KnowledgeResult.model_validate(answer.model_dump())

    # -- the assistant --------------------------------------------------------------------------
    @server.tool(
        annotations=ToolAnnotations(
            title="Ask the Switchboard assistant",
            readOnlyHint=False,
            destructiveHint=True,
            openWorldHint=False,
        )
    )
    async def ask_assistant(ctx: Context, message: Message, thread_id: ThreadId | None = None) -> TurnResult:
        """Send one message to the Switchboard customer-service assistant (the whole multi-agent
        graph: guardrails, router, specialists) and return its turn: reply, intent, agent,
        task_status, guardrail, tool_calls and thread_id. Pass the returned thread_id to continue the
        conversation. When task_status is "awaiting_confirmation" the assistant asked a yes/no
        question (e.g. before cancelling a booking): relay it to the user and send their answer as
        the next message on the same thread."""
        user = desk.acting_user(ctx)
        thread = thread_id or f"mcp-{uuid.uuid4().hex[:16]}"
        return await _in_thread(desk.turn, user, thread, message)

    # -- resources ------------------------------------------------------------------------------
    @server.resource(
        "switchboard://inventory/schema",
        name="inventory-schema",
        title="Vehicle inventory schema",
        description="Tables, columns, allowed values, brands and stores of the vehicle inventory (read-only).",
        mime_type="application/json",
    )
    def inventory_schema() -> str:
        from tools.inventory.schema import describe_schema

        return json.dumps(describe_schema(), ensure_ascii=False, indent=2)

    @server.resource(
        "switchboard://knowledge/documents",
        name="knowledge-documents",
        title="Knowledge base documents",
        description="The policy and price-list documents search_knowledge_base answers from.",
        mime_type="application/json",
    )
    def knowledge_documents() -> str:
        return json.dumps(_document_list(desk), ensure_ascii=False, indent=2)

    @server.resource(
        "switchboard://knowledge/documents/{doc_id}",
        name="knowledge-document",
        title="Knowledge base document",
        description="One document of the knowledge base, as Markdown.",
        mime_type="text/markdown",
    )
    def knowledge_document(doc_id: str) -> str:
        from tools.knowledge.documents import DOC_ID, load_documents

        if not DOC_ID.match(doc_id):
            raise ResourceError(f"not a document id: {doc_id[:64]!r}")
        for document in load_documents(_knowledge_dir(desk)).documents:
            if document.doc_id == doc_id:
                return document.body
        raise ResourceError(f"no document {doc_id!r}")

    return server


def _knowledge_dir(desk: Desk) -> Any:
    from tools.knowledge.documents import KNOWLEDGE_DIR

    agent = desk.services.overrides.get("knowledge")
    return getattr(agent, "kb_dir", None) or KNOWLEDGE_DIR


def _document_list(desk: Desk) -> list[dict[str, Any]]:
    from tools.knowledge.documents import load_documents

    return [
        {
            "doc_id": d.doc_id,
            "title": d.title("en"),
            "title_zh": d.title("zh"),
            "uri": f"switchboard://knowledge/documents/{d.doc_id}",
        }
        for d in load_documents(_knowledge_dir(desk)).documents
    ]


@contextmanager
def open_server(settings: Settings, **kwargs: Any) -> Iterator[SwitchboardMCP]:
    """`build_server` whose graph and checkpointer are released on exit."""
    server = build_server(settings, **kwargs)
    try:
        yield server
    finally:
        server.desk.close()


# ------------------------------------------------------------------------------- HTTP


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _is_wildcard(host: str) -> bool:
    return host.strip("[]") in ("0.0.0.0", "::", "")


def _host_header_name(host: str) -> str:
    """`::1` -> `[::1]`: how an address appears in a Host header."""
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def transport_security(host: str, settings: Settings) -> TransportSecuritySettings:
    """Host and Origin checks against DNS rebinding and cross-site browsers.

    Host: loopback names, the bound address, `SWITCHBOARD_MCP_ALLOWED_HOSTS` (and this machine's
    name on a wildcard bind). Origin: none (non-browser clients) or a loopback page.
    """
    names = ["127.0.0.1", "localhost", "[::1]"]
    if _is_wildcard(host):
        names.append(socket.gethostname())
    elif not is_loopback(host):
        names.append(_host_header_name(host))
    names += [h.strip() for h in settings.mcp_allowed_hosts.split(",") if h.strip()]
    hosts: list[str] = []
    for name in dict.fromkeys(names):
        hosts += (
            [name] if name.rsplit(":", 1)[-1].isdigit() and not name.endswith("]") else [name, f"{name}:*"]
        )
    origins = [
        f"{scheme}://{name}{suffix}"
        for scheme in ("http", "https")
        for name in ("127.0.0.1", "localhost", "[::1]")
        for suffix in ("", ":*")
    ]
    return TransportSecuritySettings(
        enable_dns_rebinding_protection=True, allowed_hosts=hosts, allowed_origins=origins
    )


class HttpGate:
    """ASGI middleware in front of the MCP endpoint: Host/Origin (421/403), then the bearer (401).

    A bearer token, when sent, must be valid: an API key (acts as its user) or the service token.
    Without one, a request is accepted only on a loopback bind with no API keys configured (the
    single-user local mode), as the configured user.
    """

    def __init__(
        self,
        app: Any,
        *,
        security: TransportSecuritySettings,
        tokens: dict[str, Caller],
        anonymous: Caller | None,
    ) -> None:
        self.app = app
        self.security = TransportSecurityMiddleware(security)
        self.tokens = {_digest(token): caller for token, caller in tokens.items()}
        self.anonymous = anonymous

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        from starlette.requests import HTTPConnection
        from starlette.responses import JSONResponse

        connection = HTTPConnection(scope)
        refused = await self.security.validate_request(connection, is_post=False)
        if refused is not None:
            await refused(scope, receive, send)
            return
        header = connection.headers.get("authorization")
        caller: Caller | None
        if header is None:
            caller = self.anonymous
            reason = "a bearer token is required"
        else:
            scheme, _, token = header.partition(" ")
            caller = (
                self.tokens.get(_digest(token.strip()))
                if scheme.lower() == "bearer" and token.strip()
                else None
            )
            reason = "the bearer token is not valid"
        if caller is None:
            response = JSONResponse(
                {"error": "unauthorized", "error_description": reason},
                status_code=401,
                headers={"WWW-Authenticate": 'Bearer realm="switchboard"'},
            )
            await response(scope, receive, send)
            return
        scope[CALLER_SCOPE_KEY] = caller
        await self.app(scope, receive, send)


def _http_callers(settings: Settings, host: str, local: Caller) -> tuple[dict[str, Caller], Caller | None]:
    """Token -> caller, and the caller of a request without a token (None: refused)."""
    api_keys = parse_api_keys(settings.api_keys.get_secret_value() if settings.api_keys else None)
    tokens: dict[str, Caller] = {key: Caller(user) for key, user in api_keys.items()}
    service = settings.mcp_service_token.get_secret_value() if settings.mcp_service_token else ""
    if service:
        tokens[service] = Caller(None, service=True)
    loopback = is_loopback(host)
    if not loopback and not api_keys:
        raise ConfigurationError(
            f"refusing to serve MCP on {host} without API keys: set SWITCHBOARD_API_KEYS "
            "(key:user_id pairs) or bind 127.0.0.1"
        )
    return tokens, (local if loopback and not api_keys else None)


def http_app(server: SwitchboardMCP, settings: Settings, host: str) -> HttpGate:
    """The streamable-HTTP ASGI app of `server` behind its gate; refuses an unsafe configuration."""
    tokens, anonymous = _http_callers(settings, host, server.desk.local_caller)
    return HttpGate(
        server.streamable_http_app(),
        security=transport_security(host, settings),
        tokens=tokens,
        anonymous=anonymous,
    )


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening-ready socket on host:port, or a one-line ConfigurationError."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)[
            0
        ]
        sock = socket.socket(family, kind, proto)
    except OSError as exc:
        raise ConfigurationError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise ConfigurationError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    return sock


def uvicorn_server(app: Any) -> Any:
    import uvicorn

    return uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on", access_log=False))


def run_http(settings: Settings, host: str = "127.0.0.1", port: int = DEFAULT_HTTP_PORT) -> None:
    """Serve streamable HTTP at http://host:port/mcp until interrupted."""
    _http_callers(settings, host, Caller(None))  # refuse an unsafe bind before any work
    sock = bind_socket(host, port)
    with open_server(settings, host=host, port=port) as server:
        app = http_app(server, settings, host)
        bound = sock.getsockname()[1]
        print(
            f"switchboard mcp: serving http://{_host_header_name(host)}:{bound}{HTTP_PATH}", file=sys.stderr
        )
        uvicorn_server(app).run(sockets=[sock])


# ------------------------------------------------------------------------------- stdio


@contextmanager
def _protocol_stdout() -> Iterator[io.TextIOWrapper]:
    """The real stdout for the protocol only; stray writes (Python or C) go to stderr instead.

    A single print to stdout from anywhere in the stack would corrupt the JSON-RPC stream.
    """
    sys.stdout.flush()
    protocol_fd = os.dup(1)
    os.dup2(2, 1)
    stream = io.TextIOWrapper(os.fdopen(protocol_fd, "wb"), encoding="utf-8", write_through=True)
    try:
        yield stream
    finally:
        stream.flush()
        os.dup2(protocol_fd, 1)
        stream.close()


async def _serve_stdio(server: SwitchboardMCP, stdout: io.TextIOWrapper) -> None:
    from mcp.server.stdio import stdio_server

    # FastMCP.run_stdio_async always writes to sys.stdout; the lowlevel server takes our stream.
    lowlevel = server._mcp_server
    async with stdio_server(stdout=anyio.wrap_file(stdout)) as (read, write):
        await lowlevel.run(read, write, lowlevel.create_initialization_options())


def run_stdio(settings: Settings) -> None:
    """Serve MCP on stdin/stdout until the client closes stdin."""
    with _protocol_stdout() as stdout, open_server(settings) as server:
        anyio.run(_serve_stdio, server, stdout)


def main(argv: list[str] | None = None) -> int:
    """`python server.py [--transport stdio|http] [--host H] [--port N]` (= `switchboard mcp`)."""
    from faces.cli.main import main as cli_main

    return cli_main(["mcp", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    sys.exit(main())
