"""What every benchmark here compares against: the bare LangGraph graph and the in-process turn.

- `TURNS`: the turns a benchmark conversation cycles through;
- `bare_graph()`: three trivial nodes and the add-messages reducer, LangGraph's own cost per turn
  (served beside the assistant by `bench.server_graphs`);
- `turn_vs_bare()`: the assistant's turn in process against the bare graph's, same checkpointer,
  with and without the time spent inside models (`overhead_ratio_vs_bare_langgraph`);
- percentiles and timing helpers shared by the benchmark scripts.
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, TypedDict

from langchain_core.messages import AnyMessage
from langgraph.graph.message import add_messages

from switchboard.settings import Settings

# The turns a benchmark conversation cycles through: every airline specialist, no writes that
# would make later turns differ (a booking is made once, then repeated: idempotent).
TURNS = (
    "查询航班 FL123 的状态",
    "FL123 经济舱票价是多少",
    "is FL456 delayed?",
    "为 FL456 预订座位 15B",
    "how much is business class on FL456?",
    "你好",
)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary(values_s: list[float]) -> dict[str, float]:
    """p50/p95/mean in milliseconds."""
    ms = [v * 1000 for v in values_s]
    return {
        "p50_ms": round(percentile(ms, 50), 3),
        "p95_ms": round(percentile(ms, 95), 3),
        "mean_ms": round(statistics.fmean(ms), 3),
    }


def timed(fn: Callable[[], Any], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


@contextmanager
def workspace() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="switchboard-bench-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def bench_settings(folder: Path) -> Settings:
    from switchboard.settings import get_settings

    return Settings(
        database_url=f"sqlite:///{folder / 'app.db'}",
        checkpoint_url=f"sqlite:///{folder / 'checkpoints.db'}",
        model_dir=get_settings().model_dir,
        openai_api_key=None,
        _env_file=None,  # type: ignore[call-arg]  # a BaseSettings init option, not a field
    )


# --------------------------------------------------------------------------- the bare baseline


class BareState(TypedDict, total=False):
    messages: Annotated[list[AnyMessage], add_messages]
    text: str
    reply: str


def bare_graph() -> Any:
    """Three trivial nodes and the add-messages reducer: LangGraph's own cost per turn."""
    from langchain_core.messages import AIMessage
    from langgraph.graph import END, START, StateGraph

    def first(state: BareState) -> dict[str, Any]:
        return {"text": state["messages"][-1].content}

    def second(state: BareState) -> dict[str, Any]:
        return {"reply": state["text"][::-1]}

    def third(state: BareState) -> dict[str, Any]:
        return {"messages": [AIMessage(content=state["reply"])]}

    graph = StateGraph(BareState)
    graph.add_node("first", first)
    graph.add_node("second", second)
    graph.add_node("third", third)
    graph.add_edge(START, "first")
    graph.add_edge("first", "second")
    graph.add_edge("second", "third")
    graph.add_edge("third", END)
    return graph


# --------------------------------------------------------------------------- measurements


def turn_vs_bare(settings: Settings, turns: int, blocks: int = 6) -> dict[str, Any]:
    """Median turn of the assistant and of the bare graph, each on its own thread, same saver.

    The assistant's turn is also measured without the time spent inside its models and data
    services (`bench.model_time`): that remainder against the bare graph's whole turn (LangGraph's
    default durability, a checkpoint after every step) is `overhead_ratio_vs_bare_langgraph`.

    Robust to a loaded machine: the two graphs take turns (one assistant turn, one bare turn, the
    order alternating), so a burst of load hits both; the headline is the ratio of the medians
    over all `turns`. The spread says how far load moved it: the same ratio within each of
    `blocks` consecutive stretches of the run, and the quartiles of the turn-by-turn ratio
    (each assistant turn against the bare turn next to it). The CPU time of both sides is reported
    too: a busy machine stretches the assistant's work (CPU) more than the bare graph's (mostly
    waiting for the disk), which is how load moves the wall-time ratio."""
    from bench.model_time import ModelClock, timed_services
    from graphs.app import open_assistant, open_services
    from graphs.checkpoint import open_checkpointer
    from graphs.runner import run_turn

    clock = ModelClock()
    overrides = timed_services(open_services(settings), clock)
    load_before = os.getloadavg()
    with open_assistant(settings, **overrides) as graph, open_checkpointer(settings.checkpoint_url) as saver:
        bare = bare_graph().compile(checkpointer=saver)

        def assistant_turn(i: int) -> tuple[float, float, float]:
            """(wall, wall outside models, CPU outside models) seconds of one turn."""
            clock.lap()
            start, cpu_start = time.perf_counter(), time.process_time()
            run_turn(
                graph, user_id="BENCH1", thread_id=f"bench-{i // len(TURNS)}", text=TURNS[i % len(TURNS)]
            )
            elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
            in_models, cpu_in_models = clock.lap_both()
            return elapsed, elapsed - in_models, cpu - cpu_in_models

        def bare_turn(i: int) -> tuple[float, float]:
            """(wall, CPU) seconds of one turn."""
            start, cpu_start = time.perf_counter(), time.process_time()
            bare.invoke(
                {"messages": [{"role": "user", "content": TURNS[i % len(TURNS)]}]},
                {"configurable": {"thread_id": f"bare-{i // len(TURNS)}"}},
            )
            return time.perf_counter() - start, time.process_time() - cpu_start

        # Warm both: first calls load models and fill caches that a running server has warm.
        for i, text in enumerate(TURNS):
            run_turn(graph, user_id="BENCH0", thread_id="warm", text=text)
            bare.invoke(
                {"messages": [{"role": "user", "content": text}]},
                {"configurable": {"thread_id": f"warm-bare-{i}"}},
            )
        samples = _Samples()
        for i in range(turns):
            if i % 2:  # who goes first alternates: neither always follows the other's writes
                bare_wall, bare_cpu_s = bare_turn(i)
                whole, outside, outside_cpu = assistant_turn(i)
            else:
                whole, outside, outside_cpu = assistant_turn(i)
                bare_wall, bare_cpu_s = bare_turn(i)
            samples.add(whole, outside, outside_cpu, bare_wall, bare_cpu_s)
    return _turn_vs_bare_report(samples, turns, blocks, load_before)


@dataclass
class _Samples:
    """Seconds per turn, side by side: the assistant (whole, outside models, CPU outside models)
    and the bare graph (wall, CPU)."""

    assistant: list[float] = field(default_factory=list)
    overhead: list[float] = field(default_factory=list)
    overhead_cpu: list[float] = field(default_factory=list)
    bare: list[float] = field(default_factory=list)
    bare_cpu: list[float] = field(default_factory=list)

    def add(self, whole: float, outside: float, outside_cpu: float, bare: float, bare_cpu: float) -> None:
        self.assistant.append(whole)
        self.overhead.append(outside)
        self.overhead_cpu.append(outside_cpu)
        self.bare.append(bare)
        self.bare_cpu.append(bare_cpu)


def _turn_vs_bare_report(
    samples: _Samples, turns: int, blocks: int, load_before: tuple[float, float, float]
) -> dict[str, Any]:
    """The medians, the ratios and their spread over the run (see `turn_vs_bare`)."""
    assistant, baseline, overhead = (
        summary(samples.assistant),
        summary(samples.bare),
        summary(samples.overhead),
    )
    cpu_overhead, cpu_bare = summary(samples.overhead_cpu), summary(samples.bare_cpu)
    paired = sorted(o / b for o, b in zip(samples.overhead, samples.bare, strict=True))
    size = max(1, turns // blocks)
    by_block = [
        round(
            statistics.median(samples.overhead[k : k + size]) / statistics.median(samples.bare[k : k + size]),
            2,
        )
        for k in range(0, size * (turns // size), size)
    ]
    return {
        "turns": turns,
        "load_average_before_after": [round(load_before[0], 2), round(os.getloadavg()[0], 2)],
        "assistant": assistant,
        "assistant_without_models": overhead,
        "bare_langgraph": baseline,
        "ratio_p50": round(assistant["p50_ms"] / baseline["p50_ms"], 2),
        "ratio_p95": round(assistant["p95_ms"] / baseline["p95_ms"], 2),
        "overhead_ratio_p50": round(overhead["p50_ms"] / baseline["p50_ms"], 2),
        # CPU time (all threads of the process): what load does not stretch. The bare graph's wall
        # time is mostly waiting for its commits (a checkpoint and the writes of every step).
        "cpu": {
            "assistant_without_models_p50_ms": cpu_overhead["p50_ms"],
            "bare_langgraph_p50_ms": cpu_bare["p50_ms"],
            "overhead_ratio_p50": round(cpu_overhead["p50_ms"] / cpu_bare["p50_ms"], 2),
        },
        "overhead_ratio_spread": {
            "by_block": by_block,
            "block_min": min(by_block),
            "block_max": max(by_block),
            "turn_by_turn_p25_p50_p75": [round(percentile(paired, q), 2) for q in (25, 50, 75)],
        },
    }
