"""Per-user rate and concurrency limits, the same on every face (library: `limits`).

Two kinds of request, each with its own rate (limits' notation, several joined by ";", e.g.
"10/second;60/minute"):

    turn   costly work: an assistant turn, an inventory question, a knowledge search
           (`SWITCHBOARD_RATE_LIMIT_TURNS`)
    call   anything else a client asks a server (`SWITCHBOARD_RATE_LIMIT_CALLS`)

and at most `SWITCHBOARD_MAX_CONCURRENT_TURNS` turns of one user running at once in a process.
The servers answer a refused request only after `SWITCHBOARD_RATE_LIMIT_DELAY_S` (at most its
Retry-After; `UserLimiter.pause`): a flood from clients that wait for each answer is slowed to
about one request per connection per second, so refusing it costs the server little.
Counters live in `SWITCHBOARD_RATE_LIMIT_STORAGE`: `memory://` (one process) or `redis://host:port`
(shared by every worker and face). A refused request raises `RateLimited`, whose message says when
to try again ("too many requests: try again in 7 s"); the HTTP faces answer 429 with Retry-After.
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Literal

from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from switchboard.errors import ConfigurationError, RateLimited
from switchboard.settings import Settings

Kind = Literal["turn", "call"]


class UserLimiter:
    """Rate limits per user and kind, and a cap on one user's turns running at once."""

    def __init__(
        self,
        *,
        turns: str,
        calls: str,
        max_concurrent: int,
        storage: str = "memory://",
        namespace: str = "sb",
        refusal_delay_s: float = 0.0,
    ) -> None:
        try:
            self.rates: dict[str, list[RateLimitItem]] = {
                "turn": parse_many(turns),
                "call": parse_many(calls),
            }
            self._limiter = MovingWindowRateLimiter(storage_from_string(storage))
        except (ValueError, TypeError) as exc:  # limits says which string it could not read
            raise ConfigurationError(f"bad rate limit setting: {exc}") from exc
        self.max_concurrent = max_concurrent
        self.namespace = namespace
        self.refusal_delay_s = refusal_delay_s
        self._running: Counter[str] = Counter()
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings, namespace: str = "sb") -> UserLimiter:
        return cls(
            turns=settings.rate_limit_turns,
            calls=settings.rate_limit_calls,
            max_concurrent=settings.max_concurrent_turns,
            storage=settings.rate_limit_storage,
            namespace=namespace,
            refusal_delay_s=settings.rate_limit_delay_s,
        )

    def hit(self, user_id: str, kind: Kind = "call") -> None:
        """Count one request of `user_id`; raise `RateLimited` when one of its rates is spent."""
        for rate in self.rates[kind]:
            if not self._limiter.hit(rate, self.namespace, kind, user_id):
                raise RateLimited(
                    self.retry_after(rate, user_id, kind), "turns" if kind == "turn" else "requests"
                )

    def retry_after(self, rate: RateLimitItem, user_id: str, kind: Kind) -> int:
        stats = self._limiter.get_window_stats(rate, self.namespace, kind, user_id)
        return max(1, math.ceil(stats.reset_time - time.time()))

    async def pause(self, refused: RateLimited) -> None:
        """Wait before answering a refused request (`refusal_delay_s`, at most its Retry-After)."""
        await asyncio.sleep(min(float(refused.retry_after_s), self.refusal_delay_s))

    @contextmanager
    def running(self, user_id: str) -> Iterator[None]:
        """Hold one of the user's concurrent-turn slots; `RateLimited` when all are taken."""
        with self._lock:
            if self._running[user_id] >= self.max_concurrent:
                raise RateLimited(1, "turns at once")
            self._running[user_id] += 1
        try:
            yield
        finally:
            with self._lock:
                self._running[user_id] -= 1
                if self._running[user_id] <= 0:
                    del self._running[user_id]

    @contextmanager
    def admit(self, user_id: str, kind: Kind) -> Iterator[None]:
        """A request of `kind`: counted against its rate, and a turn holds a concurrency slot."""
        self.hit(user_id, kind)
        if kind != "turn":
            yield
            return
        with self.running(user_id):
            yield


def shared_limiter(settings: Settings) -> UserLimiter:
    """The process's limiter for `settings`' limits: every command and server of one process
    counts against the same windows (`memory://`), every process too with a `redis://` storage."""
    return _shared(
        settings.rate_limit_turns,
        settings.rate_limit_calls,
        settings.max_concurrent_turns,
        settings.rate_limit_storage,
    )


@lru_cache(maxsize=8)
def _shared(turns: str, calls: str, max_concurrent: int, storage: str) -> UserLimiter:
    return UserLimiter(turns=turns, calls=calls, max_concurrent=max_concurrent, storage=storage)


def clear_shared_limiters() -> None:
    """Forget every shared limiter's counts (tests: each starts with empty windows)."""
    _shared.cache_clear()
