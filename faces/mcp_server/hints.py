"""Tool annotations: the hints a client weighs before a call (read-only, destructive, idempotent)."""

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
