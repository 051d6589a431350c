"""Reports from members and the log of organisers' decisions."""

from __future__ import annotations

from piccolo.columns import ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from hub.core.members.tables import Member

__all__ = ["ModerationAction", "Report"]


class Report(Table, tablename="hub_report"):
    id = Serial(primary_key=True)
    kind = Varchar(length=100, index=True)
    """``<slug>.<thing>``, e.g. ``noticeboard.post``."""
    object_id = Integer(index=True)
    reporter = ForeignKey(Member, null=True, on_delete=OnDelete.set_null)
    reason = Text()
    status = Varchar(length=20, default="open", index=True)
    """``open``, ``actioned`` or ``dismissed``."""
    created_at = Timestamptz(default=TimestamptzNow())
    resolved_by = ForeignKey(Member, null=True, on_delete=OnDelete.set_null)
    resolved_at = Timestamptz(null=True, default=None)
    resolution = Text(default="")


class ModerationAction(Table, tablename="hub_moderation_action"):
    """Every organiser decision: who, when, what and why. ``public_summary`` is what members see."""

    id = Serial(primary_key=True)
    actor = ForeignKey(Member, null=True, on_delete=OnDelete.set_null)
    action = Varchar(length=50)
    kind = Varchar(length=100, default="")
    object_id = Integer(null=True, default=None)
    subject = ForeignKey(Member, null=True, on_delete=OnDelete.set_null)
    """The member the action was about, if any (private: never in the public log)."""
    reason = Text(default="")
    public_summary = Varchar(length=300, default="")
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
