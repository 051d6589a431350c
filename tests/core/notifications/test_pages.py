"""The bell, the notifications page, marking read, and the settings page, through HTTP."""

from __future__ import annotations

import re

from hub.core.db import count_queries
from hub.core.notifications.service import unread_count
from hub.core.notifications.tables import Notification, NotificationPreference, NotificationSettings
from hub.testing import HubClient


def _bell_count(html: str) -> str:
    match = re.search(r'id="notification-count"[^>]*>(.*?)</span></a>', html, re.S)
    assert match, "no bell on the page"
    badge = re.search(r'class="badge">([^<]*)<', match.group(1))
    return badge.group(1) if badge else ""


async def test_bell_counts_unread_and_polls(client: HubClient, hub, member) -> None:
    for number in range(3):
        await hub.notify(member.id, "garden.harvest", f"Harvest {number}", url="/garden/")
    await client.login(member)
    home = await client.get("/search")
    assert _bell_count(home.text) == "3"
    assert 'hx-trigger="every 60s"' in home.text and 'hx-get="/notifications/bell"' in home.text
    assert 'aria-live="polite"' in home.text

    fragment = await client.get("/notifications/bell", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and ">3<" in fragment.text and "unread notifications" in fragment.text
    assert "<html" not in fragment.text


async def test_unread_count_is_one_query(hub, member) -> None:
    await hub.notify(member.id, "garden.harvest", "Beans")
    with count_queries() as counter:
        assert await unread_count(member.id) == 1
    assert counter.count == 1


async def test_visitors_get_no_bell(anon_client) -> None:
    response = await anon_client.get("/notifications/bell")
    assert response.status_code == 200 and response.text.strip() == ""
    page = await anon_client.get("/search")
    assert "notification-count" not in page.text
    assert (await anon_client.get("/notifications/")).status_code in (302, 303)


async def test_mark_read_and_mark_all_read(client: HubClient, hub, make_member) -> None:
    alice, bob = await make_member(), await make_member()
    ids = [await hub.notify(alice.id, "repairs.request", f"Job {n}", url=f"/repairs/{n}") for n in range(3)]
    bobs = await hub.notify(bob.id, "repairs.request", "Bob's job")
    await client.login(alice)

    page = await client.get("/notifications/")
    assert page.status_code == 200 and page.text.count("<h1") == 1 and "Job 2" in page.text
    response = await client.post_form(f"/notifications/{ids[0]}/read")
    assert response.status_code == 303
    assert await unread_count(alice.id) == 2

    # Someone else's notification: 404, and it stays unread.
    assert (await client.post_form(f"/notifications/{bobs}/read")).status_code == 404
    assert (await Notification.select(Notification.read_at).where(Notification.id == bobs).first().run())[
        "read_at"
    ] is None
    # Without the CSRF token: refused, nothing written.
    assert (await client.post(f"/notifications/{ids[1]}/read")).status_code == 403
    assert await unread_count(alice.id) == 2

    assert (await client.post_form("/notifications/read-all")).status_code == 303
    assert await unread_count(alice.id) == 0 and await unread_count(bob.id) == 1
    assert _bell_count((await client.get("/notifications/")).text) == ""


async def test_notifications_page_paginates_and_has_an_empty_state(client: HubClient, hub, member) -> None:
    await client.login(member)
    empty = await client.get("/notifications/")
    assert "Nothing here yet" in empty.text
    for number in range(35):
        await hub.notify(member.id, "repairs.request", f"Item {number:02d}")
    first = await client.get("/notifications/")
    assert "Item 34" in first.text and "Item 04" not in first.text
    match = re.search(r'href="(/notifications/\?before=\d+)"', first.text)
    assert match
    second = await client.get(match.group(1).replace("&amp;", "&"))
    assert "Item 04" in second.text and "Item 34" not in second.text
    assert (await client.get("/notifications/?before=nonsense")).status_code == 200


async def test_settings_page_lists_every_type_and_saves(client: HubClient, hub, member) -> None:
    await client.login(member)
    page = await client.get("/account/notifications")
    assert page.status_code == 200
    for text in ("Harvest news", "When the shared beds have produce to pick.", "Repair requests", "Messages to me"):
        assert text in page.text
    assert "New members waiting for approval" not in page.text  # organisers only

    fields = {
        "delivery-garden.harvest": "email",
        "delivery-repairs.request": "off",
        "delivery-repairs.urgent": "email",
        "delivery-core.message": "hub",
        "digest": "weekly",
    }
    saved = await client.post_form("/account/notifications", fields)
    assert saved.status_code == 303
    rows = await NotificationPreference.select().where(NotificationPreference.member == member.id).run()
    # Only choices that differ from the defaults are stored.
    assert sorted((r["type"], r["delivery"]) for r in rows) == [("garden.harvest", "email"), ("repairs.request", "off")]
    settings = await NotificationSettings.select().where(NotificationSettings.member == member.id).first().run()
    assert settings["digest"] == "weekly"
    again = await client.get("/account/notifications")
    assert re.search(r'<option value="weekly" selected', again.text)


async def test_settings_reject_bad_values_and_write_nothing(client: HubClient, member) -> None:
    await client.login(member)
    bad = {
        "delivery-garden.harvest": "carrier-pigeon",
        "delivery-repairs.request": "off",
        "delivery-repairs.urgent": "email",
        "delivery-core.message": "hub",
        "digest": "hourly",
    }
    response = await client.post_form("/account/notifications", bad)
    assert response.status_code == 400 and 'aria-invalid="true"' in response.text
    assert await NotificationPreference.count().run() == 0
    assert await NotificationSettings.count().run() == 0
