"""The noticeboard's tables: categories, notices, replies and each member's last visit."""

from __future__ import annotations

from typing import Any

from piccolo.columns import Boolean, ForeignKey, Integer, OnDelete, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from hub import Member

__all__ = ["Category", "Post", "Reply", "Visit"]


class Category(Table, tablename="noticeboard_category"):
    """Set by organisers; ``default_expiry_days`` 0 means notices stay up until taken down."""

    id = Serial(primary_key=True)
    slug = Varchar(length=60, unique=True)
    name = Varchar(length=80)
    default_expiry_days = Integer(default=0)
    position = Integer(default=0)


class Post(Table, tablename="noticeboard_post"):
    """A notice. ``author`` is NULL once its writer left the hub ("former member").

    The board's indexes are composite, in the board's order, and created in migration 0002:
    (pinned, created_at, id), (category, pinned, created_at, id), (area_key, pinned, created_at, id).
    """

    id = Serial(primary_key=True)
    category: ForeignKey[Any] = ForeignKey(Category, on_delete=OnDelete.restrict)
    author: ForeignKey[Any] = ForeignKey(Member, null=True, default=None, on_delete=OnDelete.set_null, index=True)
    on_behalf_of = Varchar(length=100, default="")
    """Set when an organiser posts for a member who is not online."""
    title = Varchar(length=150)
    body = Text(default="")
    area = Varchar(length=80, default="")
    area_key = Varchar(length=80, default="")
    """``area`` folded to lower case, for the area filter."""
    audience = Varchar(length=10, default="public")
    """``public`` (anyone on the web) or ``members`` (signed-in members only)."""
    image_name = Varchar(length=64, null=True, default=None)
    image_alt = Varchar(length=300, default="")
    status = Varchar(length=10, default="open")
    """``open`` or ``done``."""
    outcome = Varchar(length=10, default="")
    """``done``, ``found`` or ``taken`` once closed."""
    hidden = Boolean(default=False)
    pinned = Boolean(default=False)
    urgent = Boolean(default=False, index=True)
    replies_open = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    edited_at = Timestamptz(null=True, default=None)
    expires_at = Timestamptz(null=True, default=None, index=True)
    closed_at = Timestamptz(null=True, default=None)


class Reply(Table, tablename="noticeboard_reply"):
    id = Serial(primary_key=True)
    post: ForeignKey[Any] = ForeignKey(Post, on_delete=OnDelete.cascade, index=True)
    author: ForeignKey[Any] = ForeignKey(Member, null=True, default=None, on_delete=OnDelete.set_null, index=True)
    body = Text(default="")
    hidden = Boolean(default=False)
    created_at = Timestamptz(default=TimestamptzNow())


class Visit(Table, tablename="noticeboard_visit"):
    """When a member last marked the board as seen, for "new since my last visit"."""

    id = Serial(primary_key=True)
    member: ForeignKey[Any] = ForeignKey(Member, unique=True, on_delete=OnDelete.cascade)
    seen_at = Timestamptz(default=TimestamptzNow())
