"""What a client reads about a tool before calling it: its description and its annotations
(read-only, destructive, idempotent)."""

import inspect
from collections.abc import Callable
from typing import Any

from mcp.server.fastmcp import FastMCP
from mcp.types import ToolAnnotations


def readonly(title: str) -> ToolAnnotations:
    """A tool that only reads: safe to call again and again."""
    return ToolAnnotations(title=title, readOnlyHint=True, idempotentHint=True, openWorldHint=False)


def writes(title: str, *, destructive: bool, idempotent: bool | None = True) -> ToolAnnotations:
    """A tool that changes data; `destructive` when what it changes cannot be undone (None: unsaid)."""
    return ToolAnnotations(
        title=title,
        readOnlyHint=False,
        destructiveHint=destructive,
        idempotentHint=idempotent,
        openWorldHint=False,
    )


def add_tool(server: FastMCP, fn: Callable[..., Any], annotations: ToolAnnotations) -> None:
    """Register `fn` as the tool of its name; its docstring, without the indentation, describes it."""
    server.add_tool(fn, description=inspect.cleandoc(fn.__doc__ or ""), annotations=annotations)
