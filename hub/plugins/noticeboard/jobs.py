"""Periodic work: remind authors before their notices expire (idempotent through ``dedupe_key``)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from hub import lazy_gettext as _l
from hub.plugins.noticeboard.tables import Post

__all__ = ["send_expiry_reminders"]

BATCH = 500


async def send_expiry_reminders(hub: Any, now: datetime) -> int:
    """Notify authors of open notices expiring within ``reminder_days`` of ``now``; returns how many were new.

    The dedupe key names the notice *and* its expiry time, so a re-run never repeats a reminder, and a
    notice that was extended gets a fresh one before its new date.
    """
    days = hub.config("noticeboard").reminder_days
    sent = 0
    last_id = 0
    while True:
        rows = (
            await Post.select(Post.id, Post.title, Post.author, Post.expires_at)
            .where(
                (Post.id > last_id)
                & (Post.status == "open")
                & Post.hidden.eq(False)
                & Post.author.is_not_null()
                & (Post.expires_at > now)
                & (Post.expires_at <= now + timedelta(days=days))
            )
            .order_by(Post.id)
            .limit(BATCH)
            .run()
        )
        if not rows:
            return sent
        last_id = rows[-1]["id"]
        sent += await _remind(hub, rows)


async def _remind(hub: Any, rows: list[dict[str, Any]]) -> int:
    sent = 0
    for row in rows:
        key = f"noticeboard.expiring:{row['id']}:{row['expires_at'].isoformat()}"
        notification = await hub.notify(
            row["author"],
            "noticeboard.expiring",
            _l("Your notice “%(title)s” comes down soon", title=row["title"]),
            body=_l(
                "It expires on %(date)s. Open it and choose “Keep it up” to extend it.",
                date=row["expires_at"].date().isoformat(),
            ),
            url=f"/noticeboard/{row['id']}",
            dedupe_key=key,
        )
        if notification is not None:
            sent += 1
    return sent
