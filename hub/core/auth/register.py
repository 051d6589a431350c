"""Joining the hub: open sign-up, sign-up awaiting approval, and invitations.

Whatever the mode, the answer to a sign-up never says whether the address already has an account:
both go to the same "check your email" page, and the address's owner is told by email instead.
Every link the flow sends is a single-use hashed token (see :mod:`hub.core.auth.tokens`); following
a link only shows a page, and the change happens when its button is pressed (no GET changes state).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath

from hub.core.auth import tokens
from hub.core.auth.emails import absolute_url, send_account_mail
from hub.core.auth.passwords import MAX_PASSWORD, hash_password, password_problem
from hub.core.auth.permissions import PUBLIC
from hub.core.i18n import current_locale
from hub.core.i18n import gettext as _
from hub.core.members.service import EmailTaken, create_member, get_member, get_member_by_email, update_member
from hub.core.members.tables import Member
from hub.core.web.forms import Field, Form, FormResult
from hub.core.web.util import client_address, redirect

if TYPE_CHECKING:
    from hub.core.facade import Hub

__all__ = ["RegisterController", "finish_verification", "registration_mode", "send_verification"]

log = logging.getLogger("hub.security")

REGISTER_LIMIT = 5
REGISTER_EMAIL_LIMIT = 3
REGISTER_WINDOW = timedelta(hours=1)


def registration_mode(hub: Hub) -> str:
    mode = hub.site("registration") or hub.settings.registration
    return mode if mode in ("open", "approval", "invite") else "approval"


def register_form(with_email: bool = True) -> Form:
    fields = [Field("display_name", _("Your name"), max_length=100, help=_("How other members will see you."))]
    if with_email:
        fields.append(Field("email", _("Email address"), kind="email", max_length=320))
    fields.append(Field("password", _("Password"), kind="password"))
    return Form(fields)


def _check_password(result: FormResult, email: str = "") -> None:
    if "password" in result.values:
        problem = password_problem(
            result.values["password"],
            email=email or result.values.get("email", ""),
            name=result.values.get("display_name", ""),
        )
        if problem:
            result.errors["password"] = problem


async def _rate_limited(hub: Hub, request: Request[Any, Any, Any], email: str | None) -> Response[str] | None:
    """429 with Retry-After when this address (or this email) has started too many sign-ups."""
    checks = [(f"register:ip:{client_address(request)}", REGISTER_LIMIT)]
    if email:
        checks.append((f"register:email:{email}", REGISTER_EMAIL_LIMIT))
    for key, limit in checks:
        verdict = await hub.limiter.check(key, limit, REGISTER_WINDOW)
        if not verdict.allowed:
            log.warning("rate limited: sign-up %s", key.split(":")[1], extra={"event": "register_rate_limited"})
            response = await hub.render(
                request,
                "errors/error.html",
                {
                    "status": 429,
                    "title": _("Too many sign-ups"),
                    "message": _("Too many sign-ups came from here. Please wait a while and try again."),
                },
                status_code=429,
            )
            response.headers["Retry-After"] = str(verdict.retry_after)
            return response
    for key, _limit in checks:
        await hub.limiter.hit(key, REGISTER_WINDOW)
    return None


async def send_verification(
    hub: Hub, request: Request[Any, Any, Any], member: dict[str, Any], needs_approval: bool
) -> None:
    async with hub.write():  # the token and its email commit together (or join the caller's transaction)
        token = await tokens.issue_token(
            tokens.VERIFY, member_id=member["id"], email=member["email"], data={"needs_approval": needs_approval}
        )
        await send_account_mail(
            hub,
            "verify",
            member["email"],
            language=member.get("language"),
            display_name=member["display_name"],
            link=absolute_url(request, f"/account/verify/{token}"),
        )


async def _tell_existing_owner(hub: Hub, request: Request[Any, Any, Any], email: str) -> None:
    owner = await get_member_by_email(email)
    await send_account_mail(
        hub,
        "already_registered",
        email,
        language=owner["language"] if owner else None,
        login=absolute_url(request, "/account/login"),
        reset=absolute_url(request, "/account/reset"),
    )


async def finish_verification(
    hub: Hub, request: Request[Any, Any, Any], member_id: int, needs_approval: bool
) -> str | None:
    """Mark the address confirmed; a new account becomes active, or waits for an organiser.

    Returns the member's status afterwards (``None`` if the member no longer exists). Organisers are
    told about a newly waiting member by event (``core.member_waiting``) and by email.
    """
    member = await get_member(member_id)
    if member is None:
        return None
    waiting = False
    async with hub.write():  # the confirmation and the organisers' emails commit together
        values: dict[str, Any] = {"email_verified": True}
        if member["status"] == "pending" and not member["email_verified"]:
            if needs_approval:
                waiting = True
            else:
                values["status"] = "active"
        await update_member(member_id, **values)
        if waiting:
            organisers = (
                await Member.select(Member.email, Member.language)
                .where(Member.role.is_in(["moderator", "admin"]) & (Member.status == "active"))
                .run()
            )
            for organiser in organisers:
                await send_account_mail(
                    hub,
                    "member_waiting",
                    organiser["email"],
                    language=organiser["language"],
                    display_name=member["display_name"],
                    email=member["email"],
                    link=absolute_url(request, f"/admin/members/{member_id}"),
                )
    status = values.get("status", member["status"])
    if waiting:
        await hub.emit("core.member_waiting", member_id, member_id=member_id)
    elif status == "active" and not member["email_verified"]:
        await hub.emit("core.member_joined", member_id, member_id=member_id)
    return str(status)


class RegisterController(Controller):
    path = "/account"

    @get("/register", name="core:register", opt={"permission": PUBLIC})
    async def register_page(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = request.app.state.hub
        if await hub.actor(request):
            return redirect(request, "/account/")
        return await hub.render(
            request,
            "account/register.html",
            {"form": {}, "errors": {}, "mode": registration_mode(hub), "max_password": MAX_PASSWORD},
        )

    @post("/register", name="core:register-submit", opt={"permission": PUBLIC})
    async def register(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = request.app.state.hub
        mode = registration_mode(hub)
        if mode == "invite":
            return await hub.render(
                request,
                "account/register.html",
                {"form": {}, "errors": {}, "mode": mode, "max_password": MAX_PASSWORD},
                status_code=403,
            )
        result = register_form().validate(await request.form())
        _check_password(result)
        if not result.ok:
            return await hub.render(
                request,
                "account/register.html",
                {"form": result.raw, "errors": result.errors, "mode": mode, "max_password": MAX_PASSWORD},
                status_code=400,
            )
        email = result.values["email"]
        limited = await _rate_limited(hub, request, email)
        if limited is not None:
            return limited
        password_hash = await hash_password(result.values["password"])  # the same cost either way
        existing = await get_member_by_email(email)
        if existing is not None:
            await _tell_existing_owner(hub, request, email)
            log.info("sign-up for an existing address", extra={"event": "register_existing"})
        else:
            try:
                async with hub.write():  # the account, its token and the email commit together
                    member_id = await create_member(
                        email,
                        result.values["display_name"],
                        None,
                        password_hash=password_hash,
                        status="pending",
                        language=current_locale(),
                    )
                    member = await get_member(member_id)
                    assert member is not None
                    await send_verification(hub, request, member, needs_approval=mode == "approval")
            except EmailTaken:  # a race with another sign-up for the same address
                await _tell_existing_owner(hub, request, email)
            else:
                await hub.emit("core.member_registered", member_id, member_id=member_id, mode=mode)
        return redirect(request, "/account/register/sent")

    @get("/register/sent", name="core:register-sent", opt={"permission": PUBLIC})
    async def register_sent(self, request: Request[Any, Any, Any]) -> Response[str]:
        return await request.app.state.hub.render(request, "account/register_sent.html")

    @get("/verify/{token:str}", name="core:verify", opt={"permission": PUBLIC})
    async def verify_page(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Response[str]:
        hub = request.app.state.hub
        row = await tokens.peek_token(tokens.VERIFY, token)
        if row is None:
            return await _invalid_link(hub, request)
        return await hub.render(request, "account/verify.html", {"token": token})

    @post("/verify/{token:str}", name="core:verify-submit", opt={"permission": PUBLIC})
    async def verify(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Response[str]:
        hub = request.app.state.hub
        async with hub.write():
            row = await tokens.consume_token(tokens.VERIFY, token)
        if row is None or row["member"] is None:
            return await _invalid_link(hub, request)
        status = await finish_verification(hub, request, row["member"], bool(row["data"].get("needs_approval")))
        if status == "active":
            hub.session(request).login(row["member"])
            hub.flash(request, _("Your email address is confirmed. Welcome!"))
            return redirect(request, "/account/welcome")
        if status == "pending":
            return redirect(request, "/account/waiting")
        return await _invalid_link(hub, request)

    @get("/waiting", name="core:waiting", opt={"permission": PUBLIC})
    async def waiting(self, request: Request[Any, Any, Any]) -> Response[str]:
        return await request.app.state.hub.render(request, "account/waiting.html")

    @get("/invite/{token:str}", name="core:invite", opt={"permission": PUBLIC})
    async def invite_page(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Response[str]:
        hub = request.app.state.hub
        row = await tokens.peek_token(tokens.INVITE, token)
        if row is None:
            return await _invalid_link(hub, request)
        if await hub.actor(request):
            hub.flash(request, _("You already have an account here."), "info")
            return redirect(request, "/account/")
        return await hub.render(
            request,
            "account/invite.html",
            {"form": {}, "errors": {}, "token": token, "bound_email": row["email"], "max_password": MAX_PASSWORD},
        )

    @post("/invite/{token:str}", name="core:invite-submit", opt={"permission": PUBLIC})
    async def invite(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Response[str]:
        hub = request.app.state.hub
        row = await tokens.peek_token(tokens.INVITE, token)
        if row is None:
            return await _invalid_link(hub, request)
        bound: str | None = row["email"]
        result = register_form(with_email=not bound).validate(await request.form())
        _check_password(result, email=bound or "")
        if not result.ok:
            return await hub.render(
                request,
                "account/invite.html",
                {
                    "form": result.raw,
                    "errors": result.errors,
                    "token": token,
                    "bound_email": bound,
                    "max_password": MAX_PASSWORD,
                },
                status_code=400,
            )
        email = bound or result.values["email"]
        limited = await _rate_limited(hub, request, None)
        if limited is not None:
            return limited
        password_hash = await hash_password(result.values["password"])
        if await get_member_by_email(email) is not None:
            if bound:
                hub.flash(request, _("There is already an account for this address. Please sign in."), "info")
                return redirect(request, "/account/login")
            await _tell_existing_owner(hub, request, email)
            return redirect(request, "/account/register/sent")
        try:
            async with hub.write():
                spent = await tokens.consume_token(tokens.INVITE, token)
                if spent is None:
                    member_id = None
                else:
                    member_id = await create_member(
                        email,
                        result.values["display_name"],
                        None,
                        password_hash=password_hash,
                        status="active" if bound else "pending",
                        language=current_locale(),
                        email_verified=bool(bound),
                    )
        except EmailTaken:
            await _tell_existing_owner(hub, request, email)
            return redirect(request, "/account/register/sent")
        if member_id is None:
            return await _invalid_link(hub, request)
        await hub.emit(
            "core.member_registered", member_id, member_id=member_id, mode="invite", invited_by=row["created_by"]
        )
        if bound:
            await hub.emit("core.member_joined", member_id, member_id=member_id)
            hub.session(request).login(member_id)
            hub.flash(request, _("Welcome! Your account is ready."))
            return redirect(request, "/account/welcome")
        member = await get_member(member_id)
        assert member is not None
        await send_verification(hub, request, member, needs_approval=False)
        return redirect(request, "/account/register/sent")


async def _invalid_link(hub: Hub, request: Request[Any, Any, Any]) -> Response[str]:
    return await hub.render(request, "account/link_invalid.html", status_code=400)
