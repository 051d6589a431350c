"""New-member limits (a sandbox against spam): posts per day and links per post, from plugin settings."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from hub import Actor, Member, count_links, ngettext
from hub.plugins.noticeboard.service import is_organiser, now
from hub.plugins.noticeboard.settings import BoardSettings
from hub.plugins.noticeboard.tables import Post

__all__ = ["new_member_errors"]


async def is_new_member(hub: Any, actor: Actor) -> bool:
    days = hub.config("noticeboard").new_member_days
    row = await Member.select(Member.created_at).where(Member.id == actor.id).first().run()
    return row is not None and row["created_at"] > now() - timedelta(days=days)


async def new_member_errors(hub: Any, actor: Actor, body: str, *, new_post: bool) -> dict[str, str]:
    """Form errors for a member who joined recently and went past a limit (none for organisers)."""
    if is_organiser(actor) or not await is_new_member(hub, actor):
        return {}
    config: BoardSettings = hub.config("noticeboard")
    errors: dict[str, str] = {}
    max_links = config.new_member_links_per_post
    if count_links(body) > max_links:
        errors["body"] = ngettext(
            "New members can include at most %(num)s link for now.",
            "New members can include at most %(num)s links for now.",
            max_links,
        )
    if new_post:
        per_day = config.new_member_posts_per_day
        recent = (
            await Post.count().where((Post.author == actor.id) & (Post.created_at > now() - timedelta(days=1))).run()
        )
        if recent >= per_day:
            errors["__all__"] = ngettext(
                "New members can post %(num)s notice a day. Please try again tomorrow.",
                "New members can post %(num)s notices a day. Please try again tomorrow.",
                per_day,
            )
    return errors
