"""Reporting content: one form for every plugin's content kinds."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException

from hub.core import hooks
from hub.core.auth.permissions import SIGNED_IN
from hub.core.i18n import gettext as _
from hub.core.types import ReportedObject
from hub.core.web.forms import Field, Form
from hub.core.web.util import redirect, safe_next

__all__ = ["ReportController"]


def report_form() -> Form:
    return Form(
        [
            Field("kind", "kind", max_length=100),
            Field("id", "id", kind="int", min_value=1, max_value=2**62),
            Field("reason", _("What is wrong?"), kind="textarea", max_length=2000, min_length=3),
        ]
    )


async def _reported(request: Request[Any, Any, Any], kind: str, object_id: int) -> ReportedObject:
    hub = request.app.state.hub
    viewer = await hub.actor(request)
    found = await hooks.call_first(
        hub.registry, "moderation_object", hub=hub, kind=kind, object_id=object_id, viewer=viewer
    )
    if not isinstance(found, ReportedObject) or found.hidden:
        raise NotFoundException()
    return found


class ReportController(Controller):
    path = "/report"

    @get("/", name="core:report", opt={"permission": SIGNED_IN})
    async def report_page(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = request.app.state.hub
        kind = request.query_params.get("kind", "")
        raw_id = request.query_params.get("id", "")
        if not kind or not raw_id.isdigit():
            raise NotFoundException()
        target = await _reported(request, kind, int(raw_id))
        next_url = safe_next(request.query_params.get("next"), target.url)
        return await hub.render(
            request,
            "moderation/report.html",
            {"target": target, "kind": kind, "object_id": int(raw_id), "form": {}, "errors": {}, "next": next_url},
        )

    @post("/", name="core:report-submit", opt={"permission": SIGNED_IN})
    async def report(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = request.app.state.hub
        actor = await hub.actor(request)
        data = await request.form()
        result = report_form().validate(data)
        if "kind" in result.errors or "id" in result.errors:
            raise NotFoundException()
        target = await _reported(request, result.values["kind"], result.values["id"])
        next_url = safe_next(data.get("next") if isinstance(data.get("next"), str) else None, target.url)
        if not result.ok:
            return await hub.render(
                request,
                "moderation/report.html",
                {
                    "target": target,
                    "kind": result.values["kind"],
                    "object_id": result.values["id"],
                    "form": result.raw,
                    "errors": result.errors,
                    "next": next_url,
                },
                status_code=400,
            )
        await hub.report(result.values["kind"], result.values["id"], actor.id, result.values["reason"])
        hub.flash(request, _("Thank you. An organiser will look at your report."))
        return redirect(request, next_url)
