"""The assistant as the LangGraph server runs it (`langgraph.json`): graph factory and checkpointer.

Identity: `faces.langgraph_server.auth` maps the caller's API key to a user, and the server records that user in
every run's config (`configurable.langgraph_auth_user_id`, out of the client's reach). A run of
`ServerGraph` always acts as that user: its `Context` is rebuilt from it, whatever `context` or
`config` the client sent, and a thread whose conversation belongs to another user (its checkpoint's
`user_id`) is refused. The thread-level rules (who may read, list or continue which thread) are
the auth handlers' job; this module makes the graph itself safe even when a handler is missing.

The checkpointer is the project's own (`SWITCHBOARD_CHECKPOINT_URL`: SQLite by default,
PostgreSQL to scale out), opened with the async savers the server needs. Several server processes
on one PostgreSQL therefore share every conversation's checkpoints.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from functools import lru_cache
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph.state import CompiledStateGraph
from langgraph_sdk.runtime import ServerRuntime

from graphs.checkpoint import open_async_checkpointer
from graphs.encryption import serde_for
from switchboard.errors import NotAllowed
from switchboard.face import current_face
from switchboard.privacy import mask_deep
from switchboard.settings import get_settings
from switchboard.state import Context, State

GRAPH_ID = "switchboard"
AUTH_USER_KEY = "langgraph_auth_user_id"


def acting_user(config: RunnableConfig | None) -> str:
    """The authenticated user of a server run; PermissionError when the server recorded none."""
    configurable = (config or {}).get("configurable") or {}
    user_id = configurable.get(AUTH_USER_KEY)
    if user_id is None:
        # Servers that record only the user object (Aegra): its identity, never the client's data.
        user = configurable.get("langgraph_auth_user")
        user_id = user.get("identity") if isinstance(user, dict) else getattr(user, "identity", None)
    if not isinstance(user_id, str) or not user_id:
        raise PermissionError(
            "this graph runs only for an authenticated user (see faces/langgraph_server/auth.py)"
        )
    return user_id


def _thread_id(config: RunnableConfig | None) -> str | None:
    thread_id = ((config or {}).get("configurable") or {}).get("thread_id")
    return str(thread_id) if thread_id else None


async def thread_owner(saver: BaseCheckpointSaver[str], thread_id: str) -> str | None:
    """Who a conversation belongs to, read from its latest checkpoint (None: no turn yet)."""
    found = await saver.aget_tuple({"configurable": {"thread_id": thread_id, "checkpoint_ns": ""}})
    if found is None:
        return None
    owner = found.checkpoint.get("channel_values", {}).get("user_id")
    return owner if isinstance(owner, str) and owner else None


class ServerGraph(CompiledStateGraph[State, Context, State, State]):
    """The compiled assistant, bound at run time to the server's authenticated user.

    `langgraph-api` calls `astream` (directly, or through `astream_events`) with the client's
    `context`; that value is discarded here. The synchronous `stream` is closed for the same reason.
    """

    async def astream(  # the client's `context` is taken and dropped
        self, input: Any, config: RunnableConfig | None = None, *, context: Any = None, **kwargs: Any
    ) -> AsyncIterator[Any]:
        user_id = acting_user(config)
        thread_id = _thread_id(config)
        saver = self.checkpointer
        if thread_id and isinstance(saver, BaseCheckpointSaver):
            owner = await thread_owner(saver, thread_id)
            if owner is not None and owner != user_id:
                raise NotAllowed(f"thread {thread_id} belongs to another user")
        if saver is not None:  # one write per turn; the start-up warm-up runs with no saver at all
            kwargs["durability"] = "exit"
        current_face.set("langgraph-server")  # the audit trail's face (this run's task only)
        stream = super().astream(input, config, context=Context(user_id=user_id), **kwargs)
        async for chunk in stream:
            yield chunk

    async def aupdate_state(self, config: RunnableConfig, values: Any, *args: Any, **kwargs: Any) -> Any:
        """A client's state update is stored like a turn's input: with personal data masked."""
        return await super().aupdate_state(config, mask_deep(values), *args, **kwargs)

    def stream(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
        raise NotImplementedError("the server graph runs asynchronously only (astream)")


def as_server_graph(compiled: CompiledStateGraph[State, Context, State, State]) -> ServerGraph:
    """`compiled` as a `ServerGraph` (the construction `Pregel.copy()` uses; the server's own
    `copy()` of it keeps the class)."""
    return ServerGraph(**{k: v for k, v in compiled.__dict__.items() if k != "__orig_class__"})


@lru_cache(maxsize=1)
def server_graph() -> ServerGraph:
    """The assistant of this server process, built once (services, models, seeded data)."""
    from graphs.app import ensure_seeded
    from graphs.assistant import build_graph
    from graphs.services import build_services

    services = build_services(get_settings())
    ensure_seeded(services)
    # No checkpointer here: the server injects its own (the one `checkpointer()` below opens).
    return as_server_graph(build_graph(services).compile(name=GRAPH_ID))


async def warm_up() -> None:
    """One greeting through the graph, off the record (no checkpointer, a throw-away user).

    Building the graph loads nothing heavy: the guards' and the router's models load on the first
    message (built by `make install`; never trained here). Run at start-up, so the first user does
    not wait for them, and a missing model shows at once.
    """
    graph = await asyncio.to_thread(server_graph)
    config: RunnableConfig = {"configurable": {"thread_id": "warm-up", AUTH_USER_KEY: "warm-up"}}
    async for _ in graph.astream({"messages": [{"role": "user", "content": "你好"}]}, config):
        pass


async def make_graph(runtime: ServerRuntime[Any]) -> ServerGraph:
    """Graph factory of `langgraph.json` (called by the server for every run and state read)."""
    if runtime.execution_runtime is not None:
        runtime.ensure_user()  # custom auth must be configured for anything to run
    if server_graph.cache_info().currsize:
        return server_graph()
    # The first call builds services and loads models: keep that blocking work off the event loop.
    return await asyncio.to_thread(server_graph)


# ------------------------------------------------------------------------------ checkpointer


_OPEN: dict[str, BaseCheckpointSaver[str]] = {}


def shared_checkpointer() -> BaseCheckpointSaver[str] | None:
    """The saver the server opened (None before start-up): the auth handlers read owners from it."""
    return _OPEN.get("saver")


@asynccontextmanager
async def checkpointer() -> AsyncIterator[BaseCheckpointSaver[str]]:
    """Checkpointer factory of `langgraph.json`: the saver for `SWITCHBOARD_CHECKPOINT_URL`."""
    settings = await asyncio.to_thread(get_settings)
    async with open_async_checkpointer(settings.checkpoint_url, serde=serde_for(settings)) as saver:
        _OPEN["saver"] = saver
        try:
            yield saver
        finally:
            _OPEN.pop("saver", None)
