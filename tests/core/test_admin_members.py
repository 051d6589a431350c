"""Organiser pages for members and invitations: permissions, search, every action and its event."""

from __future__ import annotations

from typing import Any

import pytest

from hub.testing import PASSWORD, HubClient, TestMember
from tests.core import recorder_plugin
from tests.core.helpers import member_row, row_counts


@pytest.fixture
def hub_plugins() -> list[Any]:
    return [recorder_plugin]


async def test_only_organisers_reach_the_members_pages(
    client: HubClient, anon_client: Any, member: TestMember, moderator: TestMember
) -> None:
    response = await anon_client.get("/admin/members")
    assert response.status_code == 303 and response.headers["location"].startswith("/account/login")
    await anon_client.login(member)
    for path in ("/admin/members", f"/admin/members/{member.id}", "/admin/invitations"):
        assert (await anon_client.get(path)).status_code == 403
    assert (await anon_client.post_form(f"/admin/members/{moderator.id}/suspend", {"reason": "x"})).status_code == 403
    await client.login(moderator)
    assert (await client.get("/admin/members")).status_code == 200
    assert (await client.get("/admin/members/999999")).status_code == 404


@pytest.mark.all_databases
async def test_search_filter_and_pages(client: HubClient, moderator: TestMember, make_member: Any) -> None:
    for number in range(27):
        await make_member(name=f"Garden Helper {number:02d}", email_address=f"garden{number}@example.org")
    await make_member(name="Zed Suspended", status="suspended")
    await client.login(moderator)

    page = await client.get("/admin/members", params={"q": "garden"})
    assert "27 members" in page.text
    assert page.text.count("Garden Helper") == 25
    assert 'rel="next"' in page.text
    second = await client.get("/admin/members", params={"q": "garden", "page": 2})
    assert second.text.count("Garden Helper") == 2 and 'rel="prev"' in second.text

    by_email = await client.get("/admin/members", params={"q": "GARDEN7@"})
    assert "1 member" in by_email.text and "Garden Helper 07" in by_email.text
    suspended = await client.get("/admin/members", params={"status": "suspended"})
    assert "Zed Suspended" in suspended.text and "Garden Helper" not in suspended.text
    organisers = await client.get("/admin/members", params={"role": "moderator"})
    assert moderator.display_name in organisers.text and "Garden Helper" not in organisers.text
    fragment = await client.get("/admin/members", params={"q": "zed"}, headers={"HX-Request": "true"})
    assert "<html" not in fragment.text and "Zed Suspended" in fragment.text
    silly = await client.get("/admin/members", params={"status": "nonsense", "page": "-4"})
    assert silly.status_code == 200


@pytest.mark.all_databases
async def test_suspend_needs_a_reason_ends_sessions_and_restore(
    client: HubClient, anon_client: Any, moderator: TestMember, member: TestMember, hub: Any, in_app: Any
) -> None:
    await anon_client.login(member)
    await client.login(moderator)
    page = await client.get(f"/admin/members/{member.id}")
    assert page.status_code == 200 and "Suspend" in page.text

    no_reason = await client.post_form(f"/admin/members/{member.id}/suspend", {"reason": "  "})
    assert no_reason.status_code == 400 and "This field is required" in no_reason.text
    assert (await in_app(member_row, member.email))["status"] == "active"

    done = await client.post_form(f"/admin/members/{member.id}/suspend", {"reason": "Repeated spam"})
    assert done.status_code == 303
    assert (await in_app(member_row, member.email))["status"] == "suspended"
    assert (await anon_client.get("/account/")).status_code == 303  # their session ended
    event = recorder_plugin.named(hub, "core.member_suspended")[0]
    assert (event.actor_id, event.data["member_id"], event.data["reason"]) == (
        moderator.id,
        member.id,
        "Repeated spam",
    )
    flash = await client.get(f"/admin/members/{member.id}")
    assert "is suspended and signed out everywhere" in flash.text
    refused = await anon_client.post_form("/account/login", {"email": member.email, "password": PASSWORD})
    assert refused.status_code == 400

    restored = await client.post_form(f"/admin/members/{member.id}/restore", {"reason": ""})
    assert restored.status_code == 303
    assert (await in_app(member_row, member.email))["status"] == "active"
    assert recorder_plugin.named(hub, "core.member_restored")[0].actor_id == moderator.id
    await anon_client.login(member)


async def test_forged_action_without_csrf_writes_nothing(
    client: HubClient, moderator: TestMember, member: TestMember, in_app: Any, hub: Any
) -> None:
    await client.login(moderator)
    before = await in_app(row_counts)
    response = await client.post(f"/admin/members/{member.id}/suspend", data={"reason": "forged"})
    assert response.status_code == 403
    forged = await client.post(
        f"/admin/members/{member.id}/suspend", data={"reason": "forged", "_csrf_token": "not-the-token"}
    )
    assert forged.status_code == 403
    assert (await in_app(member_row, member.email))["status"] == "active"
    assert await in_app(row_counts) == before
    assert not recorder_plugin.named(hub, "core.member_suspended")


async def test_moderators_cannot_act_on_organisers_or_themselves(
    client: HubClient, moderator: TestMember, make_member: Any, admin: TestMember, in_app: Any
) -> None:
    other_moderator = await make_member(role="moderator")
    await client.login(moderator)
    for target in (admin, other_moderator, moderator):
        response = await client.post_form(f"/admin/members/{target.id}/suspend", {"reason": "coup"})
        assert response.status_code == 403
        assert (await in_app(member_row, target.email))["status"] == "active"
    role = await client.post_form(f"/admin/members/{other_moderator.id}/role", {"role": "admin"})
    assert role.status_code == 403
    assert (await in_app(member_row, other_moderator.email))["role"] == "moderator"


async def test_admin_changes_roles_but_never_removes_the_last_admin(
    client: HubClient, admin: TestMember, member: TestMember, hub: Any, in_app: Any
) -> None:
    await client.login(admin)
    promoted = await client.post_form(f"/admin/members/{member.id}/role", {"role": "moderator", "reason": "Helps"})
    assert promoted.status_code == 303
    assert (await in_app(member_row, member.email))["role"] == "moderator"
    event = recorder_plugin.named(hub, "core.member_role_changed")[0]
    assert (event.data["old"], event.data["new"], event.data["reason"]) == ("member", "moderator", "Helps")
    assert (await client.post_form(f"/admin/members/{member.id}/role", {"role": "overlord"})).status_code == 400

    demote_self = await client.post_form(f"/admin/members/{admin.id}/role", {"role": "member"})
    assert demote_self.status_code == 303
    assert (await in_app(member_row, admin.email))["role"] == "admin"
    assert "at least one admin" in (await client.get(f"/admin/members/{admin.id}")).text


async def test_mark_known_and_vetted(
    client: HubClient, moderator: TestMember, member: TestMember, hub: Any, in_app: Any
) -> None:
    await client.login(moderator)
    await client.post_form(f"/admin/members/{member.id}/known", {"value": "on"})
    await client.post_form(f"/admin/members/{member.id}/vetted", {"value": "on"})
    row = await in_app(member_row, member.email)
    assert row["known_by"] == moderator.id and row["known_at"] is not None and row["vetted"]
    page = await client.get(f"/admin/members/{member.id}")
    assert moderator.display_name in page.text and "Unmark as vetted" in page.text
    await client.post_form(f"/admin/members/{member.id}/known", {"value": "off"})
    await client.post_form(f"/admin/members/{member.id}/vetted", {"value": "off"})
    row = await in_app(member_row, member.email)
    assert row["known_by"] is None and row["known_at"] is None and not row["vetted"]
    names = [event.name for event in recorder_plugin.events(hub)]
    for name in (
        "core.member_marked_known",
        "core.member_vetted",
        "core.member_unmarked_known",
        "core.member_unvetted",
    ):
        assert name in names


async def test_vetted_flag_is_for_organisers_only(client: HubClient, member: TestMember) -> None:
    await client.login(member)
    assert "etted" not in (await client.get("/account/")).text


async def test_decline_removes_the_pending_account_and_tells_them(
    client: HubClient, moderator: TestMember, make_member: Any, outbox: Any, hub: Any, in_app: Any
) -> None:
    pending = await make_member(status="pending", name="Pat Pending")
    active = await make_member()
    await client.login(moderator)
    no_reason = await client.post_form(f"/admin/members/{pending.id}/decline", {})
    assert no_reason.status_code == 400
    assert await in_app(member_row, pending.email) is not None

    not_pending = await client.post_form(f"/admin/members/{active.id}/decline", {"reason": "No"})
    assert not_pending.status_code == 303
    assert await in_app(member_row, active.email) is not None

    done = await client.post_form(f"/admin/members/{pending.id}/decline", {"reason": "Not local to the area"})
    assert done.status_code == 303
    assert await in_app(member_row, pending.email) is None
    message = outbox.text(outbox.to(pending.email)[-1])
    assert "Thank you for your interest" in message and "Not local" not in message
    event = recorder_plugin.named(hub, "core.member_declined")[0]
    assert event.data == {"member_id": pending.id, "reason": "Not local to the area"}


async def test_invitation_without_csrf_is_refused(client: HubClient, moderator: TestMember, in_app: Any) -> None:
    await client.login(moderator)
    before = await in_app(row_counts)
    assert (await client.post("/admin/invitations", data={"email": "x@example.org"})).status_code == 403
    assert await in_app(row_counts) == before


async def test_member_cannot_create_invitations(client: HubClient, member: TestMember, in_app: Any) -> None:
    await client.login(member)
    before = await in_app(row_counts)
    assert (await client.post_form("/admin/invitations", {"email": ""})).status_code == 403
    assert await in_app(row_counts) == before
