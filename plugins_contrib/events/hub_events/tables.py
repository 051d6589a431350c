"""The events plugin's tables: events, one-occurrence changes, RSVPs and calendar feed tokens.

Times are stored in UTC with the event's IANA time zone name beside them, so a weekly event at
19:00 in Europe/London stays at 19:00 local time across daylight-saving changes.
Occurrences of recurring events are identified by their original UTC start as text
(``2026-11-26T19:00:00Z``), which compares and indexes the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from piccolo.columns import Boolean, Date, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from hub import Member

__all__ = ["Change", "EventRow", "FeedToken", "Rsvp"]


class EventRow(Table, tablename="events_event"):
    id = Serial(primary_key=True)
    title = Varchar(length=200)
    description = Text(default="")
    starts_at = Timestamptz(index=True)
    ends_at = Timestamptz()
    timezone = Varchar(length=64, default="UTC")
    place = Varchar(length=300, default="")
    online_url = Varchar(length=500, default="")
    capacity = Integer(null=True, default=None)
    audience = Varchar(length=10, default="public", index=True)
    """``public`` (anyone, feeds included) or ``members`` (signed-in members only)."""
    recurrence = Varchar(length=10, default="none", index=True)
    """``none``, ``weekly`` or ``monthly`` (the same weekday of the month, e.g. the second Tuesday)."""
    repeat_until = Date(null=True, default=None)
    organiser = ForeignKey(Member, on_delete=OnDelete.set_null, null=True, default=None, index=True)
    hidden = Boolean(default=False)
    created_at = Timestamptz(default=TimestamptzNow())


class Change(Table, tablename="events_change"):
    """A change to one occurrence of a recurring event: cancelled, or moved to another time."""

    id = Serial(primary_key=True)
    event = ForeignKey(EventRow, on_delete=OnDelete.cascade, index=True)
    occurrence = Varchar(length=32)
    cancelled = Boolean(default=False)
    new_start = Timestamptz(null=True, default=None)
    new_end = Timestamptz(null=True, default=None)


class Rsvp(Table, tablename="events_rsvp"):
    id = Serial(primary_key=True)
    event = ForeignKey(EventRow, on_delete=OnDelete.cascade, index=True)
    occurrence = Varchar(length=32, index=True)
    member = ForeignKey(Member, on_delete=OnDelete.cascade, index=True)
    status = Varchar(length=12)
    """``going``, ``maybe``, ``not_going`` or ``waiting`` (full: on the waiting list)."""
    created_at = Timestamptz(default=TimestamptzNow())
    """When the answer was last changed: the waiting list is served in this order."""


class FeedToken(Table, tablename="events_feed_token"):
    """The secret in a member's personal calendar feed address; resetting it revokes old links."""

    id = Serial(primary_key=True)
    member = ForeignKey(Member, on_delete=OnDelete.cascade, unique=True)
    token = Varchar(length=64, unique=True)
    created_at = Timestamptz(default=TimestamptzNow())
