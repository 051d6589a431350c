"""Relaying a message: store it and queue the recipient's email copy (without the sender's address) together."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from hub.core.i18n import gettext as _
from hub.core.languages import recipient_language
from hub.core.members.tables import Member
from hub.core.relay.tables import RelayMessage

if TYPE_CHECKING:
    from hub.core.facade import Hub

__all__ = ["RELAY_LIMIT", "RelayRefused", "send_relay_message"]

RELAY_LIMIT = 10
RELAY_WINDOW = timedelta(hours=1)


class RelayRefused(Exception):
    """The message was not sent; ``str(error)`` is a sentence for the sender."""

    def __init__(self, message: str, retry_after: int = 0) -> None:
        super().__init__(message)
        self.retry_after = retry_after


async def send_relay_message(
    hub: Hub,
    sender_id: int,
    recipient_id: int,
    subject: str,
    body: str,
    context_url: str = "",
    shares_email: bool = False,
) -> int:
    """Store and deliver one message; raises :class:`RelayRefused` past the sender's hourly limit."""
    if sender_id == recipient_id:
        raise RelayRefused(_("You cannot send a message to yourself."))
    key = f"relay:{sender_id}"
    verdict = await hub.limiter.check(key, RELAY_LIMIT, RELAY_WINDOW)
    if not verdict.allowed:
        raise RelayRefused(_("You have sent a lot of messages recently. Please wait a while."), verdict.retry_after)
    people = {
        row["id"]: row
        for row in await Member.select(Member.id, Member.display_name, Member.email, Member.status, Member.language)
        .where(Member.id.is_in([sender_id, recipient_id]))
        .run()
    }
    recipient, sender = people.get(recipient_id), people.get(sender_id)
    if recipient is None or sender is None or recipient["status"] != "active":
        raise RelayRefused(_("This member cannot receive messages at the moment."))
    async with hub.write():  # the message and its email copy commit together
        rows = await RelayMessage.insert(
            RelayMessage(
                sender=sender_id,
                recipient=recipient_id,
                subject=subject[:200],
                body=body,
                context_url=context_url[:500],
                shares_email=shares_email,
                created_at=datetime.now(UTC),
            )
        ).run()
        message_id = int(rows[0]["id"])
        link = hub.absolute_url(f"/messages/{message_id}")
        site = hub.site("hub_name")
        with hub.catalogues.using(recipient_language(hub, recipient["language"])):  # the recipient's language
            lines = [
                _("%(name)s sent you a message through %(hub)s:", name=sender["display_name"], hub=site),
                "",
                body,
                "",
            ]
            if shares_email:
                lines.append(_("They shared their email address with you: %(email)s", email=sender["email"]))
            lines.append(_("Reply through the hub (your address stays private): %(link)s", link=link))
            lines.append(_("If this message is unwelcome, you can report it on that page."))
            mail_subject = _("Message from %(name)s: %(subject)s", name=sender["display_name"], subject=subject)
        await hub.send_mail(
            recipient["email"], mail_subject, "\n".join(lines), member_id=recipient_id, category="relay"
        )
    await hub.limiter.hit(key, RELAY_WINDOW)
    await hub.emit("core.message_relayed", sender_id, message_id=message_id, recipient_id=recipient_id)
    return message_id
