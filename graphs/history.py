"""A thread's history and time travel: its checkpoints as turns, and forks from an earlier one.

Every face writes one checkpoint per turn (`durability="exit"`), so a checkpoint is a turn: the
listing shows, per checkpoint, the message and the reply of the turn that ended there, the node
that answered, the turn's path through the graph and the proposal left waiting. All of it comes
from LangGraph itself (`get_state_history`, `update_state`, `checkpoint_id` in the config).

A fork (`fork`) adds a checkpoint after an earlier one (`update_state`, marked `forked_from`),
which becomes the thread's newest: the next message continues from there, as a new branch; the
other branches stay in the history. Only the conversation goes back: bookings, cancellations and
complaints made since then stay as they are (the reply says so), and a write that was confirmed
on another branch is never carried out again (`agents.policy`).

Nobody reads or forks another user's thread: an unknown thread and someone else's get the same
one-line error.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from langchain_core.messages import HumanMessage
from typing_extensions import TypedDict

from switchboard.errors import InputError

# What a checkpoint id looks like (LangGraph's are UUIDs; any saver's are short printable ids).
_CHECKPOINT_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
# Nodes every turn passes through: the one that answered is the last node of the path not among them.
_PLUMBING = frozenset({"ingest", "router", "review", "finalize", "confirm"})
# The most checkpoints a listing reads (retention keeps 20 a thread by default).
MAX_CHECKPOINTS = 1000


class PendingSummary(TypedDict):
    id: str
    kind: str
    question: str
    applied: bool | None  # the write was already carried out (on some branch); None: not known


class HistoryEntry(TypedDict):
    """One checkpoint as the faces list it (CONTRACTS §2 fields first)."""

    checkpoint_id: str
    step: int
    node: str | None  # the node that answered the turn; None for a fork's starting point
    created_at: str
    message: str | None  # the user's message of the turn that ended here
    reply: str | None
    parent_id: str | None
    turn: int  # turns along this checkpoint's branch (a fork's starting point repeats its parent's)
    branch: int  # 1 = the thread's first line; each fork starts the next number
    path: list[str]  # the graph's nodes the turn ran, in order
    intent: str | None
    agent: str | None
    task_status: str | None
    pending: PendingSummary | None  # the proposal waiting for a yes or no after this turn
    waiting: bool  # the run stopped here for the user's yes or no (`confirm`)
    forked_from: str | None  # set on a fork's starting point: the checkpoint it went back to
    current: bool  # the thread's newest checkpoint: where the next message continues


def thread_config(thread_id: str, checkpoint_id: str | None = None) -> dict[str, Any]:
    configurable: dict[str, Any] = {"thread_id": thread_id}
    if checkpoint_id is not None:
        configurable["checkpoint_ns"] = ""
        configurable["checkpoint_id"] = checkpoint_id
    return {"configurable": configurable}


def _not_found(user_id: str, thread_id: str) -> InputError:
    return InputError(f"no conversation {thread_id!r} of user {user_id!r}")


def owned_head(graph: Any, user_id: str, thread_id: str) -> Any:
    """The thread's newest snapshot; an unknown thread and another user's get the same error."""
    snapshot = graph.get_state(thread_config(thread_id))
    if not snapshot.values or snapshot.values.get("user_id") != user_id:
        raise _not_found(user_id, thread_id)
    return snapshot


def thread_history(
    graph: Any,
    *,
    user_id: str,
    thread_id: str,
    applied: Callable[[str], bool] | None = None,
    limit: int | None = None,
) -> list[HistoryEntry]:
    """The thread's checkpoints, oldest first (the newest `limit` when given).

    `applied(request_id)` says whether a proposal's write was already carried out (the airline
    service's `request_applied`); without it, `pending.applied` is None.
    """
    if limit is not None and (not isinstance(limit, int) or limit < 1):
        raise InputError("limit must be a whole number of at least 1")
    head = owned_head(graph, user_id, thread_id)
    head_id = head.config["configurable"]["checkpoint_id"]
    snapshots = list(graph.get_state_history(thread_config(thread_id), limit=MAX_CHECKPOINTS))
    snapshots.reverse()  # oldest first: parents before children
    entries: dict[str, HistoryEntry] = {}
    children: dict[str | None, int] = {}
    branches = 0
    for snapshot in snapshots:
        if snapshot.values.get("user_id") != user_id:  # every checkpoint of a thread is its owner's
            raise _not_found(user_id, thread_id)
        parent_id = _checkpoint_id(snapshot.parent_config)
        parent = entries.get(parent_id) if parent_id else None
        forked = snapshot.metadata.get("source") == "update"
        siblings = children.get(parent_id, 0)
        children[parent_id] = siblings + 1
        # A new branch: a fork, a second child of one checkpoint, or another root (its parent
        # deleted by `switchboard gc`); otherwise the line of the parent goes on.
        if parent is None and branches == 0:
            branches = branch = 1
        elif parent is None or forked or siblings:
            branches += 1
            branch = branches
        else:
            branch = parent["branch"]
        entry = _entry(snapshot, parent, branch, forked, applied)
        entry["current"] = entry["checkpoint_id"] == head_id
        entries[entry["checkpoint_id"]] = entry
    listing = list(entries.values())
    return listing[-limit:] if limit else listing


def _checkpoint_id(config: Any) -> str | None:
    return ((config or {}).get("configurable") or {}).get("checkpoint_id")


def _entry(
    snapshot: Any,
    parent: HistoryEntry | None,
    branch: int,
    forked: bool,
    applied: Callable[[str], bool] | None,
) -> HistoryEntry:
    values = snapshot.values
    path = [] if forked else list(values.get("path") or [])
    turn_number = (parent["turn"] if parent else 0) + (0 if forked else 1)
    pending = values.get("pending")
    summary: PendingSummary | None = None
    if pending:
        summary = {
            "id": pending["id"],
            "kind": pending["kind"],
            "question": pending["question"],
            "applied": applied(pending["id"]) if applied else None,
        }
    return {
        "checkpoint_id": str(_checkpoint_id(snapshot.config)),
        "step": int(snapshot.metadata.get("step", -1)),
        "node": None if forked else answering_node(path),
        "created_at": str(snapshot.created_at or ""),
        "message": None if forked else _last_human(values.get("messages") or []),
        "reply": None if forked else (values.get("reply") or None),
        "parent_id": _checkpoint_id(snapshot.parent_config),
        "turn": turn_number,
        "branch": branch,
        "path": path,
        "intent": None if forked else values.get("intent"),
        "agent": None if forked else values.get("agent"),
        "task_status": None if forked else values.get("task_status"),
        "pending": summary,
        "waiting": bool(snapshot.interrupts),
        "forked_from": values.get("forked_from") if forked else None,
        "current": False,
    }


def answering_node(path: list[str]) -> str | None:
    """The node that answered a turn: the last of its path that every turn does not pass
    (a specialist, a confirmed action, `clarify`, `declined`), else `ingest` (a guard or the
    dialogue policy answered there)."""
    answering = [node for node in path if node not in _PLUMBING]
    if answering:
        return answering[-1]
    return "ingest" if path else None


def _last_human(messages: list[Any]) -> str | None:
    for message in reversed(messages):
        if isinstance(message, HumanMessage):
            content = message.content
            return content if isinstance(content, str) else str(content)
    return None


def fork(graph: Any, *, user_id: str, thread_id: str, checkpoint_id: str) -> str:
    """Start a new branch of the thread at `checkpoint_id`; the id of the branch's first checkpoint.

    The new checkpoint (a child of the chosen one, marked `forked_from`) becomes the thread's
    newest, so the next turn on the thread continues from it. A checkpoint that waits for a yes or
    no still waits: the dialogue policy reads the next message against the proposal, as always.
    """
    if not isinstance(checkpoint_id, str) or not _CHECKPOINT_ID.match(checkpoint_id):
        raise InputError("a checkpoint id is 1-64 letters, digits and _.:- (see `switchboard history`)")
    owned_head(graph, user_id, thread_id)
    snapshot = graph.get_state(thread_config(thread_id, checkpoint_id))
    if snapshot.config is None or _checkpoint_id(snapshot.config) != checkpoint_id or not snapshot.values:
        raise InputError(f"no checkpoint {checkpoint_id!r} in conversation {thread_id!r}")
    if snapshot.values.get("user_id") != user_id:
        raise _not_found(user_id, thread_id)
    # As if `finalize` had just run: the branch starts with no step left to do, whatever the
    # chosen checkpoint was waiting for, and the next message enters at `ingest`.
    config = graph.update_state(snapshot.config, {"forked_from": checkpoint_id}, as_node="finalize")
    return str(_checkpoint_id(config))
