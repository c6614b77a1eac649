"""Where a turn's time goes outside the models: a pyinstrument profile of assistant turns.

    python -m bench.profile_turn [--turns 300] [--top 40]

Runs the benchmark conversation (`bench.baseline.TURNS`) in process, as `switchboard bench` does,
with every model and data service behind the model clock (`bench.model_time`), samples the turns
with pyinstrument (a dev dependency) and drops every sample taken inside a model call: what is
left is what `overhead_ratio_vs_bare_langgraph` counts. Prints, per turn, the time each function
accounts for including what it calls (inclusive) and on its own (self), biggest first.
Sampling slows the turn down; read the figures as shares, not as timings.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from typing import Any

# The frame the model clock times every model call in: its subtree is model time.
MODEL_FRAME = "ModelClock.call"


def non_model_times(root: Any) -> tuple[float, dict[str, float], dict[str, float]]:
    """(total, inclusive, self) seconds of a pyinstrument frame tree without its model calls."""
    inclusive: dict[str, float] = defaultdict(float)
    own: dict[str, float] = defaultdict(float)

    def walk(frame: Any, stack: frozenset[str]) -> float:
        if (
            frame.function == MODEL_FRAME
            or frame.function == "call"
            and "model_time" in (frame.file_path or "")
        ):
            return 0.0
        key = f"{frame.function}  {frame.file_path_short}:{frame.line_no}"
        kept = sum(walk(child, stack | {key}) for child in frame.children)
        alone = float(frame.time) - sum(float(child.time) for child in frame.children)
        own[key] += alone
        if key not in stack:  # recursion: count a function once per path
            inclusive[key] += alone + kept
        return alone + kept

    return walk(root, frozenset()), inclusive, own


def profile(turns: int) -> Any:
    from pyinstrument import Profiler

    from bench.baseline import TURNS, bench_settings, workspace
    from bench.model_time import ModelClock, timed_services
    from graphs.app import open_assistant, open_services
    from graphs.runner import run_turn

    with workspace() as folder:
        settings = bench_settings(folder)
        services = timed_services(open_services(settings), ModelClock())
        with open_assistant(settings, **services) as graph:
            for text in TURNS:  # warm: models loaded, caches filled
                run_turn(graph, user_id="BENCH0", thread_id="warm", text=text)
            profiler = Profiler(interval=0.0002)
            profiler.start()
            for i in range(turns):
                thread = f"profile-{i // len(TURNS)}"
                run_turn(graph, user_id="BENCH1", thread_id=thread, text=TURNS[i % len(TURNS)])
            profiler.stop()
    session = profiler.last_session
    if session is None:
        raise RuntimeError("pyinstrument recorded no session")
    return session.root_frame()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile_turn", description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=300)
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args(argv)
    total, inclusive, own = non_model_times(profile(args.turns))
    per_turn = 1000 / args.turns
    print(f"outside the models: {total * per_turn:.2f} ms per turn (sampled)")
    for title, table in (("inclusive", inclusive), ("self", own)):
        print(f"\n{title} (ms per turn)")
        for key, seconds in sorted(table.items(), key=lambda kv: -kv[1])[: args.top]:
            print(f"{seconds * per_turn:8.3f}  {key}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
