"""/admin/moderation: the one queue of reports from every plugin, and the actions on it."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException

from hub.core.admin.moderation import MAX_ID, QUEUE_ACTIONS, ActionRefused, carry_out, describe, report_groups
from hub.core.i18n import gettext as _
from hub.core.moderation.tables import Report
from hub.core.web.forms import Field, Form
from hub.core.web.util import redirect

__all__ = ["ModerationController"]

PAGE_SIZE = 20


def action_form() -> Form:
    return Form(
        [
            Field("kind", "kind", max_length=100),
            Field("object_id", "object", kind="int", min_value=1, max_value=MAX_ID),
            Field("action", _("Action"), kind="choice", choices=[(a, a) for a in QUEUE_ACTIONS]),
            Field("reason", _("Reason"), kind="textarea", max_length=2000, min_length=3),
            Field("public_summary", _("Public summary"), required=False, max_length=300),
            Field("status", "status", kind="choice", required=False, choices=[("open", ""), ("handled", "")]),
        ]
    )


def _cursor(request: Request[Any, Any, Any]) -> int | None:
    raw = request.query_params.get("after", "")
    return min(int(raw), MAX_ID) if isinstance(raw, str) and raw.isdigit() and len(raw) < 19 else None


class ModerationController(Controller):
    path = "/admin/moderation"

    async def _queue(
        self, request: Request[Any, Any, Any], status: str, errors: dict[Any, Any] | None = None,
        form: dict[str, Any] | None = None, status_code: int = 200,
    ) -> Response[str]:  # fmt: skip
        hub = request.app.state.hub
        actor = await hub.actor(request)
        cursor = _cursor(request)
        groups, next_cursor = await report_groups(status, cursor, PAGE_SIZE)
        for group in groups:
            group.target = await describe(hub, group.kind, group.object_id, actor)
        base = "/admin/moderation" + ("?status=handled&" if status == "handled" else "?")
        return await hub.render(
            request,
            "admin/moderation.html",
            {
                "groups": groups,
                "status": status,
                "next_url": f"{base}after={next_cursor}" if next_cursor else None,
                "first_url": base.rstrip("?&") if cursor else None,
                "errors": errors or {},
                "form": form or {},
            },
            block="queue",
            status_code=status_code,
        )

    @get("/", name="core:admin-moderation", opt={"permission": "core.moderate"})
    async def queue(self, request: Request[Any, Any, Any]) -> Response[str]:
        status = "handled" if request.query_params.get("status") == "handled" else "open"
        return await self._queue(request, status)

    @post("/act", name="core:admin-moderation-act", opt={"permission": "core.moderate"})
    async def act(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = request.app.state.hub
        actor = await hub.actor(request)
        result = action_form().validate(await request.form())
        if any(key in result.errors for key in ("kind", "object_id", "action", "status")):
            raise NotFoundException()
        values = result.values
        status = values.get("status") or "open"
        exists = (
            await Report.exists()
            .where((Report.kind == values["kind"]) & (Report.object_id == values["object_id"]))
            .run()
        )
        if not exists:
            raise NotFoundException()
        if not result.ok:
            return await self._queue(request, status, {(values["kind"], values["object_id"]): result.errors},
                                     result.raw, status_code=400)  # fmt: skip
        try:
            await carry_out(
                hub,
                actor,
                values["kind"],
                values["object_id"],
                values["action"],
                values["reason"],
                values.get("public_summary") or "",
            )
        except ActionRefused as error:
            errors = {(values["kind"], values["object_id"]): {"__all__": str(error)}}
            return await self._queue(request, status, errors, result.raw, status_code=400)
        messages = {
            "hide": _("The content is hidden. The reports are marked as dealt with."),
            "restore": _("The content is visible again."),
            "dismiss": _("The reports were dismissed."),
            "warn": _("The author was sent your message. Nobody's report was revealed to them."),
        }
        hub.flash(request, messages[values["action"]])
        return redirect(request, "/admin/moderation" + ("?status=handled" if status == "handled" else ""))
