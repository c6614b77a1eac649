"""The MCP server object: FastMCP with Switchboard's tools, resources and error translation.

`build_server(settings)` returns it over the services and graph of the composition root
(`graphs.app`); `open_server` also releases the graph's checkpointer on exit.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from mcp.server.fastmcp import FastMCP
from mcp.server.fastmcp.exceptions import ToolError as FastMCPToolError
from mcp.server.lowlevel.helper_types import ReadResourceContents
from mcp.types import CallToolResult
from pydantic import AnyUrl

from faces.mcp_server import airline_tools, assistant_tool, inventory_tools, knowledge_tools, resources
from faces.mcp_server.desk import Desk
from faces.mcp_server.errors import error_result, tool_error_result
from faces.mcp_server.guard import guard_result, guard_text, strings_in
from faces.mcp_server.security import transport_security
from graphs.app import open_services
from graphs.services import Services
from switchboard.errors import RateLimited
from switchboard.face import acting_face
from switchboard.privacy import mask_deep
from switchboard.settings import Settings
from tools.mcp_wire import encode_error

SERVER_NAME = "switchboard"
DEFAULT_HTTP_PORT = 8765
HTTP_PATH = "/mcp"

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
- thread_history: the checkpoints of a thread (one per turn); ask_assistant with a checkpoint_id \
continues from one of them as a new branch (the database is not rewound).
The user is the one this connection is signed in as; tools never take a user id."""


class SwitchboardMCP(FastMCP):
    """FastMCP whose tool errors are clear messages (with the error as data in `_meta`), whose
    callers are rate-limited, and whose results pass the output guard (`faces.mcp_server.guard`)."""

    desk: Desk

    async def call_tool(self, name: str, arguments: dict[str, Any]) -> Any:
        # PII at rest: the services, the database and the graph only ever get masked arguments.
        arguments = mask_deep(arguments or {})
        own_text = " ".join(strings_in(arguments))
        try:
            with ExitStack() as limits, acting_face("mcp"):
                user = self.desk.limited_user(self.get_context())
                if user is not None:
                    limits.enter_context(self.desk.limiter.admit(user, self.desk.tool_kind(name)))
                result: Any = await super().call_tool(name, arguments)
        except RateLimited as exc:
            await self.desk.limiter.pause(exc)  # a client retrying at once is slowed down
            return error_result(str(exc), encode_error(exc))
        except FastMCPToolError as exc:
            return guard_result(tool_error_result(name, exc), own_text)
        if isinstance(result, tuple):
            # (content, structured), the latter already validated by the tool's pydantic output
            # model. A finished result skips the low-level server's jsonschema re-validation, which
            # re-checks the schema itself on every call (most of the cost of a call).
            content, structured = result
            result = CallToolResult(content=list(content), structuredContent=structured, isError=False)
        elif not isinstance(result, CallToolResult) and not isinstance(result, dict):
            result = CallToolResult(content=list(result), isError=False)
        if isinstance(result, CallToolResult):
            return guard_result(result, own_text)
        return result

    async def read_resource(self, uri: AnyUrl | str) -> Iterable[ReadResourceContents]:
        """A resource's contents, through the same output guard as tool results."""
        contents = await super().read_resource(uri)
        return [
            ReadResourceContents(
                content=guard_text(item.content, "") if isinstance(item.content, str) else item.content,
                mime_type=item.mime_type,
                meta=item.meta,
            )
            for item in contents
        ]


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
        services = open_services(settings)
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
    airline_tools.register(server)
    inventory_tools.register(server)
    knowledge_tools.register(server)
    assistant_tool.register(server)
    resources.register(server, desk)
    return server


@contextmanager
def open_server(settings: Settings, **kwargs: Any) -> Iterator[SwitchboardMCP]:
    """`build_server` whose graph and checkpointer are released on exit."""
    server = build_server(settings, **kwargs)
    try:
        yield server
    finally:
        server.desk.close()
