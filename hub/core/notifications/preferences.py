"""A member's notification choices: delivery per type and how often the one digest comes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING

from hub.core.notifications.tables import NotificationPreference, NotificationSettings
from hub.core.types import DELIVERIES, NotificationType

if TYPE_CHECKING:
    from hub.core.facade import Hub

__all__ = [
    "DIGEST_FREQUENCIES",
    "DIGEST_PERIODS",
    "digest_frequencies",
    "member_deliveries",
    "save_choices",
    "stored_delivery",
]

DIGEST_FREQUENCIES = ("daily", "weekly", "off")
DEFAULT_FREQUENCY = "daily"
DIGEST_PERIODS = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}


async def stored_delivery(member_id: int, type_key: str) -> str | None:
    """The member's own choice for a type, or ``None`` when they never chose (one indexed query)."""
    row = (
        await NotificationPreference.select(NotificationPreference.delivery)
        .where((NotificationPreference.member == member_id) & (NotificationPreference.type == type_key))
        .first()
        .run()
    )
    return row["delivery"] if row and row["delivery"] in DELIVERIES else None


async def member_deliveries(member_ids: Iterable[int]) -> dict[int, dict[str, str]]:
    """Every stored choice of these members: ``{member: {type: delivery}}`` in one query."""
    ids = list(set(member_ids))
    found: dict[int, dict[str, str]] = {member: {} for member in ids}
    if not ids:
        return found
    rows = (
        await NotificationPreference.select(
            NotificationPreference.member, NotificationPreference.type, NotificationPreference.delivery
        )
        .where(NotificationPreference.member.is_in(ids))
        .run()
    )
    for row in rows:
        found[row["member"]][row["type"]] = row["delivery"]
    return found


async def digest_frequencies(member_ids: Iterable[int]) -> dict[int, tuple[str, object]]:
    """``{member: (frequency, last_digest_at)}``; members without a row get the daily default."""
    ids = list(set(member_ids))
    found: dict[int, tuple[str, object]] = {member: (DEFAULT_FREQUENCY, None) for member in ids}
    if not ids:
        return found
    rows = (
        await NotificationSettings.select(
            NotificationSettings.member, NotificationSettings.digest, NotificationSettings.last_digest_at
        )
        .where(NotificationSettings.member.is_in(ids))
        .run()
    )
    for row in rows:
        frequency = row["digest"] if row["digest"] in DIGEST_FREQUENCIES else DEFAULT_FREQUENCY
        found[row["member"]] = (frequency, row["last_digest_at"])
    return found


async def _set_frequency(member_id: int, frequency: str) -> None:
    """Inside a write transaction: store the member's digest frequency."""
    exists = await NotificationSettings.exists().where(NotificationSettings.member == member_id).run()
    if exists:
        await (
            NotificationSettings.update({NotificationSettings.digest: frequency})
            .where(NotificationSettings.member == member_id)
            .run()
        )
    else:
        await NotificationSettings.insert(NotificationSettings(member=member_id, digest=frequency)).run()


async def _set_delivery(member_id: int, kind: NotificationType, delivery: str) -> None:
    """Inside a write transaction: store a choice, or forget it when it equals the type's default."""
    where = (NotificationPreference.member == member_id) & (NotificationPreference.type == kind.key)
    await NotificationPreference.delete().where(where).run()
    if delivery != kind.default_delivery:
        await NotificationPreference.insert(
            NotificationPreference(member=member_id, type=kind.key, delivery=delivery)
        ).run()


async def save_choices(
    hub: Hub,
    member_id: int,
    types: Mapping[str, NotificationType],
    deliveries: Mapping[str, str],
    frequency: str | None = None,
) -> None:
    """Store validated choices in one write transaction (callers check values against ``DELIVERIES``)."""
    async with hub.write():
        for key, delivery in deliveries.items():
            await _set_delivery(member_id, types[key], delivery)
        if frequency is not None:
            await _set_frequency(member_id, frequency)
