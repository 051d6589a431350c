"""SECURITY.md items about requests: CSRF, cookies, hosts, redirects, body limits, error pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hub.core.app import create_app
from hub.core.settings import Settings
from hub.testing import HubClient, running


@pytest.fixture
def enabled_plugins() -> tuple[str, ...] | None:
    return ("testplugin",)


@pytest.fixture(autouse=True)
def _installed(testplugin: str) -> str:
    return testplugin


async def _notes() -> int:
    from hub_testplugin.tables import Note

    return int(await Note.count().run())


async def test_form_without_csrf_token_is_refused_and_writes_nothing(client: HubClient) -> None:
    await client.csrf_token()
    response = await client.post("/testplugin/notes", data={"text": "no token"})
    assert response.status_code == 403
    forged = await client.post("/testplugin/notes", data={"text": "forged", "_csrf_token": "f" * 64})
    assert forged.status_code == 403
    assert await _notes() == 0
    accepted = await client.post_form("/testplugin/notes", {"text": "with token"})
    assert accepted.status_code == 303 and await _notes() == 1


async def test_htmx_request_needs_the_csrf_header(client: HubClient) -> None:
    token = await client.csrf_token()
    refused = await client.post("/testplugin/notes", data={"text": "x"}, headers={"HX-Request": "true"})
    assert refused.status_code == 403 and await _notes() == 0
    accepted = await client.post(
        "/testplugin/notes", data={"text": "x"}, headers={"HX-Request": "true", "x-csrftoken": token}
    )
    assert accepted.status_code == 303 and await _notes() == 1


async def test_csrf_token_of_another_browser_does_not_work(client: HubClient, anon_client: HubClient) -> None:
    their_token = await anon_client.csrf_token()
    await client.csrf_token()
    response = await client.post("/testplugin/notes", data={"text": "x", "_csrf_token": their_token})
    assert response.status_code == 403 and await _notes() == 0


async def test_cookies_are_httponly_secure_samesite_outside_debug(tmp_path: Path, testplugin: str) -> None:
    settings = Settings(
        hub_dir=tmp_path,
        plugins=("testplugin",),
        secure_cookies=True,
        allowed_hosts=("testserver.local",),
        secret_key="s" * 48,
    )
    async with running(create_app(settings)) as client:
        response = await client.get("/account/login")
        cookies = response.headers.get_list("set-cookie")
        csrf = next(c for c in cookies if c.startswith("__Host-hub_csrf="))
        for flag in ("HttpOnly", "Secure", "SameSite=lax", "Path=/"):
            assert flag.lower() in csrf.lower()
        assert "domain=" not in csrf.lower()
        assert "strict-transport-security" in response.headers


@pytest.mark.parametrize(
    "target", ["https://evil.example.com/", "//evil.example.com/x", "/\\evil.example.com", "javascript:alert(1)"]
)
async def test_next_only_redirects_within_the_hub(client: HubClient, make_member: Any, target: str) -> None:
    person = await make_member()
    response = await client.post_form(
        "/account/login", {"email": person.email, "password": person.password, "next": target}
    )
    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith("/") and not location.startswith("//") and "evil" not in location
    assert "javascript" not in location


async def test_body_over_the_limit_is_refused_before_the_handler(tmp_path: Path, testplugin: str) -> None:
    settings = Settings(
        hub_dir=tmp_path, plugins=("testplugin",), allowed_hosts=("testserver.local",), max_upload_bytes=10_000
    )
    async with running(create_app(settings)) as client:
        token = await client.csrf_token()
        big = {"_csrf_token": token, "text": "x" * 400_000}
        response = await client.post("/testplugin/notes", data=big)
        assert response.status_code == 413
        assert await _notes() == 0


async def test_server_error_page_shows_no_traceback_or_settings(tmp_path: Path) -> None:
    from litestar import get

    from hub import PUBLIC, PluginInfo, hookimpl

    @get("/", name="crashy:index", opt={"permission": PUBLIC})
    async def crash() -> str:
        raise RuntimeError("secret internals: HUB_SECRET_KEY=abc")

    class Crashy:
        PLUGIN = PluginInfo(slug="crashy", name="Crashy")

        @staticmethod
        @hookimpl
        def register_routes(hub: Any) -> list[Any]:
            return [crash]

    settings = Settings(hub_dir=tmp_path, plugins=(), allowed_hosts=("testserver.local",))
    async with running(create_app(settings, plugins=[Crashy])) as client:
        response = await client.get("/crashy/")
        assert response.status_code == 500
        assert "Something went wrong" in response.text
        for leak in ("Traceback", "secret internals", "HUB_SECRET_KEY", "RuntimeError"):
            assert leak not in response.text
