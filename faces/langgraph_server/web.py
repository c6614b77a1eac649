"""Custom routes of the LangGraph server (`langgraph.json` -> `http.app`): the web chat at `/ui`.

The page is static (HTML, CSS, ES modules in `web/`) and talks to the server's own HTTP API with
the user's API key; these routes only serve the files (and the specialists' display names, from
the registry), so they need no key themselves; the voice routes (`voice_routes`: speech to text
and back) need the user's key. Responses
carry a strict Content-Security-Policy: scripts and styles from this origin only, API calls to this
origin only.

The app's lifespan is the server's start-up hook: it loads the API keys (a malformed
`SWITCHBOARD_API_KEYS` stops the start) and warms the assistant up (services, seeded data, the
guard and router models), so the first chat does not pay for it and a server that answers is ready.
On the PostgreSQL + Redis runtime it also installs `runtime_fixes` (joins that ended early).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from faces.langgraph_server.limits import UserLimits
from faces.langgraph_server.voice_routes import voice_routes

WEB_DIR = Path(__file__).resolve().parents[2] / "web"
UI_PREFIX = "/ui"

SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        "img-src 'self' data:; media-src 'self' blob:; base-uri 'none'; form-action 'none'; "
        "frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-cache",
}


class UiHeaders:
    """Adds the security headers to every response under `/ui`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            # Straight to the router, which runs the server's combined lifespan. The middleware
            # langgraph-api adds after ours (EnsureStoreAccessible) asks for the store on every
            # scope, and on the PostgreSQL runtime the store exists only once that lifespan has
            # opened its pool: through the stack, start-up fails ("lifespan unsupported").
            await app.router(scope, receive, send)
            return
        if scope["type"] != "http" or not scope["path"].startswith(UI_PREFIX):
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def to_ui(request: Request) -> RedirectResponse:
    return RedirectResponse(f"{UI_PREFIX}/", status_code=307)


async def specialist_names(request: Request) -> JSONResponse:
    """How the page names each specialist, in Chinese and English (from the registry).

    The answer maps each agent id to its zh and en titles. (langgraph-api reads route docstrings
    as YAML for its OpenAPI page: this one must not look like a YAML mapping.)
    """
    from agents.registry import ROSTER

    return JSONResponse(ROSTER.titles())


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    from faces.langgraph_server import runtime_fixes
    from faces.langgraph_server.auth import keyring
    from faces.langgraph_server.graph import warm_up

    runtime_fixes.apply()
    await asyncio.to_thread(keyring)
    await warm_up()
    yield


app = Starlette(
    routes=[
        Route(UI_PREFIX, to_ui),
        Route(f"{UI_PREFIX}/specialists.json", specialist_names),
        *voice_routes(UI_PREFIX),
        Mount(UI_PREFIX, app=StaticFiles(directory=WEB_DIR, html=True), name="ui"),
    ],
    middleware=[Middleware(UiHeaders), Middleware(UserLimits)],
    lifespan=lifespan,
)
