"""Listening sockets: bound here, so a taken port is a one-line error before any server starts."""

from __future__ import annotations

import socket

from switchboard.errors import ConfigurationError


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening-ready socket on host:port, or a one-line ConfigurationError."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)[
            0
        ]
        sock = socket.socket(family, kind, proto)
    except OSError as exc:
        raise ConfigurationError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise ConfigurationError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    return sock
