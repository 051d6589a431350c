"""The noticeboard's pages and actions, mounted under /noticeboard/."""

from __future__ import annotations

import asyncio
import secrets
from datetime import timedelta
from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import FromPath
from markupsafe import Markup

from hub import Actor, Param, Prepared, RelayRefused, record_action, redirect, render_markdown
from hub import gettext as _
from hub import lazy_gettext as _l
from hub.plugins.noticeboard import banner, feeds
from hub.plugins.noticeboard.forms import (
    category_form,
    message_form,
    move_form,
    outcome_form,
    post_form,
    reason_form,
    reply_form,
)
from hub.plugins.noticeboard.images import ImageRejected, delete_image, media_type_for, safe_image_path, store_image
from hub.plugins.noticeboard.limits import new_member_errors
from hub.plugins.noticeboard.service import (
    BoardFilter,
    Cursor,
    board_page,
    can_edit,
    can_see,
    expiry_for,
    fetch_post,
    is_organiser,
    now,
    post_columns,
    reply_rows,
    visible_condition,
)
from hub.plugins.noticeboard.tables import Category, Post, Reply, Visit

__all__ = ["ROUTES"]

Req = Request[Any, Any, Any]
VIEW, POST, REPLY, MANAGE = "noticeboard.view", "noticeboard.post", "noticeboard.reply", "noticeboard.manage"


# -- helpers ------------------------------------------------------------------------------------------


# Both run on every board page.
CATEGORIES = Prepared(lambda: Category.select().order_by(Category.position).order_by(Category.id))
LAST_VISIT = Prepared(lambda: Visit.select(Visit.seen_at).where(Visit.member == Param("member")).limit(1))


async def _categories() -> list[dict[str, Any]]:
    return await CATEGORIES.rows()


async def _visible_post(request: Req, post_id: int) -> tuple[Any, Actor | None, dict[str, Any]]:
    """The notice if this actor may see it; a 404 otherwise (never reveal that it exists)."""
    hub = request.app.state.hub
    actor = await hub.actor(request)
    row = await fetch_post(post_id)
    if row is None or not can_see(row, actor):
        raise NotFoundException()
    return hub, actor, row


async def _editable_post(request: Req, post_id: int) -> tuple[Any, Actor, dict[str, Any]]:
    """The notice if this actor is its author or an organiser: 404 if unseen, 403 if someone else's."""
    hub, actor, row = await _visible_post(request, post_id)
    if actor is None or not can_edit(row, actor):
        raise PermissionDeniedException()
    return hub, actor, row


async def _managed_post(request: Req, post_id: int) -> tuple[Any, Actor, dict[str, Any]]:
    hub, actor, row = await _visible_post(request, post_id)
    if not is_organiser(actor):
        raise PermissionDeniedException()
    assert actor is not None
    return hub, actor, row


def _text(data: Any, name: str) -> str:
    value = data.get(name)
    return value if isinstance(value, str) else ""


def _post_url(post_id: int) -> str:
    return f"/noticeboard/{post_id}"


async def _last_visit(actor: Actor | None) -> Any:
    if actor is None:
        return None
    row = await LAST_VISIT.first(member=actor.id)
    return row["seen_at"] if row else None


# -- the board ----------------------------------------------------------------------------------------


@get("/", name="noticeboard:list", opt={"permission": VIEW})
async def board(request: Req) -> Response[str]:
    """Pinned first, then newest; filters, search and keyset pages (one query for the notices)."""
    hub = request.app.state.hub
    actor = await hub.actor(request)
    params = request.query_params
    categories = await _categories()
    by_slug = {c["slug"]: c for c in categories}
    category = by_slug.get(_text(params, "category"))
    area = " ".join(_text(params, "area").split())[:80]
    query = " ".join(_text(params, "q").split())[:200]
    only_new = _text(params, "new") == "1" and actor is not None
    last_visit = await _last_visit(actor)
    size = hub.config("noticeboard").page_size
    raw_size = _text(params, "size")
    if raw_size.isdigit():
        size = max(1, min(int(raw_size), 100))
    filters = BoardFilter(
        category_id=category["id"] if category else None,
        area=area,
        query=query,
        since=last_visit if only_new else None,
    )
    cursor = Cursor.decode(_text(params, "after"))
    page = await board_page(hub.engine.engine_type, actor, filters, cursor, size)
    base = {
        k: v
        for k, v in (
            ("category", category["slug"] if category else ""),
            ("area", area),
            ("q", query),
            ("new", "1" if only_new else ""),
        )
        if v
    }
    next_url = None
    if page.next_cursor:
        from urllib.parse import urlencode

        next_url = "/noticeboard/?" + urlencode({**base, "after": page.next_cursor})
    return await hub.render(
        request,
        "noticeboard/list.html",
        {
            "posts": page.posts,
            "categories": categories,
            "category": category,
            "area": area,
            "query": query,
            "only_new": only_new,
            "last_visit": last_visit,
            "next_url": next_url,
            "is_first_page": cursor is None,
            "can_post": await hub.allowed(actor, POST),
        },
        block="results",
    )


@post("/seen", name="noticeboard:seen", opt={"permission": POST})
async def mark_seen(request: Req) -> Response[str]:
    """Remember now as this member's last visit: later notices count as new."""
    hub = request.app.state.hub
    actor = await hub.actor(request)
    async with hub.write():
        updated = await Visit.update({Visit.seen_at: now()}).where(Visit.member == actor.id).returning(Visit.id).run()
        if not updated:
            await Visit.insert(Visit(member=actor.id, seen_at=now())).run()
    hub.flash(request, _("All notices are marked as seen."))
    return redirect(request, "/noticeboard/")


@get("/archive", name="noticeboard:archive", opt={"permission": VIEW})
async def archive(request: Req) -> Response[str]:
    """Notices marked done, found or taken, newest first, paged by id."""
    hub = request.app.state.hub
    actor = await hub.actor(request)
    condition = Post.hidden.eq(False) & (Post.status == "done")
    if actor is None:
        condition &= Post.audience == "public"
    before = _text(request.query_params, "before")
    if before.isdigit():
        condition &= Post.id < int(before)
    size = 30
    rows = await Post.select(*post_columns()).where(condition).order_by(Post.id, ascending=False).limit(size + 1).run()
    next_url = f"/noticeboard/archive?before={rows[size - 1]['id']}" if len(rows) > size else None
    return await hub.render(request, "noticeboard/archive.html", {"posts": rows[:size], "next_url": next_url})


@get("/mine", name="noticeboard:mine", opt={"permission": POST})
async def mine(request: Req) -> Response[str]:
    """Everything I posted, expired and hidden ones too, so I can renew or tidy them."""
    hub = request.app.state.hub
    actor = await hub.actor(request)
    condition = Post.author == actor.id
    before = _text(request.query_params, "before")
    if before.isdigit():
        condition &= Post.id < int(before)
    size = 30
    rows = await Post.select(*post_columns()).where(condition).order_by(Post.id, ascending=False).limit(size + 1).run()
    next_url = f"/noticeboard/mine?before={rows[size - 1]['id']}" if len(rows) > size else None
    return await hub.render(
        request, "noticeboard/mine.html", {"posts": rows[:size], "next_url": next_url, "now": now()}
    )


@get("/print", name="noticeboard:print", opt={"permission": VIEW})
async def print_week(request: Req) -> Response[str]:
    """A printable A4 page of this week's notices, for the village hall's real noticeboard."""
    hub = request.app.state.hub
    actor = await hub.actor(request)
    at = now()
    rows = (
        await Post.select(*post_columns())
        .where(visible_condition(actor, at) & (Post.created_at > at - timedelta(days=7)))
        .order_by(Post.pinned, ascending=False)
        .order_by(Post.created_at, ascending=False)
        .limit(200)
        .run()
    )
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(str(row["category_name"]), []).append(row)
    return await hub.render(
        request, "noticeboard/print.html", {"groups": grouped, "week_start": at - timedelta(days=7)}
    )


@get("/feed.atom", name="noticeboard:feed", opt={"permission": VIEW}, cache=False)
async def feed(request: Req) -> Response[bytes]:
    return await feeds.atom_response(request.app.state.hub, None)


@get("/category/{slug:str}/feed.atom", name="noticeboard:category-feed", opt={"permission": VIEW})
async def category_feed(request: Req, slug: FromPath[str]) -> Response[bytes]:
    row = await Category.select().where(Category.slug == slug[:60]).first().run()
    if row is None:
        raise NotFoundException()
    return await feeds.atom_response(request.app.state.hub, row)


# -- writing a notice ---------------------------------------------------------------------------------


async def _form_page(
    request: Req,
    *,
    post_row: dict[str, Any] | None,
    form: dict[str, Any],
    errors: dict[str, str],
    preview: str | None = None,
    status_code: int = 200,
) -> Response[str]:
    hub = request.app.state.hub
    actor = await hub.actor(request)
    return await hub.render(
        request,
        "noticeboard/form.html",
        {
            "post": post_row,
            "form": form,
            "errors": errors,
            "preview": preview,
            "preview_markup": Markup(preview or ""),  # noqa: S704 - render_markdown output, sanitised by nh3
            "category_choices": [(str(c["id"]), c["name"]) for c in await _categories()],
            "organiser": is_organiser(actor),
            "action_url": f"/noticeboard/{post_row['id']}/edit" if post_row else "/noticeboard/new",
        },
        block="preview" if preview is not None else None,
        status_code=status_code,
    )


@get("/new", name="noticeboard:new", opt={"permission": POST})
async def new_form(request: Req) -> Response[str]:
    categories = await _categories()
    wanted = _text(request.query_params, "category")
    first = next((c for c in categories if c["slug"] == wanted), categories[0] if categories else None)
    form = {"audience": "public", "expiry": "default", "category": str(first["id"]) if first else ""}
    return await _form_page(request, post_row=None, form=form, errors={})


async def _read_post_form(request: Req, organiser: bool) -> tuple[Any, Any, UploadFile | None, str]:
    data = await request.form()
    result = post_form(await _categories(), organiser).validate(data)
    upload = data.get("image")
    upload = upload if isinstance(upload, UploadFile) and upload.filename else None
    return data, result, upload, _text(data, "action")


async def _save_image(hub: Any, upload: UploadFile | None, errors: dict[str, str]) -> str | None:
    if upload is None:
        return None
    max_bytes = min(hub.config("noticeboard").max_image_bytes, hub.settings.max_upload_bytes)
    data = await upload.read(max_bytes + 1)
    try:
        stored = await asyncio.to_thread(store_image, hub.settings.resolved_data_dir, data, max_bytes)
    except ImageRejected as rejected:
        errors["image"] = str(rejected)
        return None
    return stored.name


@post("/new", name="noticeboard:create", opt={"permission": POST})
async def create(request: Req) -> Response[str]:
    hub = request.app.state.hub
    actor = await hub.actor(request)
    organiser = is_organiser(actor)
    data, result, upload, action = await _read_post_form(request, organiser)
    if action == "preview":
        return await _form_page(
            request, post_row=None, form=result.raw, errors={}, preview=render_markdown(_text(data, "body"))
        )
    errors = dict(result.errors)
    if upload is not None and not result.values.get("image_alt"):
        errors["image_alt"] = _("Describe the picture for people who cannot see it.")
    if result.ok:
        errors.update(await new_member_errors(hub, actor, result.values["body"], new_post=True))
    if errors:
        return await _form_page(request, post_row=None, form=result.raw, errors=errors, status_code=400)
    image_name = await _save_image(hub, upload, errors)
    if errors:
        return await _form_page(request, post_row=None, form=result.raw, errors=errors, status_code=400)
    values = result.values
    category = await Category.select().where(Category.id == int(values["category"])).first().run()
    if category is None:
        raise NotFoundException()
    created = now()
    expires = None if values["expiry"] == "none" else expiry_for(category["default_expiry_days"], created)
    try:
        async with hub.write():
            rows = await Post.insert(
                Post(
                    category=category["id"],
                    author=actor.id,
                    on_behalf_of=values.get("on_behalf_of", "") if organiser else "",
                    title=values["title"],
                    body=values["body"],
                    area=values["area"],
                    area_key=values["area"].lower(),
                    audience=values["audience"],
                    image_name=image_name,
                    image_alt=values["image_alt"] if image_name else "",
                    created_at=created,
                    expires_at=expires,
                )
            ).run()
    except Exception:
        delete_image(hub.settings.resolved_data_dir, image_name)
        raise
    post_id = int(rows[0]["id"])
    await hub.emit("noticeboard.post_created", actor.id, post_id=post_id)
    hub.flash(request, _("Your notice is up."))
    return redirect(request, _post_url(post_id))


@get("/{post_id:int}", name="noticeboard:show", opt={"permission": VIEW})
async def show(request: Req, post_id: FromPath[int]) -> Response[str]:
    hub, actor, row = await _visible_post(request, post_id)
    return await _show_page(request, hub, actor, row)


async def _show_page(
    request: Req,
    hub: Any,
    actor: Actor | None,
    row: dict[str, Any],
    *,
    reply_form_values: dict[str, Any] | None = None,
    reply_errors: dict[str, str] | None = None,
    message_values: dict[str, Any] | None = None,
    message_errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response[str]:
    at = now()
    expired = row["expires_at"] is not None and row["expires_at"] <= at
    raw_before = _text(request.query_params, "before") if request.method == "GET" else ""
    before = int(raw_before) if raw_before.isdigit() and len(raw_before) < 19 else None
    replies = await reply_rows(row["id"], actor, before, hub.config("noticeboard").replies_page_size)
    context = {
        "post": row,
        "replies": replies.replies,
        "earlier_replies": replies.earlier,
        "showing_earlier": before is not None,
        "expired": expired,
        "accepting_replies": row["status"] == "open" and row["replies_open"] and not expired and not row["hidden"],
        "can_edit": can_edit(row, actor),
        "organiser": is_organiser(actor),
        "can_reply": await hub.allowed(actor, REPLY),
        "reply_form": reply_form_values or {},
        "reply_errors": reply_errors or {},
        "message_form": message_values or {},
        "message_errors": message_errors or {},
        "category_choices": [(str(c["id"]), c["name"]) for c in await _categories()] if is_organiser(actor) else [],
    }
    return await hub.render(request, "noticeboard/post.html", context, status_code=status_code)


@get("/{post_id:int}/image", name="noticeboard:image", opt={"permission": VIEW})
async def image(request: Req, post_id: FromPath[int]) -> Response[bytes]:
    """The notice's picture, only to those who may see the notice, never sniffed as anything else."""
    hub, _actor, row = await _visible_post(request, post_id)
    path = safe_image_path(hub.settings.resolved_data_dir, row["image_name"] or "")
    if path is None or not path.is_file():
        raise NotFoundException()
    content = await asyncio.to_thread(path.read_bytes)
    return Response(
        content,
        media_type=media_type_for(path.name),
        headers={
            "X-Content-Type-Options": "nosniff",
            "Content-Disposition": f'inline; filename="{path.name}"',
            "Cache-Control": "private, max-age=3600",
        },
    )


@get("/{post_id:int}/edit", name="noticeboard:edit", opt={"permission": POST})
async def edit_form(request: Req, post_id: FromPath[int]) -> Response[str]:
    _hub, _actor, row = await _editable_post(request, post_id)
    form = {
        "title": row["title"],
        "category": str(row["category"]),
        "body": row["body"],
        "area": row["area"],
        "audience": row["audience"],
        "expiry": "none" if row["expires_at"] is None else "default",
        "image_alt": row["image_alt"],
        "on_behalf_of": row["on_behalf_of"],
    }
    return await _form_page(request, post_row=row, form=form, errors={})


@post("/{post_id:int}/edit", name="noticeboard:update", opt={"permission": POST})
async def update(request: Req, post_id: FromPath[int]) -> Response[str]:
    hub, actor, row = await _editable_post(request, post_id)
    organiser = is_organiser(actor)
    data, result, upload, action = await _read_post_form(request, organiser)
    if action == "preview":
        return await _form_page(
            request, post_row=row, form=result.raw, errors={}, preview=render_markdown(_text(data, "body"))
        )
    errors = dict(result.errors)
    remove_image = _text(data, "remove_image") == "on"
    keeps_image = (row["image_name"] and not remove_image) or upload is not None
    if keeps_image and not result.values.get("image_alt"):
        errors["image_alt"] = _("Describe the picture for people who cannot see it.")
    if result.ok:
        errors.update(await new_member_errors(hub, actor, result.values["body"], new_post=False))
    if errors:
        return await _form_page(request, post_row=row, form=result.raw, errors=errors, status_code=400)
    new_image = await _save_image(hub, upload, errors)
    if errors:
        return await _form_page(request, post_row=row, form=result.raw, errors=errors, status_code=400)
    values = result.values
    category = await Category.select().where(Category.id == int(values["category"])).first().run()
    if category is None:
        raise NotFoundException()
    at = now()
    if values["expiry"] == "none":
        expires = None
    elif row["expires_at"] is None or int(values["category"]) != row["category"]:
        expires = expiry_for(category["default_expiry_days"], at)
    else:
        expires = row["expires_at"]
    image_name = new_image or (None if remove_image else row["image_name"])
    changes: dict[Any, Any] = {
        Post.title: values["title"],
        Post.body: values["body"],
        Post.category: category["id"],
        Post.area: values["area"],
        Post.area_key: values["area"].lower(),
        Post.audience: values["audience"],
        Post.expires_at: expires,
        Post.image_name: image_name,
        Post.image_alt: values["image_alt"] if image_name else "",
        Post.edited_at: at,
    }
    if organiser:
        changes[Post.on_behalf_of] = values.get("on_behalf_of", "")
    try:
        async with hub.write():
            await Post.update(changes).where(Post.id == post_id).run()
            if actor.id != row["author"]:
                await record_action(
                    hub,
                    actor.id,
                    "noticeboard.edit",
                    kind="noticeboard.post",
                    object_id=post_id,
                    subject_id=row["author"],
                    public_summary=_("An organiser edited a notice."),
                )
    except Exception:
        delete_image(hub.settings.resolved_data_dir, new_image)
        raise
    if row["image_name"] and row["image_name"] != image_name:
        delete_image(hub.settings.resolved_data_dir, row["image_name"])
    banner.forget(hub)
    await hub.emit("noticeboard.post_edited", actor.id, post_id=post_id)
    hub.flash(request, _("Your changes are saved."))
    return redirect(request, _post_url(post_id))


@get("/{post_id:int}/delete", name="noticeboard:delete-confirm", opt={"permission": POST})
async def delete_confirm(request: Req, post_id: FromPath[int]) -> Response[str]:
    hub, _actor, row = await _editable_post(request, post_id)
    return await hub.render(request, "noticeboard/delete.html", {"post": row})


@post("/{post_id:int}/delete", name="noticeboard:delete", opt={"permission": POST})
async def delete(request: Req, post_id: FromPath[int]) -> Response[str]:
    hub, actor, row = await _editable_post(request, post_id)
    async with hub.write():
        await Post.delete().where(Post.id == post_id).run()
        if actor.id != row["author"]:
            await record_action(
                hub,
                actor.id,
                "noticeboard.delete",
                kind="noticeboard.post",
                object_id=post_id,
                subject_id=row["author"],
                public_summary=_("An organiser removed a notice."),
            )
    delete_image(hub.settings.resolved_data_dir, row["image_name"])
    banner.forget(hub)
    await hub.emit("noticeboard.post_deleted", actor.id, post_id=post_id)
    hub.flash(request, _("The notice is deleted."))
    return redirect(request, "/noticeboard/mine" if actor.id == row["author"] else "/noticeboard/")


@post("/{post_id:int}/extend", name="noticeboard:extend", opt={"permission": POST})
async def extend(request: Req, post_id: FromPath[int]) -> Response[str]:
    """One click: the notice stays up for its category's usual time from now."""
    hub, actor, row = await _editable_post(request, post_id)
    if row["status"] != "open":
        raise NotFoundException()
    if row["expires_at"] is None:
        hub.flash(request, _("This notice has no expiry: it stays up until you take it down."), "info")
        return redirect(request, _post_url(post_id))
    category = await Category.select(Category.default_expiry_days).where(Category.id == row["category"]).first().run()
    days = int(category["default_expiry_days"]) if category else 0
    expires = expiry_for(days or 30, now())
    async with hub.write():
        await Post.update({Post.expires_at: expires}).where(Post.id == post_id).run()
    await hub.emit("noticeboard.post_extended", actor.id, post_id=post_id)
    hub.flash(request, _("The notice stays up until %(date)s.", date=expires.date().isoformat() if expires else ""))
    return redirect(request, _post_url(post_id))


@post("/{post_id:int}/done", name="noticeboard:done", opt={"permission": POST})
async def mark_done(request: Req, post_id: FromPath[int]) -> Response[str]:
    """Done, found or taken: replies close and the notice moves to the archive."""
    hub, actor, row = await _editable_post(request, post_id)
    result = outcome_form().validate(await request.form())
    if not result.ok or row["status"] != "open":
        hub.flash(request, _("Choose what happened: done, found or taken."), "error")
        return await _show_page(request, hub, actor, row, status_code=400)
    async with hub.write():
        await (
            Post.update(
                {
                    Post.status: "done",
                    Post.outcome: result.values["outcome"],
                    Post.closed_at: now(),
                    Post.replies_open: False,
                }
            )
            .where(Post.id == post_id)
            .run()
        )
    banner.forget(hub)
    await hub.emit("noticeboard.post_closed", actor.id, post_id=post_id)
    hub.flash(request, _("Marked as done. The notice is now in the archive."))
    return redirect(request, _post_url(post_id))


@post("/{post_id:int}/replies/toggle", name="noticeboard:replies-toggle", opt={"permission": POST})
async def toggle_replies(request: Req, post_id: FromPath[int]) -> Response[str]:
    hub, _actor, row = await _editable_post(request, post_id)
    if row["status"] != "open":
        raise NotFoundException()
    async with hub.write():
        await Post.update({Post.replies_open: not row["replies_open"]}).where(Post.id == post_id).run()
    hub.flash(request, _("Replies are turned off.") if row["replies_open"] else _("Replies are turned on."))
    return redirect(request, _post_url(post_id))


@post("/{post_id:int}/replies", name="noticeboard:reply", opt={"permission": REPLY})
async def add_reply(request: Req, post_id: FromPath[int]) -> Response[str]:
    """A public reply: inline with htmx (the new reply appears and takes focus), or post-redirect-get."""
    hub, actor, row = await _visible_post(request, post_id)
    assert actor is not None
    expired = row["expires_at"] is not None and row["expires_at"] <= now()
    if row["status"] != "open" or not row["replies_open"] or expired or row["hidden"]:
        hub.flash(request, _("This notice is not taking replies."), "error")
        return await _show_page(request, hub, actor, row, status_code=409)
    result = reply_form().validate(await request.form())
    errors = dict(result.errors)
    if result.ok:
        errors.update(await new_member_errors(hub, actor, result.values["body"], new_post=False))
    is_htmx = request.headers.get("hx-request") == "true"
    if errors:
        if is_htmx:
            return await hub.render(
                request,
                "noticeboard/_reply_form.html",
                {"post": row, "reply_form": result.raw, "reply_errors": errors},
                headers={"HX-Retarget": "#reply-form", "HX-Reswap": "outerHTML"},
            )
        return await _show_page(
            request, hub, actor, row, reply_form_values=result.raw, reply_errors=errors, status_code=400
        )
    created = now()
    async with hub.write():
        rows = await Reply.insert(
            Reply(post=post_id, author=actor.id, body=result.values["body"], created_at=created)
        ).run()
    reply_id = int(rows[0]["id"])
    await hub.emit("noticeboard.reply_created", actor.id, post_id=post_id, reply_id=reply_id)
    if row["author"] is not None and row["author"] != actor.id:
        await hub.notify(
            row["author"],
            "noticeboard.reply",
            _l("%(name)s replied to your notice “%(title)s”", name=actor.display_name, title=row["title"]),
            body=result.values["body"][:500],
            url=f"{_post_url(post_id)}#reply-{reply_id}",
        )
    if is_htmx:
        reply = {
            "id": reply_id,
            "body": result.values["body"],
            "author": actor.id,
            "hidden": False,
            "created_at": created,
            "author_name": actor.display_name,
        }
        return await hub.render(request, "noticeboard/_reply_added.html", {"post": row, "reply": reply})
    hub.flash(request, _("Your reply is posted."))
    return redirect(request, f"{_post_url(post_id)}#reply-{reply_id}")


@post("/{post_id:int}/message", name="noticeboard:message", opt={"permission": REPLY})
async def private_message(request: Req, post_id: FromPath[int]) -> Response[str]:
    """A private reply to the poster through the hub's relay (neither side sees the other's address)."""
    hub, actor, row = await _visible_post(request, post_id)
    assert actor is not None
    result = message_form().validate(await request.form())
    errors = dict(result.errors)
    if row["author"] is None or row["author"] == actor.id:
        errors["__all__"] = _("You cannot send a private message about this notice.")
    if not errors:
        try:
            await hub.relay(
                actor.id,
                row["author"],
                _("About your notice: %(title)s", title=row["title"])[:200],
                result.values["message"],
                context_url=_post_url(post_id),
            )
        except RelayRefused as refused:
            errors["__all__"] = str(refused)
    if errors:
        return await _show_page(
            request, hub, actor, row, message_values=result.raw, message_errors=errors, status_code=400
        )
    hub.flash(request, _("Your message is on its way. Replies will arrive in your messages."))
    return redirect(request, _post_url(post_id))


# -- organisers -------------------------------------------------------------------------------------


async def _organiser_flag(request: Req, post_id: int, column: Any, action: str, on: str, off: str) -> Response[str]:
    hub, actor, row = await _managed_post(request, post_id)
    value = not row[column._meta.name]
    reason = reason_form().validate(await request.form()).values.get("reason", "")
    async with hub.write():
        await Post.update({column: value}).where(Post.id == post_id).run()
        await record_action(
            hub,
            actor.id,
            f"noticeboard.{action}{'' if value else '_off'}",
            reason=reason,
            kind="noticeboard.post",
            object_id=post_id,
            subject_id=row["author"],
        )
    banner.forget(hub)
    hub.flash(request, on if value else off)
    return redirect(request, _post_url(post_id))


@post("/{post_id:int}/pin", name="noticeboard:pin", opt={"permission": MANAGE})
async def pin(request: Req, post_id: FromPath[int]) -> Response[str]:
    return await _organiser_flag(request, post_id, Post.pinned, "pin", _("Pinned to the top."), _("Unpinned."))


@post("/{post_id:int}/urgent", name="noticeboard:urgent", opt={"permission": MANAGE})
async def urgent(request: Req, post_id: FromPath[int]) -> Response[str]:
    return await _organiser_flag(
        request, post_id, Post.urgent, "urgent", _("The urgent banner is up on every page."), _("The banner is down.")
    )


async def set_post_hidden(
    hub: Any, actor_id: int | None, post_id: int, hidden: bool, reason: str, *, log: bool = True
) -> bool:
    """Hide or restore a notice and log it; ``False`` if there is no such notice."""
    async with hub.write():
        rows = await Post.update({Post.hidden: hidden}).where(Post.id == post_id).returning(Post.author).run()
        if not rows:
            return False
        if log:
            await record_action(
                hub,
                actor_id,
                "hide" if hidden else "restore",
                reason=reason,
                kind="noticeboard.post",
                object_id=post_id,
                subject_id=rows[0]["author"],
            )
    banner.forget(hub)
    return True


async def set_reply_hidden(
    hub: Any, actor_id: int | None, reply_id: int, hidden: bool, reason: str, *, log: bool = True
) -> bool:
    async with hub.write():
        rows = await Reply.update({Reply.hidden: hidden}).where(Reply.id == reply_id).returning(Reply.author).run()
        if not rows:
            return False
        if log:
            await record_action(
                hub,
                actor_id,
                "hide" if hidden else "restore",
                reason=reason,
                kind="noticeboard.reply",
                object_id=reply_id,
                subject_id=rows[0]["author"],
            )
    return True


@post("/{post_id:int}/hide", name="noticeboard:hide", opt={"permission": MANAGE})
async def hide(request: Req, post_id: FromPath[int]) -> Response[str]:
    hub, actor, _row = await _managed_post(request, post_id)
    reason = reason_form().validate(await request.form()).values.get("reason", "")
    await set_post_hidden(hub, actor.id, post_id, True, reason)
    hub.flash(request, _("The notice is hidden. Only organisers and its author can see it."))
    return redirect(request, _post_url(post_id))


@post("/{post_id:int}/restore", name="noticeboard:restore", opt={"permission": MANAGE})
async def restore(request: Req, post_id: FromPath[int]) -> Response[str]:
    hub, actor, _row = await _managed_post(request, post_id)
    reason = reason_form().validate(await request.form()).values.get("reason", "")
    await set_post_hidden(hub, actor.id, post_id, False, reason)
    hub.flash(request, _("The notice is visible again."))
    return redirect(request, _post_url(post_id))


@post("/{post_id:int}/move", name="noticeboard:move", opt={"permission": MANAGE})
async def move(request: Req, post_id: FromPath[int]) -> Response[str]:
    hub, actor, row = await _managed_post(request, post_id)
    result = move_form(await _categories()).validate(await request.form())
    if not result.ok:
        hub.flash(request, _("Choose a category."), "error")
        return await _show_page(request, hub, actor, row, status_code=400)
    async with hub.write():
        await Post.update({Post.category: int(result.values["category"])}).where(Post.id == post_id).run()
        await record_action(
            hub,
            actor.id,
            "noticeboard.move",
            reason=result.values["reason"],
            kind="noticeboard.post",
            object_id=post_id,
            subject_id=row["author"],
        )
    hub.flash(request, _("The notice is moved."))
    return redirect(request, _post_url(post_id))


async def _managed_reply(request: Req, reply_id: int) -> tuple[Any, Actor, dict[str, Any]]:
    hub = request.app.state.hub
    actor = await hub.actor(request)
    row = await Reply.select(Reply.id, Reply.post, Reply.hidden).where(Reply.id == reply_id).first().run()
    if row is None or not is_organiser(actor):
        raise NotFoundException()
    return hub, actor, row


@post("/replies/{reply_id:int}/hide", name="noticeboard:reply-hide", opt={"permission": MANAGE})
async def hide_reply(request: Req, reply_id: FromPath[int]) -> Response[str]:
    hub, actor, row = await _managed_reply(request, reply_id)
    await set_reply_hidden(hub, actor.id, reply_id, True, "")
    hub.flash(request, _("The reply is hidden."))
    return redirect(request, _post_url(row["post"]))


@post("/replies/{reply_id:int}/restore", name="noticeboard:reply-restore", opt={"permission": MANAGE})
async def restore_reply(request: Req, reply_id: FromPath[int]) -> Response[str]:
    hub, actor, row = await _managed_reply(request, reply_id)
    await set_reply_hidden(hub, actor.id, reply_id, False, "")
    hub.flash(request, _("The reply is visible again."))
    return redirect(request, _post_url(row["post"]))


@get("/categories", name="noticeboard:categories", opt={"permission": MANAGE})
async def categories_page(request: Req) -> Response[str]:
    hub = request.app.state.hub
    return await hub.render(
        request, "noticeboard/categories.html", {"categories": await _categories(), "form": {}, "errors": {}}
    )


@post("/categories", name="noticeboard:category-add", opt={"permission": MANAGE})
async def add_category(request: Req) -> Response[str]:
    hub = request.app.state.hub
    actor = await hub.actor(request)
    result = category_form().validate(await request.form())
    slug = _slugify(result.values.get("name", "")) or f"c-{secrets.token_hex(4)}"
    if result.ok and await Category.exists().where(Category.slug == slug).run():
        result.errors["name"] = _("There is already a category with that name.")
    if not result.ok:
        return await hub.render(
            request,
            "noticeboard/categories.html",
            {"categories": await _categories(), "form": result.raw, "errors": result.errors},
            status_code=400,
        )
    async with hub.write():
        count = await Category.count().run()
        await Category.insert(
            Category(
                slug=slug,
                name=result.values["name"],
                default_expiry_days=result.values["default_expiry_days"],
                position=count,
            )
        ).run()
        await record_action(hub, actor.id, "noticeboard.category_add", kind="noticeboard.category")
    hub.flash(request, _("Category added."))
    return redirect(request, "/noticeboard/categories")


@post("/categories/{category_id:int}", name="noticeboard:category-update", opt={"permission": MANAGE})
async def update_category(request: Req, category_id: FromPath[int]) -> Response[str]:
    hub = request.app.state.hub
    actor = await hub.actor(request)
    if not await Category.exists().where(Category.id == category_id).run():
        raise NotFoundException()
    result = category_form().validate(await request.form())
    if not result.ok:
        errors = {f"{name}": message for name, message in result.errors.items()}
        return await hub.render(
            request,
            "noticeboard/categories.html",
            {"categories": await _categories(), "form": {}, "errors": {}, "row_errors": {category_id: errors}},
            status_code=400,
        )
    async with hub.write():
        await (
            Category.update(
                {
                    Category.name: result.values["name"],
                    Category.default_expiry_days: result.values["default_expiry_days"],
                }
            )
            .where(Category.id == category_id)
            .run()
        )
        await record_action(
            hub, actor.id, "noticeboard.category_edit", kind="noticeboard.category", object_id=category_id
        )
    hub.flash(request, _("Category saved."))
    return redirect(request, "/noticeboard/categories")


def _slugify(name: str) -> str:
    import re
    import unicodedata

    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60]


ROUTES = [
    board,
    mark_seen,
    archive,
    mine,
    print_week,
    feed,
    category_feed,
    new_form,
    create,
    show,
    image,
    edit_form,
    update,
    delete_confirm,
    delete,
    extend,
    mark_done,
    toggle_replies,
    add_reply,
    private_message,
    pin,
    urgent,
    hide,
    restore,
    move,
    hide_reply,
    restore_reply,
    categories_page,
    add_category,
    update_category,
]
