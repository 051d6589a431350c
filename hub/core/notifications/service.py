"""Sending a notification: store it once, then deliver it as the member's settings say.

Also the in-hub side: the unread count behind the bell, the list, and marking items read.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from piccolo.querystring import QueryString

from hub.core import hooks
from hub.core.i18n import Text
from hub.core.languages import recipient_language
from hub.core.members.tables import Member
from hub.core.notifications.tables import Notification
from hub.core.prepared import Param, Prepared
from hub.core.types import DELIVERIES, NotificationType

if TYPE_CHECKING:
    from hub.core.facade import Hub

__all__ = [
    "UNREAD_CAP",
    "declared_types",
    "delivery_for",
    "list_notifications",
    "mark_all_read",
    "mark_read",
    "notify",
    "unread_count",
    "unread_subquery",
]

log = logging.getLogger("hub.notifications")

UNREAD_CAP = 100
"""The bell counts at most this many (shown as "99+"), so the query stays cheap for anyone."""


async def declared_types(hub: Hub) -> dict[str, NotificationType]:
    """Every notification type the active plugins (and the core) declare, by key."""
    found: dict[str, NotificationType] = {}
    for slug, result in await hooks.gather_hook_by_plugin(hub.registry, "notification_types", hub=hub):
        for item in result if isinstance(result, list | tuple) else [result]:
            if not isinstance(item, NotificationType) or item.default_delivery not in DELIVERIES:
                hub.registry.fail(slug, "hook:notification_types", TypeError(f"bad notification type {item!r}"))
                continue
            if item.key in found:
                hub.registry.fail(slug, "hook:notification_types", ValueError(f"duplicate type {item.key!r}"))
                continue
            found[item.key] = item
    return found


async def delivery_for(hub: Hub, member_id: int, kind: NotificationType) -> str:
    """The member's chosen delivery for this type (``notification_delivery`` hook), else the type's default."""
    choice = await hooks.call_first(hub.registry, "notification_delivery", hub=hub, member_id=member_id, type=kind.key)
    return choice if choice in DELIVERIES else kind.default_delivery


def _is_unique_violation(error: BaseException) -> bool:
    if isinstance(error, sqlite3.IntegrityError):
        return "UNIQUE" in str(error).upper()
    try:
        from asyncpg.exceptions import UniqueViolationError
    except ImportError:  # pragma: no cover - asyncpg is a dependency
        return False
    return isinstance(error, UniqueViolationError)


async def notify(
    hub: Hub,
    member_id: int,
    type_key: str,
    title: Text,
    body: Text = "",
    url: str = "",
    dedupe_key: str | None = None,
) -> int | None:
    """Store a notification and queue its email if that is the member's choice; ``None`` if suppressed.

    The notification and its email commit in one transaction (a worker delivers the email). With a
    ``dedupe_key`` the same notification is stored (and emailed) at most once, even when two
    workers send it at the same moment: the unique key decides. A lazy ``title`` or ``body``
    (``lazy_gettext``) is written in the member's language before it is stored.
    """
    types = await declared_types(hub)
    kind = types.get(type_key)
    if kind is None:
        raise ValueError(f"Unknown notification type {type_key!r}: declare it in the notification_types hook.")
    delivery = await delivery_for(hub, member_id, kind)
    if delivery == "off":
        return None
    if dedupe_key and await Notification.exists().where(Notification.dedupe_key == dedupe_key).run():
        return None
    recipient = await _email_recipient(member_id) if delivery == "email" else None
    if not isinstance(title, str) or not isinstance(body, str):
        member = recipient or await Member.select(Member.language).where(Member.id == member_id).first().run()
        with hub.catalogues.using(recipient_language(hub, member["language"] if member else None)):
            title, body = str(title), str(body)
    now = datetime.now(UTC)
    try:
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
                    created_at=now,
                    emailed_at=now if recipient is not None else None,
                )
            ).run()
            if recipient is not None:
                from hub.core.notifications.emails import send_immediate_mail

                await send_immediate_mail(hub, recipient, kind, title, body, url)
    except Exception as error:
        if dedupe_key and _is_unique_violation(error):
            return None
        raise
    return int(rows[0]["id"])


async def _email_recipient(member_id: int) -> dict[str, Any] | None:
    """The member to email at once, if they can be emailed (active)."""
    member = (
        await Member.select(Member.id, Member.email, Member.status, Member.language)
        .where(Member.id == member_id)
        .first()
        .run()
    )
    return member if member is not None and member["status"] == "active" else None


def unread_subquery(member_column: str) -> QueryString:
    """The capped unread count as a column: the session lookup carries it, saving a query per page.

    ``member_column`` is the outer query's member id column, e.g. ``'"hub_member"."id"'``.
    """
    sql = (
        "(SELECT COUNT(*) FROM (SELECT 1 FROM hub_notification WHERE hub_notification.member = "  # noqa: S608
        f"{member_column} AND hub_notification.read_at IS NULL LIMIT {UNREAD_CAP}) AS capped)"
    )  # member_column is a column name written in our code, never input
    return QueryString(sql)


# The bell's count when the session lookup did not bring it (after a change, on a POST).
UNREAD = Prepared(
    lambda: (
        Member.select(unread_subquery('"hub_member"."id"').as_alias("unread"))
        .where(Member.id == Param("member"))
        .limit(1)
    )
)


async def unread_count(member_id: int) -> int:
    """Unread notifications, capped at ``UNREAD_CAP``: one query on the (member, read_at) index."""
    row = await UNREAD.first(member=member_id)
    return int(row["unread"]) if row else 0


async def list_notifications(member_id: int, before: int | None, limit: int) -> list[dict[str, Any]]:
    """The member's notifications, newest first, keyset-paginated by id (``limit + 1`` rows to see a next page)."""
    where: Any = Notification.member == member_id
    if before is not None:
        where = where & (Notification.id < before)
    return await (
        Notification.select(
            Notification.id,
            Notification.type,
            Notification.title,
            Notification.body,
            Notification.url,
            Notification.created_at,
            Notification.read_at,
        )
        .where(where)
        .order_by(Notification.id, ascending=False)
        .limit(limit + 1)
        .run()
    )


async def mark_read(hub: Hub, member_id: int, notification_id: int) -> bool:
    """Mark one of the member's own notifications read; ``False`` if it is not theirs (or gone)."""
    async with hub.write():
        rows = await (
            Notification.update({Notification.read_at: datetime.now(UTC)})
            .where(
                (Notification.id == notification_id)
                & (Notification.member == member_id)
                & Notification.read_at.is_null()
            )
            .returning(Notification.id)
            .run()
        )
        if rows:
            return True
        return bool(
            await Notification.exists()
            .where((Notification.id == notification_id) & (Notification.member == member_id))
            .run()
        )


async def mark_all_read(hub: Hub, member_id: int) -> None:
    async with hub.write():
        await (
            Notification.update({Notification.read_at: datetime.now(UTC)})
            .where((Notification.member == member_id) & Notification.read_at.is_null())
            .run()
        )
