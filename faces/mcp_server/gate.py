"""The HTTP gate in front of the MCP endpoint: Host/Origin, who the bearer is, rate, body.

API keys (`SWITCHBOARD_API_KEYS`, `key:user_id` pairs) act as their user; the service token
(`SWITCHBOARD_MCP_SERVICE_TOKEN`) is the graph's connection, which names the user it acts for. A
request without a token is accepted only on a loopback bind with no API keys (the single-user
local mode), and a bind elsewhere without keys refuses to start. Each caller's requests count
against its `call` rate (`switchboard.ratelimit`: 429 with Retry-After when spent), and a POST
body must be one JSON-RPC message in UTF-8 JSON (`faces.mcp_server.hygiene`: 400 otherwise).
"""

from __future__ import annotations

from mcp.server.transport_security import TransportSecurityMiddleware, TransportSecuritySettings
from starlette.requests import HTTPConnection
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from faces.mcp_server.assembly import SwitchboardMCP
from faces.mcp_server.desk import CALLER_SCOPE_KEY, Caller, digest
from faces.mcp_server.hygiene import checked_body, replay
from faces.mcp_server.security import is_loopback, transport_security
from switchboard.errors import ConfigurationError, RateLimited
from switchboard.identity import parse_api_keys
from switchboard.ratelimit import UserLimiter
from switchboard.settings import Settings


def too_many(exc: RateLimited) -> JSONResponse:
    return JSONResponse(
        {"error": "rate_limited", "error_description": str(exc)},
        status_code=429,
        headers={"Retry-After": str(exc.retry_after_s)},
    )


class HttpGate:
    """ASGI middleware in front of the MCP endpoint: Host/Origin (421/403), then the bearer (401).

    A bearer token, when sent, must be valid: an API key (acts as its user) or the service token.
    Without one, a request is accepted only on a loopback bind with no API keys configured (the
    single-user local mode), as the configured user.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        security: TransportSecuritySettings,
        tokens: dict[str, Caller],
        anonymous: Caller | None,
        limiter: UserLimiter | None = None,
    ) -> None:
        self.app = app
        self.limiter = limiter
        self.security = TransportSecurityMiddleware(security)
        self.tokens = {digest(token): caller for token, caller in tokens.items()}
        self.anonymous = anonymous

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        connection = HTTPConnection(scope)
        refused = await self.security.validate_request(connection, is_post=False)
        if refused is not None:
            await refused(scope, receive, send)
            return
        caller, reason = self.caller(connection.headers.get("authorization"))
        if caller is None:
            response = JSONResponse(
                {"error": "unauthorized", "error_description": reason},
                status_code=401,
                headers={"WWW-Authenticate": 'Bearer realm="switchboard"'},
            )
            await response(scope, receive, send)
            return
        if self.limiter is not None and caller.user_id is not None and not caller.service:
            try:
                self.limiter.hit(caller.user_id, "call")
            except RateLimited as exc:
                await self.limiter.pause(exc)
                await too_many(exc)(scope, receive, send)
                return
        if scope.get("method") == "POST":
            body, problem = await checked_body(receive)
            if body is None:  # the client went away before sending its request
                return
            if problem is not None:
                await problem(scope, receive, send)
                return
            receive = replay(body, receive)
        scope[CALLER_SCOPE_KEY] = caller
        await self.app(scope, receive, send)

    def caller(self, authorization: str | None) -> tuple[Caller | None, str]:
        """Who an Authorization header stands for (None: refused), and why it was refused."""
        if authorization is None:
            return self.anonymous, "a bearer token is required"
        scheme, _, token = authorization.partition(" ")
        valid = scheme.lower() == "bearer" and bool(token.strip())
        return (self.tokens.get(digest(token.strip())) if valid else None), "the bearer token is not valid"


def http_callers(settings: Settings, host: str, local: Caller) -> tuple[dict[str, Caller], Caller | None]:
    """Token -> caller, and the caller of a request without a token (None: refused)."""
    api_keys = parse_api_keys(settings.api_keys.get_secret_value() if settings.api_keys else None)
    tokens: dict[str, Caller] = {key: Caller(user) for key, user in api_keys.items()}
    service = settings.mcp_service_token.get_secret_value() if settings.mcp_service_token else ""
    if service:
        tokens[service] = Caller(None, service=True)
    loopback = is_loopback(host)
    if not loopback and not api_keys:
        raise ConfigurationError(
            f"refusing to serve MCP on {host} without API keys: set SWITCHBOARD_API_KEYS "
            "(key:user_id pairs) or bind 127.0.0.1"
        )
    return tokens, (local if loopback and not api_keys else None)


def http_app(server: SwitchboardMCP, settings: Settings, host: str) -> HttpGate:
    """The streamable-HTTP ASGI app of `server` behind its gate; refuses an unsafe configuration."""
    tokens, anonymous = http_callers(settings, host, server.desk.local_caller)
    return HttpGate(
        server.streamable_http_app(),
        security=transport_security(host, settings),
        tokens=tokens,
        anonymous=anonymous,
        limiter=server.desk.limiter,
    )


def check_http_config(settings: Settings, host: str) -> None:
    """Refuse an unsafe bind (`ConfigurationError`) before any other work is done."""
    http_callers(settings, host, Caller(None))
