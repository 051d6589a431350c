"""Signing in and out: rotation, replay, rate limits, safe redirects and the welcome flow."""

from __future__ import annotations

import types
from typing import Any

import pytest

from hub import PluginInfo
from hub.core.members.service import update_member
from hub.testing import PASSWORD, HubClient, TestMember
from tests.core.helpers import member_row, without_tokens


async def onboard(in_app: Any, member: TestMember) -> None:
    async def go() -> None:
        await update_member(member.id, onboarded=True)

    await in_app(go)


@pytest.mark.all_databases
async def test_session_cookie_changes_at_login_and_dies_at_logout(
    client: HubClient, anon_client: Any, member: TestMember
) -> None:
    await client.post_form("/account/logout")  # leaves an anonymous session carrying a flash message
    before = client.cookies.get("hub_session")
    assert before
    await client.login(member)
    after = client.cookies.get("hub_session")
    assert after and after != before
    assert (await client.get("/account/")).status_code == 200

    anon_client.cookies.set("hub_session", before)
    assert (await anon_client.get("/account/")).status_code == 303  # the pre-login cookie is dead

    await client.logout()
    anon_client.cookies.set("hub_session", after)
    replay = await anon_client.get("/account/")
    assert replay.status_code == 303 and replay.headers["location"].startswith("/account/login")


async def test_wrong_password_and_unknown_email_look_the_same(client: HubClient, member: TestMember) -> None:
    wrong = await client.post_form("/account/login", {"email": member.email, "password": "not the password"})
    unknown = await client.post_form("/account/login", {"email": "nobody@example.org", "password": "not the password"})
    assert wrong.status_code == unknown.status_code == 400
    assert without_tokens(wrong.text).replace(member.email, "X") == without_tokens(unknown.text).replace(
        "nobody@example.org", "X"
    )
    assert "do not match an active account" in wrong.text
    assert (await client.get("/account/")).status_code == 303


async def test_sixth_failed_login_is_refused_without_checking_the_password(
    client: HubClient, member: TestMember, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hub.core.members import service

    checked: list[str] = []
    real = service.verify_password

    async def counting(password_hash: str, password: str) -> bool:
        checked.append(password)
        return await real(password_hash, password)

    monkeypatch.setattr(service, "verify_password", counting)
    for _ in range(5):
        response = await client.post_form("/account/login", {"email": member.email, "password": "wrong guess!"})
        assert response.status_code == 400
    assert len(checked) == 5
    limited = await client.post_form("/account/login", {"email": member.email, "password": PASSWORD})
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) > 0
    assert len(checked) == 5  # the right password was never even checked
    assert (await client.get("/account/")).status_code == 303


async def test_suspended_member_cannot_sign_in(client: HubClient, make_member: Any) -> None:
    suspended = await make_member(status="suspended")
    response = await client.post_form("/account/login", {"email": suspended.email, "password": PASSWORD})
    assert response.status_code == 400
    assert (await client.get("/account/")).status_code == 303


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/account/password", "/account/password"),
        ("https://evil.example/steal", "/"),
        ("//evil.example/steal", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
async def test_next_only_redirects_within_the_hub(
    client: HubClient, member: TestMember, in_app: Any, target: str, expected: str
) -> None:
    await onboard(in_app, member)
    response = await client.post_form("/account/login", {"email": member.email, "password": PASSWORD, "next": target})
    assert response.status_code == 303
    assert response.headers["location"] == expected


async def test_first_sign_in_goes_to_the_welcome_flow_which_can_be_skipped(
    client: HubClient, member: TestMember, in_app: Any
) -> None:
    response = await client.post_form(
        "/account/login", {"email": member.email, "password": PASSWORD, "next": "/account/password"}
    )
    assert response.headers["location"] == "/account/welcome?next=/account/password"
    page = await client.get(response.headers["location"])
    assert page.status_code == 200 and "Skip for now" in page.text
    assert 'name="next" value="/account/password"' in page.text
    assert (await in_app(member_row, member.email))["onboarded"] is False  # showing it changes nothing

    skipped = await client.post_form("/account/welcome", {"action": "skip", "next": "/account/password"})
    assert skipped.headers["location"] == "/account/password"
    assert (await in_app(member_row, member.email))["onboarded"] is True
    await client.logout()
    again = await client.login(member)
    assert again.headers["location"] == "/"


async def test_welcome_saves_language_and_name_and_uses_the_language_at_once(
    client: HubClient, member: TestMember, in_app: Any
) -> None:
    await client.login(member)
    bad = await client.post_form("/account/welcome", {"action": "save", "display_name": "Ana", "language": "xx"})
    assert bad.status_code == 400
    saved = await client.post_form(
        "/account/welcome", {"action": "save", "display_name": "Ana María", "language": "es"}
    )
    assert saved.status_code == 303 and saved.headers["location"] == "/"
    row = await in_app(member_row, member.email)
    assert (row["display_name"], row["language"], row["onboarded"]) == ("Ana María", "es", True)
    page = await client.get("/account/")
    assert '<html lang="es"' in page.text


DIRECTORY = types.ModuleType("fake_directory")
DIRECTORY.PLUGIN = PluginInfo(slug="directory", name="Directory")  # type: ignore[attr-defined]


class TestWithDirectory:
    @pytest.fixture
    def hub_plugins(self) -> list[Any]:
        return [DIRECTORY]

    async def test_welcome_invites_to_the_directory_when_it_is_active(
        self, client: HubClient, member: TestMember
    ) -> None:
        await client.login(member)
        saved = await client.post_form("/account/welcome", {"action": "save", "display_name": "Dee", "language": "en"})
        assert saved.headers["location"] == "/account/welcome/next"
        page = await client.get("/account/welcome/next")
        assert 'href="/directory/me"' in page.text


async def test_a_hash_made_with_older_parameters_is_upgraded_at_sign_in(client: HubClient, member: TestMember) -> None:
    from argon2 import PasswordHasher

    from hub.core.members.tables import Member

    old = PasswordHasher(time_cost=3, memory_cost=65_536, parallelism=4).hash(PASSWORD)
    await Member.update({Member.password_hash: old}).where(Member.id == member.id).run()
    await client.login(member)
    stored = (await member_row(member.email) or {})["password_hash"]
    assert stored != old and "$m=19456,t=2,p=1$" in stored
    await client.post_form("/account/logout")
    await client.login(member)  # the new hash verifies the same password
    assert (await client.get("/account/")).status_code == 200
