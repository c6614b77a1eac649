"""The LLM engine's HTTP client: a request's timeout is a deadline for the whole answer.

httpx applies a read timeout to each read, so a server that sends its headers and then trickles
the body a byte at a time could hold a call far past its timeout. This client stamps each request
with a deadline (now + its read timeout, which `agents.llm_calls` sets to what is left of the
turn's budget) and, once the headers are in, arms a timer that shuts the connection's socket at
that deadline if the body is still coming: the read fails at once, the server sees the client
hang up (and cancels its work), and the call ends as a timeout. The headers themselves are
bounded by the read timeout as usual.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from time import monotonic
from typing import Any

import httpx

_DEADLINE = "switchboard_deadline"


class _DeadlineStream(httpx.SyncByteStream):
    """The response body; the timer is disarmed when the body has been read or closed."""

    def __init__(self, inner: Any, timer: threading.Timer, expired: threading.Event) -> None:
        self._inner = inner
        self._timer = timer
        self._expired = expired

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield from self._inner
        except httpx.HTTPError:
            if self._expired.is_set():
                raise httpx.ReadTimeout("the answer did not finish before the deadline") from None
            raise
        if self._expired.is_set():
            raise httpx.ReadTimeout("the answer did not finish before the deadline")

    def close(self) -> None:
        self._timer.cancel()
        self._inner.close()


def _stamp(request: httpx.Request) -> None:
    read = (request.extensions.get("timeout") or {}).get("read")
    if read is not None:
        request.extensions[_DEADLINE] = monotonic() + float(read)


def _arm(response: httpx.Response) -> None:
    deadline = response.request.extensions.get(_DEADLINE)
    stream = response.extensions.get("network_stream")
    sock = stream.get_extra_info("socket") if stream is not None else None
    if deadline is None or sock is None:
        return
    expired = threading.Event()

    def cut() -> None:
        expired.set()
        with contextlib.suppress(OSError):  # already closed: the answer finished meanwhile
            sock.shutdown(socket.SHUT_RDWR)

    timer = threading.Timer(max(0.0, deadline - monotonic()), cut)
    timer.daemon = True
    response.stream = _DeadlineStream(response.stream, timer, expired)
    timer.start()


def deadline_client(timeout_s: float) -> httpx.Client:
    """An httpx client whose requests end at their timeout, body included."""
    return httpx.Client(timeout=timeout_s, event_hooks={"request": [_stamp], "response": [_arm]})
