"""The hub's mail service: ``hub.send_mail`` queues, workers deliver (see :mod:`hub.core.mail.outbox`).

Every message has a plain-text part; an HTML part is added when given. Delivery goes to the SMTP
server when ``smtp_host`` is set, otherwise each message is written as a ``.eml`` file to
``<data>/outbox/`` so organisers without a mail server can see what would have been sent.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from hub.core.mail import outbox
from hub.core.mail.backends import MailBackend, backend_for
from hub.core.mail.message import OutgoingMail
from hub.core.settings import Settings

if TYPE_CHECKING:
    from hub.core.facade import Hub

__all__ = ["MailService", "OutgoingMail"]


class MailService:
    def __init__(self, settings: Settings, hub_name: str) -> None:
        self.settings = settings
        self.hub_name = hub_name
        self.outbox = settings.resolved_data_dir / "outbox"
        self.backend: MailBackend = backend_for(settings)
        self._waiters: set[asyncio.Event] = set()

    async def send(self, hub: Hub, mail: OutgoingMail) -> int:
        """Queue one message (in the caller's transaction, if any); returns its outbox id."""
        (mail_id,) = await outbox.enqueue(hub, [mail])
        return mail_id

    async def send_many(self, hub: Hub, mails: Sequence[OutgoingMail]) -> list[int]:
        """Queue many messages in one statement (announcements, invitations from a list)."""
        return await outbox.enqueue(hub, mails)

    def waiter(self) -> asyncio.Event:
        """An event set whenever this process queues mail (an in-process worker waits on it)."""
        event = asyncio.Event()
        self._waiters.add(event)
        return event

    def forget(self, event: asyncio.Event) -> None:
        self._waiters.discard(event)

    def wake(self) -> None:
        for event in self._waiters:
            event.set()

    def outbox_messages(self) -> list[Path]:
        """Messages in the outbox folder, oldest first (for organisers and tests)."""
        if not self.outbox.exists():
            return []
        return sorted(self.outbox.glob("*.eml"))
