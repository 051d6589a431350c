"""The welcome flow after a new member's first sign-in: language and name, then (with the directory
plugin) an invitation to be listed. Every step can be skipped; either way the member is onboarded
and sign-in stops leading here.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from litestar import Controller, Request, Response, get, post

from hub.core.account.common import language_choices, signed_in_member
from hub.core.account.routes import profile_form
from hub.core.auth.permissions import SIGNED_IN
from hub.core.i18n import current_locale
from hub.core.i18n import gettext as _
from hub.core.members.service import update_member
from hub.core.web.util import redirect, safe_next

__all__ = ["WelcomeController"]


class WelcomeController(Controller):
    path = "/account/welcome"

    @get("/", name="core:welcome", opt={"permission": SIGNED_IN})
    async def welcome_page(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = request.app.state.hub
        _actor, member = await signed_in_member(hub, request)
        form = {"display_name": member["display_name"], "language": member["language"] or current_locale()}
        return await self._render(request, form, {})

    async def _render(
        self, request: Request[Any, Any, Any], form: dict[str, Any], errors: dict[str, str], status_code: int = 200
    ) -> Response[str]:
        hub = request.app.state.hub
        next_url = safe_next(request.query_params.get("next"), default="")
        return await hub.render(
            request,
            "account/welcome.html",
            {
                "form": form,
                "errors": errors,
                "language_choices": language_choices(hub),
                "next": next_url,
                "directory": hub.registry.is_active("directory"),
            },
            status_code=status_code,
        )

    @post("/", name="core:welcome-submit", opt={"permission": SIGNED_IN})
    async def welcome(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = request.app.state.hub
        _actor, member = await signed_in_member(hub, request)
        data = await request.form()
        next_raw = data.get("next")
        next_url = safe_next(next_raw if isinstance(next_raw, str) else None)
        if data.get("action") == "skip":
            async with hub.write():
                await update_member(member["id"], onboarded=True)
            await hub.emit("core.member_onboarded", member["id"], member_id=member["id"], skipped=True)
            return redirect(request, next_url)
        result = profile_form(language_choices(hub)).validate(data)
        if not result.ok:
            return await self._render(request, result.raw, result.errors, 400)
        async with hub.write():
            await update_member(
                member["id"],
                display_name=result.values["display_name"],
                language=result.values["language"],
                onboarded=True,
            )
        hub.catalogues.activate(result.values["language"])
        await hub.emit("core.member_onboarded", member["id"], member_id=member["id"], skipped=False)
        if hub.registry.is_active("directory"):
            return redirect(request, "/account/welcome/next" + (f"?next={quote(next_url)}" if next_url != "/" else ""))
        hub.flash(request, _("You are all set. Welcome!"))
        return redirect(request, next_url)

    @get("/next", name="core:welcome-next", opt={"permission": SIGNED_IN})
    async def welcome_next(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = request.app.state.hub
        next_url = safe_next(request.query_params.get("next"))
        return await hub.render(
            request,
            "account/welcome_next.html",
            {"next": next_url, "directory": hub.registry.is_active("directory")},
        )
