"""`ask_assistant`: one turn of the whole assistant (guards, router, specialists) on a thread."""

# No `from __future__ import annotations`: FastMCP reads the tools' annotations at registration.

import uuid

from mcp.server.fastmcp import FastMCP

from faces.mcp_server.arguments import Message, ThreadId
from faces.mcp_server.desk import ToolContext, desk_of, in_thread
from faces.mcp_server.hints import add_tool, writes
from graphs.runner import TurnResult


async def ask_assistant(ctx: ToolContext, message: Message, thread_id: ThreadId | None = None) -> TurnResult:
    """Send one message to the Switchboard customer-service assistant (the whole multi-agent
    graph: guardrails, router, specialists) and return its turn: reply, intent, agent,
    task_status, guardrail, tool_calls and thread_id. Pass the returned thread_id to continue the
    conversation. When task_status is "awaiting_confirmation" the assistant asked a yes/no
    question (e.g. before cancelling a booking): relay it to the user and send their answer as
    the next message on the same thread."""
    desk = desk_of(ctx)
    user = desk.acting_user(ctx)
    thread = thread_id or f"mcp-{uuid.uuid4().hex[:16]}"
    return await in_thread(desk.turn, user, thread, message)


def register(server: FastMCP) -> None:
    """Add `ask_assistant` to `server`."""
    add_tool(
        server, ask_assistant, writes("Ask the Switchboard assistant", destructive=True, idempotent=None)
    )
