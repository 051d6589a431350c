"""Site settings through the browser: saved, applied at once, validated (contrast, logo)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image

from hub.core.admin.appearance import contrast_ratio, theme_version
from hub.core.admin.tables import AuditEvent, SiteFile
from hub.core.auth.tables import SiteSetting
from hub.testing import HubClient, TestMember

VALID = {
    "hub_name": "Elm Street Neighbours",
    "description": "Everyone on Elm Street and around",
    "welcome": "Welcome to **our** hub.",
    "contact_email": "Organisers@Example.org",
    "registration": "approval",
    "default_language": "en",
    "languages": ["en", "es"],
    "primary_colour": "#1D5C96",
    "accent_colour": "",
    "code_of_conduct": "Be **kind**. <script>alert(1)</script>",
}


def _image(fmt: str, size: tuple[int, int] = (800, 400), mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, "white" if mode != "1" else 1).save(out, format=fmt)
    return out.getvalue()


@pytest.mark.all_databases
async def test_settings_save_and_apply_without_restart(client: HubClient, admin: TestMember, hub: Any) -> None:
    await client.login(admin)
    form = await client.get("/admin/settings")
    assert form.status_code == 200 and 'name="hub_name"' in form.text
    saved = await client.post_form("/admin/settings", VALID)
    assert saved.status_code == 303, saved.text[:2000]
    assert hub.site("hub_name") == "Elm Street Neighbours"
    assert hub.site("contact_email") == "organisers@example.org"
    assert hub.site("languages") == ["en", "es"]
    assert hub.site("primary_colour") == "#1d5c96"
    assert hub.site("accent_colour") is None

    home = await client.get("/")
    assert "Elm Street Neighbours" in home.text and "<strong>our</strong>" in home.text
    assert "Settings saved" in home.text
    version = theme_version("#1d5c96", None)
    assert f'href="/-/theme.css?v={version}"' in home.text
    css = await client.get(f"/-/theme.css?v={version}")
    assert css.headers["content-type"].startswith("text/css")
    assert "immutable" in css.headers["cache-control"]
    assert ":root{--hub-primary:#1d5c96;}" in css.text
    stale = await client.get("/-/theme.css?v=old")
    assert stale.headers["cache-control"] == "no-cache"

    # Only the offered languages are in the footer's language menu.
    assert 'value="es"' in home.text and 'value="ar"' not in home.text

    assert 'href="/moderation-log"' in home.text and 'href="mailto:organisers@example.org"' in home.text
    await client.logout()
    visitor = await client.get("/")
    assert 'href="/moderation-log"' not in visitor.text and 'href="/code-of-conduct"' in visitor.text
    coc = await client.get("/code-of-conduct")
    assert coc.status_code == 200 and "<strong>kind</strong>" in coc.text and "<script>" not in coc.text
    assert 'href="/code-of-conduct"' in home.text

    audit = await AuditEvent.select().where(AuditEvent.event == "core.settings_changed").run()
    assert len(audit) == 1 and "hub_name" in audit[0]["detail"] and audit[0]["actor"] == admin.id


async def test_unreadable_colour_is_refused_with_its_ratio(client: HubClient, admin: TestMember, hub: Any) -> None:
    await client.login(admin)
    before = await SiteSetting.count().run()
    response = await client.post_form("/admin/settings", {**VALID, "primary_colour": "#ffcc00"})
    assert response.status_code == 400
    ratio = f"{contrast_ratio('#ffcc00', '#ffffff'):.2f}"
    assert f"contrast ratio of {ratio}:1" in response.text and "at least 4.5:1" in response.text
    assert 'aria-invalid="true"' in response.text
    assert await SiteSetting.count().run() == before
    assert hub.site("hub_name") != "Elm Street Neighbours"

    malformed = await client.post_form("/admin/settings", {**VALID, "accent_colour": "red; }"})
    assert malformed.status_code == 400 and "six hexadecimal digits" in malformed.text
    assert await SiteSetting.count().run() == before


async def test_bad_settings_are_refused_and_nothing_is_written(client: HubClient, admin: TestMember) -> None:
    await client.login(admin)
    before = await SiteSetting.count().run()
    cases = [
        {**VALID, "hub_name": ""},
        {**VALID, "hub_name": "x" * 5000},
        {**VALID, "registration": "everyone-is-admin"},
        {**VALID, "languages": ["en", "xx"]},
        {**VALID, "default_language": "ar"},
        {**VALID, "contact_email": "not an email"},
    ]
    for data in cases:
        response = await client.post_form("/admin/settings", data)
        assert response.status_code == 400, data
        assert 'class="form-errors"' in response.text
    assert await SiteSetting.count().run() == before


async def test_code_of_conduct_page_is_missing_until_written(client: HubClient) -> None:
    assert (await client.get("/code-of-conduct")).status_code == 404
    home = await client.get("/-/plugins")
    assert home.status_code == 200


@pytest.mark.all_databases
async def test_logo_is_validated_reencoded_and_served(client: HubClient, admin: TestMember, hub: Any) -> None:
    await client.login(admin)
    upload = await client.post_form(
        "/admin/settings/logo", files={"logo": ("logo.png", _image("PNG", (1600, 800)), "image/png")}
    )
    assert upload.status_code == 303, upload.text[:1000]
    logo = hub.site("logo")
    assert logo["width"] == 512 and logo["height"] == 256
    page = await client.get("/")
    url = f"/-/logo/{logo['id']}?v={logo['v']}"
    assert f'src="{url}"' in page.text
    served = await client.get(url)
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/png"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert served.headers["content-disposition"] == 'inline; filename="logo.png"'
    assert "immutable" in served.headers["cache-control"]
    assert Image.open(io.BytesIO(served.content)).size == (512, 256)

    # A JPEG replaces it; the old file is gone.
    jpeg = await client.post_form("/admin/settings/logo", files={"logo": ("x.jpg", _image("JPEG"), "image/jpeg")})
    assert jpeg.status_code == 303
    assert (await client.get(url)).status_code == 404
    assert await SiteFile.count().run() == 1
    assert (await client.get(f"/-/logo/{hub.site('logo')['id']}")).headers["content-type"] == "image/jpeg"

    asked = await client.post_form("/admin/settings/logo/remove")
    assert asked.status_code == 200 and "Remove the logo?" in asked.text and 'name="confirm"' in asked.text
    assert hub.site("logo") is not None and await SiteFile.count().run() == 1
    removed = await client.post_form("/admin/settings/logo/remove", {"confirm": "yes"})
    assert removed.status_code == 303
    assert hub.site("logo") is None and await SiteFile.count().run() == 0


async def test_logo_refuses_what_is_not_an_image(client: HubClient, admin: TestMember, hub: Any) -> None:
    await client.login(admin)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>'
    bomb = _image("PNG", (12000, 12000), mode="1")
    cases = [
        ("page.png", b"<html><script>alert(1)</script></html>", "image/png", "not an image we can read"),
        ("logo.svg", svg, "image/svg+xml", "not an image we can read"),
        ("anim.gif", _image("GIF"), "image/gif", "must be a PNG, JPEG or WebP"),
        ("bomb.png", bomb, "image/png", "too large to process"),
        ("huge.png", b"\x89PNG" + b"0" * (2 * 1024 * 1024 + 10), "image/png", "larger than 2 MB"),
    ]
    for name, data, kind, message in cases:
        response = await client.post_form("/admin/settings/logo", files={"logo": (name, data, kind)})
        assert response.status_code == 400, name
        assert message in response.text, name
    empty = await client.post_form("/admin/settings/logo", {})
    assert empty.status_code == 400 and "Choose an image file" in empty.text
    assert await SiteFile.count().run() == 0 and hub.site("logo") is None
