from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from hub.core.members.tables import Member
from hub.core.moderation.tables import Report
from hub.core.notifications.tables import Notification
from hub.core.relay.tables import RelayMessage
from hub.plugins.skillswap import exchanges as service
from hub.plugins.skillswap.jobs import confirm_reminders
from hub.plugins.skillswap.listings import utcnow
from hub.plugins.skillswap.tables import Exchange, Listing, ThankYou
from tests.plugins.skillswap.conftest import post_listing, respond


async def _notifications(member_id: int, kind: str) -> list[dict]:
    return await Notification.select().where(Notification.member == member_id, Notification.type == kind).run()


async def test_full_lifecycle_through_the_relay(client, make_member, outbox) -> None:
    alice, bob = await make_member(name="Alice Okafor"), await make_member(name="Bilal Haddad")
    await client.login(alice)
    listing_id = await post_listing(client, kind="request", title="Hedge needs cutting")
    await client.logout()
    await client.login(bob)
    exchange_id = await respond(client, listing_id, "I have a hedge trimmer and Saturday free.")
    row = await Exchange.select().where(Exchange.id == exchange_id).first().run()
    assert row["status"] == "proposed" and row["provider"] == bob.id and row["receiver"] == alice.id
    message = await RelayMessage.select().where(RelayMessage.id == row["relay_message"]).first().run()
    assert message["sender"] == bob.id and message["recipient"] == alice.id and message["shares_email"] is False
    assert all(bob.email not in m.as_string() for m in outbox.to(alice.email))
    assert await _notifications(alice.id, "skillswap.response")
    page = await client.get(f"/skillswap/exchanges/{exchange_id}")
    assert page.status_code == 200 and f"/messages/{row['relay_message']}" not in page.text
    assert "Contact details stay private" in page.text
    assert (await client.post_form(f"/skillswap/exchanges/{exchange_id}/accept", {})).status_code == 403
    again = await client.post_form(f"/skillswap/{listing_id}/respond", {"message": "Me again"})
    assert again.status_code == 400 and await Exchange.count().run() == 1
    await client.logout()

    await client.login(alice)
    accepted = await client.post_form(
        f"/skillswap/exchanges/{exchange_id}/accept", {"when": "Saturday 10:00", "where": "At the front gate"}
    )
    assert accepted.status_code == 303
    page = await client.get(f"/skillswap/exchanges/{exchange_id}")
    assert f"/messages/{row['relay_message']}" in page.text and "Saturday 10:00" in page.text
    assert (await client.post_form(f"/skillswap/exchanges/{exchange_id}/done", {"minutes": "-5"})).status_code == 400
    assert (await client.post_form(f"/skillswap/exchanges/{exchange_id}/done", {"minutes": "90"})).status_code == 303
    await client.logout()

    await client.login(bob)
    assert f"/messages/{row['relay_message']}" in (await client.get(f"/skillswap/exchanges/{exchange_id}")).text
    confirmed = await client.post_form(f"/skillswap/exchanges/{exchange_id}/confirm", {}, htmx=True)
    # htmx gets the exchange back in place (no full reload), with the news inside its live region.
    assert confirmed.status_code == 200 and not confirmed.headers.get("hx-redirect")
    assert "<html" not in confirmed.text and 'id="exchange"' in confirmed.text
    assert "Confirmed. Thank you both!" in confirmed.text
    row = await Exchange.select().where(Exchange.id == exchange_id).first().run()
    assert (
        row["status"] == "confirmed"
        and row["minutes"] == 90
        and row["provider_confirmed"]
        and row["receiver_confirmed"]
    )
    assert (await Listing.select(Listing.status).where(Listing.id == listing_id).first().run())["status"] == "closed"
    cancel = await client.post_form(f"/skillswap/exchanges/{exchange_id}/cancel", {"reason": "Too late"})
    assert cancel.status_code == 409
    assert (await Exchange.select(Exchange.status).where(Exchange.id == exchange_id).first().run())[
        "status"
    ] == "confirmed"


async def test_exchange_fragment_for_htmx(client, make_member) -> None:
    alice, bob = await make_member(), await make_member()
    await client.login(alice)
    listing_id = await post_listing(client)
    await client.logout()
    await client.login(bob)
    exchange_id = await respond(client, listing_id)
    fragment = await client.get(f"/skillswap/exchanges/{exchange_id}", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.text and 'id="exchange"' in fragment.text
    assert 'aria-live="polite"' in fragment.text


async def test_cancel_needs_a_reason_and_frees_the_request(client, make_member) -> None:
    alice, bob, carol = await make_member(), await make_member(), await make_member()
    await client.login(alice)
    listing_id = await post_listing(client)
    await client.logout()
    await client.login(bob)
    first = await respond(client, listing_id)
    await client.logout()
    await client.login(carol)
    second = await respond(client, listing_id)
    await client.logout()
    await client.login(alice)
    assert (await client.post_form(f"/skillswap/exchanges/{first}/accept", {})).status_code == 303
    lost = await client.post_form(f"/skillswap/exchanges/{second}/accept", {})
    assert lost.status_code == 409 and "already been accepted" in lost.text
    empty = await client.post_form(f"/skillswap/exchanges/{first}/cancel", {"reason": ""})
    assert empty.status_code == 400
    assert (await Exchange.select(Exchange.status).where(Exchange.id == first).first().run())["status"] == "agreed"
    assert (
        await client.post_form(f"/skillswap/exchanges/{first}/cancel", {"reason": "Hedge fell down"})
    ).status_code == 303
    row = await Exchange.select().where(Exchange.id == first).first().run()
    assert row["status"] == "cancelled" and row["cancel_reason"] == "Hedge fell down"
    assert (await client.post_form(f"/skillswap/exchanges/{second}/accept", {})).status_code == 303


async def test_other_members_ids_are_refused(client, make_member) -> None:
    alice, bob, mallory = await make_member(), await make_member(), await make_member()
    await client.login(alice)
    listing_id = await post_listing(client)
    await client.logout()
    await client.login(bob)
    exchange_id = await respond(client, listing_id)
    await client.logout()
    await client.login(mallory)
    assert (await client.get(f"/skillswap/exchanges/{exchange_id}")).status_code == 404
    for action, data in (
        ("accept", {}),
        ("done", {"minutes": "60"}),
        ("confirm", {}),
        ("cancel", {"reason": "x y"}),
        ("thanks", {"body": "thanks"}),
        ("concern", {"reason": "hmm"}),
        ("details", {"when": "now"}),
    ):
        response = await client.post_form(f"/skillswap/exchanges/{exchange_id}/{action}", data)
        assert response.status_code == 404, action
    row = await Exchange.select().where(Exchange.id == exchange_id).first().run()
    assert row["status"] == "proposed" and row["when_text"] == ""
    assert await Report.count().run() == 0 and await ThankYou.count().run() == 0
    assert "/skillswap/exchanges/" + str(exchange_id) not in (await client.get("/skillswap/exchanges/")).text


@pytest.mark.all_databases
async def test_concurrent_accepts_of_one_request_have_one_winner(hub, make_member) -> None:
    alice = await make_member()
    helpers = [await make_member() for _ in range(8)]
    now = utcnow()
    garden = await _garden()
    async with hub.write():
        rows = await Listing.insert(
            Listing(
                kind="request",
                owner=alice.id,
                category=garden,
                title="One helper wanted",
                status="open",
                expires_at=now + timedelta(days=30),
            )
        ).run()
        listing_id = rows[0]["id"]
        ids = []
        for helper in helpers:
            created = await Exchange.insert(
                Exchange(
                    listing=listing_id, provider=helper.id, receiver=alice.id, initiator=helper.id, status="proposed"
                )
            ).run()
            ids.append(created[0]["id"])

    async def attempt(exchange_id: int) -> bool:
        try:
            await service.accept(hub, exchange_id, alice.id, "", "", utcnow())
        except service.ExchangeError:
            return False
        return True

    results = await asyncio.wait_for(asyncio.gather(*(attempt(i) for i in ids + ids)), 60)  # each twice, at once
    assert sum(results) == 1
    agreed = await Exchange.select(Exchange.id).where(Exchange.status == "agreed").run()
    assert len(agreed) == 1
    listing = await Listing.select(Listing.taken_exchange).where(Listing.id == listing_id).first().run()
    assert listing["taken_exchange"] == agreed[0]["id"]


async def _garden() -> int:
    from tests.plugins.skillswap.conftest import category_id

    return await category_id("garden")


async def test_confirm_reminders_are_sent_once(hub, make_member) -> None:
    alice, bob = await make_member(), await make_member()
    done_at = utcnow() - timedelta(days=10)
    async with hub.write():
        rows = await Exchange.insert(
            Exchange(
                provider=bob.id,
                receiver=alice.id,
                initiator=bob.id,
                status="done",
                minutes=60,
                provider_confirmed=True,
                done_at=done_at,
            )
        ).run()
    exchange_id = rows[0]["id"]
    assert await confirm_reminders(hub, done_at + timedelta(days=1)) == 0
    assert await confirm_reminders(hub, done_at + timedelta(days=4)) == 1
    assert await confirm_reminders(hub, done_at + timedelta(days=5)) == 0
    sent = await _notifications(alice.id, "skillswap.confirm_reminder")
    assert len(sent) == 1 and sent[0]["url"] == f"/skillswap/exchanges/{exchange_id}"
    assert not await _notifications(bob.id, "skillswap.confirm_reminder")


async def test_thanks_after_confirmation_show_on_profile(client, hub, make_member) -> None:
    from hub.plugins.skillswap.plugin import profile_sections

    alice, bob = await make_member(), await make_member()
    async with hub.write():
        listing = await Listing.insert(
            Listing(
                kind="offer",
                owner=alice.id,
                category=await _garden(),
                title="Pruning fruit trees",
                status="open",
                expires_at=utcnow() + timedelta(days=30),
            )
        ).run()
        rows = await Exchange.insert(
            Exchange(listing=listing[0]["id"], provider=alice.id, receiver=bob.id, initiator=bob.id, status="agreed")
        ).run()
    exchange_id = rows[0]["id"]
    await client.login(bob)
    assert (await client.get(f"/skillswap/exchanges/{exchange_id}/thanks")).status_code == 404
    assert (await client.post_form(f"/skillswap/exchanges/{exchange_id}/thanks", {"body": "Early"})).status_code == 404
    await Exchange.update({Exchange.status: "confirmed"}).where(Exchange.id == exchange_id).run()
    done = await client.post_form(
        f"/skillswap/exchanges/{exchange_id}/thanks", {"body": "Our apple tree <b>thanks</b> you!"}
    )
    assert done.status_code == 303
    twice = await client.post_form(f"/skillswap/exchanges/{exchange_id}/thanks", {"body": "Again"})
    assert twice.status_code == 409 and await ThankYou.count().run() == 1
    viewer = await hub.actor_for_tests(bob.id) if hasattr(hub, "actor_for_tests") else _actor(bob)
    panels = await profile_sections(hub=hub, member_id=alice.id, viewer=viewer)
    assert len(panels) == 1
    html = str(panels[0].body)
    assert "Pruning fruit trees" in html and "Our apple tree &lt;b&gt;thanks&lt;/b&gt; you!" in html
    assert await profile_sections(hub=hub, member_id=alice.id, viewer=None) == []


def _actor(member, role: str = "member"):
    from hub.core.types import Actor

    return Actor(id=member.id, display_name=member.display_name, email=member.email, role=role, status="active")


async def test_concern_goes_privately_to_coordinators(client, hub, make_member, moderator) -> None:
    from hub.plugins.skillswap.plugin import moderation_object

    alice, bob, carol = await make_member(), await make_member(), await make_member()
    async with hub.write():
        rows = await Exchange.insert(
            Exchange(provider=alice.id, receiver=bob.id, initiator=bob.id, status="agreed")
        ).run()
    exchange_id = rows[0]["id"]
    await client.login(bob)
    form = await client.get(f"/skillswap/exchanges/{exchange_id}/concern")
    assert form.status_code == 200 and "Only the coordinators read this" in form.text
    assert (await client.post_form(f"/skillswap/exchanges/{exchange_id}/concern", {"reason": ""})).status_code == 400
    sent = await client.post_form(f"/skillswap/exchanges/{exchange_id}/concern", {"reason": "They asked for cash."})
    assert sent.status_code == 303
    reports = await Report.select().run()
    assert len(reports) == 1 and reports[0]["kind"] == "skillswap.exchange" and reports[0]["object_id"] == exchange_id
    assert (
        await moderation_object(hub=hub, kind="skillswap.exchange", object_id=exchange_id, viewer=_actor(carol)) is None
    )
    seen = await moderation_object(
        hub=hub, kind="skillswap.exchange", object_id=exchange_id, viewer=_actor(moderator, "moderator")
    )
    assert seen is not None and seen.url == f"/skillswap/exchanges/{exchange_id}"


async def test_vetted_categories_and_privacy_of_the_flag(client, hub, make_member) -> None:
    alice, bob = await make_member(), await make_member()
    await client.login(alice)
    listing_id = await post_listing(client, kind="request", slug="childcare", title="School pick-up Thursdays")
    await client.logout()
    await client.login(bob)
    refused = await client.post_form(f"/skillswap/{listing_id}/respond", {"message": "I can do it"})
    assert refused.status_code == 400 and "checked by the organisers" in refused.text
    assert await Exchange.count().run() == 0 and await RelayMessage.count().run() == 0
    offer = await client.post_form(
        "/skillswap/new",
        {
            "kind": "offer",
            "category": str(await _category("childcare")),
            "title": "Babysitting evenings",
            "mode": "either",
        },
    )
    assert offer.status_code == 400 and await Listing.count().where(Listing.owner == bob.id).run() == 0
    await Member.update({Member.vetted: True}).where(Member.id == bob.id).run()
    await respond(client, listing_id)
    for url in ("/skillswap/", f"/skillswap/{listing_id}", "/skillswap/exchanges/"):
        page = await client.get(url)
        assert "vetted" not in page.text.lower(), url
    from hub.plugins.skillswap.plugin import member_data_export, profile_sections

    exported = await member_data_export(hub=hub, member_id=bob.id)
    assert "vetted" not in str(exported).lower()
    panels = await profile_sections(hub=hub, member_id=bob.id, viewer=_actor(alice))
    assert all("vetted" not in str(p.body).lower() for p in panels)


async def _category(slug: str) -> int:
    from tests.plugins.skillswap.conftest import category_id

    return await category_id(slug)
