"""Notification pages: the list behind the bell, marking read, settings, one-click unsubscribe."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

from hub.core.auth.permissions import PUBLIC, SIGNED_IN
from hub.core.i18n import gettext as _
from hub.core.members.tables import Member
from hub.core.notifications.preferences import DIGEST_FREQUENCIES, digest_frequencies, member_deliveries, save_choices
from hub.core.notifications.service import (
    UNREAD_CAP,
    declared_types,
    list_notifications,
    mark_all_read,
    mark_read,
    unread_count,
)
from hub.core.notifications.signing import DIGEST, read_unsubscribe_token
from hub.core.types import DELIVERIES, Actor, NotificationType
from hub.core.web.forms import Field, Form
from hub.core.web.util import redirect, safe_next

__all__ = ["NotificationSettingsController", "NotificationsController"]

PAGE_SIZE = 30
ORGANISER_TYPES = frozenset({"core.member_waiting"})


def delivery_choices() -> list[tuple[str, str]]:
    labels = {
        "off": _("Off"),
        "hub": _("In the hub only"),
        "digest": _("In my digest email"),
        "email": _("Email me at once"),
    }
    return [(value, labels[value]) for value in ("digest", "hub", "email", "off") if value in DELIVERIES]


def frequency_choices() -> list[tuple[str, str]]:
    labels = {
        "daily": _("Once a day"),
        "weekly": _("Once a week"),
        "off": _("No digest email (see everything in the hub)"),
    }
    return [(value, labels[value]) for value in DIGEST_FREQUENCIES]


def _field_name(key: str) -> str:
    return f"delivery-{key}"


async def _types_for(hub: Any, actor: Actor) -> list[NotificationType]:
    types = await declared_types(hub)
    shown = [t for t in types.values() if actor.is_moderator or t.key not in ORGANISER_TYPES]
    return sorted(shown, key=lambda t: str(t.label).casefold())


class NotificationsController(Controller):
    path = "/notifications"

    @get("/", name="core:notifications", opt={"permission": SIGNED_IN})
    async def index(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = request.app.state.hub
        actor = await hub.actor(request)
        raw_before = request.query_params.get("before")
        before = (
            int(raw_before) if isinstance(raw_before, str) and raw_before.isdigit() and len(raw_before) < 12 else None
        )
        rows = await list_notifications(actor.id, before, PAGE_SIZE)
        has_more = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE]
        types = await declared_types(hub)
        labels = {key: str(kind.label) for key, kind in types.items()}
        context = {
            "notifications": rows,
            "labels": labels,
            "next_url": f"/notifications/?before={rows[-1]['id']}" if has_more and rows else None,
            "prev_url": "/notifications/" if before is not None else None,
            "any_unread": any(row["read_at"] is None for row in rows) or await unread_count(actor.id) > 0,
        }
        return await hub.render(request, "notifications/list.html", context)

    @get("/bell", name="core:notifications-bell", opt={"permission": PUBLIC}, cache=False)
    async def bell(self, request: Request[Any, Any, Any]) -> Response[str]:
        """The unread count the header polls (every 60 s); empty for visitors rather than a redirect."""
        hub = request.app.state.hub
        actor = await hub.actor(request)
        count = await unread_count(actor.id) if actor is not None else 0
        html = hub.env.get_template("notifications/_count.html").render({"count": count, "cap": UNREAD_CAP})
        return Response(
            html,
            media_type="text/html; charset=utf-8",
            headers={"Cache-Control": "no-store", "Vary": "HX-Request, Cookie"},
        )

    @post("/{notification_id:int}/read", name="core:notification-read", opt={"permission": SIGNED_IN})
    async def read(self, request: Request[Any, Any, Any], notification_id: FromPath[int]) -> Response[str]:
        hub = request.app.state.hub
        actor = await hub.actor(request)
        if not await mark_read(hub, actor.id, notification_id):
            raise NotFoundException()
        data = await request.form()
        target = data.get("next")
        hub.flash(request, _("Marked as read."))
        return redirect(request, safe_next(target if isinstance(target, str) else None, "/notifications/"))

    @post("/read-all", name="core:notifications-read-all", opt={"permission": SIGNED_IN})
    async def read_all(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = request.app.state.hub
        actor = await hub.actor(request)
        await mark_all_read(hub, actor.id)
        hub.flash(request, _("All notifications are marked as read."))
        return redirect(request, "/notifications/")

    @get("/unsubscribe/{token:str}", name="core:unsubscribe", opt={"permission": PUBLIC})
    async def unsubscribe_page(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Response[str]:
        """Confirm before changing anything: GET never changes state (link scanners follow links)."""
        hub = request.app.state.hub
        target = await _unsubscribe_target(hub, token)
        if target is None:
            return await _invalid_link(request)
        return await hub.render(request, "notifications/unsubscribe.html", {"token": token, **target, "done": False})

    @post(
        "/unsubscribe/{token:str}",
        name="core:unsubscribe-confirm",
        opt={"permission": PUBLIC, "exclude_from_csrf": True},
    )
    async def unsubscribe(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Response[str]:
        """One-click (RFC 8058) and the confirmation form: the signed token is the authority, no CSRF."""
        hub = request.app.state.hub
        target = await _unsubscribe_target(hub, token)
        if target is None:
            return await _invalid_link(request)
        member_id = target["member_id"]
        kind: NotificationType | None = target["kind"]
        if kind is None:
            await save_choices(hub, member_id, {}, {}, frequency="off")
        else:
            await save_choices(hub, member_id, {kind.key: kind}, {kind.key: "hub"})
        return await hub.render(request, "notifications/unsubscribe.html", {"token": token, **target, "done": True})


async def _unsubscribe_target(hub: Any, token: str) -> dict[str, Any] | None:
    signed = read_unsubscribe_token(hub.settings.secret_key, token)
    if signed is None or not await Member.exists().where(Member.id == signed.member_id).run():
        return None
    if signed.type_key == DIGEST:
        return {"member_id": signed.member_id, "kind": None, "label": _("Your digest email")}
    kind = (await declared_types(hub)).get(signed.type_key)
    if kind is None:
        return None
    return {"member_id": signed.member_id, "kind": kind, "label": str(kind.label)}


async def _invalid_link(request: Request[Any, Any, Any]) -> Response[str]:
    hub = request.app.state.hub
    return await hub.render(request, "notifications/unsubscribe_invalid.html", {}, status_code=400)


class NotificationSettingsController(Controller):
    path = "/account/notifications"

    @get("/", name="core:notification-settings", opt={"permission": SIGNED_IN})
    async def edit(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = request.app.state.hub
        actor = await hub.actor(request)
        types = await _types_for(hub, actor)
        stored = (await member_deliveries([actor.id]))[actor.id]
        frequency, _last = (await digest_frequencies([actor.id]))[actor.id]
        form = {_field_name(t.key): stored.get(t.key, t.default_delivery) for t in types}
        form["digest"] = frequency
        return await _render_settings(request, types, form, {})

    @post("/", name="core:notification-settings-save", opt={"permission": SIGNED_IN})
    async def save(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = request.app.state.hub
        actor = await hub.actor(request)
        types = await _types_for(hub, actor)
        form = Form(
            [Field(_field_name(t.key), str(t.label), kind="choice", choices=delivery_choices()) for t in types]
            + [Field("digest", _("Digest email"), kind="choice", choices=frequency_choices())]
        )
        result = form.validate(await request.form())
        if not result.ok:
            return await _render_settings(request, types, result.raw, result.errors, status_code=400)
        by_key = {t.key: t for t in types}
        deliveries = {t.key: result.values[_field_name(t.key)] for t in types}
        await save_choices(hub, actor.id, by_key, deliveries, frequency=result.values["digest"])
        hub.flash(request, _("Your notification settings are saved."))
        return redirect(request, "/account/notifications")


async def _render_settings(
    request: Request[Any, Any, Any],
    types: list[NotificationType],
    form: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response[str]:
    hub = request.app.state.hub
    rows = [{"kind": t, "field": _field_name(t.key)} for t in types]
    return await hub.render(
        request,
        "notifications/settings.html",
        {
            "rows": rows,
            "form": form,
            "errors": errors,
            "delivery_choices": delivery_choices(),
            "frequency_choices": frequency_choices(),
        },
        status_code=status_code,
    )
