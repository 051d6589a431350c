"""The hub's mail service, used by the core and every plugin."""

from hub.core.mail.service import MailService, OutgoingMail

__all__ = ["MailService", "OutgoingMail"]
