"""A member's own data: download everything the hub holds about them, or delete their account.

Both reach every plugin through hooks: ``member_data_export`` (filed under the plugin's slug) and
``member_data_erase`` (all run before the core deletes the member row).
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from litestar import Controller, Request, Response, get, post

from hub.core import hooks
from hub.core.account.common import check_current_password, signed_in_member
from hub.core.auth.permissions import SIGNED_IN
from hub.core.auth.sessions import DatabaseSessionStore
from hub.core.auth.tables import AuthToken, Session
from hub.core.i18n import gettext as _
from hub.core.members.service import delete_member_row, get_member, is_last_admin
from hub.core.web.forms import Field, Form
from hub.core.web.util import redirect

if TYPE_CHECKING:
    from hub.core.facade import Hub

__all__ = ["DataController", "EraseFailed", "erase_member", "export_member_data"]

log = logging.getLogger("hub")

CORE_KEYS = ("id", "email", "display_name", "role", "status", "language", "email_verified", "onboarded",
             "vetted", "known_at", "created_at", "last_seen_at")  # fmt: skip


class EraseFailed(RuntimeError):
    """A plugin could not erase its data; the member row is kept so nothing is left orphaned."""


async def export_member_data(hub: Hub, member_id: int) -> dict[str, Any]:
    """Everything about one member: the core's record and each plugin's ``member_data_export``."""
    member = await get_member(member_id)
    if member is None:
        return {}
    core: dict[str, Any] = {key: member.get(key) for key in CORE_KEYS}
    core["known_to_an_organiser"] = member.get("known_by") is not None
    if isinstance(hub.sessions, DatabaseSessionStore):
        core["sessions"] = (
            await Session.select(Session.created_at, Session.last_seen_at, Session.user_agent)
            .where(Session.member == member_id)
            .order_by(Session.created_at)
            .run()
        )
    else:
        core["sessions"] = {"count": await hub.sessions.count_for_member(member_id)}
    core["invitations_created"] = (
        await AuthToken.select(AuthToken.email, AuthToken.created_at, AuthToken.expires_at, AuthToken.used_at)
        .where((AuthToken.kind == "invite") & (AuthToken.created_by == member_id))
        .order_by(AuthToken.created_at)
        .run()
    )
    plugins: dict[str, Any] = {}
    for slug, result in await hooks.gather_hook_by_plugin(
        hub.registry, "member_data_export", hub=hub, member_id=member_id
    ):
        if not slug.startswith("core."):
            plugins[slug] = result
    return {
        "hub": hub.site("hub_name"),
        "exported_at": datetime.now(UTC),
        "core": core,
        "plugins": plugins,
    }


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    return str(value)


async def erase_member(hub: Hub, member_id: int) -> None:
    """Every plugin erases its data, then the core ends the sessions and deletes the member row.

    Raises :class:`EraseFailed` (keeping the member) if any plugin's erase hook failed.
    """
    before = len(hub.registry.failures)
    await hooks.gather_hook(hub.registry, "member_data_erase", hub=hub, member_id=member_id)
    failed = [f.name for f in hub.registry.failures[before:] if f.stage == "hook:member_data_erase"]
    if failed:
        log.error("member %s not deleted: erase failed in %s", member_id, ", ".join(failed))
        raise EraseFailed(", ".join(failed))
    await hub.sessions.delete_for_member(member_id)
    async with hub.write():
        await AuthToken.delete().where(AuthToken.member == member_id).run()
        await delete_member_row(member_id)


def delete_form() -> Form:
    return Form([Field("current_password", _("Your password"), kind="password")])


class DataController(Controller):
    path = "/account"

    @get("/export", name="core:account-export", opt={"permission": SIGNED_IN})
    async def export_page(self, request: Request[Any, Any, Any]) -> Response[str]:
        return await request.app.state.hub.render(request, "account/export.html")

    @post("/export", name="core:account-export-json", opt={"permission": SIGNED_IN})
    async def export_json(self, request: Request[Any, Any, Any]) -> Response[bytes]:
        hub = request.app.state.hub
        actor, _member = await signed_in_member(hub, request)
        data = await export_member_data(hub, actor.id)
        body = json.dumps(data, default=_json_default, indent=2, ensure_ascii=False).encode()
        await hub.emit("core.data_exported", actor.id, member_id=actor.id)
        stamp = datetime.now(UTC).strftime("%Y-%m-%d")
        return Response(
            body,
            status_code=200,
            media_type="application/json",
            headers={
                "Content-Disposition": f'attachment; filename="my-data-{stamp}.json"',
                "Cache-Control": "no-store",
            },
        )

    @get("/export.html", name="core:account-export-html", opt={"permission": SIGNED_IN})
    async def export_html(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = request.app.state.hub
        actor, _member = await signed_in_member(hub, request)
        data = json.loads(json.dumps(await export_member_data(hub, actor.id), default=_json_default))
        response: Response[str] = await hub.render(request, "account/export_view.html", {"data": data})
        response.headers["Cache-Control"] = "no-store"
        return response

    @get("/delete", name="core:account-delete", opt={"permission": SIGNED_IN})
    async def delete_page(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = request.app.state.hub
        actor, _member = await signed_in_member(hub, request)
        return await hub.render(
            request, "account/delete.html", {"errors": {}, "last_admin": await is_last_admin(actor.id)}
        )

    @post("/delete", name="core:account-delete-submit", opt={"permission": SIGNED_IN})
    async def delete(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = request.app.state.hub
        actor, member = await signed_in_member(hub, request)
        last_admin = await is_last_admin(actor.id)
        result = delete_form().validate(await request.form())
        status = 400
        if result.ok and last_admin:
            result.errors["__all__"] = _(
                "You are the hub's only admin. Make another member an admin before deleting your account."
            )
            status = 409
        elif result.ok:
            correct, retry_after = await check_current_password(hub, member, result.values["current_password"])
            if retry_after:
                result.errors["current_password"] = _("Too many wrong passwords. Please wait a few minutes.")
                status = 429
            elif not correct:
                result.errors["current_password"] = _("That is not your password.")
        if not result.ok:
            return await hub.render(
                request,
                "account/delete.html",
                {"errors": result.errors, "last_admin": last_admin},
                status_code=status,
            )
        try:
            await erase_member(hub, actor.id)
        except EraseFailed:
            return await hub.render(
                request,
                "account/delete.html",
                {
                    "errors": {
                        "__all__": _(
                            "Your account could not be deleted just now; nothing was removed. "
                            "Please try again later or ask an organiser."
                        )
                    },
                    "last_admin": last_admin,
                },
                status_code=500,
            )
        await hub.emit("core.member_deleted", None, member_id=actor.id)
        state = hub.session(request)
        state.logout()
        state.data = {}
        hub.flash(request, _("Your account and your data have been deleted. Goodbye, and thank you."), "info")
        return redirect(request, "/")
