"""Sessions are shared by every app instance on one database (or Redis) and survive a restart.

The second instance is a real server process (uvicorn, as ``hub serve`` runs it) on the same hub
folder and database: exactly how a hub with several workers or machines runs.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from hub.core.settings import Settings
from hub.testing import HubClient, Outbox, TestMember, need_service

PASSWORD = "kettle lantern orchard 42"


class ServerClient(httpx.AsyncClient):
    """A browser talking to the second instance over real HTTP."""

    csrf_token = HubClient.csrf_token
    post_form = HubClient.post_form
    login = HubClient.login
    logout = HubClient.logout


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def server_process(settings: Settings) -> Iterator[str]:
    """Run the hub in a separate process on the same folder, database and Redis; yield its URL."""
    port = _free_port()
    env = {
        **os.environ,
        "HUB_DIR": str(settings.hub_dir),
        "HUB_SECRET_KEY": settings.secret_key,
        "HUB_PLUGINS": "",
        "HUB_REGISTRATION": settings.registration,
        "HUB_ALLOWED_HOSTS": "127.0.0.1",
        "HUB_RATE_LIMIT_PER_MINUTE": "100000",
        "HUB_REDIS_NAMESPACE": settings.redis_namespace,
    }
    for name, value in (("HUB_DATABASE_URL", settings.database_url), ("HUB_REDIS_URL", settings.redis_url)):
        if value:
            env[name] = value
        else:
            env.pop(name, None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "hub.core.app:serve_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise AssertionError(f"second instance exited: {process.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
            try:
                if httpx.get(f"{url}/-/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError("second instance did not start within 30 s")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@contextlib.asynccontextmanager
async def browser(url: str) -> AsyncIterator[ServerClient]:
    async with ServerClient(base_url=url, follow_redirects=False) as other:
        yield other


async def check_shared_and_restart(client: HubClient, settings: Settings) -> None:
    response = await client.post_form(
        "/account/register", {"display_name": "Sam Shared", "email": "sam@example.org", "password": PASSWORD}
    )
    assert response.status_code == 303
    outbox = Outbox.of(client.app.state.hub)
    confirmed = await client.post_form(outbox.last_link("sam@example.org", "/account/verify/"))
    assert confirmed.status_code == 303
    cookie = str(client.cookies.get("hub_session"))

    with server_process(settings) as url:
        async with browser(url) as second:
            second.cookies.set("hub_session", cookie, domain="127.0.0.1")
            page = await second.get("/account/")
            assert page.status_code == 200 and "sam@example.org" in page.text

            await second.logout()  # signing out on one instance signs out on the other
            assert (await client.get("/account/")).status_code == 303

            await second.login("sam@example.org", PASSWORD)
            cookie = str(second.cookies.get("hub_session"))
            assert (await second.get("/account/")).status_code == 200

    with server_process(settings) as url:  # the same server, restarted
        async with browser(url) as restarted:
            restarted.cookies.set("hub_session", cookie, domain="127.0.0.1")
            page = await restarted.get("/account/")
            assert page.status_code == 200 and "Sam Shared" in page.text
    client.cookies.set("hub_session", cookie, domain="testserver.local")
    assert (await client.get("/account/")).status_code == 200


@pytest.mark.all_databases
async def test_a_second_instance_shares_sessions_and_they_survive_a_restart(
    client: HubClient, hub_settings: Settings
) -> None:
    await check_shared_and_restart(client, hub_settings)


class TestWithRedis:
    @pytest.fixture
    def hub_settings(self, hub_settings: Settings) -> Settings:
        return hub_settings.with_overrides(redis_url=need_service("HUB_TEST_REDIS_URL", "Redis"))

    @pytest.mark.redis
    async def test_redis_sessions_are_shared_and_survive_a_restart(
        self, client: HubClient, hub: Any, hub_settings: Settings
    ) -> None:
        from hub.core.auth.sessions import RedisSessionStore

        assert isinstance(hub.sessions, RedisSessionStore)
        redis = hub.redis
        # Rate-limit counters outlive a test run in Redis; start this run's sign-up count afresh.
        stale = await client.in_app(lambda: _keys(redis, "hub:rate:*testclient*"))
        stale += await client.in_app(lambda: _keys(redis, "hub:rate:*sam@example.org*"))
        if stale:
            await client.in_app(redis.delete, *stale)
        await check_shared_and_restart(client, hub_settings)


async def _keys(redis: Any, pattern: str) -> list[Any]:
    return [key async for key in redis.scan_iter(pattern)]


async def test_suspension_on_one_instance_ends_sessions_on_the_other(
    client: HubClient, hub_settings: Settings, admin: TestMember, member: TestMember
) -> None:
    await client.login(member)
    with server_process(hub_settings) as url:
        async with browser(url) as second:
            await second.login(admin)
            suspended = await second.post_form(f"/admin/members/{member.id}/suspend", {"reason": "Spam"})
            assert suspended.status_code == 303
    assert (await client.get("/account/")).status_code == 303
