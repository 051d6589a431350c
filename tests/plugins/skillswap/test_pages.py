from __future__ import annotations

from datetime import timedelta

from hub.plugins.skillswap.listings import utcnow
from hub.plugins.skillswap.tables import Exchange, Listing
from tests.plugins.skillswap.conftest import category_id, post_listing, respond


async def test_every_member_page_renders_with_one_heading(client, hub, make_member) -> None:
    alice, bob = await make_member(), await make_member()
    await client.login(alice)
    listing_id = await post_listing(client)
    await client.logout()
    await client.login(bob)
    exchange_id = await respond(client, listing_id)
    await Exchange.update({Exchange.status: "confirmed"}).where(Exchange.id == exchange_id).run()
    urls = [
        "/skillswap/",
        "/skillswap/new",
        "/skillswap/new?kind=request",
        f"/skillswap/{listing_id}",
        f"/skillswap/{listing_id}/respond",
        "/skillswap/exchanges/",
        f"/skillswap/exchanges/{exchange_id}",
        f"/skillswap/exchanges/{exchange_id}/cancel",
        f"/skillswap/exchanges/{exchange_id}/thanks",
        f"/skillswap/exchanges/{exchange_id}/concern",
    ]
    for url in urls:
        page = await client.get(url)
        assert page.status_code == 200, url
        assert page.text.count("<h1") == 1, url
        assert "<title>" in page.text, url
    await client.logout()
    await client.login(alice)
    for url in (f"/skillswap/{listing_id}/edit", f"/skillswap/{listing_id}/close"):
        page = await client.get(url)
        assert page.status_code == 200 and page.text.count("<h1") == 1, url


async def test_garbage_ids_and_parameters_are_4xx(client, member) -> None:
    await client.login(member)
    for url in ("/skillswap/999999", "/skillswap/exchanges/999999", "/skillswap/999999/respond"):
        assert (await client.get(url)).status_code == 404, url
    for url in ("/skillswap/?before=abc&after=-1&kind=<script>", "/skillswap/?category=nope&tag=%25%25"):
        page = await client.get(url)
        assert page.status_code == 200 and "<script>" not in page.text.split("</head>")[1]
    assert (await client.post_form("/skillswap/999999/edit", {"title": "x"})).status_code == 404
    assert (await client.post_form("/skillswap/exchanges/999999/accept", {})).status_code == 404


async def test_relay_limit_refuses_and_writes_nothing(client, hub, make_member) -> None:
    alice, bob = await make_member(), await make_member()
    now = utcnow()
    garden = await category_id()
    async with hub.write():
        rows = await Listing.insert(
            *[
                Listing(
                    kind="request",
                    owner=alice.id,
                    category=garden,
                    title=f"Job {i}",
                    status="open",
                    expires_at=now + timedelta(days=9),
                )
                for i in range(11)
            ]
        ).run()
    await client.login(bob)
    for row in rows[:10]:
        await respond(client, row["id"])
    refused = await client.post_form(f"/skillswap/{rows[10]['id']}/respond", {"message": "One more"})
    assert refused.status_code == 429 and "wait" in refused.text
    assert await Exchange.count().run() == 10
