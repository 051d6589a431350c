"""My account: details, password, email, sessions, reset, data export and deletion."""

from __future__ import annotations

import json
from typing import Any

import pytest

from hub.core.members.service import update_member
from hub.testing import PASSWORD, HubClient, TestMember
from tests.core import recorder_plugin
from tests.core.helpers import expire_tokens, member_row, row_counts, without_tokens

NEW_PASSWORD = "teapot meadow lighthouse 7"


@pytest.fixture
def hub_plugins() -> list[Any]:
    return [recorder_plugin]


async def test_account_page_shows_core_and_plugin_sections(client: HubClient, member: TestMember) -> None:
    await client.login(member)
    page = await client.get("/account/")
    assert page.status_code == 200
    assert member.email in page.text
    for href in ("/account/password", "/account/email", "/account/export", "/account/delete"):
        assert f'href="{href}"' in page.text
    assert "<h2" in page.text and "Recorder settings" in page.text
    assert "<p>Recorded for <strong>you</strong>.</p>" in page.text  # Markup from a plugin is trusted
    assert "&lt;b&gt;escaped&lt;/b&gt;" in page.text  # plain text is escaped
    assert page.text.index("Recorder settings") < page.text.index("Plain section")


async def test_anonymous_visitors_are_sent_to_sign_in(anon_client: Any) -> None:
    for path in ("/account/", "/account/password", "/account/email", "/account/export", "/account/delete"):
        response = await anon_client.get(path)
        assert response.status_code == 303 and response.headers["location"].startswith("/account/login?next=")


async def test_profile_changes_name_and_language_at_once(client: HubClient, member: TestMember, in_app: Any) -> None:
    await client.login(member)
    response = await client.post_form("/account/profile", {"display_name": "Rosa Renamed", "language": "ar"})
    assert response.status_code == 303
    row = await in_app(member_row, member.email)
    assert (row["display_name"], row["language"]) == ("Rosa Renamed", "ar")
    page = await client.get("/account/")
    assert '<html lang="ar" dir="rtl">' in page.text and "Rosa Renamed" in page.text
    bad = await client.post_form("/account/profile", {"display_name": "", "language": "klingon"})
    assert bad.status_code == 400
    assert (await in_app(member_row, member.email))["display_name"] == "Rosa Renamed"


async def test_profile_without_csrf_is_refused(client: HubClient, member: TestMember, in_app: Any) -> None:
    await client.login(member)
    response = await client.post("/account/profile", data={"display_name": "Forged", "language": "en"})
    assert response.status_code == 403
    assert (await in_app(member_row, member.email))["display_name"] == member.display_name


async def test_change_password_checks_the_current_one_and_ends_other_sessions(
    client: HubClient, anon_client: Any, member: TestMember, outbox: Any, in_app: Any
) -> None:
    await client.login(member)
    await anon_client.login(member)
    old_hash = (await in_app(member_row, member.email))["password_hash"]

    wrong = await client.post_form(
        "/account/password", {"current_password": "not it at all", "password": NEW_PASSWORD, "logout_others": "on"}
    )
    assert wrong.status_code == 400 and "not your current password" in wrong.text
    common = await client.post_form(
        "/account/password", {"current_password": PASSWORD, "password": "sunshine", "logout_others": "on"}
    )
    assert common.status_code == 400 and "too common" in common.text
    assert (await in_app(member_row, member.email))["password_hash"] == old_hash

    page = await client.get("/account/password")
    assert 'name="logout_others" type="checkbox" value="on" checked' in page.text  # on by default
    done = await client.post_form(
        "/account/password", {"current_password": PASSWORD, "password": NEW_PASSWORD, "logout_others": "on"}
    )
    assert done.status_code == 303
    row = await in_app(member_row, member.email)
    assert row["password_hash"] != old_hash and row["password_hash"].startswith("$argon2id$")
    assert (await client.get("/account/")).status_code == 200  # this session stays
    assert (await anon_client.get("/account/")).status_code == 303  # the other one ended
    assert "password of your account was just changed" in outbox.text(outbox.to(member.email)[-1])
    await client.logout()
    await client.login(member.email, NEW_PASSWORD)


async def test_change_password_can_keep_other_sessions(client: HubClient, anon_client: Any, member: TestMember) -> None:
    await client.login(member)
    await anon_client.login(member)
    done = await client.post_form("/account/password", {"current_password": PASSWORD, "password": NEW_PASSWORD})
    assert done.status_code == 303
    assert (await anon_client.get("/account/")).status_code == 200


async def test_guessing_the_current_password_is_rate_limited(client: HubClient, member: TestMember) -> None:
    await client.login(member)
    for _ in range(5):
        response = await client.post_form(
            "/account/password", {"current_password": "guess guess", "password": NEW_PASSWORD}
        )
        assert response.status_code == 400
    limited = await client.post_form("/account/password", {"current_password": PASSWORD, "password": NEW_PASSWORD})
    assert limited.status_code == 429 and "retry-after" in limited.headers


async def test_log_out_my_other_sessions(client: HubClient, anon_client: Any, member: TestMember) -> None:
    await client.login(member)
    await anon_client.login(member)
    page = await client.get("/account/")
    assert "1 other device" in page.text
    response = await client.post_form("/account/sessions/end-others")
    assert response.status_code == 303
    assert (await anon_client.get("/account/")).status_code == 303
    assert (await client.get("/account/")).status_code == 200


@pytest.mark.all_databases
async def test_change_email_goes_through_the_new_address(
    client: HubClient, anon_client: Any, member: TestMember, outbox: Any, in_app: Any
) -> None:
    await client.login(member)
    wrong = await client.post_form("/account/email", {"email": "new@example.org", "current_password": "nope nope"})
    assert wrong.status_code == 400
    assert outbox.to("new@example.org") == []

    response = await client.post_form("/account/email", {"email": "New@Example.org", "current_password": PASSWORD})
    assert response.status_code == 303
    assert (await in_app(member_row, member.email)) is not None  # nothing changes yet
    assert "new@example.org" in outbox.text(outbox.to(member.email)[-1])  # the old address is told
    link = outbox.last_link("new@example.org", "/account/email/")
    shown = await anon_client.get(link)
    assert shown.status_code == 200 and "new@example.org" in shown.text
    confirmed = await anon_client.post_form(link)
    assert confirmed.status_code == 303
    row = await in_app(member_row, "new@example.org")
    assert row is not None and row["id"] == member.id and row["email_verified"]
    assert (await anon_client.post_form(link)).status_code == 400  # used once
    await client.logout()
    await client.login("new@example.org", PASSWORD)


async def test_change_email_to_a_taken_address_reveals_nothing(
    client: HubClient, member: TestMember, make_member: Any, outbox: Any, in_app: Any
) -> None:
    other = await make_member()
    await client.login(member)
    before = await in_app(row_counts)
    taken = await client.post_form("/account/email", {"email": other.email, "current_password": PASSWORD})
    free = await client.post_form("/account/email", {"email": "free@example.org", "current_password": PASSWORD})
    assert (taken.status_code, taken.headers["location"]) == (free.status_code, free.headers["location"])
    assert not any("/account/email/" in link for m in outbox.to(other.email) for link in outbox.links(m))
    assert "already has an account" in outbox.text(outbox.to(other.email)[-1])
    assert (await in_app(row_counts))["tokens"] == before["tokens"] + 1  # a link only for the free address


@pytest.mark.all_databases
async def test_password_reset_flow(
    client: HubClient, anon_client: Any, member: TestMember, outbox: Any, in_app: Any, hub: Any
) -> None:
    await anon_client.login(member)  # a session elsewhere, to be ended
    known = await client.post_form("/account/reset", {"email": member.email})
    unknown = await client.post_form("/account/reset", {"email": "nobody@example.org"})
    assert (known.status_code, known.headers["location"]) == (unknown.status_code, unknown.headers["location"])
    assert known.headers["location"] == "/account/reset/sent"
    sent = await client.get("/account/reset/sent")
    assert sent.status_code == 200 and "Check your email" in sent.text
    assert outbox.to("nobody@example.org") == []

    link = outbox.last_link(member.email, "/account/reset/")
    token_rows = await in_app(row_counts)
    assert token_rows["tokens"] == 1
    page = await client.get(link)
    assert page.status_code == 200 and "Choose a new password" in page.text
    weak = await client.post_form(link, {"password": "short"})
    assert weak.status_code == 400
    done = await client.post_form(link, {"password": NEW_PASSWORD})
    assert done.status_code == 303
    assert (await client.get("/account/")).status_code == 200  # signed in with a fresh session
    assert (await anon_client.get("/account/")).status_code == 303  # every other session ended
    assert (await client.post_form(link, {"password": "another good passphrase"})).status_code == 400
    assert recorder_plugin.named(hub, "core.password_reset")
    await client.logout()
    await client.login(member.email, NEW_PASSWORD)


async def test_reset_link_stored_hashed_and_expires(
    client: HubClient, member: TestMember, outbox: Any, in_app: Any
) -> None:
    from hub.core.auth.tables import AuthToken

    await client.post_form("/account/reset", {"email": member.email})
    link = outbox.last_link(member.email, "/account/reset/")
    token = link.rsplit("/", 1)[1]

    async def stored() -> list[dict[str, Any]]:
        return await AuthToken.select(AuthToken.token_hash, AuthToken.expires_at, AuthToken.created_at).run()

    rows = await in_app(stored)
    assert token not in rows[0]["token_hash"] and len(rows[0]["token_hash"]) == 64
    assert (rows[0]["expires_at"] - rows[0]["created_at"]).total_seconds() <= 3600
    await in_app(expire_tokens, "reset")
    assert (await client.get(link)).status_code == 400
    assert (await client.post_form(link, {"password": NEW_PASSWORD})).status_code == 400
    await client.login(member)  # the old password still works


async def test_reset_requests_are_rate_limited(client: HubClient, member: TestMember) -> None:
    for _ in range(3):
        assert (await client.post_form("/account/reset", {"email": member.email})).status_code == 303
    limited = await client.post_form("/account/reset", {"email": member.email})
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0


async def test_reset_without_csrf_sends_nothing(
    client: HubClient, member: TestMember, outbox: Any, in_app: Any
) -> None:
    await client.get("/account/reset")
    before = await in_app(row_counts)
    assert (await client.post("/account/reset", data={"email": member.email})).status_code == 403
    assert await in_app(row_counts) == before and outbox.messages() == []


async def test_reset_completes_an_unverified_sign_up(client: HubClient, outbox: Any, in_app: Any) -> None:
    await client.post_form(
        "/account/register", {"display_name": "Una", "email": "una@example.org", "password": "someone else's pass"}
    )
    await client.post_form("/account/reset", {"email": "una@example.org"})
    done = await client.post_form(outbox.last_link("una@example.org", "/account/reset/"), {"password": NEW_PASSWORD})
    assert done.status_code == 303
    row = await in_app(member_row, "una@example.org")
    assert row["email_verified"] and row["status"] == "active"


async def test_export_json_and_html_hold_core_and_plugin_data(
    client: HubClient, member: TestMember, make_member: Any
) -> None:
    other = await make_member(name="Someone Else Entirely")
    await client.login(member)
    page = await client.get("/account/export")
    assert page.status_code == 200 and 'action="/account/export"' in page.text

    response = await client.post_form("/account/export")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["content-disposition"].startswith("attachment;")
    assert response.headers["cache-control"] == "no-store"
    data = json.loads(response.content)
    assert data["core"]["email"] == member.email and data["core"]["display_name"] == member.display_name
    assert "password_hash" not in json.dumps(data)
    assert data["plugins"]["recorder"] == {"favourite_colour": "teal", "member_id": member.id}
    assert other.email not in response.text and other.display_name not in response.text

    readable = await client.get("/account/export.html")
    assert readable.status_code == 200
    assert member.email in readable.text and "favourite_colour" in readable.text and "teal" in readable.text
    assert other.email not in readable.text
    assert (await client.post("/account/export")).status_code == 403  # CSRF applies to the download too


@pytest.mark.all_databases
async def test_delete_my_account(
    client: HubClient, anon_client: Any, member: TestMember, make_member: Any, hub: Any, in_app: Any
) -> None:
    vouched = await make_member()
    await client.login(member)
    await anon_client.login(member)

    async def vouch() -> None:  # the member vouches for someone: deleting them must not delete that person
        await update_member(vouched.id, known_by=member.id)

    await in_app(vouch)
    page = await client.get("/account/delete")
    assert page.status_code == 200 and "Delete my account for good" in page.text
    wrong = await client.post_form("/account/delete", {"current_password": "not my password"})
    assert wrong.status_code == 400
    assert await in_app(member_row, member.email) is not None

    done = await client.post_form("/account/delete", {"current_password": PASSWORD})
    assert done.status_code == 303 and done.headers["location"] == "/"
    assert await in_app(member_row, member.email) is None
    assert hub.erased_members == [member.id]
    assert (await client.get("/account/")).status_code == 303
    assert (await anon_client.get("/account/")).status_code == 303
    survivor = await in_app(member_row, vouched.email)
    assert survivor is not None and survivor["known_by"] is None
    assert (await in_app(row_counts))["sessions"] <= 1  # at most this browser's anonymous goodbye


async def test_the_last_admin_cannot_delete_themself(client: HubClient, admin: TestMember, in_app: Any) -> None:
    await client.login(admin)
    page = await client.get("/account/delete")
    assert "only admin" in page.text
    response = await client.post_form("/account/delete", {"current_password": PASSWORD})
    assert response.status_code == 409
    assert await in_app(member_row, admin.email) is not None


async def test_identical_reset_pages(client: HubClient, anon_client: Any, member: TestMember) -> None:
    first = await client.post_form("/account/reset", {"email": member.email})
    second = await anon_client.post_form("/account/reset", {"email": "ghost@example.org"})
    assert first.text == second.text == ""
    assert without_tokens((await client.get("/account/reset/sent")).text) == without_tokens(
        (await anon_client.get("/account/reset/sent")).text
    )


async def test_account_and_organiser_pages_change_nothing_on_get(
    client: HubClient, admin: TestMember, make_member: Any, outbox: Any, in_app: Any
) -> None:
    pending = await make_member(status="pending")
    await client.login(admin)
    await client.post_form("/admin/invitations", {"email": "guest@example.org"})
    await client.post_form("/account/reset", {"email": admin.email})
    links = [
        outbox.last_link("guest@example.org", "/account/invite/"),
        outbox.last_link(admin.email, "/account/reset/"),
    ]
    before_counts = await in_app(row_counts)
    before_rows = [await in_app(member_row, email) for email in (admin.email, pending.email)]
    paths = [
        "/account/", "/account/password", "/account/email", "/account/export", "/account/export.html",
        "/account/delete", "/account/welcome", "/account/welcome/next", "/account/register", "/account/reset",
        "/account/register/sent", "/account/reset/sent", "/account/waiting", "/admin/members",
        f"/admin/members/{pending.id}", "/admin/invitations", *links,
    ]  # fmt: skip
    for path in paths:
        response = await client.get(path)
        assert response.status_code in (200, 303), path
    assert await in_app(row_counts) == before_counts
    assert [await in_app(member_row, email) for email in (admin.email, pending.email)] == before_rows
    for link in links:  # the links still work: looking did not spend them
        assert (await client.get(link)).status_code in (200, 303)
