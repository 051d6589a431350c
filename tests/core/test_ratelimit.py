"""The shared rate limiter, in the database and in Redis."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hub.core.auth.ratelimit import RateLimiter


async def _exercise(limiter: RateLimiter, key: str) -> None:
    window = timedelta(minutes=5)
    for _ in range(5):
        assert (await limiter.check(key, 5, window)).allowed
        await limiter.hit(key, window)
    verdict = await limiter.check(key, 5, window)
    assert not verdict.allowed and 1 <= verdict.retry_after <= 301
    assert (await limiter.check(f"{key}-other", 5, window)).allowed
    await limiter.reset(key)
    assert (await limiter.check(key, 5, window)).allowed


@pytest.mark.all_databases
async def test_database_rate_limiter(client, hub, database_url) -> None:
    await _exercise(RateLimiter(hub.engine), "login:email:a@example.org")


@pytest.mark.redis
async def test_redis_rate_limiter(redis_url: str) -> None:
    import secrets

    from redis.asyncio import Redis

    redis = Redis.from_url(redis_url)
    try:
        await _exercise(RateLimiter(None, redis), f"test:{secrets.token_hex(4)}")
    finally:
        await redis.aclose()


async def test_database_window_expires(client, hub) -> None:
    limiter = RateLimiter(hub.engine)
    window = timedelta(milliseconds=1)
    await limiter.hit("k", window)
    import asyncio

    await asyncio.sleep(0.01)
    assert (await limiter.check("k", 1, window)).allowed
    assert await limiter.hit("k", window) == 1
