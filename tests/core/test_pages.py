from __future__ import annotations

import re

from hub.testing import HubClient, TestMember


async def test_first_run_leads_to_setup_then_home(client: HubClient, hub) -> None:
    response = await client.get("/", follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["location"] == "/setup/"
    assert hub.startup_token
    page = await client.get("/setup/")
    assert page.status_code == 200
    assert "<h1>Set up your hub</h1>" in page.text

    wrong = await client.post_form(
        "/setup/",
        {"token": "wrong", "display_name": "Ada", "email": "ada@example.org", "password": "a long passphrase"},
    )
    assert wrong.status_code == 400
    assert "setup code is not right" in wrong.text

    done = await client.post_form(
        "/setup/",
        {
            "token": hub.startup_token,
            "display_name": "Ada",
            "email": "Ada@Example.org",
            "password": "a long passphrase",
        },
    )
    assert done.status_code == 303
    home = await client.get("/")
    assert home.status_code == 200
    assert "My account" in home.text and "Your hub is ready" in home.text
    assert (await client.get("/setup/")).status_code == 404


async def test_health_reports_database(client: HubClient) -> None:
    response = await client.get("/-/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok" and body["database_engine"] == "sqlite"


async def test_helpful_404_page(client: HubClient, admin: TestMember) -> None:
    response = await client.get("/no/such/page")
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.text
    assert 'href="/search"' in response.text
    assert "Traceback" not in response.text
    await client.login(admin)
    signed_in = await client.get("/still/nothing")
    assert signed_in.status_code == 404 and "My account" in signed_in.text


async def test_security_headers_and_vary(client: HubClient, admin: TestMember) -> None:
    response = await client.get("/account/login")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"]
    assert "HX-Request" in response.headers["vary"]


async def test_htmx_served_locally_with_licence(client: HubClient) -> None:
    script = await client.get("/static/core/vendor/htmx.min.js")
    assert script.status_code == 200 and "htmx" in script.text[:2000]
    assert (await client.get("/static/core/vendor/htmx.LICENSE.txt")).status_code == 200
    page = await client.get("/account/login")
    assert 'src="/static/core/vendor/htmx.min.js"' in page.text
    assert not re.search(r"https?://[^\"']*(unpkg|jsdelivr|cdn)", page.text)


async def test_layout_landmarks(client: HubClient) -> None:
    page = (await client.get("/account/login")).text
    assert page.count("<h1") == 1
    assert 'class="skip-link" href="#main"' in page
    for landmark in ("<header", "<main", "<footer", "<nav"):
        assert landmark in page
    assert '<html lang="en" dir="ltr">' in page


async def test_unknown_host_is_refused(client: HubClient) -> None:
    response = await client.get("/-/health", headers={"host": "evil.example.com"})
    assert response.status_code == 400


async def test_search_page_without_plugins_says_nothing_matched(client: HubClient) -> None:
    response = await client.get("/search", params={"q": "bicycle"})
    assert response.status_code == 200
    assert "Nothing matched" in response.text
    fragment = await client.get("/search", params={"q": "bicycle"}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "<html" not in fragment.text and "Nothing matched" in fragment.text
