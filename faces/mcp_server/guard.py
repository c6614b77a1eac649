"""The output guard of the MCP face: what a tool or a resource returns passes the same redaction.

The chat graph guards its replies in `review`; tool results and resources reach the client
without the graph, so `SwitchboardMCP` passes every string of them (text contents, structured
content, error messages, resource bodies) through `agents.guards.pii.redact`: a full card number
is never returned (masked to its last four), and phones, e-mails, ID and passport numbers are
returned only when the caller gave them in the call's own arguments. Record ids (bookings,
complaints) are left as they are here: every tool returns only the caller's own records (the
services check ownership), and the documents quote example codes the caller must see.

Identifiers (values under `id` and `..._id` keys of the structured content, and the same strings in
its text form) are left as they are: a checkpoint id such as `1f1f1466-7d6e-6d92-8002-32500733317c`
reads as a card number about once in fifty, and a masked id is one the client cannot send back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from mcp.types import CallToolResult, TextContent

from agents.guards.pii import PERSONAL_KINDS, redact
from switchboard.privacy import is_id_key


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


def ids_in(value: Any) -> set[str]:
    """The identifiers inside `value`: strings under `id` and `..._id` keys, at any depth."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if is_id_key(key) and isinstance(item, str) and item:
                found.add(item)
            else:
                found |= ids_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            found |= ids_in(item)
    return found


def guard_text(text: str, own_text: str, keep: Iterable[str] = ()) -> str:
    """`text` redacted, except the strings in `keep` (identifiers), which stay exactly as they are."""
    kept = sorted(set(keep), key=len, reverse=True)
    if not kept:
        return redact(text, own_text=own_text, kinds=PERSONAL_KINDS).text
    pieces: list[str] = []
    last = 0
    # The stretches between identifiers are redacted each on its own; the identifiers are copied.
    for match in re.finditer("|".join(map(re.escape, kept)), text):
        pieces += [guard_text(text[last : match.start()], own_text), match.group()]
        last = match.end()
    pieces.append(guard_text(text[last:], own_text))
    return "".join(pieces)


def guard_value(value: Any, own_text: str) -> Any:
    """`value` with every string in it guarded, except identifiers (see `ids_in`)."""
    if isinstance(value, str):
        return guard_text(value, own_text)
    if isinstance(value, dict):
        return {key: item if is_id_key(key) else guard_value(item, own_text) for key, item in value.items()}
    if isinstance(value, list):
        return [guard_value(item, own_text) for item in value]
    if isinstance(value, tuple):
        return tuple(guard_value(item, own_text) for item in value)
    return value


def guard_result(result: CallToolResult, own_text: str) -> CallToolResult:
    """A tool's result with its text contents and structured content guarded; its ids kept."""
    # Only ids that redaction would change need keeping; a short id ("1") kept as is would cut
    # every card number that contains it into pieces too short to be found.
    keep = {found for found in ids_in(result.structuredContent) if guard_text(found, own_text) != found}
    content = [
        block.model_copy(update={"text": guard_text(block.text, own_text, keep)})
        if isinstance(block, TextContent)
        else block
        for block in result.content
    ]
    structured = guard_value(result.structuredContent, own_text) if result.structuredContent else None
    return result.model_copy(update={"content": content, "structuredContent": structured})
