"""Per-user rate and concurrency limits of the LangGraph server (a middleware of `http.app`).

langgraph-api applies the custom app's middleware to every route, its API included, so this is
where a flood from one key stops: each request with a known key counts against its user's
limits (`switchboard.ratelimit`), a run (POST `.../runs`, `.../runs/wait`, `.../runs/stream`) as a
turn, anything else as a call. A waited or streamed run holds one of the user's concurrent-turn
slots while it runs. A request over a limit gets 429 with Retry-After and a one-line reason (after
`SWITCHBOARD_RATE_LIMIT_DELAY_S`: a client retrying at once is slowed down); a
request without a known key goes on to the server's auth, which answers 401.
"""

from __future__ import annotations

import re
from functools import lru_cache

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from switchboard.errors import RateLimited
from switchboard.ratelimit import Kind, UserLimiter
from switchboard.settings import get_settings

_RUN = re.compile(r"/runs(?:/(?:stream|wait|batch))?/?$")
_WAITED = re.compile(r"/runs/(?:stream|wait)/?$")
# Unauthenticated routes of the server and the web chat's static files: not counted.
_FREE_PREFIXES = ("/ui", "/ok", "/info", "/docs", "/openapi.json")


@lru_cache(maxsize=1)
def limiter() -> UserLimiter:
    return UserLimiter.from_settings(get_settings())


def too_many(exc: RateLimited) -> JSONResponse:
    return JSONResponse(
        {"detail": str(exc), "error": "rate_limited"},
        status_code=429,
        headers={"Retry-After": str(exc.retry_after_s)},
    )


def request_kind(method: str, path: str) -> Kind:
    return "turn" if method == "POST" and _RUN.search(path) else "call"


class UserLimits:
    """ASGI middleware: the limits of the key's user (see the module docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or path.startswith(_FREE_PREFIXES):
            await self.app(scope, receive, send)
            return
        from faces.langgraph_server.auth import keyring, presented_key

        key = presented_key(dict(Headers(scope=scope)))
        user = keyring().user_for(key) if key else None
        if user is None:
            await self.app(scope, receive, send)
            return
        kind = request_kind(scope.get("method", "GET"), path)
        gate = limiter()
        try:
            gate.hit(user, kind)
            if kind == "turn" and _WAITED.search(path):
                with gate.running(user):
                    await self.app(scope, receive, send)
                return
        except RateLimited as exc:
            await gate.pause(exc)
            await too_many(exc)(scope, receive, send)
            return
        await self.app(scope, receive, send)
