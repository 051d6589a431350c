"""A member's data: export it, and erase or anonymise it when their account is deleted."""

from __future__ import annotations

from typing import Any

from hub.plugins.noticeboard.images import delete_image
from hub.plugins.noticeboard.tables import Post, Reply, Visit

__all__ = ["erase_member", "export_member"]


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


async def export_member(member_id: int) -> dict[str, Any]:
    posts = (
        await Post.select(
            Post.id,
            Post.title,
            Post.body,
            Post.area,
            Post.audience,
            Post.status,
            Post.on_behalf_of,
            Post.category.name.as_alias("category"),
            Post.created_at,
            Post.expires_at,
        )
        .where(Post.author == member_id)
        .order_by(Post.id)
        .run()
    )
    replies = (
        await Reply.select(Reply.id, Reply.post, Reply.body, Reply.created_at)
        .where(Reply.author == member_id)
        .order_by(Reply.id)
        .run()
    )
    return {
        "notices": [{**p, "created_at": _iso(p["created_at"]), "expires_at": _iso(p["expires_at"])} for p in posts],
        "replies": [{**r, "created_at": _iso(r["created_at"])} for r in replies],
    }


async def erase_member(hub: Any, member_id: int) -> None:
    """Delete notices nobody else replied to; keep the rest as "former member" (author NULL)."""
    async with hub.write():
        mine = await Post.select(Post.id, Post.image_name).where(Post.author == member_id).run()
        ids = [row["id"] for row in mine]
        answered: set[int] = set()
        if ids:
            answered = {
                row["post"]
                for row in await Reply.select(Reply.post)
                .where(Reply.post.is_in(ids) & ((Reply.author != member_id) | Reply.author.is_null()))
                .run()
            }
        doomed = [row for row in mine if row["id"] not in answered]
        if doomed:
            await Post.delete().where(Post.id.is_in([row["id"] for row in doomed])).run()
        await Post.update({Post.author: None}).where(Post.author == member_id).run()
        await Reply.update({Reply.author: None}).where(Reply.author == member_id).run()
        await Visit.delete().where(Visit.member == member_id).run()
    for row in doomed:
        delete_image(hub.settings.resolved_data_dir, row["image_name"])
