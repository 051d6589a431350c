"""Signing in and out, and the one-time first-run setup of the admin account."""

from __future__ import annotations

import logging
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException

from hub.core.auth.passwords import MAX_PASSWORD, password_problem
from hub.core.auth.permissions import PUBLIC
from hub.core.auth.register import registration_mode, send_verification
from hub.core.i18n import gettext as _
from hub.core.members.service import EmailTaken, admin_exists, authenticate, create_member, update_member
from hub.core.web.forms import Field, Form
from hub.core.web.util import client_address, redirect, safe_next

__all__ = ["AuthController", "SetupController"]

log = logging.getLogger("hub.security")

LOGIN_LIMIT = 5
LOGIN_WINDOW = timedelta(minutes=5)


def login_form() -> Form:
    return Form(
        [
            Field("email", _("Email address"), kind="email", max_length=320),
            Field("password", _("Password"), kind="password"),
        ]
    )


def setup_form() -> Form:
    return Form(
        [
            Field("token", _("Setup code"), max_length=100),
            Field("display_name", _("Your name"), max_length=100),
            Field("email", _("Email address"), kind="email", max_length=320),
            Field("password", _("Password"), kind="password", check=lambda p: password_problem(p)),
        ]
    )


class AuthController(Controller):
    path = "/account"

    @get("/login", name="core:login", opt={"permission": PUBLIC})
    async def login_page(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = request.app.state.hub
        if await hub.actor(request):
            return redirect(request, safe_next(request.query_params.get("next")))
        return await hub.render(
            request,
            "account/login.html",
            {"form": {}, "errors": {}, "next": safe_next(request.query_params.get("next"))},
        )

    @post("/login", name="core:login-submit", opt={"permission": PUBLIC})
    async def login(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = request.app.state.hub
        data = await request.form()
        result = login_form().validate(data)
        next_url = safe_next(data.get("next") if isinstance(data.get("next"), str) else None)
        email = result.values.get("email") or ""
        address = client_address(request)
        keys = [f"login:ip:{address}"] + ([f"login:email:{email}"] if email else [])
        for key in keys:
            verdict = await hub.limiter.check(key, LOGIN_LIMIT, LOGIN_WINDOW)
            if not verdict.allowed:
                log.warning("rate limited: login %s", key.split(":")[1], extra={"event": "login_rate_limited"})
                response = await hub.render(
                    request,
                    "account/login.html",
                    {
                        "form": result.raw,
                        "errors": {"__all__": _("Too many attempts. Please wait a few minutes and try again.")},
                        "next": next_url,
                    },
                    status_code=429,
                )
                response.headers["Retry-After"] = str(verdict.retry_after)
                return response
        member = await authenticate(email, result.values["password"]) if result.ok else None
        if member is None or member["status"] != "active":
            if result.ok:
                for key in keys:
                    await hub.limiter.hit(key, LOGIN_WINDOW)
                log.warning("failed login from %s", address, extra={"event": "login_failed"})
                await hub.emit("core.login_failed", None, email=email, address=address)
            message = _("That email address and password do not match an active account.")
            if member is not None and member["status"] == "pending":
                if member["email_verified"]:
                    message = _(
                        "Your account is waiting for an organiser's approval. We will email you when it is ready."
                    )
                else:
                    await send_verification(hub, request, member, needs_approval=registration_mode(hub) == "approval")
                    message = _(
                        "Please confirm your email address first. We have sent you a new link; it works for 24 hours."
                    )
            return await hub.render(
                request,
                "account/login.html",
                {"form": result.raw, "errors": {"__all__": message}, "next": next_url},
                status_code=400,
            )
        for key in keys:
            await hub.limiter.reset(key)
        hub.session(request).login(member["id"])
        async with hub.write():
            await update_member(member["id"], last_seen_at=datetime.now(UTC))
        await hub.emit("core.logged_in", member["id"], address=address)
        hub.flash(request, _("Welcome back, %(name)s.", name=member["display_name"]))
        if not member["onboarded"]:
            return redirect(request, "/account/welcome" + (f"?next={quote(next_url)}" if next_url != "/" else ""))
        return redirect(request, next_url)

    @post("/logout", name="core:logout", opt={"permission": PUBLIC})
    async def logout(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = request.app.state.hub
        actor = await hub.actor(request)
        state = hub.session(request)
        state.logout()
        state.data = {}
        if actor is not None:
            await hub.emit("core.logged_out", actor.id)
        hub.flash(request, _("You have signed out."), "info")
        return redirect(request, "/")


class SetupController(Controller):
    """First run: create the admin account, protected by a code printed in the server log."""

    path = "/setup"

    @get("/", name="core:setup", opt={"permission": PUBLIC})
    async def setup_page(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = request.app.state.hub
        if await admin_exists():
            raise NotFoundException()
        token = request.query_params.get("token", "")
        return await hub.render(
            request, "account/setup.html", {"form": {"token": token[:100]}, "errors": {}, "max_password": MAX_PASSWORD}
        )

    @post("/", name="core:setup-submit", opt={"permission": PUBLIC})
    async def setup(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = request.app.state.hub
        if await admin_exists():
            raise NotFoundException()
        data = await request.form()
        result = setup_form().validate(data)
        expected = hub.startup_token
        if result.ok and not (expected and secrets.compare_digest(result.values["token"], expected)):
            result.errors["token"] = _(
                "That setup code is not right. Copy it from the message the hub printed when it started."
            )
        if result.ok:
            try:
                async with hub.write():
                    if await admin_exists():
                        raise NotFoundException()
                    member_id = await create_member(
                        result.values["email"],
                        result.values["display_name"],
                        result.values["password"],
                        role="admin",
                        status="active",
                        email_verified=True,
                    )
            except EmailTaken:
                result.errors["email"] = _("That email address is already in use.")
            else:
                hub.startup_token = None
                hub.session(request).login(member_id)
                await hub.emit("core.admin_created", member_id)
                hub.flash(request, _("Your hub is ready. You are its first admin."))
                return redirect(request, "/")
        return await hub.render(
            request,
            "account/setup.html",
            {"form": result.raw, "errors": result.errors, "max_password": MAX_PASSWORD},
            status_code=400,
        )
