"""Skill-swap tests run a hub with only this plugin, and helpers to make listings and exchanges."""

from __future__ import annotations

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
