"""Every page and action of the organisers' area, for every kind of visitor, and CSRF on every change."""

from __future__ import annotations

from typing import Any

import pytest

from hub.core.admin.tables import AuditEvent
from hub.core.auth.tables import SiteSetting
from hub.core.moderation.tables import ModerationAction, Report
from hub.testing import HubClient, MakeMember

PAGES = [
    ("/admin/", "core.moderate"),
    ("/admin/moderation", "core.moderate"),
    ("/admin/moderation?status=handled", "core.moderate"),
    ("/admin/log", "core.moderate"),
    ("/admin/settings", "core.admin"),
    ("/admin/plugins", "core.admin"),
    ("/admin/audit", "core.admin"),
    ("/moderation-log", "signed-in"),
    ("/-/theme.css", "public"),
]
ACTIONS = [
    ("/admin/settings", "core.admin"),
    ("/admin/settings/logo/remove", "core.admin"),
    ("/admin/plugins/testplugin/disable", "core.admin"),
    ("/admin/plugins/testplugin/enable", "core.admin"),
    ("/admin/moderation/act", "core.moderate"),
]
ALLOWED = {
    "core.moderate": {"moderator", "admin"},
    "core.admin": {"admin"},
    "signed-in": {"member", "moderator", "admin"},
    "public": {"anonymous", "member", "moderator", "admin"},
}


async def _signed_in(client: HubClient, make_member: MakeMember, who: str) -> None:
    if who != "anonymous":
        await client.login(await make_member(role=who))


def _hostile_form(message_id: int) -> dict[str, str]:
    """One body that every action would accept, so a refusal is down to permissions or CSRF."""
    return {
        "hub_name": "Taken over",
        "registration": "open",
        "default_language": "en",
        "languages": "en",
        "kind": "core.message",
        "object_id": str(message_id),
        "action": "dismiss",
        "reason": "because",
    }


async def _counts() -> tuple[int, ...]:
    return (
        await SiteSetting.count().run(),
        await Report.count().where(Report.status == "open").run(),
        await ModerationAction.count().run(),
        await AuditEvent.count().where(AuditEvent.event != "core.logged_in").run(),
    )


@pytest.mark.parametrize("who", ["anonymous", "member", "moderator", "admin"])
async def test_pages_answer_by_role(client: HubClient, make_member: MakeMember, who: str) -> None:
    await _signed_in(client, make_member, who)
    for url, permission in PAGES:
        response = await client.get(url)
        if who in ALLOWED[permission]:
            assert response.status_code == 200, url
            if response.headers["content-type"].startswith("text/html"):
                assert response.text.count("<h1") == 1, url
        elif who == "anonymous":
            assert response.status_code == 303, url
            assert response.headers["location"].startswith("/account/login?next="), url
        else:
            assert response.status_code == 403, url


@pytest.mark.parametrize("who", ["anonymous", "member", "moderator"])
async def test_actions_refused_without_the_role_write_nothing(
    client: HubClient, make_member: MakeMember, make_report: Any, who: str
) -> None:
    message_id, _author, _reporter = await make_report()
    await _signed_in(client, make_member, who)
    before = await _counts()
    for url, permission in ACTIONS:
        if who in ALLOWED[permission]:
            continue
        data = _hostile_form(message_id)
        response = await client.post_form(url, data)
        expected = 303 if who == "anonymous" else 403
        assert response.status_code == expected, url
    assert await _counts() == before


@pytest.mark.parametrize("who", ["moderator", "admin"])
async def test_every_change_needs_the_csrf_token(
    client: HubClient, make_member: MakeMember, make_report: Any, who: str
) -> None:
    message_id, _author, _reporter = await make_report()
    await _signed_in(client, make_member, who)
    before = await _counts()
    for url, _permission in ACTIONS:
        data = _hostile_form(message_id)
        response = await client.post(url, data=data)
        assert response.status_code == 403, url
        forged = await client.post(url, data={**data, "_csrf_token": "forged"})
        assert forged.status_code == 403, url
    logo = await client.post("/admin/settings/logo", files={"logo": ("logo.png", b"\x89PNG", "image/png")})
    assert logo.status_code == 403
    assert await _counts() == before


async def test_admin_area_links_only_for_organisers(client: HubClient, make_member: MakeMember) -> None:
    moderator = await make_member(role="moderator")
    await client.login(moderator)
    page = await client.get("/admin/")
    assert 'href="/admin/moderation"' in page.text
    assert 'href="/admin/settings"' not in page.text


@pytest.mark.parametrize("who", ["moderator", "admin"])
async def test_organisers_can_act_on_reports(
    client: HubClient, make_member: MakeMember, make_report: Any, who: str
) -> None:
    message_id, _author, _reporter = await make_report()
    await _signed_in(client, make_member, who)
    data = {"kind": "core.message", "object_id": str(message_id), "action": "dismiss", "reason": "Fine as it is"}
    response = await client.post_form("/admin/moderation/act", data)
    assert response.status_code == 303
    assert await ModerationAction.count().run() == 1
    assert "The reports were dismissed." in (await client.get("/admin/moderation")).text
