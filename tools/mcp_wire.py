"""What the MCP server and its in-house clients agree on beyond the MCP protocol itself.

Tool errors: a failed call is a normal MCP tool error (`isError: true`) whose text is the clear
message a model reads. The result's `_meta` also carries the error as data, so that a Switchboard
client (`agents.mcp_airline`) raises the same `switchboard.errors` exception, details included, as
the in-process service would:

    _meta = {"switchboard/error": {"type": "Conflict", "code": "seat_taken",
                                   "details": {"alternatives": ["12A", "12C"], ...}}}

Delegation: the graph's own service connection names the user it acts for in the request's
`_meta` (never in tool arguments, which a model writes):

    _meta = {"switchboard/acting_user": "USER123", "switchboard/service_token": "<secret>"}
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from switchboard.errors import (
    ConfigurationError,
    Conflict,
    InputError,
    NotAllowed,
    NotFound,
    SwitchboardError,
    ToolError,
    UnsafeQuery,
)
from tools.airline import BookingInfo

ERROR_KEY = "switchboard/error"
ACTING_USER_KEY = "switchboard/acting_user"
SERVICE_TOKEN_KEY = "switchboard/service_token"

_ERROR_TYPES: dict[str, type[SwitchboardError]] = {
    cls.__name__: cls
    for cls in (InputError, ToolError, NotFound, NotAllowed, Conflict, UnsafeQuery, ConfigurationError)
}
# Details that are result models, rebuilt as such on the client side.
_DETAIL_MODELS: dict[str, type[BaseModel]] = {"booking": BookingInfo}


def _jsonable(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def encode_error(exc: SwitchboardError) -> dict[str, Any]:
    """The `_meta` entry describing `exc`."""
    details = dict(getattr(exc, "details", {}) or {})
    kind = next((c.__name__ for c in type(exc).__mro__ if c.__name__ in _ERROR_TYPES), "ToolError")
    return {
        ERROR_KEY: {
            "type": kind,
            "code": details.pop("code", None),
            "details": _jsonable(details),
        }
    }


def decode_error(message: str, meta: dict[str, Any] | None) -> SwitchboardError | None:
    """The exception a tool error stands for; None when the result carries no Switchboard error."""
    data = (meta or {}).get(ERROR_KEY)
    if not isinstance(data, dict):
        return None
    cls = _ERROR_TYPES.get(str(data.get("type")), ToolError)
    raw = data.get("details")
    details: dict[str, Any] = dict(raw) if isinstance(raw, dict) else {}
    for key, model in _DETAIL_MODELS.items():
        if isinstance(details.get(key), dict):
            details[key] = model.model_validate(details[key])
    if data.get("code") is not None:
        details["code"] = data["code"]
    if issubclass(cls, ToolError):
        return cls(message, **details)
    return cls(message)
