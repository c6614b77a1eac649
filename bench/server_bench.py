"""Turns through the production server against a bare LangGraph graph on the same server.

    python -m bench.server_bench [--workers 1,2] [--concurrency 1,8,32] [--turns 10]
                                 [--postgres-url URL --redis-url URL] [--out FILE]

The production path (`langhost serve --workers N`: langgraph-api on the PostgreSQL + Redis
runtime) serves two graphs from one configuration: the assistant and `bench.server_graphs.bare`
(three trivial nodes, LangGraph's default durability, the same checkpointer). For every worker
count and every concurrency level, C conversations of `--turns` turns each run at once through
`runs.wait` on the assistant, then on the bare graph. Reported per level: turn latency p50/p95,
turns per second, and the server's CPU seconds per turn; the ratios compare the assistant with
the bare graph at the same level, 2 workers with 1, and a lone conversation's server turn with
the same turn in process (measured in this run). The machine's load average is reported next to
each level: other work on the machine changes the absolute figures, less their ratios.

`--postgres-url` names a PostgreSQL server where throw-away databases are created (and dropped);
without it (and `--redis-url`), throw-away servers are started from Debian's packages and
stopped at the end (`scripts/pg-test-server`, `scripts/redis-test-server`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.baseline import TURNS, percentile
from bench.server_process import CONFIG, REPO_ROOT, Engine, ServerProcess, langgraph_server

KEY = "bench-key"
USER = "USER123"
GRAPHS = ("switchboard", "bare")


def bench_config(folder: Path) -> Path:
    """langgraph.json with the bare graph added (same checkpointer, auth and routes)."""
    config = json.loads(CONFIG.read_text(encoding="utf-8"))
    config["dependencies"] = [str(REPO_ROOT)]
    config["graphs"]["bare"] = "bench.server_graphs:bare"
    path = folder / "langgraph.json"
    path.write_text(json.dumps(config, indent=2), encoding="utf-8")
    return path


def process_cpu_s(server: ServerProcess) -> float:
    """CPU seconds (user + system) of the server's processes: the launcher and its workers."""
    found = subprocess.run(["pgrep", "-g", str(server.process.pid)], capture_output=True, text=True)
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in found.stdout.split():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # exited meanwhile
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def machine_busy_cores() -> tuple[float, float]:
    """(busy jiffies, all jiffies) of the whole machine so far, from /proc/stat."""
    fields = [float(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


async def conversation(client: Any, graph: str, turns: int, latencies: list[float]) -> None:
    thread_id = (await client.threads.create())["thread_id"]
    for i in range(turns):
        text = TURNS[i % len(TURNS)]
        started = time.perf_counter()
        values = await client.runs.wait(
            thread_id, graph, input={"messages": [{"role": "user", "content": text}]}
        )
        latencies.append(time.perf_counter() - started)
        if not isinstance(values, dict) or "__error__" in values:
            raise RuntimeError(f"{graph}: run failed: {values!r}")


async def level(url: str, graph: str, clients: int, turns: int) -> tuple[list[float], float]:
    from langgraph_sdk import get_client

    client = get_client(url=url, api_key=KEY, timeout=300)
    latencies: list[float] = []
    started = time.perf_counter()
    await asyncio.gather(*(conversation(client, graph, turns, latencies) for _ in range(clients)))
    return latencies, time.perf_counter() - started


def measure(server: ServerProcess, graph: str, clients: int, turns: int) -> dict[str, Any]:
    cpu_before, (busy_before, all_before) = process_cpu_s(server), machine_busy_cores()
    latencies, wall_s = asyncio.run(level(server.url, graph, clients, turns))
    cpu_s = process_cpu_s(server) - cpu_before
    busy_after, all_after = machine_busy_cores()
    cores = os.cpu_count() or 1
    return {
        "turns": len(latencies),
        "turns_per_s": round(len(latencies) / wall_s, 2),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p95_ms": round(percentile(latencies, 95) * 1000, 1),
        "server_cpu_ms_per_turn": round(cpu_s * 1000 / len(latencies), 1),
        "machine_busy_cores": round(cores * (busy_after - busy_before) / max(1.0, all_after - all_before), 2),
        "load_average": round(os.getloadavg()[0], 1),
    }


@contextmanager
def throwaway_database(server_url: str) -> Iterator[str]:
    """A new database on `server_url` (a PostgreSQL server), dropped afterwards."""
    from sqlalchemy import make_url

    from tools.db import make_engine

    name = f"switchboard_bench_{uuid.uuid4().hex[:12]}"
    admin = make_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@contextmanager
def services(postgres_url: str | None, redis_url: str | None) -> Iterator[tuple[str, str]]:
    """The PostgreSQL server and Redis to use: the ones given, or throw-away ones stopped after."""
    started: list[str] = []
    scripts = REPO_ROOT / "scripts"
    try:
        for url, script, port in (
            (postgres_url, "pg-test-server", "55491"),
            (redis_url, "redis-test-server", "56491"),
        ):
            if not url:
                done = subprocess.run([scripts / script, port], capture_output=True, text=True, check=True)
                started.append(done.stdout.strip())
        it = iter(started)
        yield postgres_url or next(it), redis_url or next(it)
    finally:
        if started:
            subprocess.run([scripts / "stop-test-server", *started], check=False)


def serve_and_measure(
    postgres_url: str, redis_url: str, workers: int, levels: list[int], turns: int, jobs: int
) -> dict[str, Any]:
    from bench.server_load import seed

    folder = Path(tempfile.mkdtemp(prefix="switchboard-server-bench-"))
    try:
        with throwaway_database(postgres_url) as database:
            seed(database)
            env = {
                "SWITCHBOARD_DATABASE_URL": database,
                "SWITCHBOARD_CHECKPOINT_URL": database,
                "SWITCHBOARD_API_KEYS": f"{KEY}:{USER}",
                "OPENAI_API_KEY": "",
                "SWITCHBOARD_RATE_LIMIT_TURNS": "1000000/second",
                "SWITCHBOARD_RATE_LIMIT_CALLS": "1000000/second",
                "SWITCHBOARD_MAX_CONCURRENT_TURNS": "1000",
            }
            engine = Engine.prod(database, redis_url, workers, config=bench_config(folder))
            with langgraph_server(folder / "server", env, jobs=jobs, engine=engine, timeout_s=300) as server:
                for graph in GRAPHS:  # warm every worker's graph and connections
                    measure(server, graph, 2 * workers, 2)
                result: dict[str, Any] = {}
                for clients in levels:
                    turns_each = max(turns, 30) if clients == 1 else turns
                    result[str(clients)] = {g: measure(server, g, clients, turns_each) for g in GRAPHS}
                return result
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def in_process_turn_ms(turns: int = 60) -> float:
    """p50 of the same turns in process (SQLite, no server): the lone server turn's baseline."""
    from bench.baseline import bench_settings, turn_vs_bare, workspace

    with workspace() as folder:
        return float(turn_vs_bare(bench_settings(folder), turns)["assistant"]["p50_ms"])


def ratios(report: dict[str, Any]) -> dict[str, Any]:
    by_workers = report["workers"]
    out: dict[str, Any] = {}
    for workers, levels in by_workers.items():
        for clients, graphs in levels.items():
            mine, bare = graphs["switchboard"], graphs["bare"]
            out[f"w{workers}_c{clients}_p50_vs_bare"] = round(mine["p50_ms"] / bare["p50_ms"], 2)
            out[f"w{workers}_c{clients}_throughput_vs_bare"] = round(
                mine["turns_per_s"] / bare["turns_per_s"], 2
            )
    if "1" in by_workers and "2" in by_workers:
        top = max(by_workers["1"], key=int)
        for graph in GRAPHS:
            one, two = by_workers["1"][top][graph], by_workers["2"][top][graph]
            out[f"two_workers_vs_one_{graph}_c{top}"] = round(two["turns_per_s"] / one["turns_per_s"], 2)
    first = next(iter(by_workers.values()))
    if "1" in first:
        out["lone_turn_vs_in_process"] = round(
            first["1"]["switchboard"]["p50_ms"] / report["in_process_turn_p50_ms"], 1
        )
    return out


def run(
    workers: list[int],
    levels: list[int],
    turns: int,
    jobs: int,
    postgres_url: str | None,
    redis_url: str | None,
) -> dict[str, Any]:
    report: dict[str, Any] = {"cpus": os.cpu_count(), "load_average_start": round(os.getloadavg()[0], 1)}
    report["in_process_turn_p50_ms"] = in_process_turn_ms()
    with services(postgres_url, redis_url) as (postgres, redis):
        report["workers"] = {
            str(n): serve_and_measure(postgres, redis, n, levels, turns, jobs) for n in workers
        }
    report["load_average_end"] = round(os.getloadavg()[0], 1)
    report["ratios"] = ratios(report)
    return report


def table(report: dict[str, Any]) -> str:
    lines = [
        f"machine: {report['cpus']} cores; load average {report['load_average_start']} at the start, "
        f"{report['load_average_end']} at the end; in-process turn p50 {report['in_process_turn_p50_ms']} ms",
        f"{'workers':>7} {'clients':>7} {'graph':>11} {'turns/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'cpu ms/turn':>11} {'busy cores':>10} {'load':>5}",
    ]
    for workers, levels in report["workers"].items():
        for clients, graphs in levels.items():
            for graph, m in graphs.items():
                lines.append(
                    f"{workers:>7} {clients:>7} {graph:>11} {m['turns_per_s']:>8} {m['p50_ms']:>8} "
                    f"{m['p95_ms']:>8} {m['server_cpu_ms_per_turn']:>11} {m['machine_busy_cores']:>10} "
                    f"{m['load_average']:>5}"
                )
    lines.append("ratios: " + ", ".join(f"{k} {v}" for k, v in report["ratios"].items()))
    return "\n".join(lines)


def int_list(text: str) -> list[int]:
    values = [int(x) for x in text.split(",") if x.strip()]
    if not values or any(v < 1 or v > 200 for v in values):
        raise argparse.ArgumentTypeError("a comma-separated list of numbers from 1 to 200")
    return values


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.server_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int_list, default=[1, 2], help="worker counts (default 1,2)")
    parser.add_argument("--concurrency", type=int_list, default=[1, 8, 32], help="conversations at once")
    parser.add_argument("--turns", type=int, default=10, help="turns per conversation (a lone one: 30)")
    parser.add_argument("--jobs", type=int, default=10, help="runs each worker executes at once")
    parser.add_argument("--postgres-url", default=os.environ.get("SWITCHBOARD_BENCH_POSTGRES_URL"))
    parser.add_argument("--redis-url", default=os.environ.get("SWITCHBOARD_BENCH_REDIS_URL"))
    parser.add_argument("--out", type=Path, help="write the JSON report here too")
    args = parser.parse_args(argv)
    if not 1 <= args.turns <= 100 or not 1 <= args.jobs <= 50:
        parser.error("--turns must be 1-100 and --jobs 1-50")
    report = run(args.workers, args.concurrency, args.turns, args.jobs, args.postgres_url, args.redis_url)
    print(table(report))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
