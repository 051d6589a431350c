"""Skill-swap tests run a hub with only this plugin, and helpers to make listings and exchanges."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

import pytest

from hub.core.settings import Settings


@pytest.fixture
def enabled_plugins() -> tuple[str, ...] | None:
    return ("skillswap",)


@pytest.fixture
def skillswap_config() -> dict[str, Any]:
    """Override (or use ``@pytest.mark.parametrize`` indirectly) to change the plugin's settings."""
    return {}


@pytest.fixture
def hub_settings(hub_settings: Settings, skillswap_config: dict[str, Any]) -> Settings:
    return replace(hub_settings, plugin_config={"skillswap": skillswap_config})


@pytest.fixture
def credits_config() -> dict[str, Any]:
    return {"time_credits": True, "starter_credits": 0}


async def category_id(slug: str = "garden") -> int:
    from hub.plugins.skillswap.tables import Category

    row = await Category.select(Category.id).where(Category.slug == slug).first().run()
    assert row is not None
    return int(row["id"])


async def post_listing(client: Any, kind: str = "request", slug: str = "garden", **extra: Any) -> int:
    data = {
        "kind": kind,
        "category": str(await category_id(slug)),
        "title": extra.pop("title", "Help with the hedge"),
        "body": "",
        "tags": extra.pop("tags", "hedges, tools"),
        "availability": "Weekends",
        "mode": "in_person",
        "area": extra.pop("area", "Riverside"),
        **extra,
    }
    response = await client.post_form("/skillswap/new", data)
    assert response.status_code == 303, response.text[:2000]
    return int(response.headers["location"].rsplit("/", 1)[1])


async def respond(client: Any, listing_id: int, message: str = "I can do Saturday morning.") -> int:
    response = await client.post_form(f"/skillswap/{listing_id}/respond", {"message": message})
    assert response.status_code == 303, response.text[:2000]
    return int(response.headers["location"].rsplit("/", 1)[1])


@pytest.fixture
async def client(app: Any) -> Any:
    """The hub's ``HubClient`` API, with the app's lifespan in the test's own event loop.

    ``hub.testing.client`` starts the lifespan through Litestar's blocking portal (another thread
    and loop); asyncpg's pool is bound to that loop, so direct database calls from a PostgreSQL
    test hang. Running the lifespan here keeps one loop for the app, the pool and the test.
    """
    from httpx import ASGITransport, AsyncClient

    from hub.testing import HubClient

    started, stop = asyncio.Event(), asyncio.Event()

    async def run_lifespan() -> None:  # enter and exit the lifespan in one task (anyio cancel scopes)
        async with app.lifespan():
            started.set()
            await stop.wait()

    task = asyncio.create_task(run_lifespan())
    waiter = asyncio.create_task(started.wait())
    await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        waiter.cancel()
        task.result()  # startup failed: raise its error
    try:
        transport = ASGITransport(app=app)
        async with AsyncClient(
            transport=transport, base_url="http://testserver.local", follow_redirects=False
        ) as other:
            other.__class__ = type(
                "SameLoopHubClient",
                (AsyncClient,),
                {
                    "csrf_token": HubClient.csrf_token,
                    "post_form": HubClient.post_form,
                    "login": HubClient.login,
                    "logout": HubClient.logout,
                },
            )
            yield other
    finally:
        stop.set()
        await task
