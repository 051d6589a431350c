"""Repairs: one digest type and one type the plugin says should be emailed at once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from hub import PluginInfo, hookimpl
from hub.core.types import Job, NotificationType

PLUGIN = PluginInfo(slug="repairs", name="Repairs", requires_hub=">=1,<2")


async def remind(hub: Any, now: Any) -> None:
    """A plugin job that must never notify twice: the dedupe key is per member and day."""
    from hub.core.members.tables import Member

    for row in await Member.select(Member.id).where(Member.status == "active").run():
        await hub.notify(
            row["id"],
            "repairs.request",
            "Repair café on Saturday",
            url="/repairs/",
            dedupe_key=f"remind:{row['id']}:{now:%Y-%m-%d}",
        )


@hookimpl
def notification_types(hub: Any) -> list[NotificationType]:
    return [
        NotificationType("repairs.request", "Repair requests", "Someone needs something fixed."),
        NotificationType("repairs.urgent", "Urgent repairs", "A leak or a broken lock.", default_delivery="email"),
    ]


@hookimpl
def register_jobs(hub: Any) -> list[Job]:
    return [Job("repairs.remind", timedelta(days=1), remind, "Remind members of the repair café")]
