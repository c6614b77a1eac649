"""`ask_assistant` (one turn of the whole assistant on a thread) and `thread_history` (its checkpoints)."""

# No `from __future__ import annotations`: FastMCP reads the tools' annotations at registration.

import uuid

from mcp.server.fastmcp import FastMCP

from faces.mcp_server.arguments import CheckpointId, HistoryLimit, Message, ThreadId
from faces.mcp_server.desk import ToolContext, desk_of, in_thread
from faces.mcp_server.hints import add_tool, readonly, writes
from graphs.history import HistoryEntry
from graphs.runner import TurnResult
from switchboard.errors import InputError


async def ask_assistant(
    ctx: ToolContext,
    message: Message,
    thread_id: ThreadId | None = None,
    checkpoint_id: CheckpointId | None = None,
) -> TurnResult:
    """Send one message to the Switchboard customer-service assistant (the whole multi-agent
    graph: guardrails, router, specialists) and return its turn: reply, intent, agent,
    task_status, guardrail, tool_calls, thread_id and path (the graph's nodes the turn ran).
    Pass the returned thread_id to continue the conversation. When task_status is
    "awaiting_confirmation" the assistant asked a yes/no question (e.g. before cancelling a
    booking): relay it to the user and send their answer as the next message on the same thread.
    With checkpoint_id (from thread_history) the message continues the thread from that earlier
    point as a new branch: the conversation goes back, the database does not (bookings and
    cancellations made since stay), and a write already confirmed is never carried out again."""
    if checkpoint_id is not None and thread_id is None:
        raise InputError("checkpoint_id needs the thread_id it belongs to")
    desk = desk_of(ctx)
    user = desk.acting_user(ctx)
    thread = thread_id or f"mcp-{uuid.uuid4().hex[:16]}"
    return await in_thread(desk.turn, user, thread, message, checkpoint_id)


async def thread_history(
    ctx: ToolContext, thread_id: ThreadId, limit: HistoryLimit | None = None
) -> list[HistoryEntry]:
    """The checkpoints of one of your conversation threads, oldest first: one per turn, with the
    user's message and the reply of that turn, the node that answered, its path through the
    graph, the proposal left waiting (and whether its write was already carried out), the
    branch it is on and which one is current. Pass a checkpoint_id to ask_assistant to continue
    from that point as a new branch."""
    desk = desk_of(ctx)
    return await in_thread(desk.history, desk.acting_user(ctx), thread_id, limit)


def register(server: FastMCP) -> None:
    """Add `ask_assistant` and `thread_history` to `server`."""
    add_tool(
        server, ask_assistant, writes("Ask the Switchboard assistant", destructive=True, idempotent=None)
    )
    add_tool(server, thread_history, readonly("Show a conversation's checkpoints"))
