from __future__ import annotations

from datetime import timedelta

from hub.core.notifications.tables import Notification
from hub.core.types import Actor
from hub.plugins.skillswap.jobs import renewal_nudges
from hub.plugins.skillswap.listings import utcnow
from hub.plugins.skillswap.tables import Listing
from hub.testing import set_plugin_settings
from tests.plugins.skillswap.conftest import category_id, post_listing


def _actor(member) -> Actor:
    return Actor(id=member.id, display_name=member.display_name, email=member.email, role="member", status="active")


async def test_matching_notifies_others_capped_and_not_the_poster(client, hub, make_member) -> None:
    set_plugin_settings(hub, "skillswap", match_notify_cap=3)
    offerers = [await make_member() for _ in range(5)]
    garden = await category_id("garden")
    tech = await category_id("tech-help")
    now = utcnow()
    async with hub.write():
        await Listing.insert(
            *[
                Listing(
                    kind="offer",
                    owner=m.id,
                    category=garden,
                    title="Garden help",
                    tags=",hedges,",
                    status="open",
                    expires_at=now + timedelta(days=20),
                )
                for m in offerers
            ]
        ).run()
    unrelated = await make_member()
    async with hub.write():
        await Listing.insert(
            Listing(
                kind="offer",
                owner=unrelated.id,
                category=tech,
                title="Phones",
                tags=",phones,",
                status="open",
                expires_at=now + timedelta(days=20),
            )
        ).run()
    poster = offerers[0]
    await client.login(poster)
    listing_id = await post_listing(client, kind="request", slug="garden", title="Hedge help needed")
    matches = await Notification.select().where(Notification.type == "skillswap.match").run()
    notified = {n["member"] for n in matches}
    assert len(notified) == 3 and poster.id not in notified and unrelated.id not in notified
    assert all(n["url"] == f"/skillswap/{listing_id}" and n["delivery"] == "digest" for n in matches)
    # A tag match across categories also counts.
    await client.logout()
    await client.login(unrelated)
    await post_listing(client, kind="request", slug="repairs", title="Phone screen", tags="phones")
    assert await Notification.count().where(Notification.type == "skillswap.match").run() == 3


async def test_renewal_nudges_are_idempotent_and_renewing_extends(client, hub, member) -> None:
    now = utcnow()
    async with hub.write():
        rows = await Listing.insert(
            Listing(
                kind="offer",
                owner=member.id,
                category=await category_id(),
                title="Ending soon",
                status="open",
                expires_at=now + timedelta(days=3),
            ),
            Listing(
                kind="offer",
                owner=member.id,
                category=await category_id(),
                title="Plenty of time",
                status="open",
                expires_at=now + timedelta(days=60),
            ),
        ).run()
    assert await renewal_nudges(hub, now) == 1
    assert await renewal_nudges(hub, now + timedelta(hours=6)) == 0
    sent = await Notification.select().where(Notification.type == "skillswap.renewal").run()
    assert len(sent) == 1 and sent[0]["url"] == f"/skillswap/{rows[0]['id']}"
    await client.login(member)
    assert (await client.post_form(f"/skillswap/{rows[0]['id']}/renew")).status_code == 303
    renewed = await Listing.select(Listing.expires_at).where(Listing.id == rows[0]["id"]).first().run()
    assert renewed["expires_at"] > now + timedelta(days=80)
    # Expired listings leave the list.
    await Listing.update({Listing.expires_at: now - timedelta(days=1)}).where(Listing.id == rows[1]["id"]).run()
    assert "Plenty of time" not in (await client.get("/skillswap/")).text


async def test_home_panel_search_and_visibility(client, hub, make_member) -> None:
    from hub.plugins.skillswap.plugin import home_panels, search

    alice = await make_member()
    await client.login(alice)
    await post_listing(client, kind="offer", title="Clases de español", tags="idiomas")
    panels = await home_panels(hub=hub, request=None, actor=_actor(alice))
    assert len(panels) == 1 and "Clases de español" in str(panels[0].body)
    assert await home_panels(hub=hub, request=None, actor=None) == []
    hits = await search(hub=hub, query="español", actor=_actor(alice), limit=10)
    assert [h.title for h in hits] == ["Offer: Clases de español"]
    assert await search(hub=hub, query="español", actor=None, limit=10) == []
    page = await client.get("/search", params={"q": "Clases"})
    assert "Clases de español" in page.text
    await client.logout()
    assert "Clases de español" not in (await client.get("/search", params={"q": "Clases"})).text


async def test_notification_types_jobs_and_permissions_are_declared(hub) -> None:
    from hub.plugins.skillswap.plugin import notification_types, register_jobs, register_permissions

    keys = {t.key: t for t in notification_types(hub=hub)}
    assert keys["skillswap.match"].default_delivery == "digest"
    assert {j.name for j in register_jobs(hub=hub)} == {"skillswap.confirm_reminders", "skillswap.renewal_nudges"}
    perms = {p.name: p for p in register_permissions(hub=hub)}
    assert perms["skillswap.coordinate"].roles == ("moderator", "admin")
    assert "anonymous" not in perms["skillswap.view"].roles


async def test_demo_data_small(hub, make_member) -> None:
    from hub.plugins.skillswap.plugin import demo_data

    for _ in range(3):
        await make_member()
    calls = []
    await demo_data(hub=hub, scale="small", progress=lambda *a, **k: calls.append(a))
    assert await Listing.count().run() == 80
    titles = {r["title"] for r in await Listing.select(Listing.title).run()}
    assert any("español" in t for t in titles) or any("Clases" in t for t in titles)
    assert any(any("\u0600" <= ch <= "\u06ff" for ch in t) for t in titles)


async def test_listing_moderation_object(hub, make_member) -> None:
    from hub.plugins.skillswap.plugin import moderation_object

    alice, bob = await make_member(), await make_member()
    async with hub.write():
        rows = await Listing.insert(
            Listing(
                kind="offer",
                owner=alice.id,
                category=await category_id(),
                title="Thing",
                status="open",
                hidden=True,
                expires_at=utcnow() + timedelta(days=3),
            )
        ).run()
    listing_id = rows[0]["id"]
    assert await moderation_object(hub=hub, kind="skillswap.listing", object_id=listing_id, viewer=_actor(bob)) is None
    seen = await moderation_object(hub=hub, kind="skillswap.listing", object_id=listing_id, viewer=_actor(alice))
    assert seen is not None and seen.hidden is True and seen.author_id == alice.id
    assert await moderation_object(hub=hub, kind="other.thing", object_id=listing_id, viewer=_actor(alice)) is None


async def test_matching_in_a_vetted_category_only_reaches_vetted_members(client, hub, make_member) -> None:
    from hub.core.members.tables import Member

    checked, unchecked, parent = await make_member(), await make_member(), await make_member()
    await Member.update({Member.vetted: True}).where(Member.id == checked.id).run()
    childcare = await category_id("childcare")
    async with hub.write():
        await Listing.insert(
            *[
                Listing(
                    kind="offer",
                    owner=m.id,
                    category=childcare,
                    title="Babysitting",
                    status="open",
                    expires_at=utcnow() + timedelta(days=20),
                )
                for m in (checked, unchecked)
            ]
        ).run()
    await client.login(parent)
    await post_listing(client, kind="request", slug="childcare", title="Thursday pick-up")
    notified = {n["member"] for n in await Notification.select().where(Notification.type == "skillswap.match").run()}
    assert notified == {checked.id}
