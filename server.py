"""The MCP server of Switchboard: the assistant's tools, and the assistant itself, over MCP.

    switchboard mcp                                   stdio, for IDE agents (one user: settings)
    switchboard mcp --transport http [--port 8765]    streamable HTTP on 127.0.0.1 (bearer -> user)
    python server.py ...                              the same

The server lives in `faces/mcp_server/` (tools, identity, the HTTP gate, transports; see its
`__init__`); this module is the entry point at the top of the repository and re-exports what
tests, benchmarks and embedding code use: `build_server(settings)` / `open_server(settings)` for
the FastMCP server, `http_app`, `bind_socket` and `uvicorn_server` to serve it over HTTP.
"""

import sys

from faces.mcp_server import (
    DEFAULT_HTTP_PORT,
    HTTP_PATH,
    INSTRUCTIONS,
    SERVER_NAME,
    Caller,
    Desk,
    HttpGate,
    SwitchboardMCP,
    bind_socket,
    build_server,
    http_app,
    is_loopback,
    open_server,
    run_http,
    run_stdio,
    transport_security,
    uvicorn_server,
)
from switchboard.identity import parse_api_keys

__all__ = [
    "DEFAULT_HTTP_PORT",
    "HTTP_PATH",
    "INSTRUCTIONS",
    "SERVER_NAME",
    "Caller",
    "Desk",
    "HttpGate",
    "SwitchboardMCP",
    "bind_socket",
    "build_server",
    "http_app",
    "is_loopback",
    "main",
    "open_server",
    "parse_api_keys",
    "run_http",
    "run_stdio",
    "transport_security",
    "uvicorn_server",
]


def main(argv: list[str] | None = None) -> int:
    """`python server.py [--transport stdio|http] [--host H] [--port N]` (= `switchboard mcp`)."""
    from faces.cli.main import main as cli_main

    return cli_main(["mcp", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    sys.exit(main())
