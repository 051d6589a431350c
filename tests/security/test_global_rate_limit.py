"""SECURITY.md item 5: one address past the configured rate gets 429 (static files and the
health check exempt)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.core.app import create_app
from hub.core.settings import Settings
from hub.testing import running

# Budgets are per calendar minute: the clock is pinned to the start of one (PINNED_NOW is on the
# minute), so a test never straddles two.
pytestmark = pytest.mark.usefixtures("pinned_now")


async def test_requests_past_the_rate_get_429_but_static_and_health_do_not(tmp_path: Path) -> None:
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
    async with running(first_app) as first:
        assert [(await first.get("/account/login")).status_code for _ in range(2)] == [200, 200]
    async with running(second_app) as second:  # another worker, same Redis: the count goes on
        statuses = [(await second.get("/account/login")).status_code for _ in range(2)]
        assert statuses == [200, 429]
