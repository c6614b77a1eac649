"""The exception hierarchy of Switchboard.

    SwitchboardError                 base of everything raised on purpose
    ├── InputError                   bad input from a person or a client (empty, too long, binary, wrong type)
    ├── ToolError                    an expected failure of a domain service; the agent can act on it
    │   ├── NotFound                 unknown flight, seat, booking, ...
    │   ├── NotAllowed               the record belongs to another user
    │   ├── Conflict                 the seat is taken, the flight is cancelled, ...
    │   ├── UnsafeQuery              SQL rejected by validation (read-only, allow-list, cost bounds, ...)
    │   └── RateLimited              too many requests from one user: try again in `retry_after_s`
    └── ConfigurationError           settings that cannot work (bad URL, missing model)

Programmer errors are not wrapped: they raise as the built-in exceptions they are.
"""

from __future__ import annotations


class SwitchboardError(Exception):
    """Base class of every error Switchboard raises on purpose."""


class InputError(SwitchboardError):
    """The input cannot be processed as given."""


class ConfigurationError(SwitchboardError):
    """The process is configured in a way that cannot work."""


class ToolError(SwitchboardError):
    """An expected failure of a domain service, with a code the agents translate into a reply."""

    code = "tool_error"

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.details = details


class NotFound(ToolError):
    code = "not_found"


class NotAllowed(ToolError):
    code = "not_allowed"


class Conflict(ToolError):
    code = "conflict"


class UnsafeQuery(ToolError):
    code = "unsafe_query"


class RateLimited(ToolError):
    """A user sent more requests than their limit allows; `retry_after_s` says when to try again."""

    code = "rate_limited"

    def __init__(self, retry_after_s: int, what: str = "requests") -> None:
        self.retry_after_s = max(1, int(retry_after_s))
        super().__init__(
            f"too many {what}: try again in {self.retry_after_s} s",
            code="rate_limited",
            retry_after_s=self.retry_after_s,
        )
