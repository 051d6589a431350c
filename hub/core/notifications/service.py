"""Sending a notification: store it once, then deliver it as the member's settings say."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from hub.core import hooks
from hub.core.members.tables import Member
from hub.core.notifications.tables import Notification
from hub.core.types import DELIVERIES, NotificationType

if TYPE_CHECKING:
    from hub.core.facade import Hub

__all__ = ["declared_types", "notify"]

log = logging.getLogger("hub.notifications")


async def declared_types(hub: Hub) -> dict[str, NotificationType]:
    """Every notification type the active plugins declare, by key."""
    found: dict[str, NotificationType] = {}
    for slug, result in await hooks.gather_hook_by_plugin(hub.registry, "notification_types", hub=hub):
        for item in result if isinstance(result, list | tuple) else [result]:
            if not isinstance(item, NotificationType) or item.default_delivery not in DELIVERIES:
                hub.registry.fail(slug, "hook:notification_types", TypeError(f"bad notification type {item!r}"))
                continue
            found.setdefault(item.key, item)
    return found


async def delivery_for(hub: Hub, member_id: int, kind: NotificationType) -> str:
    """The member's chosen delivery for this type (see ``preferences`` hook), else the type's default."""
    choice = await hooks.call_first(hub.registry, "notification_delivery", hub=hub, member_id=member_id, type=kind.key)
    return choice if choice in DELIVERIES else kind.default_delivery


async def notify(
    hub: Hub, member_id: int, type_key: str, title: str, body: str = "", url: str = "", dedupe_key: str | None = None
) -> int | None:
    """Store a notification and email it now if that is the member's choice; ``None`` if suppressed."""
    types = await declared_types(hub)
    kind = types.get(type_key)
    if kind is None:
        raise ValueError(f"Unknown notification type {type_key!r}: declare it in the notification_types hook.")
    delivery = await delivery_for(hub, member_id, kind)
    if delivery == "off":
        return None
    if dedupe_key and await Notification.exists().where(Notification.dedupe_key == dedupe_key).run():
        return None
    async with hub.write():
        rows = await Notification.insert(
            Notification(
                member=member_id,
                type=type_key,
                title=title[:300],
                body=body,
                url=url[:500],
                dedupe_key=dedupe_key,
                delivery=delivery,
                created_at=datetime.now(UTC),
            )
        ).run()
    notification_id = int(rows[0]["id"])
    if delivery == "email":
        await _email_now(hub, notification_id, member_id, title, body, url)
    return notification_id


async def _email_now(hub: Hub, notification_id: int, member_id: int, title: str, body: str, url: str) -> None:
    member = await Member.select(Member.email, Member.status).where(Member.id == member_id).first().run()
    if member is None or member["status"] != "active":
        return
    link = f"{hub.base_url}{url}" if url.startswith("/") else url
    text = "\n\n".join(part for part in (title, body, link) if part)
    await hub.send_mail(member["email"], title, text)
    await (
        Notification.update({Notification.emailed_at: datetime.now(UTC)})
        .where(Notification.id == notification_id)
        .run()
    )
