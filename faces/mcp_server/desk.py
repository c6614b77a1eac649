"""The identity desk: who is calling a tool, whom it acts for, and the assistant it talks to.

Who is calling is never a tool argument. On stdio (and in memory) it is the configured user
(`SWITCHBOARD_MCP_USER_ID`, default `SWITCHBOARD_DEFAULT_USER_ID`); over HTTP, the caller the gate
(`faces.mcp_server.gate`) put in the request scope from the bearer token. The graph's own service
connection (see `agents.mcp_airline`) may name the acting user in the request `_meta`, proven by
`SWITCHBOARD_MCP_SERVICE_TOKEN`.
"""

from __future__ import annotations

import functools
import hashlib
import threading
import weakref
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any, TypeAlias, TypeVar

import anyio.to_thread
from mcp.server.fastmcp import Context
from mcp.server.session import ServerSession

from graphs.app import open_graph
from graphs.history import HistoryEntry, thread_history
from graphs.runner import TurnResult, run_turn, validate_ids
from graphs.services import Services
from switchboard.errors import NotAllowed
from switchboard.identity import configured_user
from switchboard.ratelimit import Kind, UserLimiter
from switchboard.settings import Settings
from tools.airline import normalize_user_id
from tools.mcp_wire import ACTING_USER_KEY, SERVICE_TOKEN_KEY

# Scope key under which the HTTP gate leaves the authenticated caller for the tools.
CALLER_SCOPE_KEY = "switchboard.caller"

# Tools that cost a turn's worth of work (`switchboard.ratelimit`); the others are calls.
TURN_TOOLS = frozenset(
    {"ask_assistant", "query_inventory", "search_knowledge_base", "search_flights", "thread_history"}
)

# What FastMCP hands a tool that asks for it (its request, `_meta` and the server).
ToolContext: TypeAlias = Context[ServerSession, Any, Any]

T = TypeVar("T")


@dataclass(frozen=True)
class Caller:
    """Who a request comes from: a user, or the graph's service connection (acts for others)."""

    user_id: str | None
    service: bool = False


def digest(token: str) -> str:
    """Tokens are compared by digest, so that no token is kept or compared as plain text."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Desk:
    """What the tools work with, built once per server: services, the graph, identity rules."""

    def __init__(
        self, settings: Settings, services: Services, graph: Any = None, user_id: str | None = None
    ) -> None:
        self.settings = settings
        self.services = services
        # A user id of the MCP face must be able to hold a thread (`graphs.runner.validate_ids`).
        self.local_caller = Caller(
            configured_user(
                user_id or settings.mcp_user_id or settings.default_user_id, "SWITCHBOARD_MCP_USER_ID"
            )
        )
        token = settings.mcp_service_token.get_secret_value() if settings.mcp_service_token else ""
        self._service_digest = digest(token) if token else None
        self._graph = graph
        self._graph_lock = threading.Lock()
        self._stack = ExitStack()
        # One turn at a time per thread: two concurrent turns would race on its checkpoint.
        self._thread_locks: weakref.WeakValueDictionary[str, threading.Lock] = weakref.WeakValueDictionary()
        self._thread_locks_guard = threading.Lock()
        self.limiter = UserLimiter.from_settings(settings)

    # -- identity
    def is_service_token(self, token: object) -> bool:
        return (
            isinstance(token, str)
            and self._service_digest is not None
            and digest(token) == self._service_digest
        )

    def acting_user(self, ctx: ToolContext) -> str:
        """The user a tool acts for: from the transport, or delegated by the service connection."""
        request_context = ctx.request_context
        request = request_context.request
        if request is None:  # stdio, in memory: the configured user
            caller = self.local_caller
        else:
            scoped = getattr(request, "scope", {}).get(CALLER_SCOPE_KEY)
            if not isinstance(scoped, Caller):  # an HTTP app mounted without the gate: fail closed
                raise NotAllowed("this request is not authenticated", code="unauthenticated")
            caller = scoped
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

    def limited_user(self, ctx: ToolContext) -> str | None:
        """The user whose limits a call counts against; None for the graph's service connection
        (its turn was counted where it came in) and for calls the tool itself will refuse."""
        request = ctx.request_context.request
        scoped = getattr(request, "scope", {}).get(CALLER_SCOPE_KEY) if request is not None else None
        if isinstance(scoped, Caller) and scoped.service:
            return None
        try:
            return self.acting_user(ctx)
        except NotAllowed:
            return None

    def tool_kind(self, tool: str) -> Kind:
        return "turn" if tool in TURN_TOOLS else "call"

    # -- the assistant
    def graph(self) -> Any:
        """The compiled graph with the configured checkpointer (`graphs.app`), built on first use."""
        with self._graph_lock:
            if self._graph is None:
                self._graph = self._stack.enter_context(open_graph(self.services))
            return self._graph

    def turn(
        self, user_id: str, thread_id: str, message: str, checkpoint_id: str | None = None
    ) -> TurnResult:
        """One turn; with `checkpoint_id`, from that earlier checkpoint as a new branch."""
        validate_ids(user_id, thread_id)
        with self._thread_lock(thread_id):
            return run_turn(
                self.graph(),
                user_id=user_id,
                thread_id=thread_id,
                text=message,
                from_checkpoint=checkpoint_id,
            )

    def history(self, user_id: str, thread_id: str, limit: int | None = None) -> list[HistoryEntry]:
        """The thread's checkpoints, oldest first (`graphs.history`); only the owner's."""
        validate_ids(user_id, thread_id)
        with self._thread_lock(thread_id):
            return thread_history(
                self.graph(),
                user_id=user_id,
                thread_id=thread_id,
                applied=self.services.airline.request_applied,
                limit=limit,
            )

    def _thread_lock(self, thread_id: str) -> threading.Lock:
        with self._thread_locks_guard:
            lock = self._thread_locks.get(thread_id)
            if lock is None:
                lock = self._thread_locks[thread_id] = threading.Lock()
            return lock

    def close(self) -> None:
        self._stack.close()


def desk_of(ctx: ToolContext) -> Desk:
    """The desk of the server a tool call arrived at (`build_server` attaches it)."""
    desk = getattr(ctx.fastmcp, "desk", None)
    if not isinstance(desk, Desk):
        raise RuntimeError("this MCP server was not built by faces.mcp_server.build_server")
    return desk


async def in_thread(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run blocking work (SQLAlchemy, the graph, retrieval) off the event loop."""
    return await anyio.to_thread.run_sync(functools.partial(fn, *args, **kwargs))
