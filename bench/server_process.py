"""Start a LangGraph server for this repository as a child process (tests and benchmarks).

Two engines run the same `langgraph.json`: `dev` is `langgraph dev` (in-memory thread and run
records, kept in the working directory's `./.langgraph_api/`); `prod` is `langhost serve`, the
stock `langgraph-api` on the open PostgreSQL + Redis runtime (`langgraph-runtime-pg`), whose
thread and run records and queue live in `database_uri` and `redis_uri`, so several processes
serve one set of conversations. The project's databases come from the `SWITCHBOARD_*` variables
passed in. Loopback only; the offline environment block is always set.
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
class Engine:
    """Which server to run: `langgraph dev`, or `langhost serve` on PostgreSQL + Redis."""

    name: str = "dev"
    database_uri: str | None = None
    redis_uri: str | None = None
    workers: int = 1
    config: Path = CONFIG  # the langgraph.json to serve (a benchmark adds a baseline graph)

    @staticmethod
    def prod(database_uri: str, redis_uri: str, workers: int = 1, config: Path = CONFIG) -> Engine:
        return Engine("prod", database_uri, redis_uri, workers, config)


DEV = Engine()


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
                f"the server exited with {server.process.returncode}:\n{server.log_tail()}"
            )
        try:
            if httpx.get(f"{server.url}/ok", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass  # not listening yet
        time.sleep(0.25)
    raise ServerStartError(f"the server did not answer within {timeout_s:.0f} s:\n{server.log_tail()}")


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


def server_command(engine: Engine, port: int, jobs: int) -> list[str]:
    """The command line of one server on 127.0.0.1:`port`."""
    common = ["--host", "127.0.0.1", "--port", str(port), "--n-jobs-per-worker", str(jobs)]
    if engine.name == "dev":
        binary = str(Path(sys.executable).with_name("langgraph"))
        return [binary, "dev", "--no-browser", "--no-reload", *common, "--config", str(engine.config)]
    if not engine.database_uri or not engine.redis_uri:
        raise ValueError("the prod engine needs a PostgreSQL and a Redis URI")
    binary = str(Path(sys.executable).with_name("langhost"))
    return [
        binary,
        "serve",
        *common,
        "--workers",
        str(engine.workers),
        "--database-uri",
        engine.database_uri,
        "--redis-uri",
        engine.redis_uri,
        "--server-log-level",
        "warning",
        "--config",
        str(engine.config),
    ]


def migrate(engine: Engine, env: dict[str, str]) -> None:
    """The runtime's tables, the checkpoint tables and the demo data, once for all workers."""
    full_env = {
        **os.environ,
        **OFFLINE_ENV,
        **env,
        "DATABASE_URI": engine.database_uri or "",
        "REDIS_URI": engine.redis_uri or "",
    }
    done = subprocess.run(
        [sys.executable, "-m", "faces.langgraph_server.launch", "migrate"],
        cwd=REPO_ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0:
        raise ServerStartError(f"migrations failed:\n{done.stdout[-2000:]}{done.stderr[-4000:]}")


def kill(server: ServerProcess) -> None:
    """SIGKILL the server's process group: a crash, with no clean shutdown of its runs."""
    if server.process.poll() is None:
        os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait(10)


def start(
    workdir: Path, env: dict[str, str], *, port: int | None = None, jobs: int = 10, engine: Engine = DEV
) -> ServerProcess:
    """Launch (without waiting): `env` holds the SWITCHBOARD_* settings of this server."""
    port = port or free_port()
    workdir.mkdir(parents=True, exist_ok=True)
    log_path = workdir / "server.log"
    command = server_command(engine, port, jobs)
    full_env = {**os.environ, **OFFLINE_ENV, **env}
    if engine.name == "prod":
        full_env["LG_RUNTIME_PG_AUTO_MIGRATE"] = "false"  # `migrate` ran once before
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=workdir, env=full_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    return ServerProcess(f"http://127.0.0.1:{port}", process, workdir, log_path)


@contextmanager
def langgraph_servers(
    specs: list[tuple[Path, dict[str, str]]],
    *,
    timeout_s: float = 120,
    jobs: int = 10,
    engine: Engine = DEV,
) -> Iterator[list[ServerProcess]]:
    """Start several servers at once (their start-ups overlap), wait for all, stop all on exit."""
    if engine.name == "prod" and specs:
        migrate(engine, specs[0][1])
    servers = [start(workdir, env, jobs=jobs, engine=engine) for workdir, env in specs]
    try:
        for server in servers:
            _wait_ready(server, timeout_s)
        yield servers
    finally:
        for server in servers:
            stop(server)


@contextmanager
def langgraph_server(
    workdir: Path, env: dict[str, str], *, timeout_s: float = 120, jobs: int = 10, engine: Engine = DEV
) -> Iterator[ServerProcess]:
    with langgraph_servers([(workdir, env)], timeout_s=timeout_s, jobs=jobs, engine=engine) as servers:
        yield servers[0]
