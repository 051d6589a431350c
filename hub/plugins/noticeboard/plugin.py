"""Noticeboard plugin: the hook implementations that plug it into the hub."""

from __future__ import annotations

import functools
from datetime import timedelta
from pathlib import Path
from typing import Any

from markupsafe import Markup
from piccolo.conf.apps import AppConfig

from hub import (
    Actor,
    Job,
    NavItem,
    NotificationType,
    Panel,
    Param,
    Permission,
    PluginInfo,
    Prepared,
    ReportedObject,
    SearchHit,
    cached_macro,
    hookimpl,
)
from hub import gettext as _
from hub import lazy_gettext as _l
from hub.plugins.noticeboard import banner, demo, jobs, privacy
from hub.plugins.noticeboard.routes import ROUTES, set_post_hidden, set_reply_hidden
from hub.plugins.noticeboard.service import (
    can_see,
    fetch_post,
    is_organiser,
    now,
    post_columns,
    search_condition,
    seed_categories,
    sees_public_only,
    visible_condition,
    visible_for,
)
from hub.plugins.noticeboard.settings import BoardSettings
from hub.plugins.noticeboard.tables import Category, Post, Reply, Visit

PLUGIN = PluginInfo(
    slug="noticeboard",
    name=_l("Noticeboard"),
    description=_l("Notices from members: wanted, free to a good home, lost and found, local news."),
    version="1.0.0",
    requires_hub=">=1,<2",
    settings=BoardSettings,
)
PANEL_SIZE = 5


@hookimpl
def register_db_apps(hub: Any) -> AppConfig:
    return AppConfig(
        app_name="noticeboard",
        migrations_folder_path=Path(__file__).parent / "piccolo_migrations",
        table_classes=[Category, Post, Reply, Visit],
    )


@hookimpl
def register_permissions(hub: Any) -> list[Permission]:
    return [
        Permission("noticeboard.view", _l("Read the noticeboard"), roles=("anonymous", "member", "moderator", "admin")),
        Permission("noticeboard.post", _l("Post notices")),
        Permission("noticeboard.reply", _l("Reply to notices")),
        Permission(
            "noticeboard.manage", _l("Pin, hide and move notices; edit categories"), roles=("moderator", "admin")
        ),
    ]


@hookimpl
def register_routes(hub: Any) -> list[Any]:
    return list(ROUTES)


@hookimpl
async def seed_defaults(hub: Any) -> None:
    async with hub.write():
        await seed_categories()


@hookimpl
def nav_items(hub: Any, request: Any, actor: Any) -> list[NavItem]:
    return [NavItem(label=_("Noticeboard"), href="/noticeboard/", order=20, permission="noticeboard.view")]


@hookimpl
def prepare_jinja_env(hub: Any, env: Any) -> None:
    # A notice in a list, memoised on the whole row and the language (see hub.cached_macro).
    env.globals["notice_item"] = cached_macro(env, "noticeboard/_post_item.html", "post_item")


@hookimpl
async def page_slot(hub: Any, slot: str, request: Any, actor: Any) -> Markup | None:
    if slot != "banner":
        return None
    return await banner.banner_html(hub, actor)


@hookimpl
async def home_panels(hub: Any, request: Any, actor: Any) -> list[Panel]:
    if not await hub.allowed(actor, "noticeboard.view"):
        return []
    rows = await _latest_notices(sees_public_only(actor)).rows(at=now())
    if not rows:
        return []
    body = hub.render_fragment("noticeboard/_panel.html", {"posts": rows})
    return [Panel(title=_("Latest notices"), body=body, order=20, slug="noticeboard")]


@functools.cache
def _latest_notices(public_only: bool) -> Prepared:
    """The home page's panel: built once per kind of viewer."""
    return Prepared(
        lambda: (
            Post.select(*post_columns())
            .where(visible_for(public_only, Param("at")))
            .order_by(Post.created_at, ascending=False)
            .limit(PANEL_SIZE)
        )
    )


@hookimpl(optionalhook=True)
async def profile_sections(hub: Any, member_id: int, viewer: Actor | None) -> list[Panel]:
    """The directory's profile page: this member's current notices the viewer may see."""
    rows = (
        await Post.select(*post_columns())
        .where(visible_condition(viewer, now()) & (Post.author == member_id))
        .order_by(Post.created_at, ascending=False)
        .limit(10)
        .run()
    )
    if not rows:
        return []
    body = hub.render_fragment("noticeboard/_panel.html", {"posts": rows})
    return [Panel(title=_("Notices"), body=body, order=30, slug="noticeboard")]


@hookimpl
async def search(hub: Any, query: str, actor: Any, limit: int) -> list[SearchHit]:
    matcher = search_condition(hub.engine.engine_type, query)
    if matcher is None or not await hub.allowed(actor, "noticeboard.view"):
        return []
    rows = (
        await Post.select(Post.id, Post.title, Post.body, Post.created_at)
        .where(visible_condition(actor, now()) & matcher)
        .order_by(Post.created_at, ascending=False)
        .limit(limit)
        .run()
    )
    return [
        SearchHit(
            group=_("Noticeboard"),
            title=row["title"],
            href=f"/noticeboard/{row['id']}",
            summary=" ".join(row["body"].split())[:200],
            when=row["created_at"],
        )
        for row in rows
    ]


@hookimpl
async def member_data_export(hub: Any, member_id: int) -> dict[str, Any]:
    return await privacy.export_member(member_id)


@hookimpl
async def member_data_erase(hub: Any, member_id: int) -> None:
    await privacy.erase_member(hub, member_id)


@hookimpl
def notification_types(hub: Any) -> list[NotificationType]:
    return [
        NotificationType(
            "noticeboard.reply",
            _l("Replies to my notices"),
            _l("Someone replied to a notice you posted."),
            default_delivery="digest",
        ),
        NotificationType(
            "noticeboard.expiring",
            _l("My notices about to expire"),
            _l("A reminder a couple of days before a notice you posted comes down."),
            default_delivery="email",
        ),
    ]


@hookimpl
def register_jobs(hub: Any) -> list[Job]:
    return [
        Job(
            name="noticeboard.expiry_reminders",
            every=timedelta(hours=1),
            run=jobs.send_expiry_reminders,
            description=_l("Remind members before their notices expire."),
        )
    ]


@hookimpl
async def demo_data(hub: Any, scale: str, progress: Any) -> None:
    await demo.create_demo_notices(hub, demo.SCALES.get(scale, demo.SCALES["small"]), progress)


@hookimpl
async def moderation_object(hub: Any, kind: str, object_id: int, viewer: Any) -> ReportedObject | None:
    if kind == "noticeboard.post":
        row = await fetch_post(object_id)
        if row is None or not can_see(row, viewer):
            return None
        return ReportedObject(
            title=row["title"],
            url=f"/noticeboard/{object_id}",
            excerpt=row["body"][:300],
            author_id=row["author"],
            hidden=bool(row["hidden"]),
        )
    if kind == "noticeboard.reply":
        reply = (
            await Reply.select(Reply.id, Reply.body, Reply.author, Reply.hidden, Reply.post)
            .where(Reply.id == object_id)
            .first()
            .run()
        )
        if reply is None:
            return None
        parent = await fetch_post(reply["post"])
        if parent is None or not can_see(parent, viewer) or (reply["hidden"] and not is_organiser(viewer)):
            return None
        return ReportedObject(
            title=_("Reply to “%(title)s”", title=parent["title"]),
            url=f"/noticeboard/{parent['id']}#reply-{object_id}",
            excerpt=reply["body"][:300],
            author_id=reply["author"],
            hidden=bool(reply["hidden"]),
        )
    return None


@hookimpl
async def moderate(hub: Any, kind: str, object_id: int, action: str, actor: Any, reason: str) -> bool | None:
    if kind not in ("noticeboard.post", "noticeboard.reply") or action not in ("hide", "restore"):
        return None
    actor_id = getattr(actor, "id", None)
    if kind == "noticeboard.post":
        return await set_post_hidden(hub, actor_id, object_id, action == "hide", reason, log=False)
    return await set_reply_hidden(hub, actor_id, object_id, action == "hide", reason, log=False)
