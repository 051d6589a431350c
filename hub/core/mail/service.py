"""Sending mail: SMTP when configured, otherwise an outbox folder a hub without SMTP can still use.

Every message has a plain-text part; an HTML part is added when given. With no SMTP server the
message is written as a ``.eml`` file to ``<data>/outbox/`` and logged, so organisers can see
what would have been sent and tests can read it.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

import anyio

from hub.core.settings import Settings

__all__ = ["MailService", "OutgoingMail"]

log = logging.getLogger("hub.mail")

MAIL_POLICY = policy.default.clone(max_line_length=998)
"""RFC 5322's real line limit: long one-word headers (List-Unsubscribe URLs) must stay unencoded."""


@dataclass(frozen=True, slots=True)
class OutgoingMail:
    to: str
    subject: str
    text: str
    html: str | None = None
    reply_to: str | None = None
    headers: tuple[tuple[str, str], ...] = ()


class MailService:
    def __init__(self, settings: Settings, hub_name: str) -> None:
        self.settings = settings
        self.hub_name = hub_name
        self.outbox = settings.resolved_data_dir / "outbox"

    def build(self, mail: OutgoingMail) -> EmailMessage:
        message = EmailMessage(policy=MAIL_POLICY)
        message["From"] = f"{self.hub_name} <{self.settings.mail_from}>"
        message["To"] = mail.to
        message["Subject"] = mail.subject.replace("\n", " ").replace("\r", " ")
        message["Date"] = format_datetime(datetime.now(UTC))
        message["Message-ID"] = make_msgid(domain=self.settings.mail_from.rpartition("@")[2] or "localhost")
        if mail.reply_to:
            message["Reply-To"] = mail.reply_to
        for name, value in mail.headers:
            message[name] = value
        message.set_content(mail.text)
        if mail.html:
            message.add_alternative(mail.html, subtype="html")
        return message

    async def send(self, mail: OutgoingMail) -> None:
        message = self.build(mail)
        if self.settings.smtp_host:
            import aiosmtplib  # loaded on first use, not in every server process

            await aiosmtplib.send(
                message,
                hostname=self.settings.smtp_host,
                port=self.settings.smtp_port,
                username=self.settings.smtp_username,
                password=self.settings.smtp_password,
                start_tls=self.settings.smtp_starttls,
                timeout=30,
            )
            log.info("mail sent", extra={"subject": mail.subject})
            return
        path = self.outbox / f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}.eml"
        await anyio.Path(self.outbox).mkdir(parents=True, exist_ok=True)
        await anyio.Path(path).write_bytes(bytes(message))
        log.info("mail written to outbox %s (no SMTP configured): %s", path.name, mail.subject.replace("\n", " "))

    def outbox_messages(self) -> list[Path]:
        """Messages in the outbox, oldest first (for organisers and tests)."""
        if not self.outbox.exists():
            return []
        return sorted(self.outbox.glob("*.eml"))
