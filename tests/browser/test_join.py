"""Joining an open hub and signing in again, with JavaScript on and off.

Registration is "open" in the browser suite's hub: sign up, follow the link in the mail (read from
the outbox folder, as an organiser without SMTP would), confirm, go through the welcome pages,
sign out and sign back in. Every page on the way is audited.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.journey import expect_flash, outbox_link, submit_and_wait
from tests.browser.server import RunningHub

pytestmark = pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])

PASSWORD = "kettle orchard lantern 42"


def test_join_and_sign_in_again(new_context: Any, live_hub: RunningHub, js: bool, audit: Any) -> None:
    address = f"newcomer-{'js' if js else 'nojs'}@example.org"
    page = new_context(javascript=js).new_page()
    page.goto("/")
    submit_and_wait(page, page.get_by_role("navigation", name="Your account").get_by_role("link", name="Join"))
    expect(page.locator("h1")).to_have_text("Join the hub")
    audit(page)

    # A mistake first: the form comes back with its message and keeps what was typed.
    page.get_by_label("Your name").fill("Rosa Newcomer")
    page.get_by_label("Email address").fill(address)
    page.get_by_label("Password").fill("short")
    submit_and_wait(page, page.get_by_role("main").get_by_role("button", name="Join"))
    expect(page.locator(".form-errors")).to_be_visible()
    expect(page.get_by_label("Your name")).to_have_value("Rosa Newcomer")
    audit(page)

    page.get_by_label("Password").fill(PASSWORD)
    submit_and_wait(page, page.get_by_role("main").get_by_role("button", name="Join"))
    assert page.url.endswith("/account/register/sent")
    audit(page)

    page.goto(outbox_link(live_hub.hub_dir, address, r"/account/verify/[\w.-]+"))
    expect(page.locator("h1")).to_have_text("Confirm your email address")
    audit(page)
    submit_and_wait(page, page.get_by_role("button", name="Confirm my email address"))
    assert page.url.endswith("/account/welcome")
    expect_flash(page, "Your email address is confirmed")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(1)
    audit(page)

    if js:
        # Finish the welcome: keep the name, go on to the directory offer, decline it for now.
        page.get_by_label("Which language would you like?").select_option("en")
        submit_and_wait(page, page.get_by_role("button", name="Save and continue"))
        if "/account/welcome/next" in page.url:
            audit(page)
            submit_and_wait(page, page.get_by_role("link", name="Not now"))
    else:
        submit_and_wait(page, page.get_by_role("button", name="Skip for now"))
    assert page.url.endswith("/"), page.url
    audit(page)

    page.goto("/account/")
    audit(page)
    submit_and_wait(page, page.get_by_role("button", name="Sign out"))
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)

    sign_in(page, address, PASSWORD)
    expect(page.get_by_role("link", name="My account")).to_be_visible()
    audit(page)
