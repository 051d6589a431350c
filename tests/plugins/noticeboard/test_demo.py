"""Demo notices: varied, in several languages; the bulk path keeps search working."""

from __future__ import annotations

from hub.plugins.noticeboard import plugin
from hub.plugins.noticeboard.demo import SCALES, create_demo_notices
from hub.plugins.noticeboard.tables import Post, Reply


async def test_small_demo_data(hub, make_member) -> None:
    for _ in range(5):
        await make_member()
    calls: list[tuple] = []
    await plugin.demo_data(hub=hub, scale="small", progress=lambda *a, **k: calls.append((a, k)))
    assert await Post.count().run() == SCALES["small"] == 2_000
    assert await Reply.count().run() > 0
    titles = {row["title"] for row in await Post.select(Post.title).run()}
    assert any("Regalo" in t or "Busco" in t for t in titles) and any("للتبرع" in t or "مطلوب" in t for t in titles)
    assert {row["audience"] for row in await Post.select(Post.audience).run()} == {"public", "members"}


async def test_bulk_demo_path_rebuilds_the_search_index(client, hub, make_member, make_post) -> None:
    member = await make_member()
    assert await create_demo_notices(hub, 6_000, lambda *a, **k: None) == 6_000
    assert await Post.count().run() == 6_000
    hits = await plugin.search(hub=hub, query="ladder", actor=None, limit=3)
    assert hits and all("ladder" in (h.title + h.summary).lower() for h in hits)
    fresh = await make_post(member.id, "Xylophone lessons wanted")
    hits = await plugin.search(hub=hub, query="xylophone", actor=None, limit=3)
    assert [h.href for h in hits] == [f"/noticeboard/{fresh}"]
