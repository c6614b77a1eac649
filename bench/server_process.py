"""Start `langgraph dev` for this repository as a child process (tests and the load benchmark).

Each server gets its own working directory, because langgraph dev keeps its thread records in
`./.langgraph_api/`; the project's databases come from the `SWITCHBOARD_*` variables passed in.
Loopback only; the offline environment block is always set.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

REPO_ROOT = Path(__file__).resolve().parent.parent
CONFIG = REPO_ROOT / "langgraph.json"
OFFLINE_ENV = {
    "LANGGRAPH_CLI_NO_ANALYTICS": "1",
    "LANGGRAPH_NO_VERSION_CHECK": "true",
    "LANGSMITH_TRACING": "false",
    "DEEPEVAL_TELEMETRY_OPT_OUT": "1",
    "DEEPEVAL_DISABLE_DOTENV": "1",
}


class ServerStartError(RuntimeError):
    """The server exited or did not answer in time; the message ends with its log."""


@dataclass(frozen=True)
class ServerProcess:
    url: str
    process: subprocess.Popen[bytes]
    workdir: Path
    log_path: Path

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_ready(server: ServerProcess, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise ServerStartError(
                f"langgraph dev exited with {server.process.returncode}:\n{server.log_tail()}"
            )
        try:
            if httpx.get(f"{server.url}/ok", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass  # not listening yet
        time.sleep(0.25)
    raise ServerStartError(f"langgraph dev did not answer within {timeout_s:.0f} s:\n{server.log_tail()}")


def stop(server: ServerProcess, grace_s: float = 15) -> None:
    """SIGTERM the server's process group (it may spawn workers), then SIGKILL if it lingers."""
    if server.process.poll() is not None:
        return
    os.killpg(server.process.pid, signal.SIGTERM)
    try:
        server.process.wait(grace_s)
    except subprocess.TimeoutExpired:
        os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait(5)


def start(workdir: Path, env: dict[str, str], *, port: int | None = None, jobs: int = 10) -> ServerProcess:
    """Launch (without waiting): `env` holds the SWITCHBOARD_* settings of this server."""
    port = port or free_port()
    workdir.mkdir(parents=True, exist_ok=True)
    log_path = workdir / "server.log"
    command = [
        str(Path(sys.executable).with_name("langgraph")),
        "dev",
        "--no-browser",
        "--no-reload",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n-jobs-per-worker",
        str(jobs),
        "--config",
        str(CONFIG),
    ]
    full_env = {**os.environ, **OFFLINE_ENV, **env}
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=workdir, env=full_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    return ServerProcess(f"http://127.0.0.1:{port}", process, workdir, log_path)


@contextmanager
def langgraph_servers(
    specs: list[tuple[Path, dict[str, str]]], *, timeout_s: float = 120, jobs: int = 10
) -> Iterator[list[ServerProcess]]:
    """Start several servers at once (their start-ups overlap), wait for all, stop all on exit."""
    servers = [start(workdir, env, jobs=jobs) for workdir, env in specs]
    try:
        for server in servers:
            _wait_ready(server, timeout_s)
        yield servers
    finally:
        for server in servers:
            stop(server)


@contextmanager
def langgraph_server(
    workdir: Path, env: dict[str, str], *, timeout_s: float = 120, jobs: int = 10
) -> Iterator[ServerProcess]:
    with langgraph_servers([(workdir, env)], timeout_s=timeout_s, jobs=jobs) as servers:
        yield servers[0]
