"""`python -m bench.mcp [--calls N] [--quick] [--out FILE.json]`: what MCP costs per tool call.

One server process per transport (streamable HTTP on 127.0.0.1, and stdio), each started once and
driven through one client session; the same tools called directly on `AirlineService` in this
process are the baseline of the same run. Reported per transport and tool: p50/p95 in ms and
their ratio to the direct call. In-memory MCP (same process, no IPC) separates the protocol's
cost from the transport's. Last, whole graph turns ("status of FL123") with the specialists'
tools in-process against the same turns with the tools through a stdio MCP server (item 4).

The benchmark works on its own database (var/bench/mcp.db, reseeded each run); loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from switchboard.settings import VAR_DIR, Settings

BENCH_DIR = VAR_DIR / "bench"
TOOLS: dict[str, dict[str, Any]] = {
    "fare_quote": {"flight_number": "FL123"},
    "flight_status": {"flight_number": "FL123"},
}
WARMUP = 10
START_TIMEOUT_S = 60.0


def stats(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"n": len(ordered), "p50_ms": round(statistics.median(ordered), 3), "p95_ms": round(p95, 3)}


def bench_settings() -> Settings:
    """A fresh seeded database for this run."""
    from tools.db import make_engine
    from tools.inventory.seed import seed_inventory
    from tools.seed import seed_airline

    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    db, checkpoints = BENCH_DIR / "mcp.db", BENCH_DIR / "mcp-checkpoints.db"
    for path in (db, checkpoints):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{db}")
    seed_airline(engine)
    seed_inventory(engine, 1000)
    engine.dispose()
    return Settings(
        database_url=f"sqlite:///{db}",
        checkpoint_url=f"sqlite:///{checkpoints}",
        openai_api_key=None,
        # The benchmark measures the cost of a call, not the per-user limits of a real server.
        rate_limit_calls=UNLIMITED,
        rate_limit_turns=UNLIMITED,
        _env_file=None,  # type: ignore[call-arg]  # a BaseSettings init option, not a field
    )


UNLIMITED = "1000000/second"


def child_env(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SWITCHBOARD_", "OPENAI_"))}
    env.update(
        SWITCHBOARD_DATABASE_URL=settings.database_url,
        SWITCHBOARD_CHECKPOINT_URL=settings.checkpoint_url,
        SWITCHBOARD_MODEL_DIR=str(settings.model_dir),
        SWITCHBOARD_RATE_LIMIT_CALLS=UNLIMITED,
        SWITCHBOARD_RATE_LIMIT_TURNS=UNLIMITED,
        LANGSMITH_TRACING="false",
    )
    return env


def direct(settings: Settings, calls: int) -> dict[str, list[float]]:
    from tools.airline import AirlineService
    from tools.db import get_engine

    service = AirlineService(get_engine(settings.database_url))
    functions: dict[str, Callable[[], Any]] = {
        "fare_quote": lambda: service.fares("FL123"),
        "flight_status": lambda: service.flight_status("FL123"),
    }
    samples: dict[str, list[float]] = {}
    for tool, fn in functions.items():
        for _ in range(WARMUP):
            fn()
        samples[tool] = []
        for _ in range(calls):
            start = time.perf_counter()
            fn()
            samples[tool].append((time.perf_counter() - start) * 1000)
    return samples


async def _lean_call(session: Any, tool: str, arguments: dict[str, Any]) -> Any:
    """A call as `agents.mcp_airline` makes it: no client-side jsonschema check of the result."""
    from mcp import types

    request = types.ClientRequest(
        types.CallToolRequest(params=types.CallToolRequestParams(name=tool, arguments=arguments))
    )
    return await session.send_request(request, types.CallToolResult)


async def drive(session: Any, calls: int) -> dict[str, list[float]]:
    """`calls` timed calls of each tool, with the SDK's `call_tool` and with the lean call."""
    samples: dict[str, list[float]] = {}
    for client in ("sdk_client", "lean_client"):
        for tool, arguments in TOOLS.items():

            async def one(
                tool: str = tool, arguments: dict[str, Any] = arguments, client: str = client
            ) -> Any:
                if client == "sdk_client":
                    return await session.call_tool(tool, arguments)
                return await _lean_call(session, tool, arguments)

            for _ in range(WARMUP):
                await one()
            key = f"{tool} ({client})"
            samples[key] = []
            for _ in range(calls):
                start = time.perf_counter()
                result = await one()
                samples[key].append((time.perf_counter() - start) * 1000)
                if result.isError:
                    raise RuntimeError(f"{tool} failed: {result.content}")
    return samples


def over_memory(settings: Settings, calls: int) -> dict[str, list[float]]:
    from mcp.shared.memory import create_connected_server_and_client_session

    import faces.mcp_server as mcp_server

    async def main() -> dict[str, list[float]]:
        with mcp_server.open_server(settings) as server:
            async with create_connected_server_and_client_session(server) as session:
                return await drive(session, calls)

    return asyncio.run(main())


def over_stdio(settings: Settings, calls: int) -> dict[str, list[float]]:
    from mcp import ClientSession, StdioServerParameters
    from mcp.client.stdio import stdio_client

    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "faces.cli.main", "mcp", "--transport", "stdio"],
        env=child_env(settings),
    )

    async def main() -> dict[str, list[float]]:
        async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
            await asyncio.wait_for(session.initialize(), START_TIMEOUT_S)
            return await drive(session, calls)

    return asyncio.run(main())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_for_http(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the HTTP server exited with code {process.returncode}")
        try:
            httpx.get(url, timeout=1)  # any answer (405, 406, ...) means it is listening
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError("the HTTP server did not start in time")


def over_http(settings: Settings, calls: int) -> dict[str, list[float]]:
    from mcp import ClientSession
    from mcp.client.streamable_http import streamable_http_client

    port = _free_port()
    url = f"http://127.0.0.1:{port}/mcp"
    process = subprocess.Popen(
        [sys.executable, "-m", "faces.cli.main", "mcp", "--transport", "http", "--port", str(port)],
        env=child_env(settings),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_http(url, process)

        async def main() -> dict[str, list[float]]:
            async with (
                streamable_http_client(url) as (read, write, _),
                ClientSession(read, write) as session,
            ):
                await session.initialize()
                return await drive(session, calls)

        return asyncio.run(main())
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def graph_turns(settings: Settings, turns: int) -> dict[str, list[float]]:
    """Flight-status turns with the airline tools in-process, then through a stdio MCP server."""
    from langgraph.checkpoint.memory import InMemorySaver

    from graphs.assistant import build_graph
    from graphs.runner import run_turn
    from graphs.services import build_services

    samples: dict[str, list[float]] = {}
    for mode, via_mcp in (("in_process", False), ("via_mcp_stdio", True)):
        services = build_services(settings.model_copy(update={"tools_via_mcp": via_mcp}))
        graph = build_graph(services).compile(checkpointer=InMemorySaver())
        try:
            samples[mode] = []
            for i in range(WARMUP + turns):
                start = time.perf_counter()
                result = run_turn(
                    graph, user_id="USER123", thread_id=uuid.uuid4().hex, text="status of FL123?"
                )
                if i >= WARMUP:
                    samples[mode].append((time.perf_counter() - start) * 1000)
                if result["task_status"] != "completed":
                    raise RuntimeError(f"unexpected turn: {result}")
        finally:
            close = getattr(services.airline, "close", None)
            if close is not None:
                close()
    return samples


def report(calls: int, turns: int) -> dict[str, Any]:
    settings = bench_settings()
    runs: dict[str, Callable[[Settings, int], dict[str, list[float]]]] = {
        "memory": over_memory,
        "stdio": over_stdio,
        "http": over_http,
    }
    base = {tool: stats(samples) for tool, samples in direct(settings, calls).items()}
    result: dict[str, Any] = {"calls_per_tool": calls, "direct": base, "transports": {}}
    for name, run in runs.items():
        started = time.perf_counter()
        measured = {tool: stats(samples) for tool, samples in run(settings, calls).items()}
        for key, figures in measured.items():
            tool = key.split(" ")[0]
            figures["ratio_p50"] = round(figures["p50_ms"] / max(base[tool]["p50_ms"], 1e-6), 1)
            figures["ratio_p95"] = round(figures["p95_ms"] / max(base[tool]["p95_ms"], 1e-6), 1)
        result["transports"][name] = {**measured, "wall_s": round(time.perf_counter() - started, 1)}
    if turns:
        graph: dict[str, Any] = {
            mode: stats(samples) for mode, samples in graph_turns(settings, turns).items()
        }
        graph["ratio_p50"] = round(graph["via_mcp_stdio"]["p50_ms"] / graph["in_process"]["p50_ms"], 2)
        result["graph_turn"] = graph
    return result


def render(result: dict[str, Any]) -> str:
    lines = [f"{'tool call (ms)':42} {'p50':>8} {'p95':>8} {'x p50':>8} {'x p95':>8}"]
    for tool, figures in result["direct"].items():
        lines.append(
            f"{'direct ' + tool:42} {figures['p50_ms']:>8.3f} {figures['p95_ms']:>8.3f} {'1':>8} {'1':>8}"
        )
    for name, tools in result["transports"].items():
        for tool, figures in tools.items():
            if tool == "wall_s":
                continue
            lines.append(
                f"{name + ' ' + tool:42} {figures['p50_ms']:>8.3f} {figures['p95_ms']:>8.3f}"
                f" {figures['ratio_p50']:>8} {figures['ratio_p95']:>8}"
            )
    graph = result.get("graph_turn")
    if graph:
        lines.append("")
        lines.append(f"{'graph turn (ms)':42} {'p50':>8} {'p95':>8}")
        for mode in ("in_process", "via_mcp_stdio"):
            lines.append(f"{mode:42} {graph[mode]['p50_ms']:>8.2f} {graph[mode]['p95_ms']:>8.2f}")
        lines.append(f"{'via MCP / in-process (p50)':42} {graph['ratio_p50']:>8}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.mcp", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--calls", type=int, default=300, help="measured calls per tool and transport (default 300)"
    )
    parser.add_argument("--turns", type=int, default=40, help="measured graph turns per mode (0 skips them)")
    parser.add_argument("--quick", action="store_true", help="50 calls, 10 turns")
    parser.add_argument(
        "--out", type=Path, default=BENCH_DIR / "mcp.json", help="JSON report (default var/bench/mcp.json)"
    )
    args = parser.parse_args(argv)
    calls, turns = (50, 10) if args.quick else (args.calls, args.turns)
    if not 1 <= calls <= 10_000 or not 0 <= turns <= 1_000:
        parser.error("--calls must be 1-10000 and --turns 0-1000")
    result = report(calls, turns)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(render(result))
    print(f"\nwritten: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
