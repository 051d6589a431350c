"""One-click unsubscribe links: work logged out, cannot be forged, write nothing when bad."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

from hub.core.notifications.digest import run_digest
from hub.core.notifications.signing import DIGEST, read_unsubscribe_token, unsubscribe_token
from hub.core.notifications.tables import NotificationPreference, NotificationSettings
from hub.testing import HubClient, Outbox

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def _path(link: str) -> str:
    return link[link.index("/notifications/unsubscribe/") :].strip("<>")


async def test_type_link_works_logged_out_in_one_click(client: HubClient, hub, make_member, outbox: Outbox) -> None:
    bob = await make_member()
    await hub.notify(bob.id, "repairs.urgent", "Leak", url="/repairs/1")
    (mail,) = outbox.to(bob.email)
    path = _path(mail["List-Unsubscribe"])

    page = await client.get(path)  # not signed in; GET only asks
    assert page.status_code == 200 and "Urgent repairs" in page.text and "<form" in page.text
    assert await NotificationPreference.count().run() == 0

    # RFC 8058 one-click: the mail client POSTs without any cookie or CSRF token.
    done = await client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "no longer get emails" in done.text
    rows = await NotificationPreference.select().run()
    assert [(r["member"], r["type"], r["delivery"]) for r in rows] == [(bob.id, "repairs.urgent", "hub")]

    await hub.notify(bob.id, "repairs.urgent", "Another leak", url="/repairs/2")
    assert len(outbox.to(bob.email)) == 1  # in the hub only from now on


async def test_digest_link_stops_the_digest(client: HubClient, hub, make_member, outbox: Outbox) -> None:
    eve = await make_member()
    await hub.notify(eve.id, "garden.harvest", "Beans")
    await run_digest(hub, T0)
    (mail,) = outbox.to(eve.email)
    response = await client.post(_path(mail["List-Unsubscribe"]), data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    row = await NotificationSettings.select().where(NotificationSettings.member == eve.id).first().run()
    assert row["digest"] == "off"
    await hub.notify(eve.id, "garden.harvest", "More beans")
    assert await run_digest(hub, datetime(2026, 4, 1, tzinfo=UTC)) == 0


async def test_forged_and_tampered_links_get_400_and_write_nothing(client: HubClient, hub, make_member) -> None:
    alice, mallory = await make_member(), await make_member()
    secret = hub.settings.secret_key
    genuine = unsubscribe_token(secret, mallory.id, "repairs.urgent")
    _payload, signature = genuine.split(".")
    other_payload = base64.urlsafe_b64encode(f"{alice.id}:repairs.urgent".encode()).rstrip(b"=").decode()
    bad = [
        f"{other_payload}.{signature}",  # someone else's id with my signature
        unsubscribe_token("a-different-secret-" + "y" * 30, alice.id, "repairs.urgent"),
        unsubscribe_token(secret, alice.id, "repairs.urgent", purpose="something-else"),
        genuine[:-2] + ("AA" if not genuine.endswith("AA") else "BB"),
        "not-a-token",
        "x" * 500,
        unsubscribe_token(secret, 999_999, DIGEST),  # no such member
    ]
    for token in bad:
        assert (await client.get(f"/notifications/unsubscribe/{token}")).status_code == 400, token
        response = await client.post(f"/notifications/unsubscribe/{token}", data={})
        assert response.status_code == 400 and "This link does not work" in response.text
    assert await NotificationPreference.count().run() == 0
    assert await NotificationSettings.count().run() == 0


def test_tokens_round_trip_and_bind_member_type_and_purpose() -> None:
    secret = "s" * 40
    token = unsubscribe_token(secret, 7, "garden.harvest")
    signed = read_unsubscribe_token(secret, token)
    assert signed is not None and (signed.member_id, signed.type_key) == (7, "garden.harvest")
    assert read_unsubscribe_token(secret, token, purpose="login") is None
    assert read_unsubscribe_token("t" * 40, token) is None
