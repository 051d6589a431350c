"""What a message is before it is queued, and the RFC 5322 message built from a queued row.

Rendering (templates, languages) belongs to the senders; this module only turns their
subject, text, optional HTML and headers into an ``EmailMessage``. The Message-ID and Date are
fixed when the message is queued, so every delivery attempt produces the same message.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

__all__ = ["MAIL_POLICY", "OutgoingMail", "build_message", "new_message_id"]

MAIL_POLICY = policy.default.clone(max_line_length=998)
"""RFC 5322's real line limit: long one-word headers (List-Unsubscribe URLs) must stay unencoded."""

_RESERVED = frozenset({"from", "to", "subject", "date", "message-id", "reply-to"})


@dataclass(frozen=True, slots=True)
class OutgoingMail:
    """One message to one address, as a sender hands it to ``hub.send_mail``."""

    to: str
    subject: str
    text: str
    html: str | None = None
    reply_to: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    member_id: int | None = None
    """The member it is for, when known (else found by address): their admin page shows problems."""
    category: str = ""
    """What kind of mail this is (``account``, ``notification``, ``digest``, ``relay``…)."""


def new_message_id(mail_from: str) -> str:
    """A globally unique Message-ID on the sender's domain, chosen once per message."""
    domain = mail_from.rpartition("@")[2] or "localhost"
    return f"<{secrets.token_hex(16)}@{domain}>"


def _one_line(value: str) -> str:
    return " ".join(value.replace("\r", " ").replace("\n", " ").split())


def build_message(row: dict[str, Any]) -> EmailMessage:
    """The message for a queued ``hub_mail`` row; the same row always builds the same message."""
    message = EmailMessage(policy=MAIL_POLICY)
    message["From"] = row["sender"]
    message["To"] = row["to_address"]
    message["Subject"] = _one_line(row["subject"])
    created: datetime = row["created_at"]
    message["Date"] = format_datetime(created)
    message["Message-ID"] = row["message_id"]
    if row.get("reply_to"):
        message["Reply-To"] = row["reply_to"]
    for name, value in json.loads(row.get("headers") or "[]"):
        if str(name).lower() not in _RESERVED:
            message[_one_line(str(name))] = _one_line(str(value))
    message.set_content(row["text"])
    if row.get("html"):
        message.add_alternative(row["html"], subtype="html")
    return message
