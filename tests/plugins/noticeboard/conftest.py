"""Noticeboard tests run a hub with only this plugin enabled."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import pytest


@pytest.fixture
def enabled_plugins() -> tuple[str, ...] | None:
    return ("noticeboard",)


MakePost = Callable[..., Awaitable[int]]


@pytest.fixture
def make_post(hub: Any) -> MakePost:
    """Insert a notice directly (for setting up lists); routes are tested through HTTP elsewhere."""
    from hub.plugins.noticeboard.service import now
    from hub.plugins.noticeboard.tables import Category, Post

    async def make(
        author: int | None,
        title: str = "A notice",
        body: str = "Some words",
        *,
        audience: str = "public",
        category: str = "notices",
        area: str = "",
        created_at: datetime | None = None,
        expires_at: datetime | None = None,
        **extra: Any,
    ) -> int:
        row = await Category.select(Category.id).where(Category.slug == category).first().run()
        async with hub.write():
            rows = await Post.insert(
                Post(
                    category=row["id"],
                    author=author,
                    title=title,
                    body=body,
                    audience=audience,
                    area=area,
                    area_key=area.lower(),
                    created_at=created_at or now(),
                    expires_at=expires_at,
                    **extra,
                )
            ).run()
        return int(rows[0]["id"])

    return make
