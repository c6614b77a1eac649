"""Bounded load test of the LangGraph server: concurrent conversations, then proof nothing was lost.

    python -m bench.server_load [--threads 20] [--turns 5] [--database-url URL] [--out FILE]
    python -m bench.server_load --database-url URL --redis-url URL [--workers 2] ...

Starts its own server on a free loopback port: `langgraph dev` (temp SQLite databases, or the
PostgreSQL database given), or with `--redis-url` the production path, `langhost serve --workers N`
on that PostgreSQL database and Redis (the database must be an empty throw-away one). It runs `--threads` conversations at once,
each `--turns` turns long, through the HTTP API (`langgraph_sdk`), and reports throughput (turns/s)
and turn latency (p50/p95). Then it reads every thread's checkpoints straight from the checkpoint
database, not through the server, and checks that every turn is there: each message sent and each
reply received, in order, and the confirmation question of the turn that stopped for one.

The conversation (as USER123): greeting, flight status, fare, a cancellation that stops for a
confirmation, and the "no" that resumes it (nothing is cancelled, so every thread can repeat it).
Loopback only; it stops by itself (`--timeout`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from langgraph_sdk import get_client

from bench.server_process import DEV, Engine, langgraph_server

USER = "USER123"
KEY = "load-test-key"
SCRIPT: list[dict[str, Any]] = [
    {"input": "你好"},
    {"input": "FL123 的状态怎么样"},
    {"input": "FL456 经济舱票价是多少"},
    {"input": "取消 FL789，确认号 ABC123", "interrupts": True},
    {"resume": {"approved": False, "text": "否"}},
]


@dataclass
class Conversation:
    thread_id: str = ""
    sent: list[str] = field(default_factory=list)
    replies: list[str] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    interrupted: list[bool] = field(default_factory=list)
    stale_joins: int = 0
    interrupt_only_joins: int = 0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


async def finished_turn(
    client: Any, thread_id: str, payload: dict[str, Any], talk: Conversation
) -> dict[str, Any]:
    """Run one turn; return the thread's values once the run has ended.

    The values come from the thread's state, not from the join's answer, and the join's answer is
    checked against them: on langgraph-runtime-pg 0.11.1 with several workers, the events a join
    reads come by Redis pub/sub and may come late (`faces.langgraph_server.runtime_fixes`). A join
    whose answer holds another reply than the thread's final one is stale (`stale_joins`); one
    that holds only the run's interrupt is the runtime's answer for a run that stopped at a
    confirmation when the join heard none of its values (`interrupt_only_joins`).
    """
    run_id = (await client.runs.create(thread_id, "switchboard", **payload))["run_id"]
    joined = await client.runs.join(thread_id, run_id)
    while (await client.runs.get(thread_id, run_id))["status"] in ("pending", "running"):
        joined = await client.runs.join(thread_id, run_id)
    values: dict[str, Any] = (await client.threads.get_state(thread_id))["values"]
    if not isinstance(joined, dict) or joined.get("reply") != values.get("reply"):
        if isinstance(joined, dict) and "reply" not in joined and "__interrupt__" in joined:
            talk.interrupt_only_joins += 1
        else:
            talk.stale_joins += 1
    return values


async def converse(client: Any, turns: int) -> Conversation:
    talk = Conversation()
    talk.thread_id = (await client.threads.create(metadata={"title": "load"}))["thread_id"]
    for step in (SCRIPT * (turns // len(SCRIPT) + 1))[:turns]:
        started = time.perf_counter()
        if "resume" in step:
            payload: dict[str, Any] = {"command": {"resume": step["resume"]}}
            talk.sent.append(step["resume"]["text"])
        else:
            payload = {"input": {"messages": [{"role": "user", "content": step["input"]}]}}
            talk.sent.append(step["input"])
        values = await finished_turn(client, talk.thread_id, payload, talk)
        talk.latencies_ms.append((time.perf_counter() - started) * 1000)
        talk.replies.append(values["reply"])
        talk.interrupted.append(values.get("task_status") == "awaiting_confirmation")
        if step.get("interrupts") and not talk.interrupted[-1]:
            raise RuntimeError(f"thread {talk.thread_id}: expected a confirmation, got {values['reply']!r}")
    return talk


def verify(checkpoint_url: str, conversations: list[Conversation]) -> list[str]:
    """Problems found in the checkpoint database (empty: every turn of every thread is there)."""
    from graphs.checkpoint import open_checkpointer

    problems: list[str] = []
    with open_checkpointer(checkpoint_url) as saver:
        for talk in conversations:
            history = list(saver.list({"configurable": {"thread_id": talk.thread_id}}))
            if not history:
                problems.append(f"{talk.thread_id}: no checkpoints")
                continue
            messages = history[0].checkpoint["channel_values"].get("messages", [])
            humans = [m.content for m in messages if m.type == "human"]
            ais = [m.content for m in messages if m.type == "ai"]
            answered = [r for r, stopped in zip(talk.replies, talk.interrupted, strict=True) if not stopped]
            if humans != talk.sent:
                problems.append(f"{talk.thread_id}: messages {humans} != sent {talk.sent}")
            # A confirmation question is a message of its own or only the paused turn's `reply`,
            # depending on the graph's version; every other reply must be a message, in order.
            if ais not in (talk.replies, answered):
                problems.append(f"{talk.thread_id}: replies {ais} != received {talk.replies}")
            asked = {
                c.checkpoint["channel_values"].get("reply")
                for c in history
                if c.metadata.get("source") == "loop"
            }
            for reply, stopped in zip(talk.replies, talk.interrupted, strict=True):
                if stopped and reply not in asked:
                    problems.append(f"{talk.thread_id}: confirmation {reply!r} not in its history")
    return problems


async def drive(url: str, threads: int, turns: int) -> tuple[list[Conversation], float]:
    client = get_client(url=url, api_key=None, headers={"Authorization": f"Bearer {KEY}"}, timeout=120)
    started = time.perf_counter()
    conversations = await asyncio.gather(*(converse(client, turns) for _ in range(threads)))
    return list(conversations), time.perf_counter() - started


def seed(database_url: str) -> None:
    """Create the demo data before the server starts (its start-up would, but not timed)."""
    from graphs.app import ensure_seeded
    from graphs.services import build_services
    from switchboard.settings import Settings

    services = build_services(Settings(database_url=database_url, _env_file=None))  # type: ignore[call-arg]  # BaseSettings option, not a field
    ensure_seeded(services)
    services.engine.dispose()


def run(
    threads: int,
    turns: int,
    jobs: int,
    database_url: str | None,
    timeout_s: float,
    engine: Engine = DEV,
) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="switchboard-load-"))
    try:
        data_url = database_url or f"sqlite:///{workdir / 'app.db'}"
        checkpoint_url = database_url or f"sqlite:///{workdir / 'checkpoints.db'}"
        seed(data_url)
        env = {
            "SWITCHBOARD_DATABASE_URL": data_url,
            "SWITCHBOARD_CHECKPOINT_URL": checkpoint_url,
            "SWITCHBOARD_API_KEYS": f"{KEY}:{USER}",
            "OPENAI_API_KEY": "",
            # One key drives every conversation: the per-user limits would measure themselves.
            "SWITCHBOARD_RATE_LIMIT_TURNS": "1000000/second",
            "SWITCHBOARD_RATE_LIMIT_CALLS": "1000000/second",
            "SWITCHBOARD_MAX_CONCURRENT_TURNS": "1000",
        }
        with langgraph_server(workdir / "server", env, jobs=jobs, engine=engine) as server:
            conversations, wall_s = asyncio.run(
                asyncio.wait_for(drive(server.url, threads, turns), timeout_s)
            )
        problems = verify(checkpoint_url, conversations)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    latencies = [ms for talk in conversations for ms in talk.latencies_ms]
    return {
        "server": (
            f"langhost serve --workers {engine.workers} (PostgreSQL + Redis runtime)"
            if engine.name == "prod"
            else "langgraph dev (in-memory runtime)"
        )
        + ", "
        + ("PostgreSQL" if database_url else "SQLite")
        + " checkpoints and data",
        "workers": engine.workers,
        "threads": threads,
        "turns_per_thread": turns,
        "turns": len(latencies),
        "jobs_per_worker": jobs,
        "wall_s": round(wall_s, 2),
        "throughput_turns_per_s": round(len(latencies) / wall_s, 2),
        "latency_ms": {
            "p50": round(statistics.median(latencies), 1),
            "p95": round(percentile(latencies, 0.95), 1),
            "max": round(max(latencies), 1),
        },
        "stale_joins": sum(talk.stale_joins for talk in conversations),
        "interrupt_only_joins": sum(talk.interrupt_only_joins for talk in conversations),
        "verified_threads": len(conversations) - len({p.split(":")[0] for p in problems}),
        "lost_or_mismatched": problems,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.server_load", description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=20, help="concurrent conversations (1-200)")
    parser.add_argument("--turns", type=int, default=5, help="turns per conversation (1-50)")
    parser.add_argument(
        "--jobs", type=int, default=10, help="runs the server executes at once (--n-jobs-per-worker)"
    )
    parser.add_argument("--database-url", help="an EMPTY PostgreSQL database for data and checkpoints")
    parser.add_argument("--redis-url", help="run the production path (langhost) on this Redis")
    parser.add_argument("--workers", type=int, default=1, help="worker processes of the production path")
    parser.add_argument("--timeout", type=float, default=600, help="give up after this many seconds")
    parser.add_argument("--out", type=Path, help="write the report (JSON) here too")
    args = parser.parse_args(argv)
    if not 1 <= args.threads <= 200 or not 1 <= args.turns <= 50 or not 1 <= args.jobs <= 50:
        parser.error("--threads must be 1-200, --turns 1-50, --jobs 1-50")
    if args.redis_url and not args.database_url:
        parser.error("the production path (--redis-url) needs --database-url (PostgreSQL)")
    engine = Engine.prod(args.database_url, args.redis_url, args.workers) if args.redis_url else DEV
    report = run(args.threads, args.turns, args.jobs, args.database_url, args.timeout, engine)
    text = json.dumps(report, ensure_ascii=False, indent=2)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0 if not report["lost_or_mismatched"] else 1


if __name__ == "__main__":
    sys.exit(main())
