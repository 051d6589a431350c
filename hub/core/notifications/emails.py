"""Writing notification emails in the recipient's language, each with a one-click unsubscribe link."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hub.core.i18n import gettext as _
from hub.core.notifications.signing import DIGEST, unsubscribe_token
from hub.core.types import NotificationType

if TYPE_CHECKING:
    from hub.core.facade import Hub

__all__ = ["DigestGroup", "in_language", "send_digest_mail", "send_immediate_mail", "unsubscribe_url"]

EXCERPT = 200


def in_language(hub: Hub, language: str | None) -> contextlib.AbstractContextManager[str]:
    """Translate everything inside the block into ``language`` (the hub default when unset)."""
    return hub.catalogues.using(language)


def unsubscribe_url(hub: Hub, member_id: int, type_key: str) -> str:
    """The absolute one-click link that stops emails of ``type_key`` (or ``DIGEST``) for this member."""
    token = unsubscribe_token(hub.settings.secret_key, member_id, type_key)
    return hub.absolute_url(f"/notifications/unsubscribe/{token}")


def _headers(link: str) -> tuple[tuple[str, str], ...]:
    return (("List-Unsubscribe", f"<{link}>"), ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"))


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1].rstrip() + "…"


@dataclass(frozen=True, slots=True)
class DigestGroup:
    """Items of one type in a digest, under the type's (translated) label."""

    key: str
    label: str
    items: Sequence[Mapping[str, Any]]
    unsubscribe: str


async def send_immediate_mail(
    hub: Hub, member: Mapping[str, Any], kind: NotificationType, title: str, body: str, url: str
) -> None:
    """One notification, emailed at once, with a link that stops this type of email."""
    with in_language(hub, member.get("language")) as language:
        stop = unsubscribe_url(hub, member["id"], kind.key)
        context = {
            "lang": language,
            "hub_name": hub.site("hub_name"),
            "title": title,
            "body": body,
            "link": hub.absolute_url(url) if url else "",
            "label": str(kind.label),
            "unsubscribe": stop,
            "settings_url": hub.absolute_url("/account/notifications"),
        }
        text = hub.env.get_template("notifications/email/immediate.txt").render(context)
        html = hub.env.get_template("notifications/email/immediate.html").render(context)
    await hub.send_mail(
        member["email"], title, text, html, headers=_headers(stop), member_id=member["id"], category="notification"
    )


async def send_digest_mail(
    hub: Hub,
    member: Mapping[str, Any],
    items: Sequence[Mapping[str, Any]],
    types: Mapping[str, NotificationType],
    limit: int,
) -> None:
    """The one digest: every plugin's items grouped by type label, in the member's language."""
    with in_language(hub, member.get("language")) as language:
        groups: dict[str, list[Mapping[str, Any]]] = {}
        for item in items[:limit]:
            groups.setdefault(item["type"], []).append(
                {
                    **item,
                    "link": hub.absolute_url(item["url"]) if item["url"] else "",
                    "excerpt": _excerpt(item["body"]),
                }
            )
        ordered = [
            DigestGroup(
                key=key,
                label=str(types[key].label) if key in types else _("Other notifications"),
                items=entries,
                unsubscribe=unsubscribe_url(hub, member["id"], key),
            )
            for key, entries in groups.items()
        ]
        ordered.sort(key=lambda group: group.label.casefold())
        stop_all = unsubscribe_url(hub, member["id"], DIGEST)
        hub_name = hub.site("hub_name")
        context = {
            "lang": language,
            "hub_name": hub_name,
            "groups": ordered,
            "more": max(0, len(items) - limit),
            "notifications_url": hub.absolute_url("/notifications/"),
            "settings_url": hub.absolute_url("/account/notifications"),
            "unsubscribe": stop_all,
        }
        subject = _("What's new on %(hub)s", hub=hub_name)
        text = hub.env.get_template("notifications/email/digest.txt").render(context)
        html = hub.env.get_template("notifications/email/digest.html").render(context)
    await hub.send_mail(
        member["email"], subject, text, html, headers=_headers(stop_all), member_id=member["id"], category="digest"
    )
