"""The core member table. Plugins may point at it by foreign key; they never alter it."""

from __future__ import annotations

from typing import Any

from piccolo.columns import Boolean, ForeignKey, Serial, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

__all__ = ["Member"]


class Member(Table, tablename="hub_member"):
    id = Serial(primary_key=True)
    email = Varchar(length=320, unique=True, index=True)
    """Stored lower-cased, so uniqueness is case-insensitive on every database."""
    display_name = Varchar(length=100)
    """Any script; no first/last-name assumption."""
    password_hash = Varchar(length=255, default="")
    role = Varchar(length=20, default="member", index=True)
    status = Varchar(length=20, default="pending", index=True)
    language = Varchar(length=16, null=True, default=None)
    email_verified = Boolean(default=False)
    onboarded = Boolean(default=False)
    vetted = Boolean(default=False)
    """Checked by an organiser (e.g. DBS); visible to organisers only."""
    known_by: ForeignKey[Any] = ForeignKey("self", null=True, default=None, on_delete=OnDelete.set_null)
    """The organiser who vouches for this member ("known to an organiser")."""
    known_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    last_seen_at = Timestamptz(null=True, default=None)
