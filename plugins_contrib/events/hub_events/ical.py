"""iCalendar output: the hub feed, a member's personal feed and one-event downloads.

Times are written in UTC (``DTSTART:20261126T190000Z``), which every common calendar app reads
without a VTIMEZONE; each occurrence of a series is its own VEVENT with a stable UID, so moved
and cancelled occurrences show correctly even in apps with weak RRULE support.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from urllib.parse import urlsplit

from hub_events.service import Occurrence

__all__ = ["PRODID", "calendar_bytes"]

PRODID = "-//Community Hub//Events//EN"


def calendar_bytes(name: str, occurrences: Iterable[Occurrence], base_url: str, now: datetime) -> bytes:
    from icalendar import Calendar  # loaded on first use, not in every server process
    from icalendar import Event as VEvent

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    host = urlsplit(base_url).hostname or "localhost"
    for occurrence in occurrences:
        event = occurrence.event
        item = VEvent()
        item.add("uid", f"event-{occurrence.event_id}-{occurrence.key}@{host}")
        item.add("dtstamp", now)
        item.add("dtstart", occurrence.start)
        item.add("dtend", occurrence.end)
        item.add("summary", event["title"])
        if event["description"]:
            item.add("description", event["description"])
        location = event["place"] or event["online_url"]
        if location:
            item.add("location", location)
        item.add("url", f"{base_url}{occurrence.url}")
        item.add("status", "CANCELLED" if occurrence.cancelled else "CONFIRMED")
        calendar.add_component(item)
    return calendar.to_ical()
