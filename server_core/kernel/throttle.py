"""Failed credentials, counted per key (an account, a client address) in fixed windows.

Past the limit a key is blocked until its window ends, and what it asks is answered 429 with
`Retry-After`:

- sign-in (`POST /auth/login`) checks the account and the client address *before* hashing the
  password, so a blocked guesser costs no argon2 run;
- a bad API key, access token or signature counts against the client address; once blocked, a
  failing credential answers 429 instead of 401 (a good one still passes: many agents may
  share one address, such as every local agent in embedded mode).

With Redis configured (`SESAME_REDIS_URL`) the counts are shared by every node; otherwise they
live in the process. Each node also remembers the keys it saw blocked, so a blocked key is
refused without a round trip.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Protocol

from server_core.config import Settings
from server_core.kernel.errors import ApiError, RateLimited

MAX_REMEMBERED = 100_000  # in-process counts kept before expired ones are swept


@dataclass(frozen=True)
class Limit:
    failures: int
    window_seconds: float


class Counter(Protocol):
    async def add(self, key: str, window_seconds: float) -> tuple[int, float]:
        """Count one for `key`; its count in the current window and seconds until it ends."""
        ...

    async def peek(self, key: str) -> tuple[int, float]: ...

    async def reset(self, key: str) -> None: ...

    async def close(self) -> None: ...


class MemoryCounter:
    """Counts in this process (one node)."""

    def __init__(self) -> None:
        self._counts: dict[str, tuple[float, int]] = {}  # key → (window end, count)

    async def add(self, key: str, window_seconds: float) -> tuple[int, float]:
        now = time.monotonic()
        ends, count = self._counts.get(key, (0.0, 0))
        if ends <= now:
            if len(self._counts) >= MAX_REMEMBERED:
                self._sweep(now)
            ends, count = now + window_seconds, 0
        self._counts[key] = (ends, count + 1)
        return count + 1, ends - now

    async def peek(self, key: str) -> tuple[int, float]:
        now = time.monotonic()
        ends, count = self._counts.get(key, (0.0, 0))
        return (count, ends - now) if ends > now else (0, 0.0)

    async def reset(self, key: str) -> None:
        self._counts.pop(key, None)

    async def close(self) -> None:
        self._counts.clear()

    def _sweep(self, now: float) -> None:
        for key in [key for key, (ends, _) in self._counts.items() if ends <= now]:
            del self._counts[key]


class RedisCounter:
    """Counts shared by every node through Redis: a key per counter, expiring with its window."""

    def __init__(self, url: str, prefix: str = "sesame:throttle:") -> None:
        import redis.asyncio as redis

        self._redis = redis.Redis.from_url(url)
        self._prefix = prefix

    async def add(self, key: str, window_seconds: float) -> tuple[int, float]:
        name = self._prefix + key
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(name, 0, px=max(1, int(window_seconds * 1000)), nx=True)
            pipe.incr(name)
            pipe.pttl(name)
            _, count, ttl_ms = await pipe.execute()
        return int(count), max(int(ttl_ms), 0) / 1000

    async def peek(self, key: str) -> tuple[int, float]:
        name = self._prefix + key
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.get(name)
            pipe.pttl(name)
            count, ttl_ms = await pipe.execute()
        return (int(count), max(int(ttl_ms), 0) / 1000) if count is not None else (0, 0.0)

    async def reset(self, key: str) -> None:
        await self._redis.delete(self._prefix + key)

    async def close(self) -> None:
        await self._redis.aclose()


class Throttle:
    """Failure counts with a local memory of the keys seen blocked, and the limits they are
    held to (settings)."""

    def __init__(self, counter: Counter, settings: Settings) -> None:
        self._counter = counter
        self._blocked: dict[str, float] = {}  # key → monotonic time its block ends
        window = settings.failure_window_seconds
        self.per_client = Limit(settings.auth_failures_per_client, window)
        self.login_per_account = Limit(settings.login_failures_per_account, window)
        self.login_per_client = Limit(settings.login_failures_per_client, window)

    async def bad_credentials(self, address: str, error: ApiError) -> ApiError:
        """What to answer a refused credential from `address`: the refusal, or 429 once the
        address has failed too often (a flood of bad credentials gets one cheap answer)."""
        key = f"auth:{address}"
        left = self.blocked(key) or await self.failed(key, self.per_client)
        if left is None:
            return error
        return refused("Too many failed credentials from this address", left)

    def blocked(self, key: str) -> float | None:
        """Seconds this node knows `key` stays blocked; None when it knows of no block."""
        until = self._blocked.get(key)
        if until is None:
            return None
        left = until - time.monotonic()
        if left <= 0:
            del self._blocked[key]
            return None
        return left

    async def check(self, key: str, limit: Limit, message: str) -> None:
        """Raise 429 when `key` is blocked, on this node or (shared counts) on any."""
        left = self.blocked(key)
        if left is None:
            count, ends_in = await self._counter.peek(key)
            if count >= limit.failures and ends_in > 0:
                left = self._remember(key, ends_in)
        if left is not None:
            raise refused(message, left)

    async def failed(self, key: str, limit: Limit) -> float | None:
        """Count a failure for `key`; the seconds it is now blocked for, or None."""
        count, ends_in = await self._counter.add(key, limit.window_seconds)
        if count >= limit.failures:
            return self._remember(key, ends_in)
        return None

    async def clear(self, key: str) -> None:
        self._blocked.pop(key, None)
        await self._counter.reset(key)

    async def close(self) -> None:
        await self._counter.close()

    def _remember(self, key: str, seconds: float) -> float:
        if len(self._blocked) >= MAX_REMEMBERED:
            now = time.monotonic()
            self._blocked = {k: until for k, until in self._blocked.items() if until > now}
        self._blocked[key] = time.monotonic() + seconds
        return seconds


def refused(message: str, seconds: float) -> RateLimited:
    """429 with `Retry-After` in whole seconds (at least 1) and `retryAfterMs` in details."""
    whole = max(1, int(-(-seconds // 1)))
    return RateLimited(
        f"{message}; try again in {whole} s",
        details={"retryAfterMs": int(seconds * 1000)},
        headers={"Retry-After": str(whole)},
    )


def throttle_for(settings: Settings) -> Throttle:
    counter = RedisCounter(settings.redis_url) if settings.redis_url else MemoryCounter()
    return Throttle(counter, settings)
