"""Flood benchmark: does one key flooding the MCP HTTP server slow another key's turns?

One server process (`switchboard mcp --transport http`, loopback, the default per-user limits,
two API keys). Key B asks the assistant `--turns` questions one after another (at most one every
1.2 s, within its limit), twice: alone (the baseline) and while key A, from another process,
floods the server from `--flooders` concurrent connections, each sending assistant turns as fast
as the server answers them (bounded by `--flood-s` seconds and `--max-requests`). Reported: B's turn latency in both phases and their ratio (p50 and p95,
measured in the same run), and how many of A's requests were served or refused (429 at the HTTP
gate, or a "try again in N s" tool error; both answered after `SWITCHBOARD_RATE_LIMIT_DELAY_S`).
Exit status 1 when B's p50 slowed by more than 2x (with the limits).

    python -m bench.flood [--turns 40] [--flooders 8] [--out var/bench/flood.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench.mcp import _free_port, _wait_for_http

KEY_A, KEY_B = "flood-key-a-0123456789", "quiet-key-b-0123456789"
HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
QUESTION_B = "FL123 的状态"
# Key B keeps within the default turn rate (10 per 10 s) with a margin: one turn at most every
# PACE_S seconds. The server counts a turn when it reads it, so a flood that delays one of B's
# requests brings the next ones closer together on its clock (at 1.05 s, B was sometimes refused).
PACE_S = 1.2
QUESTIONS_A = ["FL456 delayed?", "how many BYD in stock", "可以带充电宝吗", "FL789 status"]


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class Client:
    """A minimal MCP client over raw HTTP (one session), enough to call tools and see 429s."""

    def __init__(self, http: httpx.AsyncClient, url: str, key: str) -> None:
        self.http, self.url = http, url
        self.headers = {**HEADERS, "Authorization": f"Bearer {key}"}
        self.next_id = 0

    async def start(self) -> None:
        response = await self.post(
            "initialize",
            {
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": {"name": "flood", "version": "0"},
            },
        )
        response.raise_for_status()
        self.headers["mcp-session-id"] = response.headers["mcp-session-id"]
        await self.http.post(
            self.url, json={"jsonrpc": "2.0", "method": "notifications/initialized"}, headers=self.headers
        )

    async def post(self, method: str, params: dict[str, Any]) -> httpx.Response:
        self.next_id += 1
        body = {"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params}
        return await self.http.post(self.url, json=body, headers=self.headers)

    async def ask(self, message: str, thread: str) -> str:
        """'ok', 'limited' (a tool error saying when to try again) or 'http-<status>'."""
        response = await self.post(
            "tools/call", {"name": "ask_assistant", "arguments": {"message": message, "thread_id": thread}}
        )
        if response.status_code != 200:
            return f"http-{response.status_code}"
        result = response.json().get("result", {})
        if result.get("isError"):
            text = " ".join(c.get("text", "") for c in result.get("content", []))
            return "limited" if "try again in" in text else "error"
        return "ok"


async def quiet_turns(url: str, turns: int, thread: str, pace_s: float = PACE_S) -> list[float]:
    """B's turns, at most one per `pace_s` (a client that keeps to its limit)."""
    latencies = []
    async with httpx.AsyncClient(timeout=120) as http:
        client = Client(http, url, KEY_B)
        await client.start()
        for _ in range(turns):
            started = time.perf_counter()
            outcome = await client.ask(QUESTION_B, thread)
            elapsed = time.perf_counter() - started
            latencies.append(elapsed * 1000)
            await asyncio.sleep(max(0.0, pace_s - elapsed))
            if outcome != "ok":
                raise RuntimeError(f"key B's turn was not served: {outcome}")
    return latencies


async def flood(url: str, flooders: int, stop: Any, max_requests: int) -> dict[str, int]:
    counts: dict[str, int] = {}
    sent = 0

    async def one(n: int) -> None:
        nonlocal sent
        async with httpx.AsyncClient(timeout=120) as http:
            client = Client(http, url, KEY_A)
            await client.start()
            while not stop.is_set() and sent < max_requests:
                sent += 1
                outcome = await client.ask(QUESTIONS_A[sent % len(QUESTIONS_A)], f"flood-{n}-{sent}")
                counts[outcome] = counts.get(outcome, 0) + 1

    await asyncio.gather(*(one(n) for n in range(flooders)), return_exceptions=True)
    return counts


def flood_process(url: str, flooders: int, stop: Any, max_requests: int, results: Any) -> None:
    """The flood in its own process (a child of `measure`): key A is another client, so its
    requests must not share key B's event loop, where they would slow B's measured turns on the
    client side."""
    results.put(asyncio.run(flood(url, flooders, stop, max_requests)))


async def measure(url: str, turns: int, flooders: int, flood_s: float, max_requests: int) -> dict[str, Any]:
    await quiet_turns(url, 3, "warm-up", pace_s=0)  # models loaded, caches warm
    await asyncio.sleep(10)  # the warm-up's turns leave B's rate window
    alone = await quiet_turns(url, turns, "b-alone")
    spawn = multiprocessing.get_context("spawn")
    stop, results = spawn.Event(), spawn.Queue()
    flooding = spawn.Process(target=flood_process, args=(url, flooders, stop, max_requests, results))
    flooding.start()
    await asyncio.sleep(3.0)  # the child has started and the flood is under way before B starts
    try:
        during = await asyncio.wait_for(quiet_turns(url, turns, "b-flood"), flood_s)
    finally:
        stop.set()
    counts = await asyncio.to_thread(results.get, True, 60)
    await asyncio.to_thread(flooding.join, 30)
    return {
        "turns": turns,
        "flooders": flooders,
        "alone_p50_ms": round(statistics.median(alone), 2),
        "alone_p95_ms": round(percentile(alone, 0.95), 2),
        "flood_p50_ms": round(statistics.median(during), 2),
        "flood_p95_ms": round(percentile(during, 0.95), 2),
        "slowdown_p50": round(statistics.median(during) / statistics.median(alone), 3),
        "slowdown_p95": round(percentile(during, 0.95) / percentile(alone, 0.95), 3),
        "flood_requests": counts,
    }


def start_server(workdir: Path, port: int, limits: bool = True) -> subprocess.Popen[bytes]:
    from bench.mcp import child_env
    from switchboard.settings import Settings
    from tools.db import make_engine
    from tools.inventory.seed import seed_inventory
    from tools.seed import seed_airline

    db = workdir / "app.db"
    engine = make_engine(f"sqlite:///{db}")
    seed_airline(engine)
    seed_inventory(engine, 1000)
    engine.dispose()
    settings = Settings(
        database_url=f"sqlite:///{db}", checkpoint_url=f"sqlite:///{workdir / 'cp.db'}", _env_file=None
    )  # type: ignore[call-arg]
    env = child_env(settings)
    if limits:
        for name in ("SWITCHBOARD_RATE_LIMIT_CALLS", "SWITCHBOARD_RATE_LIMIT_TURNS"):
            env.pop(name, None)  # the real, default limits
    else:  # the contrast: what a flood does when nothing limits it
        env["SWITCHBOARD_MAX_CONCURRENT_TURNS"] = "1000"
    env["SWITCHBOARD_API_KEYS"] = f"{KEY_A}:USER456,{KEY_B}:USER123"
    return subprocess.Popen(
        [sys.executable, "-m", "faces.cli.main", "mcp", "--transport", "http", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(workdir / "server.log", "wb"),  # noqa: SIM115 - closed with the process
    )


def run(
    turns: int = 40,
    flooders: int = 8,
    flood_s: float = 300.0,
    max_requests: int = 200_000,
    limits: bool = True,
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        port = _free_port()
        url = f"http://127.0.0.1:{port}/mcp"
        process = start_server(Path(tmp), port, limits)
        try:
            _wait_for_http(url, process)
            result = asyncio.run(measure(url, turns, flooders, flood_s, max_requests))
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
    result["limits"] = limits
    result["load_average"] = os.getloadavg()[0]
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=40)
    parser.add_argument("--flooders", type=int, default=8)
    parser.add_argument("--flood-s", type=float, default=300.0, help="longest the flood may last")
    parser.add_argument("--max-requests", type=int, default=200_000)
    parser.add_argument("--unlimited", action="store_true", help="lift the per-user limits (the contrast)")
    parser.add_argument("--out", type=Path, default=Path("var/bench/flood.json"))
    args = parser.parse_args(argv)
    result = run(args.turns, args.flooders, args.flood_s, args.max_requests, limits=not args.unlimited)
    print(json.dumps(result, indent=2))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0 if result["slowdown_p50"] <= 2.0 or args.unlimited else 1


if __name__ == "__main__":
    sys.exit(main())
