"""Start the LangGraph server the way `make serve` and `make serve-prod` do, and say where it is.

    python -m faces.langgraph_server.launch dev  [--port 2024]
    python -m faces.langgraph_server.launch prod [--port 2024] [--workers 2]
    python -m faces.langgraph_server.launch migrate

`dev` runs `langgraph dev` (one process, thread and run records in memory, embedded defaults).
`prod` runs `langhost serve --workers N`: the stock `langgraph-api` on the open
`langgraph-runtime-pg` runtime, with thread and run records and the run queue in PostgreSQL
(`DATABASE_URI`) and wake-ups, streams and heartbeats in Redis (`REDIS_URI`). Before the workers
start, `migrate` creates the runtime's tables, the checkpoint tables and the demo data once:
workers starting together on an empty database would race on those migrations.

The web chat's link is printed last, once the server answers, after the framework's banner.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from switchboard.errors import ConfigurationError
from switchboard.sockets import bind_socket

REPO_ROOT = Path(__file__).resolve().parents[2]
OFFLINE_ENV = {
    "LANGGRAPH_CLI_NO_ANALYTICS": "1",
    "LANGGRAPH_NO_VERSION_CHECK": "true",
    "LANGSMITH_TRACING": "false",
}
# A dead worker's run is taken over once its heartbeat has been silent for two intervals: 10 s
# here (langgraph-api's default is 120 s) bounds a crashed turn's delay to about 20-40 s.
DEFAULT_HEARTBEAT_S = "10"


def _bin(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


def prod_environment(environ: dict[str, str]) -> dict[str, str]:
    """The workers' environment: the runtime's URIs, and the project's databases defaulting to them."""
    database_uri, redis_uri = environ.get("DATABASE_URI"), environ.get("REDIS_URI")
    if not database_uri or not redis_uri:
        raise SystemExit("serve-prod: set DATABASE_URI (PostgreSQL) and REDIS_URI (Redis)")
    return {
        **environ,
        **OFFLINE_ENV,
        "SWITCHBOARD_CHECKPOINT_URL": environ.get("SWITCHBOARD_CHECKPOINT_URL") or database_uri,
        "SWITCHBOARD_DATABASE_URL": environ.get("SWITCHBOARD_DATABASE_URL") or database_uri,
        "LG_RUNTIME_PG_AUTO_MIGRATE": "false",
        "LG_BG_JOB_HEARTBEAT": environ.get("LG_BG_JOB_HEARTBEAT") or DEFAULT_HEARTBEAT_S,
    }


def migrate() -> None:
    """Runtime tables, checkpoint tables and demo data, once, before any worker starts."""
    from langgraph.store.postgres import PostgresStore
    from langgraph_runtime_pg.migrate import upgrade_head

    from graphs.app import ensure_seeded
    from graphs.checkpoint import libpq_url, open_checkpointer
    from graphs.services import build_services
    from switchboard.settings import get_settings

    runtime_uri = os.environ["DATABASE_URI"]
    upgrade_head(runtime_uri)
    # The runtime also sets up a checkpointer and a store on DATABASE_URI in every worker, with no
    # lock between workers: done here first, those find nothing left to do.
    with PostgresStore.from_conn_string(libpq_url(runtime_uri)) as store:
        store.setup()
    settings = get_settings()
    for url in dict.fromkeys([runtime_uri, settings.checkpoint_url]):
        with open_checkpointer(url):
            pass  # opening runs the saver's migrations under an advisory lock
    services = build_services(settings)
    ensure_seeded(services)
    services.engine.dispose()


def _wait_ready(process: subprocess.Popen[bytes], url: str, timeout_s: float = 300) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"{url}/ok", timeout=2).status_code == 200:
                return True
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    return False


def port_in_use(host: str, port: int) -> bool:
    """Whether host:port cannot be listened on (something already holds it)."""
    # The framework silently moves to a random port when its port is taken, so the web chat link
    # would point at whatever holds the port: refuse instead, with a one-line error.
    try:
        bind_socket(host, port).close()
    except ConfigurationError:
        return True
    return False


def run(command: list[str], env: dict[str, str], url: str) -> int:
    """Run the server in the foreground; print the web chat's link once it answers."""
    process = subprocess.Popen(command, env=env, cwd=REPO_ROOT)
    signal.signal(signal.SIGTERM, lambda *_: process.terminate())
    try:
        if _wait_ready(process, url):
            from faces.langgraph_server.auth import login_hint

            print("\n" + login_hint(url), flush=True)
        return process.wait()
    except KeyboardInterrupt:
        process.send_signal(signal.SIGINT)
        return process.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="launch", description=__doc__.split("\n")[0])
    parser.add_argument("mode", choices=("dev", "prod", "migrate"))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=2024)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--jobs", type=int, default=10, help="concurrent runs per worker process")
    args = parser.parse_args(argv)
    url = f"http://{'127.0.0.1' if args.host in ('0.0.0.0', '::') else args.host}:{args.port}"
    where = ["--host", args.host, "--port", str(args.port), "--n-jobs-per-worker", str(args.jobs)]
    if args.mode != "migrate" and port_in_use(args.host, args.port):
        print(
            f"launch: port {args.port} on {args.host} is already in use; stop what holds it or choose another"
            " port (make serve SERVE_PORT=N, or --port N)",
            file=sys.stderr,
        )
        return 1
    if args.mode == "dev":
        env = {**os.environ, **OFFLINE_ENV}
        return run([_bin("langgraph"), "dev", "--no-browser", "--no-reload", *where], env, url)
    env = prod_environment(dict(os.environ))
    os.environ.update(env)
    migrate()
    if args.mode == "migrate":
        return 0
    command = [
        _bin("langhost"),
        "serve",
        *where,
        "--workers",
        str(args.workers),
        "--config",
        "langgraph.json",
    ]
    return run(command, env, url)


if __name__ == "__main__":
    sys.exit(main())
