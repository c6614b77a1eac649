"""Who is calling: the shape of a user id, and the API keys that map to users (CONTRACTS §2).

One definition for every face: the CLI and runner validate ids with it, the MCP server and the
LangGraph server read `SWITCHBOARD_API_KEYS` with it.
"""

from __future__ import annotations

import re

from switchboard.errors import ConfigurationError

USER_ID = re.compile(r"^[A-Za-z0-9_.:@-]{1,128}$")


def configured_user(value: str, where: str) -> str:
    """A user id from the configuration, or a ConfigurationError naming the setting."""
    user = value.strip()
    if not USER_ID.match(user):
        raise ConfigurationError(f"{where}: bad user id {value[:64]!r} (1-128 letters, digits, _.:@-)")
    return user


def parse_api_keys(raw: str | None) -> dict[str, str]:
    """`key:user_id,key:user_id` -> {key: user_id}; ConfigurationError for a malformed list."""
    keys: dict[str, str] = {}
    for item in (raw or "").split(","):
        item = item.strip()
        if not item:
            continue
        key, sep, user = (part.strip() for part in item.partition(":"))
        if not sep or not key or not user:
            raise ConfigurationError("SWITCHBOARD_API_KEYS must be comma-separated key:user_id pairs")
        keys[key] = configured_user(user, "SWITCHBOARD_API_KEYS")
    return keys
