"""Organiser pages for members and invitations (permission ``core.moderate``; roles need ``core.admin``).

Every action is a POST with CSRF, answers with a flash message, and emits ``core.<action>`` with the
acting organiser, the member and the reason, so the moderation log (an ``on_event`` hook) records it.
Moderators act on members; only admins act on other organisers or change roles.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import FromPath

from hub.core.account.data import EraseFailed, erase_member
from hub.core.auth import tokens
from hub.core.auth.emails import absolute_url, send_account_mail
from hub.core.auth.tables import AuthToken
from hub.core.i18n import gettext as _
from hub.core.mail.outbox import mail_problems
from hub.core.members.service import get_member, is_last_admin, search_members, update_member
from hub.core.types import ROLES, Actor
from hub.core.web.forms import Field, Form
from hub.core.web.util import redirect

__all__ = ["InvitationsAdmin", "MembersAdmin"]

PER_PAGE = 25
STATUSES = ("pending", "active", "suspended")


def status_labels() -> dict[str, str]:
    return {"pending": _("Pending"), "active": _("Active"), "suspended": _("Suspended")}


def role_labels() -> dict[str, str]:
    return {"member": _("Member"), "moderator": _("Organiser"), "admin": _("Admin")}


def reason_form(required: bool) -> Form:
    return Form(
        [
            Field(
                "reason",
                _("Reason"),
                kind="textarea",
                required=required,
                max_length=1000,
                help=_("Kept in the moderation log for other organisers."),
            )
        ]
    )


def _int_param(raw: Any, default: int = 1) -> int:
    try:
        return max(1, min(int(raw), 100_000))
    except (TypeError, ValueError):
        return default


class MembersAdmin(Controller):
    path = "/admin/members"

    @get("/", name="core:admin-members", opt={"permission": "core.moderate"})
    async def members(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = request.app.state.hub
        params = request.query_params
        query = str(params.get("q") or "").strip()[:100]
        status = params.get("status") if params.get("status") in STATUSES else ""
        role = params.get("role") if params.get("role") in ROLES else ""
        page = _int_param(params.get("page"))
        rows, total = await search_members(
            query, status or "", role or "", offset=(page - 1) * PER_PAGE, limit=PER_PAGE
        )
        filters = {k: v for k, v in {"q": query, "status": status, "role": role}.items() if v}

        def page_url(number: int) -> str:
            return "/admin/members?" + urlencode({**filters, "page": number})

        return await hub.render(
            request,
            "admin/members/list.html",
            {
                "members": rows,
                "total": total,
                "query": query,
                "status": status,
                "role": role,
                "status_labels": status_labels(),
                "role_labels": role_labels(),
                "prev_url": page_url(page - 1) if page > 1 else None,
                "next_url": page_url(page + 1) if page * PER_PAGE < total else None,
            },
            block="results",
        )

    async def _target(self, member_id: int) -> dict[str, Any]:
        member = await get_member(member_id)
        if member is None:
            raise NotFoundException()
        return member

    async def _render_detail(
        self,
        request: Request[Any, Any, Any],
        member: dict[str, Any],
        errors: dict[str, str] | None = None,
        form: dict[str, str] | None = None,
        status_code: int = 200,
    ) -> Response[str]:
        hub = request.app.state.hub
        actor = await hub.actor(request)
        known_by = await get_member(member["known_by"]) if member["known_by"] else None
        return await hub.render(
            request,
            "admin/members/detail.html",
            {
                "member": member,
                "known_by": known_by,
                "mail_problems": await mail_problems(member["id"]),
                "errors": errors or {},
                "form": form or {},
                "status_labels": status_labels(),
                "role_labels": role_labels(),
                "roles": ROLES,
                "may_act": _may_act(actor, member),
                "is_self": actor is not None and actor.id == member["id"],
                "can_change_role": actor is not None and await hub.allowed(actor, "core.admin"),
            },
            status_code=status_code,
        )

    @get("/{member_id:int}", name="core:admin-member", opt={"permission": "core.moderate"})
    async def member(self, request: Request[Any, Any, Any], member_id: FromPath[int]) -> Response[str]:
        return await self._render_detail(request, await self._target(member_id))

    async def _prepare(
        self,
        request: Request[Any, Any, Any],
        member_id: int,
        *,
        reason_required: bool = False,
        allow_self: bool = False,
    ) -> tuple[Actor, dict[str, Any], str, Response[str] | None]:
        """The actor, the target and the reason; or an error response to return instead."""
        hub = request.app.state.hub
        actor = await hub.actor(request)
        assert actor is not None
        member = await self._target(member_id)
        if actor.id == member["id"] and not allow_self:
            raise PermissionDeniedException()
        if actor.id != member["id"] and not _may_act(actor, member):
            raise PermissionDeniedException()
        data = await request.form()
        result = reason_form(reason_required).validate(data)
        if not result.ok:
            response = await self._render_detail(request, member, result.errors, result.raw, status_code=400)
            return actor, member, "", response
        return actor, member, result.values.get("reason") or "", None

    @post("/{member_id:int}/approve", name="core:admin-member-approve", opt={"permission": "core.moderate"})
    async def approve(self, request: Request[Any, Any, Any], member_id: FromPath[int]) -> Response[str]:
        hub = request.app.state.hub
        actor, member, reason, error = await self._prepare(request, member_id)
        if error:
            return error
        if member["status"] != "pending" or not member["email_verified"]:
            hub.flash(
                request, _("Only members who are waiting and have confirmed their email can be approved."), "error"
            )
            return redirect(request, f"/admin/members/{member_id}")
        async with hub.write():  # the approval and its email commit together
            await update_member(member_id, status="active")
            await send_account_mail(
                hub,
                "approved",
                member["email"],
                language=member["language"],
                display_name=member["display_name"],
                link=absolute_url(request, "/account/login"),
            )
        await hub.emit("core.member_approved", actor.id, member_id=member_id, reason=reason)
        await hub.emit("core.member_joined", member_id, member_id=member_id)
        hub.flash(request, _("%(name)s is approved and has been told by email.", name=member["display_name"]))
        return redirect(request, f"/admin/members/{member_id}")

    @post("/{member_id:int}/decline", name="core:admin-member-decline", opt={"permission": "core.moderate"})
    async def decline(self, request: Request[Any, Any, Any], member_id: FromPath[int]) -> Response[str]:
        hub = request.app.state.hub
        actor, member, reason, error = await self._prepare(request, member_id, reason_required=True)
        if error:
            return error
        if member["status"] != "pending":
            hub.flash(request, _("Only members who are waiting can be declined."), "error")
            return redirect(request, f"/admin/members/{member_id}")
        try:
            await erase_member(hub, member_id)
        except EraseFailed:
            hub.flash(request, _("The account could not be removed just now. Please try again."), "error")
            return redirect(request, f"/admin/members/{member_id}")
        await send_account_mail(
            hub, "declined", member["email"], language=member["language"], display_name=member["display_name"]
        )
        await hub.emit("core.member_declined", actor.id, member_id=member_id, reason=reason)
        hub.flash(request, _("The request from %(name)s is declined and removed.", name=member["display_name"]))
        return redirect(request, "/admin/members?status=pending")

    @post("/{member_id:int}/suspend", name="core:admin-member-suspend", opt={"permission": "core.moderate"})
    async def suspend(self, request: Request[Any, Any, Any], member_id: FromPath[int]) -> Response[str]:
        hub = request.app.state.hub
        actor, member, reason, error = await self._prepare(request, member_id, reason_required=True)
        if error:
            return error
        if member["status"] == "suspended":
            hub.flash(request, _("%(name)s is already suspended.", name=member["display_name"]), "info")
            return redirect(request, f"/admin/members/{member_id}")
        if await is_last_admin(member_id):
            hub.flash(request, _("The hub's only admin cannot be suspended."), "error")
            return redirect(request, f"/admin/members/{member_id}")
        async with hub.write():
            await update_member(member_id, status="suspended")
        ended = await hub.sessions.delete_for_member(member_id)
        await hub.emit("core.member_suspended", actor.id, member_id=member_id, reason=reason, sessions_ended=ended)
        hub.flash(request, _("%(name)s is suspended and signed out everywhere.", name=member["display_name"]))
        return redirect(request, f"/admin/members/{member_id}")

    @post("/{member_id:int}/restore", name="core:admin-member-restore", opt={"permission": "core.moderate"})
    async def restore(self, request: Request[Any, Any, Any], member_id: FromPath[int]) -> Response[str]:
        hub = request.app.state.hub
        actor, member, reason, error = await self._prepare(request, member_id)
        if error:
            return error
        if member["status"] != "suspended":
            hub.flash(request, _("Only suspended members can be restored."), "error")
            return redirect(request, f"/admin/members/{member_id}")
        async with hub.write():
            await update_member(member_id, status="active")
        await hub.emit("core.member_restored", actor.id, member_id=member_id, reason=reason)
        hub.flash(request, _("%(name)s is restored.", name=member["display_name"]))
        return redirect(request, f"/admin/members/{member_id}")

    @post("/{member_id:int}/role", name="core:admin-member-role", opt={"permission": "core.admin"})
    async def change_role(self, request: Request[Any, Any, Any], member_id: FromPath[int]) -> Response[str]:
        hub = request.app.state.hub
        actor, member, reason, error = await self._prepare(request, member_id, allow_self=True)
        if error:
            return error
        role = (await request.form()).get("role")
        if role not in ROLES:
            return await self._render_detail(
                request, member, {"role": _("Choose from the options given.")}, status_code=400
            )
        if role == member["role"]:
            return redirect(request, f"/admin/members/{member_id}")
        if role != "admin" and await is_last_admin(member_id):
            hub.flash(request, _("The hub needs at least one admin. Make someone else an admin first."), "error")
            return redirect(request, f"/admin/members/{member_id}")
        async with hub.write():
            await update_member(member_id, role=role)
        await hub.emit(
            "core.member_role_changed", actor.id, member_id=member_id, reason=reason, old=member["role"], new=role
        )
        hub.flash(
            request,
            _("%(name)s is now: %(role)s.", name=member["display_name"], role=role_labels()[str(role)]),
        )
        return redirect(
            request, "/account/" if actor.id == member_id and role == "member" else f"/admin/members/{member_id}"
        )

    @post("/{member_id:int}/known", name="core:admin-member-known", opt={"permission": "core.moderate"})
    async def known(self, request: Request[Any, Any, Any], member_id: FromPath[int]) -> Response[str]:
        hub = request.app.state.hub
        actor, member, reason, error = await self._prepare(request, member_id)
        if error:
            return error
        mark = (await request.form()).get("value") == "on"
        async with hub.write():
            if mark:
                await update_member(member_id, known_by=actor.id, known_at=datetime.now(UTC))
            else:
                await update_member(member_id, known_by=None, known_at=None)
        event = "core.member_marked_known" if mark else "core.member_unmarked_known"
        await hub.emit(event, actor.id, member_id=member_id, reason=reason)
        hub.flash(
            request,
            _("%(name)s is marked as known to you.", name=member["display_name"])
            if mark
            else _("%(name)s is no longer marked as known to an organiser.", name=member["display_name"]),
        )
        return redirect(request, f"/admin/members/{member_id}")

    @post("/{member_id:int}/vetted", name="core:admin-member-vetted", opt={"permission": "core.moderate"})
    async def vetted(self, request: Request[Any, Any, Any], member_id: FromPath[int]) -> Response[str]:
        hub = request.app.state.hub
        actor, member, reason, error = await self._prepare(request, member_id)
        if error:
            return error
        mark = (await request.form()).get("value") == "on"
        async with hub.write():
            await update_member(member_id, vetted=mark)
        await hub.emit(
            "core.member_vetted" if mark else "core.member_unvetted", actor.id, member_id=member_id, reason=reason
        )
        hub.flash(
            request,
            _("%(name)s is marked as vetted.", name=member["display_name"])
            if mark
            else _("%(name)s is no longer marked as vetted.", name=member["display_name"]),
        )
        return redirect(request, f"/admin/members/{member_id}")


def _may_act(actor: Actor | None, member: dict[str, Any]) -> bool:
    """Moderators act on plain members; admins on anyone (but the page never offers self-suspension)."""
    if actor is None:
        return False
    return actor.is_admin or member["role"] == "member"


def invitation_form() -> Form:
    return Form(
        [
            Field(
                "email",
                _("Their email address"),
                kind="email",
                required=False,
                max_length=320,
                help=_("Optional. We email the invitation, and only this address can use it."),
            )
        ]
    )


class InvitationsAdmin(Controller):
    path = "/admin/invitations"

    async def _render(
        self,
        request: Request[Any, Any, Any],
        *,
        form: dict[str, str] | None = None,
        errors: dict[str, str] | None = None,
        new_link: str | None = None,
        new_email: str | None = None,
        status_code: int = 200,
    ) -> Response[str]:
        hub = request.app.state.hub
        rows = (
            await AuthToken.select(
                AuthToken._meta.primary_key,
                AuthToken.email,
                AuthToken.created_at,
                AuthToken.expires_at,
                AuthToken.created_by.display_name.as_alias("inviter"),
            )
            .where(
                (AuthToken.kind == tokens.INVITE)
                & (AuthToken.used_at.is_null())
                & (AuthToken.expires_at > datetime.now(UTC))
            )
            .order_by(AuthToken.created_at, ascending=False)
            .limit(200)
            .run()
        )
        return await hub.render(
            request,
            "admin/members/invitations.html",
            {
                "invitations": rows,
                "form": form or {},
                "errors": errors or {},
                "new_link": new_link,
                "new_email": new_email,
            },
            status_code=status_code,
        )

    @get("/", name="core:admin-invitations", opt={"permission": "core.moderate"})
    async def invitations(self, request: Request[Any, Any, Any]) -> Response[str]:
        return await self._render(request)

    @post("/", name="core:admin-invitations-create", opt={"permission": "core.moderate"})
    async def create(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = request.app.state.hub
        actor = await hub.actor(request)
        assert actor is not None
        result = invitation_form().validate(await request.form())
        if not result.ok:
            return await self._render(request, form=result.raw, errors=result.errors, status_code=400)
        email = result.values.get("email") or None
        async with hub.write():  # the invitation and its email commit together
            token = await tokens.issue_token(tokens.INVITE, email=email, created_by=actor.id, replace=False)
            link = absolute_url(request, f"/account/invite/{token}")
            if email:
                # Not a member yet: the invitation speaks the hub's default language.
                await send_account_mail(hub, "invite", email, language=None, inviter=actor.display_name, link=link)
        await hub.emit("core.invitation_created", actor.id, email=email)
        return await self._render(request, new_link=link, new_email=email, status_code=201)

    @post("/{invitation_id:int}/revoke", name="core:admin-invitations-revoke", opt={"permission": "core.moderate"})
    async def revoke(self, request: Request[Any, Any, Any], invitation_id: FromPath[int]) -> Response[str]:
        hub = request.app.state.hub
        actor = await hub.actor(request)
        assert actor is not None
        async with hub.write():
            deleted = await (
                AuthToken.delete()
                .where(
                    (AuthToken._meta.primary_key == invitation_id)
                    & (AuthToken.kind == tokens.INVITE)
                    & (AuthToken.used_at.is_null())
                )
                .returning(AuthToken._meta.primary_key)
                .run()
            )
        if not deleted:
            raise NotFoundException()
        await hub.emit("core.invitation_revoked", actor.id, invitation_id=invitation_id)
        hub.flash(request, _("The invitation is revoked; its link no longer works."))
        return redirect(request, "/admin/invitations")
