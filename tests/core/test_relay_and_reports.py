from __future__ import annotations

from hub.core.moderation.tables import Report
from hub.core.relay.tables import RelayMessage
from hub.testing import HubClient, Outbox


async def test_relay_hides_addresses_and_allows_reply(client: HubClient, hub, make_member, outbox: Outbox) -> None:
    alice = await make_member(name="Alice Okafor")
    bilal = await make_member(name="Bilal Haddad")
    message_id = await hub.relay(alice.id, bilal.id, "Your ladder", "Could I borrow it on Saturday?", "/noticeboard/1")

    mails = outbox.to(bilal.email)
    assert len(mails) == 1
    text = Outbox.text(mails[0])
    assert "Could I borrow it on Saturday?" in text and "Alice Okafor" in text
    assert alice.email not in mails[0].as_string()
    assert f"/messages/{message_id}" in text

    await client.login(bilal)
    page = await client.get(f"/messages/{message_id}")
    assert page.status_code == 200 and "Could I borrow it on Saturday?" in page.text
    assert alice.email not in page.text

    reply = await client.post_form(f"/messages/{message_id}/reply", {"body": "Yes, come at ten."})
    assert reply.status_code == 303
    to_alice = outbox.to(alice.email)
    assert len(to_alice) == 1 and bilal.email not in to_alice[0].as_string()


async def test_sharing_email_is_the_recipients_choice(client: HubClient, hub, make_member, outbox: Outbox) -> None:
    alice, bilal = await make_member(), await make_member()
    message_id = await hub.relay(alice.id, bilal.id, "Hello", "Hi there")
    await client.login(bilal)
    await client.post_form(f"/messages/{message_id}/reply", {"body": "Write to me directly", "share_email": "on"})
    assert bilal.email in Outbox.text(outbox.to(alice.email)[0])


async def test_other_members_cannot_read_or_report_a_message(client: HubClient, hub, make_member) -> None:
    alice, bilal, carol = await make_member(), await make_member(), await make_member()
    message_id = await hub.relay(alice.id, bilal.id, "Private", "Just between us")
    await client.login(carol)
    assert (await client.get(f"/messages/{message_id}")).status_code == 404
    assert (await client.get("/report/", params={"kind": "core.message", "id": message_id})).status_code == 404
    before = await RelayMessage.count().run()
    reply = await client.post_form(f"/messages/{message_id}/reply", {"body": "Sneaky"})
    assert reply.status_code == 404
    assert await RelayMessage.count().run() == before


async def test_report_needs_a_reason_and_lands_in_the_queue(client: HubClient, hub, make_member) -> None:
    alice, bilal = await make_member(), await make_member()
    message_id = await hub.relay(alice.id, bilal.id, "Buy now", "Cheap watches")
    await client.login(bilal)
    form = await client.get("/report/", params={"kind": "core.message", "id": message_id})
    assert form.status_code == 200 and "Report to the organisers" in form.text
    empty = await client.post_form("/report/", {"kind": "core.message", "id": str(message_id), "reason": ""})
    assert empty.status_code == 400 and "This field is required" in empty.text
    assert await Report.count().run() == 0
    done = await client.post_form("/report/", {"kind": "core.message", "id": str(message_id), "reason": "spam"})
    assert done.status_code == 303
    reports = await Report.select().run()
    assert len(reports) == 1 and reports[0]["reporter"] == bilal.id and reports[0]["status"] == "open"


async def test_relay_is_rate_limited(hub, make_member) -> None:
    import pytest

    from hub.core.relay.service import RELAY_LIMIT, RelayRefused

    alice, bilal = await make_member(), await make_member()
    for number in range(RELAY_LIMIT):
        await hub.relay(alice.id, bilal.id, f"Message {number}", "hello")
    with pytest.raises(RelayRefused):
        await hub.relay(alice.id, bilal.id, "One too many", "hello")
