"""Atom feeds of public notices (all, or one category). Members-only notices never appear."""

from __future__ import annotations

from typing import Any

from litestar import Response

from hub import gettext as _
from hub import render_markdown
from hub.plugins.noticeboard.service import now, post_columns, visible_condition
from hub.plugins.noticeboard.tables import Post

__all__ = ["FEED_SIZE", "atom_response"]

FEED_SIZE = 50


async def atom_response(hub: Any, category: dict[str, Any] | None) -> Response[bytes]:
    condition = visible_condition(None, now())
    if category is not None:
        condition &= Post.category == category["id"]
    rows = await Post.select(*post_columns()).where(condition).order_by(Post.id, ascending=False).limit(FEED_SIZE).run()
    site = str(hub.site("hub_name"))
    path = f"/noticeboard/category/{category['slug']}/feed.atom" if category else "/noticeboard/feed.atom"
    from feedgen.feed import FeedGenerator  # loaded on first use, not in every server process

    generator = FeedGenerator()
    generator.id(hub.absolute_url(path))
    title = _("%(site)s noticeboard", site=site)
    generator.title(f"{title}: {category['name']}" if category else title)
    generator.link(href=hub.absolute_url("/noticeboard/"), rel="alternate")
    generator.link(href=hub.absolute_url(path), rel="self")
    generator.language(hub.settings.default_language)
    generator.updated(rows[0]["created_at"] if rows else now())
    for row in reversed(rows):
        entry = generator.add_entry()
        url = hub.absolute_url(f"/noticeboard/{row['id']}")
        entry.id(url)
        entry.title(row["title"])
        entry.link(href=url)
        entry.published(row["created_at"])
        entry.updated(row["edited_at"] or row["created_at"])
        entry.category(term=row["category_slug"], label=row["category_name"])
        entry.author(name=row["on_behalf_of"] or row["author_name"] or _("Former member"))
        entry.content(render_markdown(row["body"]), type="html")
    body = generator.atom_str(pretty=False)
    return Response(
        body,
        media_type="application/atom+xml; charset=utf-8",
        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "public, max-age=300"},
    )
