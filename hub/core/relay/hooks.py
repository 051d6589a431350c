"""Relayed messages are reportable content of the core (kind ``core.message``)."""

from __future__ import annotations

from typing import Any

from hub.core.hookspecs import hookimpl
from hub.core.i18n import gettext as _
from hub.core.relay.tables import RelayMessage
from hub.core.types import ReportedObject

KIND = "core.message"


@hookimpl
async def moderation_object(hub: Any, kind: str, object_id: int, viewer: Any) -> ReportedObject | None:
    if kind != KIND:
        return None
    row = await RelayMessage.select().where(RelayMessage.id == object_id).first().run()
    if row is None or viewer is None:
        return None
    if not viewer.is_moderator and viewer.id not in (row["sender"], row["recipient"]):
        return None
    return ReportedObject(
        title=_("Message: %(subject)s", subject=row["subject"]),
        url=f"/messages/{object_id}",
        excerpt=row["body"][:300],
        author_id=row["sender"],
        hidden=row["hidden"],
    )


@hookimpl
async def moderate(hub: Any, kind: str, object_id: int, action: str, actor: Any, reason: str) -> bool | None:
    if kind != KIND or action not in ("hide", "restore"):
        return None
    await RelayMessage.update({RelayMessage.hidden: action == "hide"}).where(RelayMessage.id == object_id).run()
    return True
