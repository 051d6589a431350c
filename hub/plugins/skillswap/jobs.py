"""Periodic jobs: reminders to confirm exchanges, and renewal nudges for listings about to expire.

Both are idempotent: every notification carries a ``dedupe_key``, so running a job twice (or on
two machines) never sends the same reminder twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from hub import lazy_gettext as _l
from hub.plugins.skillswap.tables import Exchange, Listing

if TYPE_CHECKING:
    from hub.core.facade import Hub

__all__ = ["confirm_reminders", "renewal_nudges"]

RENEWAL_WINDOW = timedelta(days=7)
BATCH = 500


async def confirm_reminders(hub: Hub, now: datetime) -> int:
    """Remind whoever has not confirmed an exchange marked done ``confirm_reminder_days`` ago."""
    days = hub.config("skillswap").confirm_reminder_days
    rows = (
        await Exchange.select(
            Exchange.id, Exchange.provider, Exchange.receiver, Exchange.provider_confirmed, Exchange.receiver_confirmed
        )
        .where(Exchange.status == "done", Exchange.done_at <= now - timedelta(days=days))
        .order_by(Exchange.id)
        .limit(BATCH)
        .run()
    )
    sent = 0
    for row in rows:
        waiting = [
            member
            for member, confirmed in (
                (row["provider"], row["provider_confirmed"]),
                (row["receiver"], row["receiver_confirmed"]),
            )
            if member is not None and not confirmed
        ]
        for member in waiting:
            result = await hub.notify(
                member,
                "skillswap.confirm_reminder",
                _l("Please confirm your skill-swap exchange"),
                _l("The other person marked it as done. Confirm it, or tell us if something is wrong."),
                url=f"/skillswap/exchanges/{row['id']}",
                dedupe_key=f"skillswap.confirm:{row['id']}:{member}",
            )
            sent += result is not None
    return sent


async def renewal_nudges(hub: Hub, now: datetime) -> int:
    """Nudge owners a week before their listing expires (once per expiry date)."""
    rows = (
        await Listing.select(Listing.id, Listing.owner, Listing.title, Listing.expires_at)
        .where(
            Listing.status == "open",
            Listing.expires_at > now,
            Listing.expires_at <= now + RENEWAL_WINDOW,
        )
        .order_by(Listing.id)
        .limit(BATCH)
        .run()
    )
    sent = 0
    for row in rows:
        result = await hub.notify(
            row["owner"],
            "skillswap.renewal",
            _l("Your listing “%(title)s” ends soon", title=row["title"]),
            _l("Renew it if it is still current; otherwise it will stop showing."),
            url=f"/skillswap/{row['id']}",
            dedupe_key=f"skillswap.renew:{row['id']}:{row['expires_at'].date().isoformat()}",
        )
        sent += result is not None
    return sent
