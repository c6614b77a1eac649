"""The output guard of the MCP face: what a tool or a resource returns passes the same redaction.

The chat graph guards its replies in `review`; tool results and resources reach the client
without the graph, so `SwitchboardMCP` passes every string of them (text contents, structured
content, error messages, resource bodies) through `agents.guards.pii.redact`: a full card number
is never returned (masked to its last four), and phones, e-mails, ID and passport numbers are
returned only when the caller gave them in the call's own arguments. Record ids (bookings,
complaints) are left as they are here: every tool returns only the caller's own records (the
services check ownership), and the documents quote example codes the caller must see.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mcp.types import CallToolResult, TextContent

from agents.guards.pii import PERSONAL_KINDS, redact


def strings_in(value: Any) -> Iterable[str]:
    """Every string inside `value` (dict values, list items)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings_in(item)


def guard_text(text: str, own_text: str) -> str:
    return redact(text, own_text=own_text, kinds=PERSONAL_KINDS).text


def guard_value(value: Any, own_text: str) -> Any:
    """`value` with every string in it guarded."""
    if isinstance(value, str):
        return guard_text(value, own_text)
    if isinstance(value, dict):
        return {key: guard_value(item, own_text) for key, item in value.items()}
    if isinstance(value, list):
        return [guard_value(item, own_text) for item in value]
    if isinstance(value, tuple):
        return tuple(guard_value(item, own_text) for item in value)
    return value


def guard_result(result: CallToolResult, own_text: str) -> CallToolResult:
    """A tool's result with its text contents and structured content guarded."""
    content = [
        block.model_copy(update={"text": guard_text(block.text, own_text)})
        if isinstance(block, TextContent)
        else block
        for block in result.content
    ]
    structured = guard_value(result.structuredContent, own_text) if result.structuredContent else None
    return result.model_copy(update={"content": content, "structuredContent": structured})
