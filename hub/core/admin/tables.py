"""Core tables of the organisers' area: the security audit trail and site files (the logo)."""

from __future__ import annotations

from piccolo.columns import Bytea, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from hub.core.members.tables import Member

__all__ = ["AuditEvent", "SiteFile"]


class AuditEvent(Table, tablename="hub_audit_event"):
    """One security-relevant event: sign-ins, failed sign-ins, role and settings changes.

    ``detail`` is JSON text with passwords and tokens removed; it is shown to admins only.
    """

    id = Serial(primary_key=True)
    actor = ForeignKey(Member, null=True, on_delete=OnDelete.set_null)
    event = Varchar(length=100, index=True)
    detail = Text(default="")
    address = Varchar(length=100, default="")
    created_at = Timestamptz(default=TimestamptzNow(), index=True)


class SiteFile(Table, tablename="hub_site_file"):
    """A file organisers upload for the whole hub (the logo), kept in the database so every
    worker on every machine serves the same bytes."""

    id = Serial(primary_key=True)
    purpose = Varchar(length=50, index=True)
    content_type = Varchar(length=50)
    data = Bytea()
    width = Integer(default=0)
    height = Integer(default=0)
    created_at = Timestamptz(default=TimestamptzNow())
