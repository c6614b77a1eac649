"""Simultaneous one-shot `switchboard chat` processes on SQLite files: answered, refused, crashed.

    python -m bench.sqlite_concurrency [--processes 100] [--threads 10]

Copies the demo database (`var/switchboard.db`) into a temp folder, starts `--processes` chats at
once (`switchboard chat --json`, one message each, spread over `--threads` threads), waits for all
and counts: answered (a JSON reply), refused (a one-line error), crashed (a traceback or a
signal). Then it counts the turns stored in the checkpoint file, which must equal the answers.
Bounded: every process is given `--timeout` seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
MESSAGE = "FL123 的状态怎么样"


@dataclass
class Outcome:
    results: list[subprocess.CompletedProcess[str]] = field(default_factory=list)
    wall_s: float = 0.0
    turns_in_threads: int = 0

    @property
    def answered(self) -> int:
        return sum(1 for r in self.results if r.returncode == 0)

    @property
    def crashed(self) -> int:
        return sum(
            1 for r in self.results if r.returncode != 0 and ("Traceback" in r.stderr or r.returncode < 0)
        )

    @property
    def refused(self) -> int:
        return len(self.results) - self.answered - self.crashed


def _stored_turns(checkpoints: Path) -> int:
    """Human messages in the newest checkpoint of every thread (one per answered turn)."""
    from graphs.checkpoint import open_checkpointer

    total = 0
    with open_checkpointer(f"sqlite:///{checkpoints}") as saver:
        threads = {c.config["configurable"]["thread_id"] for c in saver.list(None)}
        for thread in threads:
            latest = saver.get_tuple({"configurable": {"thread_id": thread}})
            messages = latest.checkpoint["channel_values"].get("messages", []) if latest else []
            total += sum(1 for m in messages if m.type == "human")
    return total


def run_simultaneous_chats(
    database: Path, folder: Path, *, processes: int, threads: int, timeout_s: float = 900
) -> Outcome:
    data, checkpoints = folder / "switchboard.db", folder / "checkpoints.db"
    with sqlite3.connect(database) as source, sqlite3.connect(data) as copy:
        source.backup(copy)
    env = {
        **os.environ,
        "SWITCHBOARD_DATABASE_URL": f"sqlite:///{data}",
        "SWITCHBOARD_CHECKPOINT_URL": f"sqlite:///{checkpoints}",
        "OPENAI_API_KEY": "",
        "LANGSMITH_TRACING": "false",
    }
    binary = str(Path(sys.executable).with_name("switchboard"))
    started = time.perf_counter()
    children = [
        subprocess.Popen(
            [binary, "chat", "--user", "USER123", "--thread", f"conc-{n % threads}", "--json", MESSAGE],
            env=env,
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(processes)
    ]
    outcome = Outcome()
    deadline = time.monotonic() + timeout_s
    for child in children:
        try:
            stdout, stderr = child.communicate(timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            stdout, stderr = child.communicate()
        outcome.results.append(subprocess.CompletedProcess(child.args, child.returncode, stdout, stderr))
    outcome.wall_s = time.perf_counter() - started
    outcome.turns_in_threads = _stored_turns(checkpoints)
    return outcome


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.sqlite_concurrency", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--processes", type=int, default=100, help="chats started at once (1-300)")
    parser.add_argument("--threads", type=int, default=10, help="threads they are spread over (1-300)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds each process is given")
    args = parser.parse_args(argv)
    if not 1 <= args.processes <= 300 or not 1 <= args.threads <= 300:
        parser.error("--processes and --threads must be 1-300")
    database = REPO_ROOT / "var" / "switchboard.db"
    if not database.exists():
        parser.error("no var/switchboard.db: run `make install` first")
    folder = Path(tempfile.mkdtemp(prefix="switchboard-concurrency-"))
    try:
        outcome = run_simultaneous_chats(database, folder, processes=args.processes, threads=args.threads)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    errors = sorted(
        {r.stderr.strip().splitlines()[-1] for r in outcome.results if r.returncode != 0 and r.stderr}
    )
    report = {
        "processes": args.processes,
        "answered": outcome.answered,
        "refused_with_one_line": outcome.refused,
        "crashed": outcome.crashed,
        "turns_in_threads": outcome.turns_in_threads,
        "wall_s": round(outcome.wall_s, 1),
        "errors": errors[:5],
    }
    print(json.dumps(report, ensure_ascii=False))
    return 0 if outcome.crashed == 0 and outcome.turns_in_threads == outcome.answered else 1


if __name__ == "__main__":
    sys.exit(main())
