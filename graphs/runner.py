"""One turn of the assistant on a persisted thread, as every face reports it (CONTRACTS §2).

A thread waiting for a confirmation takes the next message as the answer (`Command(resume=...)`).
A thread belongs to the user who started it: another user cannot continue or read it.

A turn writes one checkpoint, when it ends (`durability="exit"`), not one per step: a turn that
fails in the middle leaves the thread where the previous turn left it, and doing the turn again is
safe because every tool is idempotent for its caller. That is what happens when SQLite says
"database is locked" (many processes on the default files at once): the turn is retried a few
times with a growing, jittered pause, then reported in one line.
"""

from __future__ import annotations

import logging
import random
import re
import sqlite3
import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypedDict, cast

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.errors import GraphRecursionError
from langgraph.types import Command

from switchboard.errors import ConfigurationError, InputError, ToolError
from switchboard.identity import USER_ID
from switchboard.privacy import mask_text
from switchboard.state import Context
from switchboard.text import detect_language

if TYPE_CHECKING:
    from langchain_core.runnables import RunnableConfig

logger = logging.getLogger("switchboard.turn")
# Called with the turn's result as soon as the reply is final, before the turn's state is saved.
ReplyHook = Callable[["TurnResult"], None]

# The channel of an interrupt in a checkpoint's pending writes (langgraph's own constant is internal).
INTERRUPT = "__interrupt__"
_SURROGATES = re.compile(r"[\ud800-\udfff]")
_THREAD_ID = re.compile(r"^[A-Za-z0-9_.:@-]{1,128}$")
# Attempts of a turn that SQLite refused with "database is locked", and the first pause (seconds).
LOCKED_ATTEMPTS = 8
LOCKED_PAUSE_S = 0.05


class TurnResult(TypedDict):
    reply: str
    intent: str | None
    agent: str | None
    task_status: str | None
    guardrail: dict[str, str] | None
    tool_calls: list[dict[str, Any]]
    thread_id: str
    # Beyond CONTRACTS §2: how the reply was checked and revised, the LLM fallbacks of the turn
    # (empty without an LLM) and its LLM time and calls (None without an LLM).
    critic: dict[str, Any] | None
    engine_notes: list[dict[str, str]]
    llm: dict[str, Any] | None
    # The turn's trajectory: the graph's nodes in the order they ran, and why the run itself
    # stopped short, if it did ("recursion_limit": LangGraph's step limit; "error": anything else).
    path: list[str]
    failure: str | None


def clean_text(text: object) -> str:
    """Text safe to store: bytes decoded, lone surrogates (undecodable input) made visible."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    if not isinstance(text, str):
        raise InputError(f"a message must be text, not {type(text).__name__}")
    return _SURROGATES.sub("\ufffd", text)


def validate_ids(user_id: str, thread_id: str) -> None:
    if not isinstance(user_id, str) or not USER_ID.match(user_id):
        raise InputError("user id must be 1-128 characters of letters, digits and _.:@-")
    if not isinstance(thread_id, str) or not _THREAD_ID.match(thread_id):
        raise InputError("thread id must be 1-128 characters of letters, digits and _.:@-")


FAILED = (
    "抱歉，处理您的消息时出错了（错误编号 {error_id}）。请稍后再试。",
    "Sorry, something went wrong while handling your message (error {error_id}). Please try again.",
)


def failed_values(thread_id: str, message: str, failure: str = "error") -> dict[str, Any]:
    """The turn when the run itself failed (the nodes catch their own failures; this is the
    checkpointer, the database or the graph machinery): a reply with an id to find the log."""
    error_id = uuid.uuid4().hex[:8]
    logger.exception("turn on thread %s failed (error %s, %s)", thread_id, error_id, failure)
    reply = FAILED[0] if detect_language(message) == "zh" else FAILED[1]
    return {"reply": reply.format(error_id=error_id), "task_status": "failed", "failure": failure}


def thread_config(thread_id: str) -> dict[str, Any]:
    return {"configurable": {"thread_id": thread_id}}


def thread_standing(graph: Any, config: dict[str, Any]) -> tuple[str | None, bool]:
    """(owner, waiting for an answer to a confirmation) of a thread, from its saved checkpoint.

    One read of the checkpoint tuple: its `user_id` and whether a task's interrupt is among its
    pending writes (the only interrupt is `confirm`'s, and an answered one leaves a new checkpoint
    without it). `graph.get_state` reads the same tuple and then rebuilds the whole snapshot
    (channels, next tasks, their interrupts): twice the time (0.55 vs 0.27 ms on a 12-message
    thread), before a run that reads the tuple again.
    """
    saver = graph.checkpointer
    if not isinstance(saver, BaseCheckpointSaver):  # no saver of its own: the graph's view
        snapshot = graph.get_state(config)
        return snapshot.values.get("user_id"), bool(snapshot.interrupts)
    saved = saver.get_tuple(cast("RunnableConfig", config))
    if saved is None:
        return None, False
    owner = saved.checkpoint["channel_values"].get("user_id")
    return owner, any(write[1] == INTERRUPT for write in saved.pending_writes or ())


def run_turn(
    graph: Any,
    *,
    user_id: str,
    thread_id: str,
    text: object,
    on_reply: ReplyHook | None = None,
    from_checkpoint: str | None = None,
) -> TurnResult:
    """Send one message on `thread_id` as `user_id` and report the turn.

    The turn's state is saved once, when the run ends (`durability="exit"`), and `on_reply` gets
    the reply before that: a process killed in between has shown the reply, and the next turn
    finds the proposal it answered still waiting, sees in the database that it was carried out and
    says so (`agents.policy`). Saving first and showing after could lose the reply for good.

    With `from_checkpoint` the message continues the thread from that earlier checkpoint as a
    new branch (`graphs.history.fork`); the database is not rewound.
    """
    validate_ids(user_id, thread_id)
    # PII at rest: the checkpoint never holds the card number the user typed (`switchboard.privacy`).
    message = mask_text(clean_text(text))
    config = thread_config(thread_id)
    if from_checkpoint is not None:
        from graphs.history import fork

        fork(graph, user_id=user_id, thread_id=thread_id, checkpoint_id=from_checkpoint)
    owner, waiting = thread_standing(graph, config)
    if owner and owner != user_id:
        raise InputError(f"thread {thread_id!r} belongs to another user")
    if waiting:
        payload: Any = Command(resume=message)
    else:
        payload = {"messages": [{"role": "user", "content": message}]}
    reply_hook = _Once(on_reply)
    turn: dict[str, Any] = {}  # the turn's fields as the run leaves them
    try:
        _stream_retrying_locks(graph, payload, config, Context(user_id=user_id), turn, reply_hook)
        values = turn
    except ConfigurationError:
        raise  # the process cannot work at all (no models: run `make install`): one line, not a turn
    except GraphRecursionError:  # a loop in the graph: the user gets a reply, the trajectory its path
        values = {"path": turn.get("path", []), **failed_values(thread_id, message, "recursion_limit")}
    except Exception:  # noqa: BLE001 - no exception escapes a turn: the user gets a reply, the log the rest
        values = {"path": turn.get("path", []), **failed_values(thread_id, message)}
    result = turn_result(values, thread_id)
    reply_hook(result)  # the hook has seen it already unless the run ended without a review
    return result


def turn_result(values: dict[str, Any], thread_id: str) -> TurnResult:
    """The turn as the faces report it (CONTRACTS §2 plus the engine's notes)."""
    return {
        "reply": values.get("reply", ""),
        "intent": values.get("intent"),
        "agent": values.get("agent"),
        "task_status": values.get("task_status"),
        "guardrail": values.get("guardrail"),
        "tool_calls": list(values.get("tool_calls") or []),
        "thread_id": thread_id,
        "critic": values.get("critic"),
        "engine_notes": list(values.get("engine_notes") or []),
        "llm": values.get("llm"),
        "path": list(values.get("path") or []),
        "failure": values.get("failure"),
    }


class _Once:
    """Calls the face's reply hook at most once per turn."""

    def __init__(self, hook: ReplyHook | None) -> None:
        self.hook = hook

    def __call__(self, result: TurnResult) -> None:
        if self.hook is not None:
            hook, self.hook = self.hook, None
            hook(result)


def _stream_retrying_locks(
    graph: Any,
    payload: Any,
    config: dict[str, Any],
    context: Context,
    turn: dict[str, Any],
    reply_hook: _Once,
) -> None:
    """Fill `turn` with the turn's fields as the run leaves them, handing the reply on when
    `review` makes it.

    The updates of this run are enough (every turn starts its fields afresh in `ingest`): no
    second read of the state. A SQLite store locked by other processes is retried from the saved
    state (nothing of the failed attempt was saved; its confirmed writes carry request ids).
    """
    thread_id = config["configurable"]["thread_id"]
    for attempt in range(LOCKED_ATTEMPTS):
        turn.clear()
        try:
            for chunk in graph.stream(
                payload, config, context=context, stream_mode="updates", durability="exit"
            ):
                for node, update in chunk.items():
                    if isinstance(update, dict):
                        turn.update(update)
                    if node == "review":
                        reply_hook(turn_result(turn, thread_id))
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            time.sleep(LOCKED_PAUSE_S * 2**attempt * random.uniform(0.5, 1.5))  # noqa: S311
    raise ToolError(
        f"the conversation store stayed locked by other processes through {LOCKED_ATTEMPTS} attempts; "
        "nothing was saved, try again"
    )
