"""The core's notification hooks: its own types, members' delivery choices, the bell, the digest job."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from markupsafe import Markup

from hub.core.hookspecs import hookimpl
from hub.core.i18n import gettext as _
from hub.core.i18n import lazy_gettext as _l
from hub.core.members.tables import Member
from hub.core.notifications.digest import run_digest
from hub.core.notifications.emails import in_language
from hub.core.notifications.preferences import digest_frequencies, member_deliveries, stored_delivery
from hub.core.notifications.service import UNREAD_CAP, notify, unread_count
from hub.core.notifications.tables import Notification
from hub.core.types import Event, Job, NotificationType, Panel

__all__ = ["ACCOUNT_SLOT"]

ACCOUNT_SLOT = "account"
MEMBER_WAITING = "core.member_waiting"
MESSAGE = "core.message"


@hookimpl
def notification_types(hub: Any) -> list[NotificationType]:
    return [
        NotificationType(
            MEMBER_WAITING,
            _l("New members waiting for approval"),
            _l("For organisers: someone asked to join and waits for an organiser to approve them."),
            default_delivery="digest",
        ),
        NotificationType(
            MESSAGE,
            _l("Messages to me"),
            _l("Someone wrote to you through the hub. The message itself always comes by email too."),
            default_delivery="hub",
        ),
    ]


@hookimpl(trylast=True)
async def notification_delivery(hub: Any, member_id: int, type: str) -> str | None:
    """The member's stored choice; ``None`` lets the type's default apply."""
    return await stored_delivery(member_id, type)


async def _member_waiting(hub: Any, event: Event) -> None:
    waiting_id = event.data.get("member_id")
    if not isinstance(waiting_id, int):
        return
    waiting = await Member.select(Member.display_name).where(Member.id == waiting_id).first().run()
    if waiting is None:
        return
    organisers = (
        await Member.select(Member.id, Member.language)
        .where(Member.role.is_in(["moderator", "admin"]) & (Member.status == "active"))
        .run()
    )
    for organiser in organisers:
        with in_language(hub, organiser["language"]):
            title = _("%(name)s is waiting for approval", name=waiting["display_name"])
            body = _("Approve or decline their request on the members page.")
        await notify(
            hub,
            organiser["id"],
            MEMBER_WAITING,
            title,
            body,
            "/admin/members",
            dedupe_key=f"{MEMBER_WAITING}:{waiting_id}:{organiser['id']}",
        )


async def _message_relayed(hub: Any, event: Event) -> None:
    recipient_id, message_id = event.data.get("recipient_id"), event.data.get("message_id")
    if not isinstance(recipient_id, int) or not isinstance(message_id, int):
        return
    people = {
        row["id"]: row
        for row in await Member.select(Member.id, Member.display_name, Member.language)
        .where(Member.id.is_in([recipient_id, event.actor_id or 0]))
        .run()
    }
    recipient = people.get(recipient_id)
    if recipient is None:
        return
    sender = people.get(event.actor_id or 0)
    with in_language(hub, recipient["language"]):
        title = _("%(name)s sent you a message", name=sender["display_name"] if sender else _("A member"))
    await notify(hub, recipient_id, MESSAGE, title, "", f"/messages/{message_id}", dedupe_key=f"{MESSAGE}:{message_id}")


@hookimpl
async def on_event(hub: Any, event: Event) -> None:
    if event.name == MEMBER_WAITING:
        await _member_waiting(hub, event)
    elif event.name == "core.message_relayed":
        await _message_relayed(hub, event)


@hookimpl
async def page_slot(hub: Any, slot: str, request: Any, actor: Any) -> Markup | None:
    """The bell in the account navigation: one capped, indexed count query per page."""
    if slot != ACCOUNT_SLOT or actor is None:
        return None
    # A GET page uses the count the session lookup brought along; after a change, count again.
    member = hub.session(request).member if request.method == "GET" else None
    count = member.get("unread") if member and member.get("id") == actor.id else None
    if count is None:
        count = await unread_count(actor.id)
    return hub.render_fragment("notifications/bell.html", {"count": count, "cap": UNREAD_CAP})


@hookimpl
async def member_data_export(hub: Any, member_id: int) -> dict[str, Any]:
    """A member's notifications and choices for "download my data" (rows go with the member: FK cascade)."""
    notifications = (
        await Notification.select(
            Notification.type,
            Notification.title,
            Notification.body,
            Notification.url,
            Notification.created_at,
            Notification.read_at,
            Notification.emailed_at,
        )
        .where(Notification.member == member_id)
        .order_by(Notification.id)
        .run()
    )
    choices = (await member_deliveries([member_id]))[member_id]
    frequency, _last = (await digest_frequencies([member_id]))[member_id]
    for row in notifications:
        for key in ("created_at", "read_at", "emailed_at"):
            row[key] = row[key].isoformat() if row[key] else None
    return {"notifications": notifications, "deliveries": choices, "digest": frequency}


@hookimpl
def register_jobs(hub: Any) -> list[Job]:
    return [
        Job(
            name="core.digest",
            every=timedelta(hours=1),
            run=run_digest,
            description=_l("Email each member their daily or weekly digest when it is due"),
        )
    ]


@hookimpl
def account_sections(hub: Any, request: Any, actor: Any) -> list[Panel]:
    """A section on "My account" leading to the notification choices."""
    body = Markup('<p>{}</p><p><a href="/account/notifications">{}</a> · <a href="/notifications/">{}</a></p>').format(
        _(
            "Choose which notifications you get, and whether by email at once, in one daily or weekly digest, "
            "or only here in the hub."
        ),
        _("Notification settings"),
        _("Your notifications"),
    )
    return [Panel(title=_("Notifications"), body=body, order=20, slug="notifications")]
