"""SECURITY.md item 5: one address past the configured rate gets 429 (static files and the
health check exempt)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from hub.core.app import create_app
from hub.core.settings import Settings
from hub.testing import running


async def _not_near_a_new_minute() -> None:
    """Budgets are per calendar minute: start well inside one, so the test never straddles two."""
    if time.time() % 60 > 50:
        await asyncio.sleep(61 - time.time() % 60)


async def test_requests_past_the_rate_get_429_but_static_and_health_do_not(tmp_path: Path) -> None:
    await _not_near_a_new_minute()
    settings = Settings(hub_dir=tmp_path, plugins=(), allowed_hosts=("testserver.local",), rate_limit_per_minute=5)
    async with running(create_app(settings)) as client:
        statuses = [(await client.get("/account/login")).status_code for _ in range(7)]
        assert statuses[:5] == [200] * 5
        assert statuses[5:] == [429, 429]
        limited = await client.get("/account/login")
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0
        assert (await client.get("/-/health")).status_code == 200
        assert (await client.get("/static/core/hub.css")).status_code == 200


async def test_with_redis_the_budget_is_shared_by_every_worker(tmp_path: Path, redis_url: str) -> None:
    import secrets

    namespace = f"test-{secrets.token_hex(4)}"
    settings = Settings(
        hub_dir=tmp_path,
        plugins=(),
        allowed_hosts=("testserver.local",),
        rate_limit_per_minute=3,
        redis_url=redis_url,
        redis_namespace=namespace,
    )
    first_app, second_app = create_app(settings), create_app(settings)
    await _not_near_a_new_minute()
    async with running(first_app) as first:
        assert [(await first.get("/account/login")).status_code for _ in range(2)] == [200, 200]
    async with running(second_app) as second:  # another worker, same Redis: the count goes on
        statuses = [(await second.get("/account/login")).status_code for _ in range(2)]
        assert statuses == [200, 429]
