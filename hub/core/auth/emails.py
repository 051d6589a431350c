"""The account emails: sign-up, verification, reset, invitation, approval and changes of address.

Each is a template, ``emails/account/<kind>.txt`` (a ``subject`` block and a short plain-text
body that says what to do if the message was not expected), which organisers can override from
the hub folder's ``templates/``. Each is written in its recipient's language: pass the member's
``language`` (``None`` for someone who is not a member yet: the hub's default language).
Links are absolute, built from the request's own (allowed-hosts-checked) base URL.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from litestar.connection import ASGIConnection

from hub.core.letters import send_letter

if TYPE_CHECKING:
    from hub.core.facade import Hub

__all__ = ["ACCOUNT_MAILS", "absolute_url", "send_account_mail"]

ACCOUNT_MAILS = frozenset(
    {
        "verify",
        "already_registered",
        "reset",
        "invite",
        "member_waiting",
        "approved",
        "declined",
        "email_change_new",
        "email_change_taken",
        "email_change_old",
        "password_changed",
    }
)


def absolute_url(request: ASGIConnection[Any, Any, Any, Any], path: str) -> str:
    return str(request.base_url).rstrip("/") + path


async def send_account_mail(hub: Hub, kind: str, to: str, *, language: str | None, **values: Any) -> None:
    """Write one of the account emails (``kind`` names its template) in ``language`` and queue it.

    Call it inside the ``hub.write()`` that makes the change it reports, so both commit together.
    """
    if kind not in ACCOUNT_MAILS:
        raise ValueError(f"unknown account mail {kind!r}")
    await send_letter(hub, to, f"emails/account/{kind}.txt", values, language=language, category="account")
