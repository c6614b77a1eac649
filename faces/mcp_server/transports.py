"""The transports: stdio for IDE agents, streamable HTTP served by uvicorn on a bound socket.

The process holds one engine, one compiled graph and one checkpointer, built once; synchronous
work (SQLAlchemy, the graph) runs in worker threads so that the event loop never blocks.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import anyio
from mcp.server.stdio import stdio_server
from mcp.shared.message import SessionMessage
from starlette.types import ASGIApp

from faces.mcp_server.assembly import DEFAULT_HTTP_PORT, HTTP_PATH, SwitchboardMCP, open_server
from faces.mcp_server.gate import check_http_config, http_app
from faces.mcp_server.hygiene import quiet_disconnects, screened
from faces.mcp_server.security import host_header_name
from switchboard.settings import Settings
from switchboard.sockets import bind_socket

if TYPE_CHECKING:
    import uvicorn

# ------------------------------------------------------------------------------- HTTP


def uvicorn_server(app: ASGIApp) -> uvicorn.Server:
    # Imported here: a stdio server never needs uvicorn, and it starts faster without it.
    import uvicorn

    return uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on", access_log=False))


def run_http(settings: Settings, host: str = "127.0.0.1", port: int = DEFAULT_HTTP_PORT) -> None:
    """Serve streamable HTTP at http://host:port/mcp until interrupted."""
    check_http_config(settings, host)  # refuse an unsafe bind before any work
    sock = bind_socket(host, port)
    quiet_disconnects()
    with open_server(settings, host=host, port=port) as server:
        app = http_app(server, settings, host)
        bound = sock.getsockname()[1]
        print(f"switchboard mcp: serving http://{host_header_name(host)}:{bound}{HTTP_PATH}", file=sys.stderr)
        uvicorn_server(app).run(sockets=[sock])


# ------------------------------------------------------------------------------- stdio


@contextmanager
def protocol_stdout() -> Iterator[io.TextIOWrapper]:
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


async def serve_stdio(server: SwitchboardMCP, stdout: io.TextIOWrapper) -> None:
    # FastMCP.run_stdio_async always writes to sys.stdout; the lowlevel server takes our stream.
    lowlevel = server._mcp_server
    async with stdio_server(stdout=anyio.wrap_file(stdout)) as (read, write):
        to_server, from_reader = anyio.create_memory_object_stream[SessionMessage | Exception](0)
        async with anyio.create_task_group() as group:
            group.start_soon(screened, read, write, to_server)  # bad lines answered, not passed on
            await lowlevel.run(from_reader, write, lowlevel.create_initialization_options())


def run_stdio(settings: Settings) -> None:
    """Serve MCP on stdin/stdout until the client closes stdin."""
    with protocol_stdout() as stdout, open_server(settings) as server:
        anyio.run(serve_stdio, server, stdout)
