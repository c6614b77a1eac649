"""Time spent inside the models and data services during a turn, for `overhead_ratio_vs_bare_langgraph`.

A turn's time is the models' work (the router's classifier, the guards' classifiers, embeddings
and retrieval, SQL through the airline and inventory services) plus what the graph costs around
them (nodes, state, checkpoints). `timed_services` wraps each of those services in a proxy that
adds the wall time of every call to one counter, so a benchmark can subtract it from the turn:
what remains is the framework's and the project's own overhead, comparable with a bare graph.

A call made from inside a wrapped service to itself is not counted twice (it goes through the
object, not the proxy); a wrapped service calling another wrapped one is counted once, by the
outer clock (the inner clock pauses while the outer runs).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

# The services a turn reaches for model work or data (graphs.services.Services attributes).
MODEL_SERVICES = ("intent_model", "input_guard", "output_guard", "airline", "inventory", "knowledge")


class ModelClock:
    """Seconds spent inside wrapped calls; nested wrapped calls count once (per thread).

    Wall time (`seconds`, what the benchmark subtracts) and, beside it, the CPU time of the calling
    thread (`cpu_seconds`), which a busy machine does not stretch."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.cpu_seconds = 0.0
        self._depth = threading.local()

    def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        depth = getattr(self._depth, "value", 0)
        self._depth.value = depth + 1
        start, cpu_start = time.perf_counter(), time.thread_time()
        try:
            return fn(*args, **kwargs)
        finally:
            self._depth.value = depth
            if depth == 0:
                self.seconds += time.perf_counter() - start
                self.cpu_seconds += time.thread_time() - cpu_start

    def lap(self) -> float:
        """Wall seconds since the last lap (and start a new one, CPU seconds too)."""
        seconds, self.seconds, self.cpu_seconds = self.seconds, 0.0, 0.0
        return seconds

    def lap_both(self) -> tuple[float, float]:
        """(wall, CPU) seconds since the last lap (and start a new one)."""
        both = (self.seconds, self.cpu_seconds)
        self.seconds, self.cpu_seconds = 0.0, 0.0
        return both


class TimedProxy:
    """`target` with every method call timed on `clock`; attributes pass through."""

    def __init__(self, target: Any, clock: ModelClock) -> None:
        self._target = target
        self._clock = clock

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._target, name)
        if not callable(value) or isinstance(value, type):
            return value
        clock = self._clock

        def timed(*args: Any, **kwargs: Any) -> Any:
            return clock.call(value, *args, **kwargs)

        return timed


def timed_services(services: Any, clock: ModelClock) -> dict[str, Any]:
    """Overrides for `build_services` / `open_assistant`: each model service behind a TimedProxy."""
    return {name: TimedProxy(getattr(services, name), clock) for name in MODEL_SERVICES}
