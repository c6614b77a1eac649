"""LangSmith never keeps the process alive: an endpoint that never answers costs the flush deadline."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_cli import switchboard


class BlackHole:
    """A TCP server on loopback that accepts connections and never sends a byte."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted.append(conn)  # held open, never answered

    def close(self) -> None:
        self.sock.close()
        for conn in self.accepted:
            conn.close()


@pytest.fixture
def black_hole() -> Iterator[BlackHole]:
    hole = BlackHole()
    yield hole
    hole.close()


def traced_env(env: dict[str, str], port: int, tracing: str) -> dict[str, str]:
    return {
        **env,
        "LANGSMITH_TRACING": tracing,
        "LANGSMITH_ENDPOINT": f"http://127.0.0.1:{port}",
        "LANGSMITH_API_KEY": "lsv2-test-key",
        "SWITCHBOARD_LANGSMITH_FLUSH_TIMEOUT_S": "1",
    }


def test_a_never_answering_langsmith_endpoint_does_not_keep_the_cli_alive(
    cli_env: dict[str, str], black_hole: BlackHole, tmp_path: Path
) -> None:
    # Without the flush deadline this process never exits (the test's subprocess timeout fails it).
    proc = switchboard(
        traced_env(cli_env, black_hole.port, "true"), "chat", "--json", "查询航班 FL123 的状态"
    )
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    assert json.loads(proc.stdout)["intent"] == "flight_status"
    assert black_hole.accepted, "tracing was on, so the endpoint should have been tried"


def test_with_tracing_off_langsmith_makes_no_connection(
    cli_env: dict[str, str], black_hole: BlackHole
) -> None:
    proc = switchboard(traced_env(cli_env, black_hole.port, "false"), "chat", "--json", "hello")
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    assert black_hole.accepted == []
