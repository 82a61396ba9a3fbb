"""Failure counts in fixed windows, in the process and shared through Redis."""

from __future__ import annotations

import uuid

import anyio
import pytest

from server_core.config import Settings
from server_core.kernel.errors import InvalidCredentials, RateLimited
from server_core.kernel.throttle import Limit, MemoryCounter, RedisCounter, Throttle

pytestmark = pytest.mark.anyio

LIMIT = Limit(failures=2, window_seconds=0.3)


def settings() -> Settings:
    return Settings(auth_failures_per_client=2, failure_window_seconds=0.3)


async def test_a_key_is_blocked_past_its_limit_until_the_window_ends() -> None:
    throttle = Throttle(MemoryCounter(), settings())
    assert await throttle.failed("k", LIMIT) is None
    left = await throttle.failed("k", LIMIT)
    assert left is not None
    assert 0 < left <= 0.3
    with pytest.raises(RateLimited) as caught:
        await throttle.check("k", LIMIT, "Too many")
    assert caught.value.headers == {"Retry-After": "1"}
    await throttle.check("other", LIMIT, "Too many")  # other keys are not
    await anyio.sleep(0.35)
    await throttle.check("k", LIMIT, "Too many")
    assert await throttle.failed("k", LIMIT) is None  # a new window


async def test_bad_credentials_answer_429_once_the_address_is_blocked() -> None:
    throttle = Throttle(MemoryCounter(), settings())
    refusal = InvalidCredentials("Invalid API key")
    assert await throttle.bad_credentials("10.0.0.1", refusal) is refusal
    assert isinstance(await throttle.bad_credentials("10.0.0.1", refusal), RateLimited)
    assert await throttle.bad_credentials("10.0.0.2", refusal) is refusal


async def test_counts_in_redis_are_shared_by_every_node(redis_url: str) -> None:
    prefix = f"test-throttle:{uuid.uuid4()}:"
    one = Throttle(RedisCounter(redis_url, prefix), settings())
    other = Throttle(RedisCounter(redis_url, prefix), settings())
    try:
        await one.failed("account", LIMIT)
        await other.failed("account", LIMIT)  # the second failure, seen by another node
        with pytest.raises(RateLimited):
            await one.check("account", LIMIT, "Too many")
        await one.clear("account")
        await other.clear("account")
        await other.check("account", LIMIT, "Too many")
    finally:
        await one.close()
        await other.close()
