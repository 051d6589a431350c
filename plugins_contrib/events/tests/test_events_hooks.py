"""The events plugin's non-page hooks: reminders job, notifications, data export/erase, demo data."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from events_helpers import event_form

from hub.core import hooks
from hub.core.notifications.tables import Notification
from hub.testing import HubClient, TestMember
from hub_events.jobs import send_reminders
from hub_events.tables import EventRow, Rsvp

pytestmark = pytest.mark.usefixtures("pinned_now")


async def _event_and_rsvp(client: HubClient, organiser: TestMember, guest: TestMember, **form: str) -> int:
    await client.login(organiser)
    created = await client.post_form("/events/new", event_form(**form))
    event_id = int(created.headers["location"].rsplit("/", 1)[1])
    await client.logout()
    await client.login(guest)
    page = await client.get(f"/events/{event_id}")
    at = re.search(r'name="at" value="([^"]+)"', page.text).group(1)
    assert (await client.post_form(f"/events/{event_id}/rsvp", {"status": "going", "at": at})).status_code == 303
    return event_id


@pytest.mark.usefixtures("calendar_moment")
async def test_reminder_job_is_declared_and_idempotent(client: HubClient, hub, member, make_member, outbox) -> None:
    jobs = await hooks.gather_hook(hub.registry, "register_jobs", hub=hub)
    job = next(j for j in jobs if j.name == "events.reminders")
    types = {t.key for t in await hooks.gather_hook(hub.registry, "notification_types", hub=hub)}
    assert {"events.reminder", "events.promoted", "events.changed"} <= types
    guest = await make_member()
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    event_id = await _event_and_rsvp(client, member, guest, date=tomorrow, timezone="UTC", audience="members")
    start = (await EventRow.select(EventRow.starts_at).where(EventRow.id == event_id).first().run())["starts_at"]
    now = start - timedelta(hours=3)
    assert await job.run(hub, now) == 1
    assert await send_reminders(hub, now + timedelta(minutes=15)) == 0  # same reminder never twice
    assert await send_reminders(hub, start - timedelta(days=3)) == 0  # too early
    notes = await Notification.select(Notification.member, Notification.type).run()
    assert notes == [{"member": guest.id, "type": "events.reminder"}]
    assert any("Reminder" in str(m["Subject"]) for m in outbox.to(guest.email))


async def test_export_and_erase(client: HubClient, hub, member, make_member) -> None:
    guest = await make_member()
    answered = await _event_and_rsvp(client, member, guest)
    await client.logout()
    await client.login(member)
    lonely = await client.post_form("/events/new", event_form(title="Nobody came"))
    lonely_id = int(lonely.headers["location"].rsplit("/", 1)[1])
    exported = dict(await hooks.gather_hook_by_plugin(hub.registry, "member_data_export", hub=hub, member_id=member.id))
    assert {e["id"] for e in exported["events"]["organised"]} == {answered, lonely_id}
    guest_export = dict(
        await hooks.gather_hook_by_plugin(hub.registry, "member_data_export", hub=hub, member_id=guest.id)
    )
    assert guest_export["events"]["answers"][0]["status"] == "going"
    await hooks.gather_hook(hub.registry, "member_data_erase", hub=hub, member_id=member.id)
    rows = {r["id"]: r["organiser"] for r in await EventRow.select(EventRow.id, EventRow.organiser).run()}
    assert rows == {answered: None}
    await hooks.gather_hook(hub.registry, "member_data_erase", hub=hub, member_id=guest.id)
    assert await Rsvp.count().where(Rsvp.member == guest.id) == 0


async def test_demo_data_small_and_large(hub, make_member) -> None:
    await make_member()
    calls = []
    await hooks.gather_hook(hub.registry, "demo_data", hub=hub, scale="small", progress=lambda *a, **k: calls.append(a))
    assert await EventRow.count() == 10
    await hooks.gather_hook(hub.registry, "demo_data", hub=hub, scale="large", progress=lambda *a, **k: None)
    assert await EventRow.count() == 2010


async def test_profile_section_hides_members_only_from_visitors(client: HubClient, hub, member) -> None:
    await client.login(member)
    await client.post_form("/events/new", event_form(title="Open day"))
    await client.post_form("/events/new", event_form(title="Committee", audience="members"))
    from hub_events import plugin

    visitor = await plugin.profile_sections(hub=hub, member_id=member.id, viewer=None)
    assert "Open day" in str(visitor[0].body) and "Committee" not in str(visitor[0].body)
    from hub import Actor

    signed_in = Actor(id=member.id, display_name="x", email="x", role="member", status="active")
    mine = await plugin.profile_sections(hub=hub, member_id=member.id, viewer=signed_in)
    assert "Committee" in str(mine[0].body)


async def test_moderation_hides_an_event(client: HubClient, hub, member, moderator) -> None:
    await client.login(member)
    created = await client.post_form("/events/new", event_form(title="Dodgy sale"))
    event_id = int(created.headers["location"].rsplit("/", 1)[1])
    described = await hooks.call_first(
        hub.registry, "moderation_object", hub=hub, kind="events.event", object_id=event_id, viewer=None
    )
    assert described.title == "Dodgy sale" and described.author_id == member.id
    handled = await hooks.call_first(
        hub.registry,
        "moderate",
        hub=hub,
        kind="events.event",
        object_id=event_id,
        action="hide",
        actor=None,
        reason="spam",
    )
    assert handled is True
    await client.logout()
    assert "Dodgy sale" not in (await client.get("/events/")).text
    assert (await client.get(f"/events/{event_id}")).status_code == 404
    await client.login(member)
    assert "Hidden by an organiser" in (await client.get(f"/events/{event_id}")).text
