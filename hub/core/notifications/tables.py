"""Stored notifications and each member's delivery choices.

``hub_notification`` is both the in-hub list (the bell) and the queue for immediate emails and
digests; ``hub_notification_preference`` holds a member's choice per type, and
``hub_notification_settings`` their digest frequency and when their last digest went out.
"""

from __future__ import annotations

from piccolo.columns import ForeignKey, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from hub.core.members.tables import Member

__all__ = ["Notification", "NotificationPreference", "NotificationSettings"]


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
    """When an email for it went out, or when a digest run claimed it (claims are never undone by a crash)."""
    digest_run = Varchar(length=40, null=True, default=None, index=True)
    """The digest run that claimed this item, so a run only ever mails what it claimed itself."""


class NotificationPreference(Table, tablename="hub_notification_preference"):
    """A member's delivery for one type; no row means the type's default (unique per member and type)."""

    id = Serial(primary_key=True)
    member = ForeignKey(Member, on_delete=OnDelete.cascade, index=True)
    type = Varchar(length=100)
    delivery = Varchar(length=10)


class NotificationSettings(Table, tablename="hub_notification_settings"):
    """Member-level choices: how often the one digest comes, and when the last one went out."""

    id = Serial(primary_key=True)
    member = ForeignKey(Member, on_delete=OnDelete.cascade, unique=True)
    digest = Varchar(length=10, default="daily")
    """``daily``, ``weekly`` or ``off`` (digest items then stay in the hub only)."""
    last_digest_at = Timestamptz(null=True, default=None)
