"""The reminder job: a notification to everyone going (or maybe going) a day before."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from hub import lazy_gettext as _l
from hub_events import service
from hub_events.tables import Rsvp

__all__ = ["REMIND_AHEAD", "send_reminders"]

REMIND_AHEAD = timedelta(hours=24)


async def send_reminders(hub: Any, now: datetime) -> int:
    """Remind attendees of occurrences starting within a day; dedupe keys make reruns harmless."""
    upcoming = await service.upcoming(None, now, 0, horizon=REMIND_AHEAD, every_audience=True)
    found = [o for o in upcoming if not o.cancelled]
    if not found:
        return 0
    by_pair = {(o.event_id, o.key): o for o in found}
    rows = (
        await Rsvp.select(Rsvp.event, Rsvp.occurrence, Rsvp.member)
        .where(
            Rsvp.event.is_in(list({e for e, _k in by_pair})),
            Rsvp.occurrence.is_in(list({k for _e, k in by_pair})),
            Rsvp.status.is_in(["going", "maybe"]),
        )
        .run()
    )
    sent = 0
    for row in rows:
        occurrence = by_pair.get((row["event"], row["occurrence"]))
        if occurrence is None:
            continue
        result = await hub.notify(
            row["member"],
            "events.reminder",
            _l("Reminder: %(title)s starts soon", title=occurrence.event["title"]),
            body=occurrence.event["place"] or occurrence.event["online_url"],
            url=occurrence.url,
            dedupe_key=f"events.reminder:{occurrence.event_id}:{occurrence.key}:{row['member']}",
        )
        sent += result is not None
    return sent
