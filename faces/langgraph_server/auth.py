"""Custom auth of the LangGraph server (`langgraph.json` -> `auth.path`): API keys -> users.

Authentication: `Authorization: Bearer <key>` or `x-api-key: <key>` (what
`langgraph_sdk.get_client(api_key=...)` sends); keys come from `SWITCHBOARD_API_KEYS`
(comma-separated `key:user_id` pairs, CONTRACTS §2). When that is unset (local development), one
random key kept in `var/dev-api-key` acts as `settings.default_user_id` (USER123, the owner of the
demo booking); `make serve` prints a link that hands it to the web page. There is no anonymous
access: every API request needs a key.

Authorization, per resource:

- threads: the creator's user id is stamped in the thread's `owner` metadata; reading, listing,
  updating, deleting and running are filtered to `owner == caller`. A thread id whose conversation
  already exists in the shared checkpoint store (another server process on the same PostgreSQL)
  may only be re-created or run by the user that conversation belongs to.
- runs: the acting user is the key's user. A run whose `context` or `config` names another
  `user_id` is refused (403); `faces.langgraph_server.graph.ServerGraph` ignores client context anyway.
- assistants: read and search only (the server's own `switchboard` assistant); no store, no crons.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

from langgraph_sdk import Auth
from langgraph_sdk.auth.types import RunsCreate, ThreadsCreate, ThreadsUpdate

from faces.langgraph_server.graph import GRAPH_ID
from switchboard.identity import parse_api_keys
from switchboard.privacy import mask_deep
from switchboard.settings import VAR_DIR, Settings, get_settings

# What a thread handler returns: the metadata filter that limits what the caller sees.
Filter = dict[str, Any]

log = logging.getLogger("switchboard.auth")

DEV_KEY_FILE = VAR_DIR / "dev-api-key"
_BEARER = re.compile(r"^\s*Bearer\s+(\S+)\s*$", re.IGNORECASE)


def dev_key(path: Path = DEV_KEY_FILE) -> str:
    """The local development key: created once (owner-only file), then reused across restarts."""
    if path.exists():
        key = path.read_text(encoding="utf-8").strip()
        if key:
            return key
    path.parent.mkdir(parents=True, exist_ok=True)
    key = "sb-dev-" + secrets.token_urlsafe(24)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key + "\n")
    return key


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class KeyRing:
    """Digest of each key -> user id (keys themselves are not kept in memory longer than needed)."""

    users: dict[str, str]
    dev_key_in_use: bool

    def user_for(self, key: str) -> str | None:
        return self.users.get(_digest(key))


def load_keyring(settings: Settings, dev_key_file: Path = DEV_KEY_FILE) -> KeyRing:
    raw = settings.api_keys.get_secret_value() if settings.api_keys else ""
    keys = parse_api_keys(raw)
    if keys:
        return KeyRing({_digest(k): user for k, user in keys.items()}, dev_key_in_use=False)
    key = dev_key(dev_key_file)
    return KeyRing({_digest(key): settings.default_user_id}, dev_key_in_use=True)


@lru_cache(maxsize=1)
def keyring() -> KeyRing:
    ring = load_keyring(get_settings())
    if ring.dev_key_in_use:
        log.warning(
            "SWITCHBOARD_API_KEYS is not set: the development key in %s acts as %s",
            DEV_KEY_FILE,
            get_settings().default_user_id,
        )
    return ring


def bearer_token(authorization: str | None) -> str | None:
    match = _BEARER.match(authorization or "")
    return match.group(1) if match else None


def presented_key(headers: Mapping[bytes, bytes] | Mapping[str, str] | None) -> str | None:
    """The API key of a request: `Authorization: Bearer <key>`, else `x-api-key: <key>`.

    langgraph-api passes the raw ASGI headers (bytes); other Agent Protocol servers pass str.
    """
    text = {
        (k.decode("latin-1") if isinstance(k, bytes) else k).lower(): (
            v.decode("latin-1") if isinstance(v, bytes) else v
        )
        for k, v in (headers or {}).items()
    }
    token = bearer_token(text.get("authorization"))
    api_key = (text.get("x-api-key") or "").strip()
    return token or api_key or None


# ------------------------------------------------------------------------------ the handlers

auth = Auth()


def _unauthorized(detail: str) -> Auth.exceptions.HTTPException:
    return Auth.exceptions.HTTPException(
        status_code=401, detail=detail, headers={"WWW-Authenticate": 'Bearer realm="switchboard"'}
    )


@auth.authenticate
async def authenticate(
    headers: Mapping[bytes, bytes] | Mapping[str, str] | None,
) -> Auth.types.MinimalUserDict:
    token = presented_key(headers)
    if token is None:
        raise _unauthorized("missing API key: send Authorization: Bearer <key> or x-api-key: <key>")
    user_id = keyring().user_for(token)
    if user_id is None:
        raise _unauthorized("unknown API key")
    return {"identity": user_id, "is_authenticated": True, "permissions": []}


def _forbidden(detail: str) -> Auth.exceptions.HTTPException:
    return Auth.exceptions.HTTPException(status_code=403, detail=detail)


def _stamp_owner(value: dict[str, Any], user_id: str) -> None:
    metadata = value.get("metadata")
    if not isinstance(metadata, dict):
        metadata = {}
        value["metadata"] = metadata
    metadata["owner"] = user_id


async def _refuse_foreign_conversation(thread_id: Any, user_id: str) -> None:
    """A thread id whose checkpoints belong to someone else cannot be adopted on this server."""
    from faces.langgraph_server.graph import shared_checkpointer, thread_owner  # the saver this server opened

    saver = shared_checkpointer()
    if thread_id is None or saver is None:
        return
    owner = await thread_owner(saver, str(thread_id))
    if owner is not None and owner != user_id:
        raise _forbidden("this thread belongs to another user")


def _refuse_impersonation(kwargs: dict[str, Any], user_id: str) -> None:
    context = kwargs.get("context")
    configurable = (kwargs.get("config") or {}).get("configurable")
    for source in (context, configurable):
        claimed = source.get("user_id") if isinstance(source, dict) else None
        if claimed is not None and claimed != user_id:
            raise _forbidden("the user comes from your API key; a run cannot name another user_id")


@auth.on.threads.create
async def on_thread_create(ctx: Auth.types.AuthContext, value: ThreadsCreate) -> Filter:
    user_id = ctx.user.identity
    await _refuse_foreign_conversation(value.get("thread_id"), user_id)
    fields = cast(dict[str, Any], value)
    _stamp_owner(fields, user_id)
    # The server has one graph. Naming it now lets a thread re-created by id (on another server
    # process) show its conversation before its first run here; the server sets it on that run.
    fields["metadata"].setdefault("graph_id", GRAPH_ID)
    return {"owner": user_id}


def _storable_user(kwargs: dict[str, Any]) -> None:
    """The run's user as a plain dict, so that a queue in PostgreSQL can store the run.

    langgraph-api puts the authenticated user object itself in the run's config; the in-memory
    queue keeps it as is, but langgraph-runtime-pg writes the run to a JSON column and fails on it
    ("ProxyUser is not JSON serializable"). The worker turns a dict with an `identity` back into
    the same user (`normalize_user`), so nothing else changes.
    """
    configurable = (kwargs.get("config") or {}).get("configurable")
    user = configurable.get("langgraph_auth_user") if isinstance(configurable, dict) else None
    if user is None or isinstance(user, dict) or not isinstance(configurable, dict):
        return
    configurable["langgraph_auth_user"] = {
        "identity": user.identity,
        "is_authenticated": bool(getattr(user, "is_authenticated", True)),
        "display_name": str(getattr(user, "display_name", user.identity)),
        "permissions": list(getattr(user, "permissions", None) or []),
    }


def _mask_run_input(kwargs: dict[str, Any]) -> None:
    """PII at rest: the server stores a run's input with the run, so it is masked before that."""
    for key in ("input", "command"):
        if kwargs.get(key) is not None:
            kwargs[key] = mask_deep(kwargs[key])


@auth.on.threads.create_run
async def on_run_create(ctx: Auth.types.AuthContext, value: RunsCreate) -> Filter:
    user_id = ctx.user.identity
    fields = cast(dict[str, Any], value)
    kwargs = fields.get("kwargs") or {}
    _refuse_impersonation(kwargs, user_id)
    _mask_run_input(kwargs)
    _storable_user(kwargs)
    await _refuse_foreign_conversation(fields.get("thread_id"), user_id)
    _stamp_owner(fields, user_id)
    return {"owner": user_id}


@auth.on.threads.update
async def on_thread_update(ctx: Auth.types.AuthContext, value: ThreadsUpdate) -> Filter:
    fields = cast(dict[str, Any], value)
    if isinstance(fields.get("metadata"), dict):
        _stamp_owner(fields, ctx.user.identity)  # nobody re-assigns a thread
    return {"owner": ctx.user.identity}


@auth.on.threads.read
async def on_thread_read(ctx: Auth.types.AuthContext, value: Any) -> Filter:
    return {"owner": ctx.user.identity}


@auth.on.threads.search
async def on_thread_search(ctx: Auth.types.AuthContext, value: Any) -> Filter:
    return {"owner": ctx.user.identity}


@auth.on.threads.delete
async def on_thread_delete(ctx: Auth.types.AuthContext, value: Any) -> Filter:
    return {"owner": ctx.user.identity}


@auth.on.assistants.read
async def on_assistant_read(ctx: Auth.types.AuthContext, value: Any) -> bool:
    return True


@auth.on.assistants.search
async def on_assistant_search(ctx: Auth.types.AuthContext, value: Any) -> bool:
    return True


@auth.on
async def deny_everything_else(ctx: Auth.types.AuthContext, value: Any) -> bool:
    """Assistants are the server's own, and the graph uses neither the store nor crons."""
    return False


def login_hint(base_url: str, settings: Settings | None = None) -> str:
    """What `make serve` prints: where the web chat is and how to sign in."""
    settings = settings or get_settings()
    page = f"{base_url.rstrip('/')}/ui/"
    if settings.api_keys and parse_api_keys(settings.api_keys.get_secret_value()):
        return f"Web chat: {page}  (sign in with a key from SWITCHBOARD_API_KEYS)"
    return (
        f"Web chat: {page}#key={dev_key()}\n"
        f"  (development key of {settings.default_user_id}, kept in {DEV_KEY_FILE}; "
        "set SWITCHBOARD_API_KEYS=key:user,... for real users)"
    )


if __name__ == "__main__":
    import sys

    print(login_hint(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:2024"))
