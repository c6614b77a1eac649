"""Starting the server on a port that is taken fails with one line instead of moving elsewhere."""

from __future__ import annotations

import socket

import pytest

from faces.langgraph_server import launch


def test_a_taken_port_is_refused_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        assert launch.port_in_use("127.0.0.1", port)
        assert launch.main(["dev", "--port", str(port)]) == 1
    err = capsys.readouterr().err.strip()
    assert f"port {port}" in err and "in use" in err and len(err.splitlines()) == 1


def test_a_free_port_is_free() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert not launch.port_in_use("127.0.0.1", port)
