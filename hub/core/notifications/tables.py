"""Stored notifications: the in-hub list, and the source of immediate emails and digests."""

from __future__ import annotations

from piccolo.columns import ForeignKey, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from hub.core.members.tables import Member

__all__ = ["Notification"]


class Notification(Table, tablename="hub_notification"):
    id = Serial(primary_key=True)
    member = ForeignKey(Member, on_delete=OnDelete.cascade, index=True)
    type = Varchar(length=100)
    title = Varchar(length=300)
    body = Text(default="")
    url = Varchar(length=500, default="")
    dedupe_key = Varchar(length=200, null=True, default=None, unique=True)
    """Set by senders that must never notify twice for the same thing (jobs, retries)."""
    delivery = Varchar(length=10, default="digest")
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    read_at = Timestamptz(null=True, default=None)
    emailed_at = Timestamptz(null=True, default=None)
