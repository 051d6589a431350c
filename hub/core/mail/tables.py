"""The durable mail outbox: every message the hub sends, and what became of it.

A row is written in the same transaction as the change that caused the message, so a saved change
always has its mail and a rolled-back one never does. Workers claim due rows (see
:mod:`hub.core.tasks.leases`), hand them to the mail server or the outbox folder, and record the
outcome here, where organisers see a member's undeliverable mail.
"""

from __future__ import annotations

from piccolo.columns import ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from hub.core.members.tables import Member

__all__ = ["MAIL_STATUSES", "OutboxMail"]

MAIL_STATUSES = ("queued", "sending", "sent", "failed")
"""``queued`` (waiting, perhaps for a retry), ``sending`` (a worker holds it), ``sent``, ``failed``
(refused permanently, or every attempt used up)."""


class OutboxMail(Table, tablename="hub_mail"):
    id = Serial(primary_key=True)
    message_id = Varchar(length=250, unique=True)
    """The Message-ID header, fixed when queued: a resend after an unknown outcome carries the same one."""
    member = ForeignKey(Member, null=True, default=None, on_delete=OnDelete.cascade, index=True)
    """The member it is addressed to, if any (erasing the member erases their mail)."""
    sender = Varchar(length=500)
    """The From header, fixed when queued."""
    to_address = Varchar(length=320)
    subject = Varchar(length=500)
    text = Text()
    html = Text(null=True, default=None)
    reply_to = Varchar(length=320, null=True, default=None)
    headers = Text(default="[]")
    """Extra headers as a JSON list of ``[name, value]`` pairs (List-Unsubscribe…)."""
    category = Varchar(length=40, default="")
    """What sent it (``account``, ``notification``, ``digest``, ``relay``…), for organisers and pacing."""
    status = Varchar(length=10, default="queued")
    attempts = Integer(default=0)
    run_at = Timestamptz(default=TimestamptzNow())
    """When it may next be tried (now, or after a retry's back-off)."""
    lease_until = Timestamptz(null=True, default=None)
    locked_by = Varchar(length=64, default="")
    """The claim holding it while ``sending``: only that claim may record the outcome."""
    last_error = Text(default="")
    smtp_code = Integer(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    sent_at = Timestamptz(null=True, default=None)
    failed_at = Timestamptz(null=True, default=None)
