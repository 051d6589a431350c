"""The noticeboard's SQL on SQLite and PostgreSQL, driven without the HTTP client.

The HTTP fixtures start the app's lifespan in the test client's own event loop thread; a
PostgreSQL pool opened there cannot be used from the test's loop. These tests therefore build the
hub in the test's loop and call the plugin's functions directly: migrations (FTS5 / GIN), keyset
pages, filters, search, the reminder job, erasure and the bulk demo path. (The HTTP tests run on
SQLite; mark them ``all_databases`` once the client fixture keeps one event loop.)
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from hub.core import hooks
from hub.core.app import build_hub
from hub.core.settings import Settings
from hub.core.types import Actor
from hub.core.upgrade import migrate_and_seed, seed_defaults


@pytest.fixture
async def bare_hub(database_url: str | None, tmp_path: Path) -> AsyncIterator[Any]:
    settings = Settings(
        hub_dir=tmp_path,
        database_url=database_url,
        secret_key="test-secret-" + "x" * 40,
        plugins=("noticeboard",),
        strict_plugins=True,
    )
    hub = build_hub(settings, load_entrypoints=False)
    await hub.engine.prepare()
    try:
        await migrate_and_seed(hub)  # as `hub migrate` does: migrations, then default categories
        await hooks.gather_hook(hub.registry, "startup", hub=hub)
        yield hub
    finally:
        await hub.engine.close()


async def _members(hub: Any) -> tuple[int, int]:
    from hub.core.members.service import create_member

    async with hub.write():
        a = await create_member("a@example.org", "Ana", "correct horse battery", status="active", email_verified=True)
        b = await create_member("b@example.org", "Bo", "correct horse battery", status="active", email_verified=True)
    return a, b


@pytest.mark.all_databases
async def test_board_search_job_and_erase(bare_hub: Any) -> None:
    from hub.plugins.noticeboard import plugin
    from hub.plugins.noticeboard.jobs import send_expiry_reminders
    from hub.plugins.noticeboard.service import BoardFilter, Cursor, board_page, now
    from hub.plugins.noticeboard.tables import Category, Post, Reply

    hub = bare_hub
    engine = hub.engine.engine_type
    await seed_defaults(hub)  # a second `hub migrate` adds nothing (ON CONFLICT DO NOTHING)
    assert await Category.count().run() == 6
    a, b = await _members(hub)
    wanted = (await Category.select().where(Category.slug == "wanted").first().run())["id"]
    base = now() - timedelta(days=1)
    async with hub.write():
        for n in range(13):
            await Post.insert(
                Post(
                    category=wanted,
                    author=a,
                    title=f"Ladder {n:02d}",
                    body="Need a ladder for the gutters",
                    area="Riverside",
                    area_key="riverside",
                    created_at=base + timedelta(minutes=n // 2),
                    pinned=n in (3, 9),
                    audience="members" if n == 5 else "public",
                    expires_at=now() + timedelta(days=1) if n == 0 else None,
                )
            ).run()
    seen: list[str] = []
    cursor = None
    while True:
        page = await board_page(engine, None, BoardFilter(), cursor, 4)
        seen += [row["title"] for row in page.posts]
        if not page.next_cursor:
            break
        cursor = Cursor.decode(page.next_cursor)
    assert len(seen) == 12 and len(set(seen)) == 12 and seen[:2] == ["Ladder 09", "Ladder 03"]
    assert "Ladder 05" not in seen
    assert len((await board_page(engine, None, BoardFilter(query="GUTTER"), None, 50)).posts) == 12
    assert (await board_page(engine, None, BoardFilter(query='x" OR ( * '), None, 50)).posts == []
    assert len((await board_page(engine, None, BoardFilter(area="RIVERSIDE"), None, 50)).posts) == 12
    assert len((await board_page(engine, None, BoardFilter(category_id=wanted), None, 50)).posts) == 12
    member = Actor(id=a, display_name="Ana", email="a@example.org", role="member", status="active")
    assert len((await board_page(engine, member, BoardFilter(query="ladd"), None, 50)).posts) == 13
    assert len(await plugin.search(hub=hub, query="gutters", actor=None, limit=50)) == 12

    assert await send_expiry_reminders(hub, now()) == 1
    assert await send_expiry_reminders(hub, now()) == 0

    first = (await Post.select(Post.id).order_by(Post.id).first().run())["id"]
    async with hub.write():
        await Reply.insert(Reply(post=first, author=b, body="I have one")).run()
    await plugin.member_data_erase(hub=hub, member_id=a)
    rows = await Post.select().run()
    assert len(rows) == 1 and rows[0]["id"] == first and rows[0]["author"] is None


@pytest.mark.all_databases
async def test_bulk_demo_keeps_search_working(bare_hub: Any) -> None:
    from hub.plugins.noticeboard import plugin
    from hub.plugins.noticeboard.demo import create_demo_notices
    from hub.plugins.noticeboard.tables import Post, Reply

    await _members(bare_hub)
    assert await create_demo_notices(bare_hub, 6_000, lambda *args, **kwargs: None) == 6_000
    assert await Post.count().run() == 6_000 and await Reply.count().run() > 0
    hits = await plugin.search(hub=bare_hub, query="ladder", actor=None, limit=3)
    assert hits and all("ladder" in (hit.title + hit.summary).lower() for hit in hits)
