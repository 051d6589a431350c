"""The core's own periodic jobs: clearing expired sessions, tokens and rate counters."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from hub.core.auth.tables import AuthToken, RateCounter, Session
from hub.core.hookspecs import hookimpl
from hub.core.i18n import lazy_gettext as _l
from hub.core.mail.outbox import purge_mail
from hub.core.tasks.queue import purge_tasks
from hub.core.types import Job

__all__ = ["cleanup_expired", "register_jobs"]

TOKEN_GRACE = timedelta(days=1)
"""Expired tokens are kept a day so "this link has expired" can still be told apart from "unknown"."""
COUNTER_AGE = timedelta(days=2)
"""Longer than any rate-limit window the hub uses."""


async def cleanup_expired(hub: Any, now: datetime) -> None:
    """Delete what can no longer be used; idempotent, so running it twice is harmless."""
    async with hub.write():
        await Session.delete().where(Session.expires_at < now).run()
        await AuthToken.delete().where(AuthToken.expires_at < now - TOKEN_GRACE).run()
        await RateCounter.delete().where(RateCounter.window_start < now - COUNTER_AGE).run()
    await purge_mail(hub, now)
    await purge_tasks(hub, now)


@hookimpl
def register_jobs(hub: Any) -> list[Job]:
    return [
        Job(
            name="core.cleanup",
            every=timedelta(hours=1),
            run=cleanup_expired,
            description=_l("Clear expired sessions, sign-in links, rate-limit counters and old mail and tasks"),
        )
    ]
