"""Relayed messages. Kept so the recipient can reply through the hub and organisers can act on reports."""

from __future__ import annotations

from piccolo.columns import Boolean, ForeignKey, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from hub.core.members.tables import Member

__all__ = ["RelayMessage"]


class RelayMessage(Table, tablename="hub_relay_message"):
    id = Serial(primary_key=True)
    sender = ForeignKey(Member, null=True, on_delete=OnDelete.set_null, index=True)
    recipient = ForeignKey(Member, null=True, on_delete=OnDelete.set_null, index=True)
    subject = Varchar(length=200)
    body = Text()
    context_url = Varchar(length=500, default="")
    shares_email = Boolean(default=False)
    """The sender chose to share their email address with the recipient in this message."""
    hidden = Boolean(default=False)
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    read_at = Timestamptz(null=True, default=None)
