"""The server load benchmark, small: it runs, reports its figures, and its loss check can fail."""

from __future__ import annotations

from pathlib import Path

from bench.server_load import Conversation, main, percentile, run, verify


def test_a_small_load_run_loses_nothing() -> None:
    report = run(threads=3, turns=5, jobs=3, database_url=None, timeout_s=180)
    assert report["turns"] == 15 and report["verified_threads"] == 3
    assert report["lost_or_mismatched"] == []
    assert report["throughput_turns_per_s"] > 0
    assert 0 < report["latency_ms"]["p50"] <= report["latency_ms"]["p95"] <= report["latency_ms"]["max"]


def test_the_loss_check_notices_a_missing_turn(tmp_path: Path) -> None:
    import asyncio

    from graphs.checkpoint import open_async_checkpointer

    url = f"sqlite:///{tmp_path / 'checkpoints.db'}"

    async def one_turn() -> None:
        from langchain_core.messages import AIMessage, HumanMessage
        from langgraph.graph import START, MessagesState, StateGraph

        builder = StateGraph(MessagesState)
        builder.add_node("reply", lambda state: {"messages": [AIMessage(content="hi")]})
        builder.add_edge(START, "reply")
        async with open_async_checkpointer(url) as saver:
            graph = builder.compile(checkpointer=saver)
            await graph.ainvoke(
                {"messages": [HumanMessage(content="hello")]}, {"configurable": {"thread_id": "t"}}
            )

    asyncio.run(one_turn())
    complete = Conversation(thread_id="t", sent=["hello"], replies=["hi"], interrupted=[False])
    assert verify(url, [complete]) == []
    lost = Conversation(
        thread_id="t", sent=["hello", "again"], replies=["hi", "hi"], interrupted=[False, False]
    )
    assert verify(url, [lost])
    unknown = Conversation(thread_id="nope", sent=["hello"], replies=["hi"], interrupted=[False])
    assert verify(url, [unknown]) == ["nope: no checkpoints"]


def test_percentiles_and_argument_bounds(capsys) -> None:  # type: ignore[no-untyped-def]
    assert percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.5) in (5, 6)
    assert percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95) == 10
    assert percentile([], 0.5) == 0.0
    import pytest

    with pytest.raises(SystemExit) as bad:
        main(["--threads", "0"])
    assert bad.value.code == 2
