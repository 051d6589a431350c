"""Joining the hub: open, approval and invitation modes, verification links, no enumeration."""

from __future__ import annotations

from typing import Any

import pytest

from hub.testing import HubClient, TestMember
from tests.core import recorder_plugin
from tests.core.helpers import expire_tokens, member_row, row_counts, without_tokens

GOOD_PASSWORD = "kettle lantern orchard 42"


@pytest.fixture
def hub_plugins() -> list[Any]:
    return [recorder_plugin]


def signup(email: str = "new@example.org", name: str = "Nia Newcomer", password: str = GOOD_PASSWORD) -> dict[str, str]:
    return {"display_name": name, "email": email, "password": password}


@pytest.mark.all_databases
async def test_open_registration_verifies_then_signs_in(client: HubClient, hub: Any, outbox: Any, in_app: Any) -> None:
    page = await client.get("/account/register")
    assert page.status_code == 200 and "<h1>Join the hub</h1>" in page.text

    response = await client.post_form("/account/register", signup(email="Nia@Example.org"))
    assert response.status_code == 303
    assert response.headers["location"] == "/account/register/sent"
    row = await in_app(member_row, "nia@example.org")
    assert row is not None
    assert row["status"] == "pending" and not row["email_verified"]
    assert row["password_hash"].startswith("$argon2id$")
    assert GOOD_PASSWORD not in row["password_hash"]
    assert (await client.get("/account/")).status_code == 303  # not signed in yet

    link = outbox.last_link("nia@example.org", "/account/verify/")
    shown = await client.get(link)
    assert shown.status_code == 200 and "Confirm my email address" in shown.text
    assert not (await in_app(member_row, "nia@example.org"))["email_verified"]  # a GET changes nothing

    confirmed = await client.post_form(link)
    assert confirmed.status_code == 303 and confirmed.headers["location"] == "/account/welcome"
    row = await in_app(member_row, "nia@example.org")
    assert row["status"] == "active" and row["email_verified"]
    account = await client.get("/account/")
    assert account.status_code == 200 and "My account" in account.text
    assert recorder_plugin.named(hub, "core.member_joined")

    again = await client.post_form(link)
    assert again.status_code == 400 and "does not work any more" in again.text


async def test_registering_a_known_address_looks_the_same_and_tells_the_owner(
    client: HubClient, anon_client: Any, member: TestMember, outbox: Any, in_app: Any
) -> None:
    before = await in_app(row_counts)
    new = await client.post_form("/account/register", signup(email="someone.new@example.org"))
    existing = await anon_client.post_form("/account/register", signup(email=member.email.upper()))
    assert (new.status_code, new.headers["location"], new.text) == (
        existing.status_code,
        existing.headers["location"],
        existing.text,
    )
    page_new = await client.get(new.headers["location"])
    page_existing = await anon_client.get(existing.headers["location"])
    assert page_new.status_code == page_existing.status_code == 200
    assert without_tokens(page_new.text) == without_tokens(page_existing.text)
    assert "Check your email" in page_existing.text
    after = await in_app(row_counts)
    assert after["members"] == before["members"] + 1  # only the new address made an account
    owner_mail = outbox.to(member.email)
    assert len(owner_mail) == 1
    assert "already has an account" in outbox.text(owner_mail[0])
    assert not any("/account/verify/" in link for link in outbox.links(owner_mail[0]))


@pytest.mark.parametrize(
    ("password", "accepted"),
    [
        ("short12", False),
        ("iloveyou", False),
        ("Password1", False),
        ("eight ch", True),
        ("a" * 10 + " correct horse " + "b" * 39, True),  # 64 characters
        ("word " * 30, True),  # 150 characters
        ("x" * 257, False),
    ],
)
async def test_password_rules_at_registration(client: HubClient, password: str, accepted: bool, in_app: Any) -> None:
    response = await client.post_form("/account/register", signup(email="rules@example.org", password=password))
    assert response.status_code == (303 if accepted else 400), response.text[:300]
    assert (await in_app(member_row, "rules@example.org") is not None) == accepted


async def test_password_matching_email_or_name_is_refused(client: HubClient) -> None:
    response = await client.post_form(
        "/account/register", signup(email="samewords@example.org", name="Tamsin Tamsin", password="Tamsin Tamsin")
    )
    assert response.status_code == 400 and "must not be your email address or your name" in response.text


async def test_expired_verification_link_does_nothing(client: HubClient, outbox: Any, in_app: Any) -> None:
    await client.post_form("/account/register", signup())
    link = outbox.last_link("new@example.org", "/account/verify/")
    await in_app(expire_tokens, "verify")
    assert (await client.get(link)).status_code == 400
    response = await client.post_form(link)
    assert response.status_code == 400
    assert not (await in_app(member_row, "new@example.org"))["email_verified"]
    assert (await client.post_form("/account/verify/not-a-real-token")).status_code == 400


async def test_signing_in_before_verifying_sends_a_fresh_link(client: HubClient, outbox: Any) -> None:
    await client.post_form("/account/register", signup())
    first = outbox.last_link("new@example.org", "/account/verify/")
    response = await client.post_form("/account/login", {"email": "new@example.org", "password": GOOD_PASSWORD})
    assert response.status_code == 400 and "confirm your email address first" in response.text
    second = outbox.last_link("new@example.org", "/account/verify/")
    assert second != first
    assert (await client.post_form(first)).status_code == 400  # replaced by the newer link
    assert (await client.post_form(second)).status_code == 303


async def test_registration_without_csrf_is_refused_and_writes_nothing(
    client: HubClient, outbox: Any, in_app: Any
) -> None:
    await client.get("/account/register")
    before = await in_app(row_counts)
    forged = await client.post("/account/register", data=signup())
    assert forged.status_code == 403
    wrong = await client.post("/account/register", data={**signup(), "_csrf_token": "forged"})
    assert wrong.status_code == 403
    assert await in_app(row_counts) == before
    assert outbox.messages() == []


async def test_signups_are_rate_limited_per_address(client: HubClient, in_app: Any) -> None:
    for number in range(5):
        response = await client.post_form("/account/register", signup(email=f"flood{number}@example.org"))
        assert response.status_code == 303
    before = await in_app(row_counts)
    limited = await client.post_form("/account/register", signup(email="flood5@example.org"))
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) > 0
    assert await in_app(row_counts) == before


@pytest.mark.all_databases
async def test_approval_mode_waits_for_an_organiser(
    client: HubClient, anon_client: Any, hub: Any, moderator: TestMember, outbox: Any, in_app: Any
) -> None:
    await in_app(hub.set_site_setting, "site.registration", "approval")
    page = await client.get("/account/register")
    assert "an organiser will look at your request" in page.text
    await client.post_form("/account/register", signup(email="wait@example.org", name="Wren Waiting"))
    confirmed = await client.post_form(outbox.last_link("wait@example.org", "/account/verify/"))
    assert confirmed.headers["location"] == "/account/waiting"
    assert (await client.get("/account/waiting")).status_code == 200
    row = await in_app(member_row, "wait@example.org")
    assert row["status"] == "pending" and row["email_verified"]
    assert (await client.get("/account/")).status_code == 303  # still not signed in
    waiting = recorder_plugin.named(hub, "core.member_waiting")
    assert waiting and waiting[0].data["member_id"] == row["id"]
    assert outbox.last_link(moderator.email, f"/admin/members/{row['id']}")

    refused = await client.post_form("/account/login", {"email": "wait@example.org", "password": GOOD_PASSWORD})
    assert refused.status_code == 400 and "waiting for an organiser" in refused.text

    await anon_client.login(moderator)
    listing = await anon_client.get("/admin/members", params={"status": "pending"})
    assert "Wren Waiting" in listing.text
    approved = await anon_client.post_form(f"/admin/members/{row['id']}/approve")
    assert approved.status_code == 303
    assert (await in_app(member_row, "wait@example.org"))["status"] == "active"
    assert "approved your account" in outbox.text(outbox.to("wait@example.org")[-1])
    event = recorder_plugin.named(hub, "core.member_approved")[0]
    assert event.actor_id == moderator.id and event.data["member_id"] == row["id"]
    await client.login("wait@example.org", GOOD_PASSWORD)
    assert (await client.get("/account/")).status_code == 200


@pytest.mark.all_databases
async def test_invite_mode_with_an_email_bound_invitation(
    client: HubClient, anon_client: Any, hub: Any, admin: TestMember, outbox: Any, in_app: Any
) -> None:
    await in_app(hub.set_site_setting, "site.registration", "invite")
    page = await anon_client.get("/account/register")
    assert "invitation-only" in page.text
    before = await in_app(row_counts)
    refused = await anon_client.post_form("/account/register", signup())
    assert refused.status_code == 403
    assert await in_app(row_counts) == before

    await client.login(admin)
    created = await client.post_form("/admin/invitations", {"email": "Invited@Example.org"})
    assert created.status_code == 201
    link = outbox.last_link("invited@example.org", "/account/invite/")
    assert link in created.text

    form = await anon_client.get(link)
    assert form.status_code == 200 and "invited@example.org" in form.text
    joined = await anon_client.post_form(link, {"display_name": "Ivo Invited", "password": GOOD_PASSWORD})
    assert joined.status_code == 303 and joined.headers["location"] == "/account/welcome"
    row = await in_app(member_row, "invited@example.org")
    assert row["status"] == "active" and row["email_verified"]
    assert (await anon_client.get("/account/")).status_code == 200
    registered = recorder_plugin.named(hub, "core.member_registered")[-1]
    assert registered.data["invited_by"] == admin.id

    # Used once: the same link no longer works, for anyone.
    await anon_client.logout()
    assert (await anon_client.get(link)).status_code == 400
    again = await anon_client.post_form(link, {"display_name": "Copycat", "password": GOOD_PASSWORD})
    assert again.status_code == 400


async def test_unbound_invitation_needs_email_verification(
    client: HubClient, anon_client: Any, hub: Any, moderator: TestMember, outbox: Any, in_app: Any
) -> None:
    await in_app(hub.set_site_setting, "site.registration", "approval")
    await client.login(moderator)
    created = await client.post_form("/admin/invitations", {"email": ""})
    assert created.status_code == 201
    link = next(part for part in created.text.split('"') if "/account/invite/" in part)
    path = link[link.index("/account/invite/") :]
    joined = await anon_client.post_form(path, signup(email="friend@example.org"))
    assert joined.headers["location"] == "/account/register/sent"
    row = await in_app(member_row, "friend@example.org")
    assert row["status"] == "pending" and not row["email_verified"]
    confirmed = await anon_client.post_form(outbox.last_link("friend@example.org", "/account/verify/"))
    assert confirmed.headers["location"] == "/account/welcome"  # invited: no approval needed
    assert (await in_app(member_row, "friend@example.org"))["status"] == "active"


async def test_expired_and_revoked_invitations(
    client: HubClient, anon_client: Any, admin: TestMember, outbox: Any, in_app: Any
) -> None:
    await client.login(admin)
    await client.post_form("/admin/invitations", {"email": "late@example.org"})
    late = outbox.last_link("late@example.org", "/account/invite/")
    await in_app(expire_tokens, "invite")
    assert (await anon_client.get(late)).status_code == 400
    assert (await anon_client.post_form(late, {"display_name": "Late", "password": GOOD_PASSWORD})).status_code == 400

    await client.post_form("/admin/invitations", {"email": "revoked@example.org"})
    revoked = outbox.last_link("revoked@example.org", "/account/invite/")
    listing = await client.get("/admin/invitations")
    assert "revoked@example.org" in listing.text and "late@example.org" not in listing.text
    invitation_id = listing.text.split("/admin/invitations/")[1].split("/")[0]
    response = await client.post_form(f"/admin/invitations/{invitation_id}/revoke")
    assert response.status_code == 303
    assert (await anon_client.get(revoked)).status_code == 400
    assert (await client.post_form(f"/admin/invitations/{invitation_id}/revoke")).status_code == 404
