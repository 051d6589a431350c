"""Accepting an invitation: the person an organiser entered chooses a password and signs in."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

from hub import PUBLIC, redirect
from hub import gettext as _
from hub.plugins.directory import service
from hub.plugins.directory.forms import join_form
from hub.plugins.directory.routes import NOINDEX

__all__ = ["JoinController"]


class JoinController(Controller):
    path = "/join"
    response_headers = NOINDEX

    @get("/{token:str}", name="directory:join", opt={"permission": PUBLIC})
    async def join_page(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Response[str]:
        invitation = await service.find_invitation(token)
        if invitation is None:
            raise NotFoundException()
        return await request.app.state.hub.render(
            request, "directory/join.html", {"invitation": invitation, "token": token, "errors": {}}
        )

    @post("/{token:str}", name="directory:join-accept", opt={"permission": PUBLIC})
    async def join(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Response[str]:
        hub = request.app.state.hub
        invitation = await service.find_invitation(token)
        if invitation is None:
            raise NotFoundException()
        result = join_form().validate(await request.form())
        if not result.ok:
            return await hub.render(
                request,
                "directory/join.html",
                {"invitation": invitation, "token": token, "errors": result.errors},
                status_code=400,
            )
        await service.accept_invitation(hub, invitation, result.values["password"])
        hub.session(request).login(invitation["member"])
        await hub.emit("directory.invitation_accepted", invitation["member"], profile_id=invitation["id"])
        hub.flash(
            request, _("Welcome, %(name)s. Your directory profile is yours now.", name=invitation["preferred_name"])
        )
        return redirect(request, "/directory/me")
