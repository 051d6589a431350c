from __future__ import annotations

from hub.core.db import count_queries
from hub.plugins.skillswap.tables import Listing
from hub.testing import set_plugin_settings
from tests.plugins.skillswap.conftest import category_id, post_listing


async def test_listing_pages_need_a_member_by_default(client, member) -> None:
    response = await client.get("/skillswap/")
    assert response.status_code in (302, 303, 401)
    await client.login(member)
    page = await client.get("/skillswap/")
    assert page.status_code == 200
    assert page.text.count("<h1") == 1 and "No offers or requests yet." in page.text


async def test_nav_item_shows_for_members(client, member) -> None:
    await client.login(member)
    page = await client.get("/skillswap/exchanges/")
    assert '<a href="/skillswap/" aria-current="page">Skill swap</a>' in page.text and "Skill swap" in page.text


async def test_post_edit_and_close_own_listing(client, member) -> None:
    await client.login(member)
    listing_id = await post_listing(client, kind="offer", title="Bike repairs", tags="Bikes, punctures, bikes")
    row = await Listing.select().where(Listing.id == listing_id).first().run()
    assert row["tags"] == ",bikes,punctures," and row["owner"] == member.id and row["kind"] == "offer"
    page = await client.get(f"/skillswap/{listing_id}")
    assert page.status_code == 200 and "Bike repairs" in page.text
    edit = await client.post_form(
        f"/skillswap/{listing_id}/edit",
        {
            "kind": "offer",
            "category": str(await category_id("repairs")),
            "title": "Bike and pram repairs",
            "tags": "bikes",
            "mode": "remote",
            "area": "Old Town",
        },
    )
    assert edit.status_code == 303
    assert (await Listing.select(Listing.title).where(Listing.id == listing_id).first().run())[
        "title"
    ] == "Bike and pram repairs"
    confirm = await client.get(f"/skillswap/{listing_id}/close")
    assert confirm.status_code == 200 and "Yes, close it" in confirm.text
    closed = await client.post_form(f"/skillswap/{listing_id}/close")
    assert closed.status_code == 303
    assert (await Listing.select(Listing.status).where(Listing.id == listing_id).first().run())["status"] == "closed"
    listing_page = await client.get("/skillswap/")
    assert "Bike and pram repairs" not in listing_page.text


async def test_bad_form_is_400_and_writes_nothing(client, member) -> None:
    await client.login(member)
    response = await client.post_form(
        "/skillswap/new", {"kind": "bogus", "category": "999999", "title": "x" * 500, "mode": "either"}
    )
    assert response.status_code == 400 and "form-errors" in response.text
    assert await Listing.count().run() == 0
    forged = await client.post("/skillswap/new", data={"kind": "offer", "title": "No token"})
    assert forged.status_code == 403
    assert await Listing.count().run() == 0


async def test_other_members_cannot_edit_or_close(client, make_member) -> None:
    alice, bob = await make_member(), await make_member()
    await client.login(alice)
    listing_id = await post_listing(client)
    await client.logout()
    await client.login(bob)
    assert (await client.get(f"/skillswap/{listing_id}/edit")).status_code == 403
    changed = await client.post_form(
        f"/skillswap/{listing_id}/edit",
        {"kind": "offer", "category": str(await category_id()), "title": "Hijacked", "mode": "either"},
    )
    assert changed.status_code == 403
    assert (await client.post_form(f"/skillswap/{listing_id}/close")).status_code == 403
    assert (await client.post_form(f"/skillswap/{listing_id}/renew")).status_code == 403
    row = await Listing.select().where(Listing.id == listing_id).first().run()
    assert row["title"] == "Help with the hedge" and row["status"] == "open"


async def test_filters_keyset_pagination_and_htmx_fragment(client, member, hub) -> None:
    await client.login(member)
    garden = await category_id("garden")
    tech = await category_id("tech-help")
    from hub.plugins.skillswap.listings import utcnow

    now = utcnow()
    from datetime import timedelta

    async with hub.write():
        await Listing.insert(
            *[
                Listing(
                    kind="offer" if i % 2 else "request",
                    owner=member.id,
                    category=garden if i % 3 else tech,
                    title=f"Listing number {i:03d}",
                    tags=",ladders," if i % 5 == 0 else ",misc,",
                    area="Riverside" if i % 4 == 0 else "Old Town",
                    status="open",
                    expires_at=now + timedelta(days=30),
                    created_at=now,
                    updated_at=now,
                )
                for i in range(45)
            ]
        ).run()
    first = await client.get("/skillswap/")
    assert "Listing number 044" in first.text and "Listing number 024" not in first.text
    assert 'rel="next"' in first.text
    import re

    older = re.search(r'href="([^"]*before=\d+)"', first.text)
    assert older
    second = await client.get(older.group(1).replace("&amp;", "&"))
    assert "Listing number 024" in second.text and "Listing number 044" not in second.text
    assert 'rel="prev"' in second.text
    only_requests = await client.get("/skillswap/", params={"kind": "request"})
    assert "Listing number 044" in only_requests.text and "Listing number 043" not in only_requests.text
    tagged = await client.get("/skillswap/", params={"tag": "ladders"})
    assert "Listing number 040" in tagged.text and "Listing number 041" not in tagged.text
    by_category = await client.get("/skillswap/", params={"category": "tech-help"})
    assert "Listing number 042" in by_category.text and "Listing number 044" not in by_category.text
    by_area = await client.get("/skillswap/", params={"area": "riverside"})
    assert "Listing number 044" in by_area.text and "Listing number 043" not in by_area.text
    fragment = await client.get("/skillswap/", params={"tag": "nothing-here"}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert 'id="results"' in fragment.text and 'aria-live="polite"' in fragment.text
    assert "Nothing matches these filters." in fragment.text
    assert "HX-Request" in fragment.headers.get("vary", "")


async def test_list_page_query_count_is_bounded(client, member, hub) -> None:
    await client.login(member)
    from datetime import timedelta

    from hub.plugins.skillswap.listings import utcnow

    now = utcnow()
    garden = await category_id("garden")
    async with hub.write():
        await Listing.insert(
            *[
                Listing(
                    kind="offer",
                    owner=member.id,
                    category=garden,
                    title=f"Item {i}",
                    status="open",
                    expires_at=now + timedelta(days=30),
                    created_at=now,
                    updated_at=now,
                )
                for i in range(60)
            ]
        ).run()
    await client.get("/skillswap/")  # warm the session and site state
    with count_queries() as counter:
        page = await client.get("/skillswap/", params={"category": "garden", "tag": "x"})
        full = await client.get("/skillswap/")
    assert page.status_code == 200 and full.status_code == 200
    per_page = counter.count / 2
    # session + the core's unread-notifications count + categories + one joined listing query
    assert per_page <= 4, counter.statements


async def test_public_setting_lets_visitors_browse(client, member, hub) -> None:
    set_plugin_settings(hub, "skillswap", public_listings=True)
    try:
        await client.login(member)
        listing_id = await post_listing(client, kind="offer", title="Public offer")
        await client.logout()
        page = await client.get("/skillswap/")
        assert page.status_code == 200 and "Public offer" in page.text
        assert (await client.get(f"/skillswap/{listing_id}")).status_code == 200
        assert (await client.get(f"/skillswap/{listing_id}/respond")).status_code in (302, 303, 401)
    finally:
        set_plugin_settings(hub, "skillswap", public_listings=False)


async def test_hidden_listing_is_gone_for_others(client, make_member, moderator, hub) -> None:
    alice, bob = await make_member(), await make_member()
    await client.login(alice)
    listing_id = await post_listing(client, title="Soon hidden")
    from hub.core import hooks

    handled = await hooks.call_first(
        hub.registry,
        "moderate",
        hub=hub,
        kind="skillswap.listing",
        object_id=listing_id,
        action="hide",
        actor=None,
        reason="spam",
    )
    assert handled is True
    await client.logout()
    await client.login(bob)
    assert (await client.get(f"/skillswap/{listing_id}")).status_code == 404
    assert "Soon hidden" not in (await client.get("/skillswap/")).text
    assert "Soon hidden" not in (await client.get("/search", params={"q": "hidden"})).text
