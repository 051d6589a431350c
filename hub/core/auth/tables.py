"""Sessions, single-use tokens and rate-limit counters, all shared by every worker process."""

from __future__ import annotations

from piccolo.columns import JSON, ForeignKey, Integer, Serial, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from hub.core.members.tables import Member

__all__ = ["AuthToken", "RateCounter", "Session", "SiteSetting"]


class Session(Table, tablename="hub_session"):
    id = Varchar(length=64, primary_key=True)
    """SHA-256 of the cookie token: a stolen database does not yield live cookies."""
    member = ForeignKey(Member, null=True, on_delete=OnDelete.cascade, index=True)
    data = JSON(default="{}")
    user_agent = Varchar(length=200, default="")
    created_at = Timestamptz(default=TimestamptzNow())
    last_seen_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz(index=True)


class AuthToken(Table, tablename="hub_auth_token"):
    """Invitations, password resets, email verification: single use, expiring, stored hashed."""

    id = Serial(primary_key=True)
    kind = Varchar(length=20, index=True)
    token_hash = Varchar(length=64, unique=True)
    member = ForeignKey(Member, null=True, on_delete=OnDelete.cascade)
    email = Varchar(length=320, null=True, default=None)
    data = JSON(default="{}")
    created_by = ForeignKey(Member, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)


class RateCounter(Table, tablename="hub_rate_counter"):
    key = Varchar(length=200, primary_key=True)
    window_start = Timestamptz()
    hits = Integer(default=0)


class SiteSetting(Table, tablename="hub_setting"):
    """Settings organisers change at run time (name, colours, disabled plugins…)."""

    key = Varchar(length=100, primary_key=True)
    value = JSON(default="null")
    updated_at = Timestamptz(default=TimestamptzNow())
