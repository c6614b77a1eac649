"""`switchboard mcp [--transport stdio|http] [--host 127.0.0.1] [--port N]`: the MCP server.

stdio (the default) is what IDE agents start; it acts as `SWITCHBOARD_MCP_USER_ID` (default
`SWITCHBOARD_DEFAULT_USER_ID`). http serves streamable HTTP at http://HOST:PORT/mcp; bearer tokens
come from `SWITCHBOARD_API_KEYS`, and a bind other than loopback refuses to start without them.
The server itself is `faces.mcp_server` (entry point at the top: `server.py`).
"""

from __future__ import annotations

import argparse
import re
from typing import TYPE_CHECKING

from switchboard.errors import InputError

if TYPE_CHECKING:
    from switchboard.settings import Settings

# = faces.mcp_server.DEFAULT_HTTP_PORT, not imported: `switchboard --help` must stay light.
DEFAULT_PORT = 8765
_HOST = re.compile(r"^(\[?[0-9A-Fa-f:.]+\]?|[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?)$")


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {value!r}") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port must be from 1 to 65535, not {port}")
    return port


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "mcp", help="serve the assistant and its tools over the Model Context Protocol (stdio or HTTP)"
    )
    parser.add_argument(
        "--transport",
        choices=("stdio", "http"),
        default="stdio",
        help="stdio (IDE agents) or streamable HTTP",
    )
    parser.add_argument("--host", help="HTTP bind address (default 127.0.0.1)")
    parser.add_argument("--port", type=_port, help=f"HTTP port (default {DEFAULT_PORT})")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.transport == "stdio":
        if args.host is not None or args.port is not None:
            raise InputError("--host and --port apply to --transport http only")
        from faces.mcp_server import run_stdio

        run_stdio(_settings())
        return 0
    host = "127.0.0.1" if args.host is None else args.host.strip()
    if not _HOST.match(host):
        raise InputError(f"not a host name or address: {host[:64]!r}")
    from faces.mcp_server import run_http

    run_http(_settings(), host, DEFAULT_PORT if args.port is None else args.port)
    return 0


def _settings() -> Settings:
    from switchboard.settings import get_settings

    return get_settings()
