"""The hub's mail: a durable outbox in the database, delivered by workers (SMTP or a folder)."""

from hub.core.mail.message import OutgoingMail
from hub.core.mail.service import MailService

__all__ = ["MailService", "OutgoingMail"]
