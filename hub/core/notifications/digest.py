"""The one digest: every plugin's undelivered digest items for a member, in one short email.

Exactly once: one write transaction *claims* a member's items (marks them emailed with its run
id), stamps the member's ``last_digest_at`` and queues the email in the mail outbox; a worker
then delivers it (with retries). Two runs can never claim the same item or the same member's
period, and a run that dies or fails before committing leaves everything as it was, so the next
run sends the digest instead (items stay visible in the hub meanwhile).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from hub.core.members.tables import Member
from hub.core.notifications.emails import send_digest_mail
from hub.core.notifications.preferences import DIGEST_PERIODS, digest_frequencies, member_deliveries
from hub.core.notifications.service import _is_unique_violation, declared_types
from hub.core.notifications.tables import Notification, NotificationSettings

if TYPE_CHECKING:
    from hub.core.facade import Hub

__all__ = ["DIGEST_LIMIT", "DUE_SLACK", "DigestFailed", "run_digest"]

log = logging.getLogger("hub.notifications")

DIGEST_LIMIT = 40
"""Items listed in one email; the rest are counted with a link to the hub."""
DUE_SLACK = timedelta(hours=1)
"""A daily digest is due 23 hours after the last, so an hourly job never drifts a day late."""


class DigestFailed(RuntimeError):
    """Some digests could not be queued; their items stay unclaimed for the next run."""


class _NotDue(Exception):
    """Rolls back a claim whose member stamp someone else already holds."""


def _is_due(frequency: str, last: Any, now: datetime) -> bool:
    period = DIGEST_PERIODS.get(frequency)
    if period is None:
        return False
    return last is None or last <= now - period + DUE_SLACK


async def _claim_and_queue(
    hub: Hub,
    member: Mapping[str, Any],
    period: timedelta,
    now: datetime,
    types: Mapping[str, Any],
    choices: Mapping[str, str],
) -> bool:
    """Claim the member's pending items and their digest period, and queue the email, in one transaction."""
    member_id = member["id"]
    run_id = uuid.uuid4().hex
    try:
        async with hub.write():
            claimed = await (
                Notification.update({Notification.emailed_at: now, Notification.digest_run: run_id})
                .where(
                    (Notification.member == member_id)
                    & (Notification.delivery == "digest")
                    & Notification.emailed_at.is_null()
                    & Notification.read_at.is_null()
                )
                .returning(Notification.id)
                .run()
            )
            if not claimed:
                return False
            stamped = await (
                NotificationSettings.update({NotificationSettings.last_digest_at: now})
                .where(
                    (NotificationSettings.member == member_id)
                    & (
                        NotificationSettings.last_digest_at.is_null()
                        | (NotificationSettings.last_digest_at <= now - period + DUE_SLACK)
                    )
                )
                .returning(NotificationSettings.id)
                .run()
            )
            if not stamped:
                if await NotificationSettings.exists().where(NotificationSettings.member == member_id).run():
                    raise _NotDue()
                await NotificationSettings.insert(NotificationSettings(member=member_id, last_digest_at=now)).run()
            items = [
                item
                for item in await Notification.select(
                    Notification.id, Notification.type, Notification.title, Notification.body, Notification.url
                )
                .where(Notification.digest_run == run_id)
                .order_by(Notification.id)
                .run()
                if _wanted(item, types, choices)
            ]
            if not items:
                return False  # what was claimed is no longer wanted by email: it stays in the hub
            await send_digest_mail(hub, member, items, types, DIGEST_LIMIT)
    except _NotDue:
        return False
    except Exception as error:
        if _is_unique_violation(error):  # another worker created the member's settings row first
            return False
        raise
    return True


def _wanted(item: Mapping[str, Any], types: Mapping[str, Any], choices: Mapping[str, str]) -> bool:
    """Still digest-worthy now: a type that is declared and not since switched to off or hub-only."""
    kind = types.get(item["type"])
    if kind is None:
        return False
    return choices.get(item["type"], kind.default_delivery) in ("digest", "email")


async def run_digest(hub: Hub, now: datetime) -> int:
    """Send every due member their digest; returns how many were sent. Safe to run anywhere, any time."""
    pending = (
        await Notification.select(Notification.member)
        .where((Notification.delivery == "digest") & Notification.emailed_at.is_null() & Notification.read_at.is_null())
        .distinct()
        .run()
    )
    member_ids = [row["member"] for row in pending]
    if not member_ids:
        return 0
    frequencies = await digest_frequencies(member_ids)
    due = [m for m in member_ids if _is_due(*frequencies[m], now)]
    if not due:
        return 0
    members = (
        await Member.select(Member.id, Member.email, Member.language)
        .where(Member.id.is_in(due) & (Member.status == "active"))
        .order_by(Member.id)
        .run()
    )
    types = await declared_types(hub)
    choices = await member_deliveries(due)
    sent, failed = 0, 0
    for member in members:
        frequency, _previous = frequencies[member["id"]]
        try:
            queued = await _claim_and_queue(hub, member, DIGEST_PERIODS[frequency], now, types, choices[member["id"]])
        except Exception:
            log.exception("digest for member %s failed; nothing was claimed, the next run retries", member["id"])
            failed += 1
            continue
        sent += queued
    if failed:
        raise DigestFailed(f"{failed} digest(s) could not be queued; they will be retried on the next run.")
    return sent
