"""Forgotten passwords: an emailed one-hour, single-use link to choose a new one.

The request page answers the same whether or not the address has an account, in status, body
and time: the request only queues a ``core.password_reset`` task with the address (the same
statements either way, no mail server involved), and a worker looks the address up, issues the
token and queues the email. Completing a reset proves the mailbox is theirs, so it also confirms
the address, and it ends every session the member had (a thief signed in elsewhere is signed out).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath

from hub.core.auth import tokens
from hub.core.auth.emails import send_account_mail
from hub.core.auth.passwords import MAX_PASSWORD, hash_password, password_problem
from hub.core.auth.permissions import PUBLIC
from hub.core.auth.register import finish_verification, registration_mode
from hub.core.i18n import current_locale
from hub.core.i18n import gettext as _
from hub.core.members.service import get_member, get_member_by_email, update_member
from hub.core.types import TaskType
from hub.core.web.forms import Field, Form
from hub.core.web.util import client_address, redirect

if TYPE_CHECKING:
    from hub.core.facade import Hub

__all__ = ["RESET_TASK", "ResetController", "reset_task_type"]

log = logging.getLogger("hub.security")

RESET_LIMIT = 5
RESET_EMAIL_LIMIT = 3
RESET_WINDOW = timedelta(hours=1)
RESET_TASK = "core.password_reset"


async def send_reset_link(hub: Hub, payload: Mapping[str, Any]) -> None:
    """The worker's half of a reset request: email a link if the address has a usable account.

    The token and its email commit together, so a retry after a crash never mails a second link
    for one request unless the first was never stored.
    """
    member = await get_member_by_email(str(payload.get("email", "")))
    if member is None or member["status"] == "suspended":
        return
    async with hub.write():
        token = await tokens.issue_token(tokens.RESET, member_id=member["id"], email=member["email"])
        await send_account_mail(
            hub,
            "reset",
            member["email"],
            language=payload.get("language") or member["language"],
            display_name=member["display_name"],
            link=hub.absolute_url(f"/account/reset/{token}"),
        )


def reset_task_type() -> TaskType:
    return TaskType(RESET_TASK, send_reset_link, max_attempts=5, description="Email a password-reset link")


def request_form() -> Form:
    return Form([Field("email", _("Email address"), kind="email", max_length=320)])


def new_password_form() -> Form:
    return Form([Field("password", _("New password"), kind="password")])


class ResetController(Controller):
    path = "/account/reset"

    @get("/", name="core:reset", opt={"permission": PUBLIC})
    async def reset_page(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = request.app.state.hub
        return await hub.render(request, "account/reset.html", {"form": {}, "errors": {}})

    @post("/", name="core:reset-submit", opt={"permission": PUBLIC})
    async def reset(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = request.app.state.hub
        result = request_form().validate(await request.form())
        if not result.ok:
            return await hub.render(
                request, "account/reset.html", {"form": result.raw, "errors": result.errors}, status_code=400
            )
        email = result.values["email"]
        checks = [(f"reset:ip:{client_address(request)}", RESET_LIMIT), (f"reset:email:{email}", RESET_EMAIL_LIMIT)]
        for key, limit in checks:
            verdict = await hub.limiter.check(key, limit, RESET_WINDOW)
            if not verdict.allowed:
                log.warning("rate limited: reset %s", key.split(":")[1], extra={"event": "reset_rate_limited"})
                response = await hub.render(
                    request,
                    "account/reset.html",
                    {
                        "form": result.raw,
                        "errors": {"__all__": _("Too many attempts. Please wait a while and try again.")},
                    },
                    status_code=429,
                )
                response.headers["Retry-After"] = str(verdict.retry_after)
                return response
        for key, _limit in checks:
            await hub.limiter.hit(key, RESET_WINDOW)
        # Known or not, the same work: queue the lookup for a worker (see send_reset_link).
        await hub.enqueue(RESET_TASK, {"email": email, "language": current_locale()})
        return redirect(request, "/account/reset/sent")

    @get("/sent", name="core:reset-sent", opt={"permission": PUBLIC})
    async def sent(self, request: Request[Any, Any, Any]) -> Response[str]:
        return await request.app.state.hub.render(request, "account/reset_sent.html")

    @get("/{token:str}", name="core:reset-token", opt={"permission": PUBLIC})
    async def choose_page(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Response[str]:
        hub = request.app.state.hub
        if await tokens.peek_token(tokens.RESET, token) is None:
            return await hub.render(request, "account/link_invalid.html", status_code=400)
        return await hub.render(
            request,
            "account/reset_choose.html",
            {"form": {}, "errors": {}, "token": token, "max_password": MAX_PASSWORD},
        )

    @post("/{token:str}", name="core:reset-token-submit", opt={"permission": PUBLIC})
    async def choose(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Response[str]:
        hub = request.app.state.hub
        row = await tokens.peek_token(tokens.RESET, token)
        member = await get_member(row["member"]) if row and row["member"] else None
        if row is None or member is None:
            return await hub.render(request, "account/link_invalid.html", status_code=400)
        result = new_password_form().validate(await request.form())
        if result.ok:
            problem = password_problem(result.values["password"], email=member["email"], name=member["display_name"])
            if problem:
                result.errors["password"] = problem
        if not result.ok:
            return await hub.render(
                request,
                "account/reset_choose.html",
                {"form": {}, "errors": result.errors, "token": token, "max_password": MAX_PASSWORD},
                status_code=400,
            )
        new_hash = await hash_password(result.values["password"])  # off the loop, outside the write lock
        async with hub.write():
            spent = await tokens.consume_token(tokens.RESET, token)
            if spent is not None:
                await update_member(member["id"], password_hash=new_hash)
        if spent is None:
            return await hub.render(request, "account/link_invalid.html", status_code=400)
        ended = await hub.sessions.delete_for_member(member["id"])
        status = await finish_verification(hub, request, member["id"], registration_mode(hub) == "approval")
        await hub.emit("core.password_reset", member["id"], member_id=member["id"], sessions_ended=ended)
        state = hub.session(request)
        if status == "active":
            state.login(member["id"])
            hub.flash(request, _("Your new password is set and you are signed in."))
            return redirect(request, "/account/")
        hub.flash(request, _("Your new password is set."))
        return redirect(request, "/account/waiting" if status == "pending" else "/account/login")
