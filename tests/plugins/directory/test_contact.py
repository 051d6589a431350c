"""Reaching people: the relay hides addresses, is rate limited, and profiles are reportable."""

from __future__ import annotations

import pytest

from hub.core.moderation.tables import Report
from hub.core.relay.service import RELAY_LIMIT
from hub.core.relay.tables import RelayMessage
from hub.testing import HubClient, Outbox

from .helpers import make_profile


@pytest.mark.all_databases
async def test_contact_relay_reveals_no_address(client: HubClient, make_member, outbox: Outbox) -> None:
    nadia = await make_member(name="Nadia Haddad")
    omar = await make_member(name="Omar Sender")
    profile_id = await make_profile(client, nadia, vis_email="2")
    await client.login(omar)
    profile = await client.get(f"/directory/{profile_id}")
    assert "Send a message" in profile.text and nadia.email not in profile.text
    form = await client.get(f"/directory/{profile_id}/contact")
    assert form.status_code == 200 and nadia.email not in form.text

    empty = await client.post_form(f"/directory/{profile_id}/contact", {"subject": "", "body": ""})
    assert empty.status_code == 400 and await RelayMessage.count().run() == 0

    sent = await client.post_form(f"/directory/{profile_id}/contact", {"subject": "Ladder", "body": "Can I borrow it?"})
    assert sent.status_code == 303
    follow = await client.get(sent.headers["location"])
    assert "Your message is on its way" in follow.text and nadia.email not in follow.text
    mails = outbox.to(nadia.email)
    assert len(mails) == 1 and omar.email not in mails[0].as_string()
    assert "Can I borrow it?" in Outbox.text(mails[0])
    message = await RelayMessage.select().first().run()
    assert message["sender"] == omar.id and message["recipient"] == nadia.id
    assert message["context_url"] == f"/directory/{profile_id}"


async def test_relay_refusal_is_shown_with_retry_after(client: HubClient, hub, make_member) -> None:
    pia, quinn = await make_member(name="Pia"), await make_member(name="Quinn")
    profile_id = await make_profile(client, pia)
    for number in range(RELAY_LIMIT):
        await hub.relay(quinn.id, pia.id, f"Hello {number}", "hi")
    await client.login(quinn)
    refused = await client.post_form(f"/directory/{profile_id}/contact", {"subject": "One more", "body": "hello"})
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
    assert "You have sent a lot of messages recently" in refused.text
    assert await RelayMessage.count().run() == RELAY_LIMIT


async def test_you_cannot_message_yourself_or_an_offline_entry(client: HubClient, make_member, moderator) -> None:
    rosa = await make_member(name="Rosa")
    own_id = await make_profile(client, rosa)
    await client.login(moderator)
    created = await client.post_form(
        "/directory/manage/new",
        {"preferred_name": "Sam Offline", "vis_photo": "1", "vis_bio": "1", "vis_tags": "1", "vis_languages": "1",
         "vis_area": "1", "vis_pronouns": "1", "vis_access": "2", "vis_email": "3",
         "consent_note": "Agreed at the door, 2 May.", "listed": "on"},
    )  # fmt: skip
    entry_id = int(created.headers["location"].rsplit("/", 1)[1])
    await client.logout()
    await client.login(rosa)
    assert "Send a message" not in (await client.get(f"/directory/{own_id}")).text
    assert (await client.get(f"/directory/{own_id}/contact")).status_code == 404
    offline = await client.get(f"/directory/{entry_id}")
    assert offline.status_code == 200 and "Send a message" not in offline.text and "ask an organiser" in offline.text
    assert (
        await client.post_form(f"/directory/{entry_id}/contact", {"subject": "Hi", "body": "Hello"})
    ).status_code == 404
    assert await RelayMessage.count().run() == 0


async def test_profiles_are_reportable_and_can_be_hidden(client: HubClient, hub, make_member, moderator) -> None:
    tom, uma = await make_member(name="Tom Spammer"), await make_member(name="Uma")
    profile_id = await make_profile(client, tom, bio="Buy cheap watches")
    await client.login(uma)
    profile = await client.get(f"/directory/{profile_id}")
    assert f"/report/?kind=directory.profile&amp;id={profile_id}" in profile.text
    form = await client.get("/report/", params={"kind": "directory.profile", "id": profile_id})
    assert form.status_code == 200 and "Tom Spammer" in form.text
    done = await client.post_form("/report/", {"kind": "directory.profile", "id": str(profile_id), "reason": "spam"})
    assert done.status_code == 303
    report = await Report.select().first().run()
    assert report["kind"] == "directory.profile" and report["object_id"] == profile_id

    from hub.core import hooks

    handled = await hooks.call_first(
        hub.registry, "moderate", hub=hub, kind="directory.profile", object_id=profile_id, action="hide",
        actor=None, reason="spam",
    )  # fmt: skip
    assert handled is True
    assert (await client.get(f"/directory/{profile_id}")).status_code == 404
    assert "Tom Spammer" not in (await client.get("/directory/")).text
    await client.logout()
    await client.login(tom)
    own = await client.get(f"/directory/{profile_id}")
    assert own.status_code == 200 and "Hidden by an organiser" in own.text
