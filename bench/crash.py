"""Crash harness: kill the process at random points of a confirming turn, then talk on.

Each trial starts from a fresh database and an empty SQLite checkpoint file:
1. "cancel booking ABC123" -> the assistant proposes the cancellation (a normal turn);
2. "yes" in a process that is killed with SIGKILL after a random delay within the time such a
   turn takes (through the `switchboard` CLI, or the graph in a forked process: `--via graph`);
3. the user's next message, in a new process: "yes" again (no reply came) or something else.
Then the database and the thread are checked:
- `clean`: the booking was cancelled exactly once and the user was told (the killed turn printed
  its reply, or the next turn reports it), or nothing happened and the proposal is still waiting /
  was completed by the repeated yes;
- `yes_lost`: the user said yes (twice) and nothing happened, or the proposal vanished untold;
- `silent_write`: the booking was cancelled but no reply ever said so;
- `double_effect`: a refund recorded twice.

    python -m bench.crash [--trials 100] [--via cli|graph|both] [--out var/bench/crash.json]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import text

REPO_ROOT = Path(__file__).resolve().parent.parent
PROPOSE = "cancel booking ABC123"
TOLD = ("cancelled", "已取消")


@dataclass
class Trial:
    via: str
    kill_after_ms: float
    killed: bool  # the process was still running when the signal came
    next_message: str
    outcome: str
    detail: str


def _env(workdir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "SWITCHBOARD_DATABASE_URL": f"sqlite:///{workdir / 'app.db'}",
        "SWITCHBOARD_CHECKPOINT_URL": f"sqlite:///{workdir / 'checkpoints.db'}",
        "SWITCHBOARD_LOG_FILE": str(workdir / "switchboard.log"),
        "LANGSMITH_TRACING": "false",
        "OPENAI_API_KEY": "",
    }


def _chat_command(message: str) -> list[str]:
    return [sys.executable, "-m", "faces.cli.main", "chat", "--json", "--thread", "crash", message]


def _cli_turn(workdir: Path, message: str) -> dict[str, Any]:
    done = subprocess.run(
        _chat_command(message), capture_output=True, text=True, env=_env(workdir), cwd=REPO_ROOT, timeout=600
    )
    if done.returncode != 0:
        raise RuntimeError(f"turn {message!r} failed: {done.stderr.strip()[-500:]}")
    reply: dict[str, Any] = json.loads(done.stdout)
    return reply


def _killed_cli_turn(workdir: Path, message: str, delay_s: float) -> tuple[bool, str]:
    """(still running when killed, what it printed) for a CLI turn killed after `delay_s`."""
    process = subprocess.Popen(
        _chat_command(message),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=_env(workdir),
        cwd=REPO_ROOT,
    )
    time.sleep(delay_s)
    running = process.poll() is None
    if running:
        process.send_signal(signal.SIGKILL)
    out, _ = process.communicate(timeout=60)
    return running, out


def _graph_turn_in_child(workdir: str, message: str, ready: Any, out: Any) -> None:
    """Child process: open the assistant (not timed), signal ready, run one turn, send its reply."""
    os.environ.update(_env(Path(workdir)))
    from graphs.app import open_assistant
    from graphs.runner import run_turn
    from switchboard.settings import Settings

    with open_assistant(Settings(_env_file=None)) as graph:  # type: ignore[call-arg]
        # Models load on the first message: load them first, so the window is the turn itself.
        run_turn(graph, user_id="USER123", thread_id="warm-up", text="你好")
        ready.set()
        # Like the CLI: the reply goes out as soon as it is final, before the turn is saved.
        run_turn(
            graph, user_id="USER123", thread_id="crash", text=message, on_reply=lambda r: out.send(r["reply"])
        )


def _graph_turn(workdir: Path, message: str, delay_s: float | None) -> tuple[bool, str, float]:
    """(still running when killed, its reply if it got that far, seconds from ready to the end)
    for the graph run in a forked process; `delay_s` None: let it finish."""
    context = multiprocessing.get_context("fork")
    ready = context.Event()
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_graph_turn_in_child, args=(str(workdir), message, ready, send))
    child.start()
    ready.wait(timeout=300)
    start = time.perf_counter()
    running = False
    if delay_s is not None:
        time.sleep(delay_s)
        running = child.is_alive()
        if running:
            os.kill(child.pid or 0, signal.SIGKILL)
    child.join(timeout=300)
    elapsed = time.perf_counter() - start
    reply = receive.recv() if receive.poll() else ""
    return running, str(reply), elapsed


def _killed_graph_turn(workdir: Path, message: str, delay_s: float) -> tuple[bool, str]:
    running, reply, _ = _graph_turn(workdir, message, delay_s)
    return running, reply


def _state(workdir: Path) -> tuple[str, int, bool]:
    """(ABC123's status, refunds recorded for it, whether a proposal is still waiting)."""
    from langgraph.checkpoint.sqlite import SqliteSaver

    from tools.db import make_engine

    engine = make_engine(f"sqlite:///{workdir / 'app.db'}")
    with engine.connect() as conn:
        status = conn.execute(
            text("select status from bookings where confirmation_number='ABC123'")
        ).scalar_one()
        applied = conn.execute(
            text("select count(*) from applied_requests where kind='cancel_booking'")
        ).scalar_one()
    engine.dispose()
    import sqlite3

    with sqlite3.connect(workdir / "checkpoints.db") as conn:
        saver = SqliteSaver(conn)
        found = saver.get_tuple({"configurable": {"thread_id": "crash", "checkpoint_ns": ""}})
        waiting = bool(found and found.checkpoint["channel_values"].get("pending"))
    return str(status), int(applied), waiting


def judge(status: str, applied: int, waiting: bool, told: bool, next_is_yes: bool) -> tuple[str, str]:
    """The trial's outcome from what the database, the thread and the replies show."""
    if applied > 1:
        return "double_effect", f"{applied} cancellations recorded"
    if status == "cancelled":
        return (
            ("clean", "cancelled once, reported") if told else ("silent_write", "cancelled, never reported")
        )
    if waiting and not next_is_yes:
        return "clean", "not cancelled; the proposal is still waiting"
    return "yes_lost", f"not cancelled, proposal waiting={waiting}, next was yes={next_is_yes}"


def run_trial(via: str, template: Path, turn_s: float, rng: random.Random) -> Trial:
    workdir = Path(tempfile.mkdtemp(prefix="crash-"))
    try:
        shutil.copyfile(template, workdir / "app.db")
        if via == "cli":
            _cli_turn(workdir, PROPOSE)
        else:
            _graph_turn(workdir, PROPOSE, None)
        delay = rng.uniform(0.0, turn_s)
        kill = _killed_cli_turn if via == "cli" else _killed_graph_turn
        killed, printed = kill(workdir, "yes", delay)
        next_message = rng.choice(["yes", "hello?", "what's the status of FL123?"])
        reply = _cli_turn(workdir, next_message)
        told = any(word in printed for word in TOLD) or any(word in reply["reply"] for word in TOLD)
        outcome, detail = judge(*_state(workdir), told=told, next_is_yes=next_message == "yes")
        return Trial(via, round(delay * 1000, 1), killed, next_message, outcome, detail)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def seeded_template() -> Path:
    from tools.db import make_engine
    from tools.inventory.seed import seed_inventory
    from tools.seed import seed_airline

    path = Path(tempfile.mkdtemp(prefix="crash-template-")) / "app.db"
    engine = make_engine(f"sqlite:///{path}")
    seed_airline(engine)
    seed_inventory(engine, 200)
    engine.dispose()
    return path


def turn_duration(via: str, template: Path) -> float:
    """How long an uninterrupted "yes" turn takes (the window kills are drawn from)."""
    workdir = Path(tempfile.mkdtemp(prefix="crash-timing-"))
    shutil.copyfile(template, workdir / "app.db")
    try:
        if via == "cli":
            _cli_turn(workdir, PROPOSE)
            start = time.perf_counter()
            _cli_turn(workdir, "yes")
            return time.perf_counter() - start
        _graph_turn(workdir, PROPOSE, None)
        return _graph_turn(workdir, "yes", None)[2]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run(trials: int, vias: list[str], seed: int = 7) -> dict[str, Any]:
    rng = random.Random(seed)
    template = seeded_template()
    report: dict[str, Any] = {"trials": trials, "seed": seed, "by_via": {}}
    for via in vias:
        window = max(turn_duration(via, template), 0.05)
        results = [run_trial(via, template, window, rng) for _ in range(trials)]
        report["by_via"][via] = {
            "kill_window_ms": round(window * 1000),
            "killed_mid_turn": sum(t.killed for t in results),
            "outcomes": dict(Counter(t.outcome for t in results)),
            "inconsistent": sum(t.outcome != "clean" for t in results),
            "trials": [asdict(t) for t in results],
        }
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.crash", description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--via", choices=["cli", "graph", "both"], default="both")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "var" / "bench" / "crash.json")
    args = parser.parse_args(argv)
    vias = ["cli", "graph"] if args.via == "both" else [args.via]
    report = run(args.trials, vias)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    for via, figures in report["by_via"].items():
        print(
            f"{via}: {args.trials} kills in a {figures['kill_window_ms']} ms window, "
            f"{figures['killed_mid_turn']} mid-turn; outcomes {figures['outcomes']}; "
            f"inconsistent {figures['inconsistent']}"
        )
    return 0 if all(f["inconsistent"] == 0 for f in report["by_via"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
