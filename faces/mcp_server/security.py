"""Transport security of the HTTP endpoint: which Host and Origin headers a request may carry.

They guard against DNS rebinding and cross-site browser pages; the bearer token is the gate's job
(`faces.mcp_server.gate`).
"""

from __future__ import annotations

import ipaddress
import socket

from mcp.server.transport_security import TransportSecuritySettings

from switchboard.settings import Settings

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def is_wildcard(host: str) -> bool:
    return host.strip("[]") in ("0.0.0.0", "::", "")


def host_header_name(host: str) -> str:
    """`::1` -> `[::1]`: how an address appears in a Host header."""
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def transport_security(host: str, settings: Settings) -> TransportSecuritySettings:
    """Host and Origin checks against DNS rebinding and cross-site browsers.

    Host: loopback names, the bound address, `SWITCHBOARD_MCP_ALLOWED_HOSTS` (and this machine's
    name on a wildcard bind). Origin: none (non-browser clients) or a loopback page.
    """
    names = list(LOOPBACK_NAMES)
    if is_wildcard(host):
        names.append(socket.gethostname())
    elif not is_loopback(host):
        names.append(host_header_name(host))
    names += [h.strip() for h in settings.mcp_allowed_hosts.split(",") if h.strip()]
    hosts: list[str] = []
    for name in dict.fromkeys(names):
        hosts += (
            [name] if name.rsplit(":", 1)[-1].isdigit() and not name.endswith("]") else [name, f"{name}:*"]
        )
    origins = [
        f"{scheme}://{name}{suffix}"
        for scheme in ("http", "https")
        for name in LOOPBACK_NAMES
        for suffix in ("", ":*")
    ]
    return TransportSecuritySettings(
        enable_dns_rebinding_protection=True, allowed_hosts=hosts, allowed_origins=origins
    )
