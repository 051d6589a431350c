"""The account emails: sign-up, verification, reset, invitation, approval and changes of address.

Each message is plain text, short, translatable, and says what to do if it was not expected.
Links are absolute, built from the request's own (allowed-hosts-checked) base URL.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from litestar.connection import ASGIConnection

from hub.core.i18n import gettext as _

if TYPE_CHECKING:
    from hub.core.facade import Hub

__all__ = ["absolute_url", "send_account_mail"]


def absolute_url(request: ASGIConnection[Any, Any, Any, Any], path: str) -> str:
    return str(request.base_url).rstrip("/") + path


def _sign_off(hub: Hub) -> str:
    return "\n\n-- \n" + str(hub.site("hub_name"))


async def send_account_mail(
    hub: Hub, request: ASGIConnection[Any, Any, Any, Any] | None, kind: str, to: str, **values: Any
) -> None:
    """Compose and queue one of the account messages below (``kind`` names it).

    Call it inside the ``hub.write()`` that makes the change it reports, so both commit together.
    ``request`` may be ``None`` (a worker composing it).
    """
    name = hub.site("hub_name")
    subject, body = _compose(kind, name, values)
    await hub.send_mail(to, subject, body + _sign_off(hub), category="account")


def _compose(kind: str, hub_name: str, v: dict[str, Any]) -> tuple[str, str]:
    if kind == "verify":
        return _("Confirm your email address for %(hub)s", hub=hub_name), _(
            "Hello %(name)s,\n\nPlease confirm your email address to finish joining %(hub)s:\n\n%(link)s\n\n"
            "The link works once, within 24 hours. If you did not sign up, ignore this message and "
            "no account will be made.",
            name=v["display_name"],
            hub=hub_name,
            link=v["link"],
        )
    if kind == "already_registered":
        return _("Someone tried to join %(hub)s with your address", hub=hub_name), _(
            "Hello,\n\nSomeone (perhaps you) tried to join %(hub)s with this email address, which already "
            "has an account.\n\nIf it was you, sign in here:\n%(login)s\n\nForgotten your password? "
            "Choose a new one here:\n%(reset)s\n\nIf it was not you, you can ignore this message: "
            "nothing has changed.",
            hub=hub_name,
            login=v["login"],
            reset=v["reset"],
        )
    if kind == "reset":
        return _("Choose a new password for %(hub)s", hub=hub_name), _(
            "Hello %(name)s,\n\nSomeone (we hope you) asked to reset your password. Choose a new one here:\n\n"
            "%(link)s\n\nThe link works once, within one hour. If you did not ask, ignore this message: "
            "your password has not changed.",
            name=v["display_name"],
            link=v["link"],
        )
    if kind == "invite":
        return _("You are invited to join %(hub)s", hub=hub_name), _(
            "Hello,\n\n%(inviter)s has invited you to join %(hub)s. Create your account here:\n\n%(link)s\n\n"
            "The invitation works once and expires in 7 days.",
            inviter=v["inviter"],
            hub=hub_name,
            link=v["link"],
        )
    if kind == "member_waiting":
        return _("A new member is waiting for approval on %(hub)s", hub=hub_name), _(
            "Hello,\n\n%(name)s <%(email)s> has joined and confirmed their email address. Please welcome "
            "them or decline here:\n\n%(link)s",
            name=v["display_name"],
            email=v["email"],
            link=v["link"],
        )
    if kind == "approved":
        return _("Welcome to %(hub)s", hub=hub_name), _(
            "Hello %(name)s,\n\nAn organiser has approved your account. You can sign in now:\n\n%(link)s",
            name=v["display_name"],
            link=v["link"],
        )
    if kind == "declined":
        return _("Your request to join %(hub)s", hub=hub_name), _(
            "Hello %(name)s,\n\nThank you for your interest in %(hub)s. The organisers were not able to approve "
            "your account this time, so it has been removed along with your details. If you think this is a "
            "mistake, please contact the organisers.",
            name=v["display_name"],
            hub=hub_name,
        )
    if kind == "email_change_new":
        return _("Confirm your new email address for %(hub)s", hub=hub_name), _(
            "Hello %(name)s,\n\nConfirm that this is your new email address for %(hub)s:\n\n%(link)s\n\n"
            "The link works once, within 24 hours. If you did not ask for this, ignore this message.",
            name=v["display_name"],
            hub=hub_name,
            link=v["link"],
        )
    if kind == "email_change_taken":
        return _("Someone tried to use your address on %(hub)s", hub=hub_name), _(
            "Hello,\n\nSomeone asked to move another %(hub)s account to this email address, which already has "
            "an account. Nothing has changed. If it was you, sign in with this address instead.",
            hub=hub_name,
        )
    if kind == "email_change_old":
        return _("Your email address on %(hub)s is being changed", hub=hub_name), _(
            "Hello %(name)s,\n\nSomeone signed in to your account asked to change its email address to "
            "%(new)s. It changes when a link sent there is opened.\n\nIf this was not you, change your "
            "password now:\n%(reset)s",
            name=v["display_name"],
            new=v["new_email"],
            reset=v["reset"],
        )
    if kind == "password_changed":
        return _("Your password on %(hub)s was changed", hub=hub_name), _(
            "Hello %(name)s,\n\nThe password of your account was just changed. If this was not you, choose a "
            "new one here at once:\n%(reset)s",
            name=v["display_name"],
            reset=v["reset"],
        )
    raise ValueError(f"unknown account mail {kind!r}")
