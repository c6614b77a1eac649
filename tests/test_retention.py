"""Checkpoint retention (`switchboard gc`): the newest N per thread stay, conversations go on."""

from __future__ import annotations

from typing import Any

import pytest

from graphs.app import open_assistant
from graphs.retention import prune_checkpoints
from graphs.runner import run_turn
from switchboard.errors import InputError
from switchboard.settings import Settings

TURNS = ["你好", "FL123 的状态怎么样", "FL456 经济舱票价是多少", "is FL456 delayed?", "thanks"]


def history(graph: Any, thread_id: str) -> list[Any]:
    return list(graph.get_state_history({"configurable": {"thread_id": thread_id}}))


def converse_then_prune(settings: Settings, engine: Any, keep: int) -> None:
    with open_assistant(settings, engine=engine) as graph:
        for thread in ("t-long", "t-short"):
            for text in TURNS if thread == "t-long" else TURNS[:2]:
                run_turn(graph, user_id="USER123", thread_id=thread, text=text)
        # One checkpoint per turn; a cancellation left waiting for its "yes".
        assert len(history(graph, "t-long")) == len(TURNS)
        asked = run_turn(graph, user_id="USER123", thread_id="t-wait", text="取消 FL789，确认号 ABC123")
        assert asked["task_status"] == "awaiting_confirmation"
        latest = graph.get_state({"configurable": {"thread_id": "t-long"}}).values

    pruned = prune_checkpoints(settings.checkpoint_url, keep=keep)
    assert pruned.threads == 3 and pruned.checkpoints_kept == min(keep, 5) + min(keep, 2) + 1
    assert pruned.checkpoints_deleted == max(0, 5 - keep) + max(0, 2 - keep)

    with open_assistant(settings, engine=engine) as graph:
        assert len(history(graph, "t-long")) == min(keep, len(TURNS))
        assert graph.get_state({"configurable": {"thread_id": "t-long"}}).values == latest
        # The conversation and the confirmation it waits for go on after the prune.
        assert run_turn(graph, user_id="USER123", thread_id="t-long", text="FL123 的状态")["intent"] == (
            "flight_status"
        )
        done = run_turn(graph, user_id="USER123", thread_id="t-wait", text="是")
        assert done["task_status"] == "completed" and done["agent"] == "cancellation_agent"


@pytest.mark.parametrize("keep", [1, 3])
def test_gc_keeps_the_newest_checkpoints_on_sqlite(settings, engine, keep) -> None:  # type: ignore[no-untyped-def]
    converse_then_prune(settings, engine, keep)


@pytest.mark.postgres
def test_gc_keeps_the_newest_checkpoints_on_postgres(settings, engine, postgres_url) -> None:  # type: ignore[no-untyped-def]
    converse_then_prune(settings.model_copy(update={"checkpoint_url": postgres_url}), engine, 2)
    from tools.db import make_engine

    pg = make_engine(postgres_url)
    with pg.connect() as conn:
        # No channel blob is left that no kept checkpoint refers to.
        orphans = conn.exec_driver_sql(
            "SELECT count(*) FROM checkpoint_blobs b WHERE NOT EXISTS (SELECT 1 FROM checkpoints c "
            "WHERE c.thread_id = b.thread_id AND c.checkpoint_ns = b.checkpoint_ns "
            "AND c.checkpoint -> 'channel_versions' ->> b.channel = b.version)"
        ).scalar_one()
    pg.dispose()
    assert orphans == 0


@pytest.mark.parametrize("keep", [0, -1])
def test_gc_refuses_to_keep_nothing(settings, keep) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError):
        prune_checkpoints(settings.checkpoint_url, keep=keep)
