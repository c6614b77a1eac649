"""Tool errors as the calling model reads them: one clear line, with the error as data in `_meta`.

A service's `SwitchboardError` keeps its message (plus what to do next); bad arguments name each
problem; a bug is logged with its traceback and reported as one line without its details.
"""

from __future__ import annotations

import logging
from typing import Any

from mcp.server.fastmcp.exceptions import ToolError as FastMCPToolError
from mcp.types import CallToolResult, TextContent
from pydantic import ValidationError

from switchboard.errors import InputError, SwitchboardError
from tools.airline import BookingInfo
from tools.mcp_wire import encode_error

log = logging.getLogger("switchboard.mcp")


def tool_message(exc: SwitchboardError) -> str:
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


def validation_message(tool: str, exc: ValidationError) -> str:
    problems = []
    for error in exc.errors(include_url=False):
        where = ".".join(str(p) for p in error.get("loc", ())) or "arguments"
        problems.append(f"{where}: {error.get('msg', 'invalid')}")
    return f"invalid arguments for {tool}: " + "; ".join(problems)


def error_result(text: str, meta: dict[str, Any] | None = None) -> CallToolResult:
    return CallToolResult(content=[TextContent(type="text", text=text)], isError=True, _meta=meta)


def tool_error_result(tool: str, exc: FastMCPToolError) -> CallToolResult:
    """The result of a tool call that raised (FastMCP wraps what the tool raised in `exc`)."""
    cause = exc.__cause__
    if isinstance(cause, SwitchboardError):
        return error_result(tool_message(cause), encode_error(cause))
    if isinstance(cause, ValidationError) and cause.title.endswith("Arguments"):
        # FastMCP's argument model ("<tool>Arguments"); any other ValidationError is a bug.
        problem = InputError(validation_message(tool, cause))
        return error_result(str(problem), encode_error(problem))
    if cause is None:  # FastMCP's own: unknown tool, ...
        return error_result(str(exc))
    # A bug, not the caller's fault: the log gets the traceback, the caller a short line.
    log.error("tool %s failed", tool, exc_info=cause)
    return error_result(f"internal error in tool {tool} ({type(cause).__name__}); see the server log")
