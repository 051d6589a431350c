"""SECURITY.md item 5: one address past the configured rate gets 429 (static files and the
health check exempt)."""

from __future__ import annotations

from pathlib import Path

from hub.core.app import create_app
from hub.core.settings import Settings
from hub.testing import running


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
