"""My account: name and language, password, email address and sessions.

Other code adds sections to the page through the ``account_sections`` hook, so the core needs no
knowledge of notifications, profiles or anything else a plugin keeps per member.
"""

from __future__ import annotations

import logging
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from markupsafe import Markup, escape

from hub.core import hooks
from hub.core.account.common import check_current_password, language_choices, signed_in_member
from hub.core.auth import tokens
from hub.core.auth.emails import absolute_url, send_account_mail
from hub.core.auth.passwords import MAX_PASSWORD, hash_password, password_problem
from hub.core.auth.permissions import PUBLIC, SIGNED_IN
from hub.core.i18n import gettext as _
from hub.core.members.service import get_member, get_member_by_email, update_member
from hub.core.members.tables import Member
from hub.core.types import Panel
from hub.core.web.forms import Field, Form, FormResult
from hub.core.web.util import redirect

__all__ = ["AccountController", "profile_form"]

log = logging.getLogger("hub.security")


def profile_form(languages: list[tuple[str, str]]) -> Form:
    return Form(
        [
            Field("display_name", _("Your name"), max_length=100, help=_("How other members see you.")),
            Field("language", _("Language"), kind="choice", choices=languages),
        ]
    )


def password_form() -> Form:
    return Form(
        [
            Field("current_password", _("Current password"), kind="password"),
            Field("password", _("New password"), kind="password"),
            Field("logout_others", _("Sign me out everywhere else"), kind="bool", required=False),
        ]
    )


def email_form() -> Form:
    return Form(
        [
            Field("email", _("New email address"), kind="email", max_length=320),
            Field("current_password", _("Current password"), kind="password"),
        ]
    )


def _too_many(result: FormResult) -> None:
    result.errors["current_password"] = _("Too many wrong passwords. Please wait a few minutes and try again.")


class AccountController(Controller):
    path = "/account"

    @get("/", name="core:account", opt={"permission": SIGNED_IN})
    async def account(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = request.app.state.hub
        actor, member = await signed_in_member(hub, request)
        return await self._render_account(request, actor, member, {}, {})

    async def _render_account(
        self,
        request: Request[Any, Any, Any],
        actor: Any,
        member: dict[str, Any],
        form: dict[str, Any],
        errors: dict[str, str],
        status_code: int = 200,
    ) -> Response[str]:
        hub = request.app.state.hub
        panels: list[Panel] = [
            p
            for p in await hooks.gather_hook(hub.registry, "account_sections", hub=hub, request=request, actor=actor)
            if isinstance(p, Panel)
        ]
        panels.sort(key=lambda panel: (panel.order, str(panel.title)))
        sections = [(p, p.body if isinstance(p.body, Markup) else escape(p.body)) for p in panels]
        sessions = await hub.sessions.count_for_member(member["id"])
        values = {"display_name": member["display_name"], "language": member["language"] or "", **form}
        return await hub.render(
            request,
            "account/index.html",
            {
                "member": member,
                "form": values,
                "errors": errors,
                "language_choices": language_choices(hub),
                "other_sessions": max(0, sessions - 1),
                "sections": sections,
            },
            status_code=status_code,
        )

    @post("/profile", name="core:account-profile", opt={"permission": SIGNED_IN})
    async def profile(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = request.app.state.hub
        actor, member = await signed_in_member(hub, request)
        result = profile_form(language_choices(hub)).validate(await request.form())
        if not result.ok:
            return await self._render_account(request, actor, member, result.raw, result.errors, 400)
        async with hub.write():
            await update_member(
                member["id"], display_name=result.values["display_name"], language=result.values["language"]
            )
        hub.catalogues.activate(result.values["language"])  # the confirmation already speaks it
        await hub.emit("core.profile_changed", member["id"], member_id=member["id"])
        hub.flash(request, _("Your details are saved."))
        return redirect(request, "/account/")

    # -- password ---------------------------------------------------------------------------------

    @get("/password", name="core:account-password", opt={"permission": SIGNED_IN})
    async def password_page(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = request.app.state.hub
        return await hub.render(
            request,
            "account/password.html",
            {"form": {"logout_others": "on"}, "errors": {}, "max_password": MAX_PASSWORD},
        )

    @post("/password", name="core:account-password-submit", opt={"permission": SIGNED_IN})
    async def change_password(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = request.app.state.hub
        _actor, member = await signed_in_member(hub, request)
        result = password_form().validate(await request.form())
        status, retry_after = 400, 0
        if result.ok:
            problem = password_problem(result.values["password"], email=member["email"], name=member["display_name"])
            if problem:
                result.errors["password"] = problem
        if result.ok:
            correct, retry_after = await check_current_password(hub, member, result.values["current_password"])
            if retry_after:
                _too_many(result)
                status = 429
            elif not correct:
                result.errors["current_password"] = _("That is not your current password.")
        if not result.ok:
            form = {**result.raw, "logout_others": "on" if result.values.get("logout_others") else ""}
            response = await hub.render(
                request,
                "account/password.html",
                {"form": form, "errors": result.errors, "max_password": MAX_PASSWORD},
                status_code=status,
            )
            if status == 429:
                response.headers["Retry-After"] = str(retry_after)
            return response
        new_hash = await hash_password(result.values["password"])
        async with hub.write():  # the change and its email commit together
            await update_member(member["id"], password_hash=new_hash)
            await send_account_mail(
                hub,
                "password_changed",
                member["email"],
                language=member["language"],
                display_name=member["display_name"],
                reset=absolute_url(request, "/account/reset"),
            )
        ended = 0
        if result.values["logout_others"]:
            ended = await hub.sessions.delete_for_member(member["id"], keep=hub.session(request).key)
        await hub.emit("core.password_changed", member["id"], member_id=member["id"], sessions_ended=ended)
        hub.flash(request, _("Your password is changed."))
        return redirect(request, "/account/")

    # -- email address ---------------------------------------------------------------------------

    @get("/email", name="core:account-email", opt={"permission": SIGNED_IN})
    async def email_page(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = request.app.state.hub
        return await hub.render(request, "account/email.html", {"form": {}, "errors": {}})

    @post("/email", name="core:account-email-submit", opt={"permission": SIGNED_IN})
    async def change_email(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = request.app.state.hub
        _actor, member = await signed_in_member(hub, request)
        result = email_form().validate(await request.form())
        status, retry_after = 400, 0
        if result.ok and result.values["email"] == member["email"]:
            result.errors["email"] = _("That is already your email address.")
        if result.ok:
            correct, retry_after = await check_current_password(hub, member, result.values["current_password"])
            if retry_after:
                _too_many(result)
                status = 429
            elif not correct:
                result.errors["current_password"] = _("That is not your current password.")
        if not result.ok:
            response = await hub.render(
                request, "account/email.html", {"form": result.raw, "errors": result.errors}, status_code=status
            )
            if status == 429:
                response.headers["Retry-After"] = str(retry_after)
            return response
        new_email = result.values["email"]
        owner = await get_member_by_email(new_email)
        async with hub.write():  # the token and both emails commit together
            if owner is not None:
                # Say the same as for a free address; tell that address's owner instead.
                await send_account_mail(hub, "email_change_taken", new_email, language=owner["language"])
            else:
                token = await tokens.issue_token(
                    tokens.EMAIL_CHANGE, member_id=member["id"], email=new_email, data={"email": new_email}
                )
                await send_account_mail(
                    hub,
                    "email_change_new",
                    new_email,
                    language=member["language"],
                    display_name=member["display_name"],
                    link=absolute_url(request, f"/account/email/{token}"),
                )
            await send_account_mail(
                hub,
                "email_change_old",
                member["email"],
                language=member["language"],
                display_name=member["display_name"],
                new_email=new_email,
                reset=absolute_url(request, "/account/reset"),
            )
        hub.flash(
            request,
            _("We have sent a link to %(email)s. Your address changes when you open it.", email=new_email),
            "info",
        )
        return redirect(request, "/account/")

    @get("/email/{token:str}", name="core:account-email-confirm", opt={"permission": PUBLIC})
    async def confirm_email_page(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Response[str]:
        hub = request.app.state.hub
        row = await tokens.peek_token(tokens.EMAIL_CHANGE, token)
        if row is None:
            return await hub.render(request, "account/link_invalid.html", status_code=400)
        return await hub.render(request, "account/email_confirm.html", {"token": token, "new_email": row["email"]})

    @post("/email/{token:str}", name="core:account-email-confirm-submit", opt={"permission": PUBLIC})
    async def confirm_email(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Response[str]:
        hub = request.app.state.hub
        taken = False
        async with hub.write():
            row = await tokens.consume_token(tokens.EMAIL_CHANGE, token)
            new_email = str(row["data"].get("email") or "") if row else ""
            if row is not None and row["member"] is not None and new_email:
                taken = await Member.exists().where((Member.email == new_email) & (Member.id != row["member"])).run()
                if not taken:
                    await update_member(row["member"], email=new_email, email_verified=True)
        if row is None or row["member"] is None or not new_email or await get_member(row["member"]) is None:
            return await hub.render(request, "account/link_invalid.html", status_code=400)
        if taken:
            hub.flash(
                request, _("That address is no longer available, so your email address has not changed."), "error"
            )
        else:
            await hub.emit("core.email_changed", row["member"], member_id=row["member"])
            hub.flash(request, _("Your email address is now %(email)s.", email=new_email))
        actor = await hub.actor(request)
        return redirect(request, "/account/" if actor else "/account/login")

    # -- sessions ----------------------------------------------------------------------------------

    @post("/sessions/end-others", name="core:account-end-sessions", opt={"permission": SIGNED_IN})
    async def end_other_sessions(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = request.app.state.hub
        actor, _member = await signed_in_member(hub, request)
        ended = await hub.sessions.delete_for_member(actor.id, keep=hub.session(request).key)
        await hub.emit("core.sessions_ended", actor.id, member_id=actor.id, sessions_ended=ended)
        hub.flash(request, _("You are signed out everywhere else."))
        return redirect(request, "/account/")
