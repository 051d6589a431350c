"""The moderation log (full for organisers, a public summary for members) and the security log."""

from __future__ import annotations

import json
import re
from typing import Any

from litestar import Controller, Request, Response, get
from piccolo.columns import Column

from hub.core.admin.audit import AUDITED_EVENTS
from hub.core.admin.moderation import MAX_ID, action_label
from hub.core.admin.tables import AuditEvent
from hub.core.auth.permissions import SIGNED_IN
from hub.core.moderation.tables import ModerationAction

__all__ = ["AuditController", "ModerationLogController", "PublicLogController"]

PAGE_SIZE = 50
EVENT_NAME = re.compile(r"[a-z][a-z0-9_]*\.[a-z0-9_.]{1,90}")


def _before(request: Request[Any, Any, Any]) -> int | None:
    raw = request.query_params.get("before", "")
    return min(int(raw), MAX_ID) if isinstance(raw, str) and raw.isdigit() and len(raw) < 19 else None


async def _page(query: Any, id_column: Column, before: int | None) -> tuple[list[dict[str, Any]], int | None]:
    """Keyset pagination, newest first: one query for a page however long the log grows."""
    if before is not None:
        query = query.where(id_column < before)
    rows = await query.order_by(id_column, ascending=False).limit(PAGE_SIZE + 1).run()
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return rows, (rows[-1]["id"] if more and rows else None)


class ModerationLogController(Controller):
    path = "/admin/log"

    @get("/", name="core:admin-log", opt={"permission": "core.moderate"})
    async def log(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = request.app.state.hub
        query = ModerationAction.select(
            *ModerationAction.all_columns(),
            ModerationAction.actor.display_name.as_alias("actor_name"),
            ModerationAction.subject.display_name.as_alias("subject_name"),
        )
        rows, next_before = await _page(query, ModerationAction.id, _before(request))
        for row in rows:
            row["label"] = action_label(row["action"])
        return await hub.render(
            request,
            "admin/log.html",
            {
                "entries": rows,
                "next_url": f"/admin/log?before={next_before}" if next_before else None,
                "first_url": "/admin/log" if _before(request) else None,
            },
        )


class PublicLogController(Controller):
    """Members see that moderation happens and why in general terms: never who reported or was
    acted on, and never the private reason. Signed-in members only, because summaries can name
    members-only content that visitors must not learn about."""

    path = "/moderation-log"

    @get("/", name="core:moderation-log", opt={"permission": SIGNED_IN})
    async def public_log(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = request.app.state.hub
        query = ModerationAction.select(
            ModerationAction.id, ModerationAction.action, ModerationAction.public_summary, ModerationAction.created_at
        )
        rows, next_before = await _page(query, ModerationAction.id, _before(request))
        entries = [
            {"label": action_label(r["action"]), "summary": r["public_summary"], "created_at": r["created_at"]}
            for r in rows
        ]
        return await hub.render(
            request,
            "moderation/public_log.html",
            {
                "entries": entries,
                "next_url": f"/moderation-log?before={next_before}" if next_before else None,
                "first_url": "/moderation-log" if _before(request) else None,
            },
        )


class AuditController(Controller):
    path = "/admin/audit"

    @get("/", name="core:admin-audit", opt={"permission": "core.admin"})
    async def audit(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = request.app.state.hub
        chosen = request.query_params.get("event", "")
        event = chosen if isinstance(chosen, str) and EVENT_NAME.fullmatch(chosen) else ""
        query = AuditEvent.select(*AuditEvent.all_columns(), AuditEvent.actor.display_name.as_alias("actor_name"))
        if event:
            query = query.where(AuditEvent.event == event)
        before = _before(request)
        rows, next_before = await _page(query, AuditEvent.id, before)
        for row in rows:
            try:
                detail = json.loads(row["detail"] or "{}")
            except ValueError:
                detail = {"detail": row["detail"]}
            row["details"] = sorted(detail.items()) if isinstance(detail, dict) else [("detail", str(detail))]
        base = f"/admin/audit?event={event}&" if event else "/admin/audit?"
        return await hub.render(
            request,
            "admin/audit.html",
            {
                "entries": rows,
                "event": event,
                "events": sorted(AUDITED_EVENTS | ({event} if event else set())),
                "next_url": f"{base}before={next_before}" if next_before else None,
                "first_url": base.rstrip("?&") if before else None,
            },
            block="results",
        )
