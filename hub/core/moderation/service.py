"""Filing reports and recording organiser decisions."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from hub.core.moderation.tables import ModerationAction, Report

if TYPE_CHECKING:
    from hub.core.facade import Hub

__all__ = ["file_report", "record_action"]

REPORT_REASON_MAX = 2000


async def file_report(hub: Hub, kind: str, object_id: int, reporter_id: int, reason: str) -> int:
    """Store a report (one open report per member and item) and tell the organisers."""
    reason = reason.strip()[:REPORT_REASON_MAX]
    if not reason:
        raise ValueError("A report needs a reason.")
    async with hub.write():
        existing = (
            await Report.select(Report.id)
            .where(
                (Report.kind == kind)
                & (Report.object_id == object_id)
                & (Report.reporter == reporter_id)
                & (Report.status == "open")
            )
            .first()
            .run()
        )
        if existing is not None:
            return int(existing["id"])
        rows = await Report.insert(
            Report(kind=kind, object_id=object_id, reporter=reporter_id, reason=reason, created_at=datetime.now(UTC))
        ).run()
    report_id = int(rows[0]["id"])
    await hub.emit("core.report_filed", reporter_id, report_id=report_id, kind=kind, object_id=object_id)
    return report_id


async def record_action(
    hub: Hub,
    actor_id: int | None,
    action: str,
    *,
    reason: str = "",
    kind: str = "",
    object_id: int | None = None,
    subject_id: int | None = None,
    public_summary: str = "",
) -> int:
    """Write one line of the moderation log (call inside or after the write it describes)."""
    rows = await ModerationAction.insert(
        ModerationAction(
            actor=actor_id,
            action=action,
            kind=kind,
            object_id=object_id,
            subject=subject_id,
            reason=reason,
            public_summary=public_summary[:300],
            created_at=datetime.now(UTC),
        )
    ).run()
    return int(rows[0]["id"])
