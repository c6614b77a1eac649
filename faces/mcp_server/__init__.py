"""The MCP server of Switchboard: the assistant's tools, and the assistant itself, over MCP.

One job per module:
- `arguments`, `results`: the tools' argument types and structured results;
- `desk`: who is calling (the configured user, a bearer's user, or the graph's service connection
  acting for a user) and the assistant the tools talk to;
- `errors`: tool errors as one clear line for the calling model, with the error as data;
- `airline_tools`, `inventory_tools`, `knowledge_tools`, `assistant_tool`, `resources`: what the
  server offers, by area (`hints`: how a tool is registered, its description and annotations);
- `assembly`: `build_server` / `open_server`, over the composition root `graphs.app`;
- `security`, `gate`: Host/Origin checks and the bearer-token gate of the HTTP endpoint;
- `transports`: stdio, and streamable HTTP served by uvicorn.

It is a face: every tool translates to `tools.airline.AirlineService`, the inventory and knowledge
agents or `graphs.runner.run_turn`; no business logic lives here. `server.py` at the top of the
repository is the entry point (`python server.py`, `switchboard mcp`).
"""

from faces.mcp_server.assembly import (
    DEFAULT_HTTP_PORT,
    HTTP_PATH,
    INSTRUCTIONS,
    SERVER_NAME,
    SwitchboardMCP,
    build_server,
    open_server,
)
from faces.mcp_server.desk import Caller, Desk
from faces.mcp_server.gate import HttpGate, http_app
from faces.mcp_server.security import is_loopback, transport_security
from faces.mcp_server.transports import run_http, run_stdio, uvicorn_server
from switchboard.sockets import bind_socket

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
    "open_server",
    "run_http",
    "run_stdio",
    "transport_security",
    "uvicorn_server",
]
