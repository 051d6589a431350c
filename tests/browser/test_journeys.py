"""Journeys through the core pages, each with JavaScript on and off.

Every page a journey reaches is checked with axe-core (0 violations) and for one ``<h1>`` and a
title (the ``audit`` fixture). Plugin journeys follow the same pattern: a ``page`` from
``new_context(javascript=js)``, real clicks and typing, ``audit(page)`` after each step.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.pages import SEARCH_TERM
from tests.browser.server import ADMIN_EMAIL, ADMIN_PASSWORD, HUB_NAME

pytestmark = pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])


def test_first_visit(new_context: Any, js: bool, audit: Any) -> None:
    page = new_context(javascript=js).new_page()
    response = page.goto("/")
    assert response.status == 200
    expect(page.locator("h1")).to_have_text(HUB_NAME)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Home")).to_have_attribute(
        "aria-current", "page"
    )
    expect(page.get_by_role("link", name="Sign in").first).to_be_visible()
    audit(page)


def test_sign_in_and_out(new_context: Any, js: bool, audit: Any) -> None:
    page = new_context(javascript=js).new_page()
    sign_in(page, ADMIN_EMAIL, ADMIN_PASSWORD)
    expect(page.get_by_role("link", name="My account")).to_be_visible()
    audit(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    expect(page.get_by_role("navigation", name="Your account").get_by_role("link", name="Sign in")).to_be_visible()
    audit(page)
    page.goto("/messages/")
    assert "/account/login" in page.url, "a signed-out browser must not reach members' pages"


def test_wrong_password_shows_errors(new_context: Any, js: bool, audit: Any) -> None:
    page = new_context(javascript=js).new_page()
    page.goto("/account/login")
    page.get_by_label("Email address").fill(ADMIN_EMAIL)
    page.get_by_label("Password").fill("not the password at all")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page.locator(".form-errors")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    audit(page)


def test_search(new_context: Any, js: bool, audit: Any) -> None:
    reference = new_context(javascript=False).new_page()
    reference.goto(f"/search?q={SEARCH_TERM}")
    expected = reference.locator("#search-results").inner_text()

    page = new_context(javascript=js).new_page()
    page.goto("/search")
    audit(page)
    results = page.locator("#search-results")
    expect(results).to_have_attribute("aria-live", "polite")
    before = results.inner_html()
    box = page.get_by_label("Search the hub")
    if js:
        page.evaluate("() => { window.__sameDocument = true; }")
        box.press_sequentially(SEARCH_TERM)
        expect(results).to_contain_text(SEARCH_TERM)
        assert results.inner_html() != before
        assert page.evaluate("() => window.__sameDocument === true"), "typing navigated away instead of updating"
        expect(page).to_have_url(f"{page.url.split('?')[0]}?q={SEARCH_TERM}")
    else:
        box.fill(SEARCH_TERM)
        with page.expect_navigation():
            box.press("Enter")
        assert page.url.endswith(f"/search?q={SEARCH_TERM}")
    assert results.inner_text() == expected
    audit(page)


def test_language_switch(new_context: Any, js: bool, audit: Any) -> None:
    page = new_context(javascript=js).new_page()
    page.goto("/search")
    html = page.locator("html")
    expect(html).to_have_attribute("dir", "ltr")
    for language, direction in (("ar", "rtl"), ("es", "ltr"), ("en", "ltr")):
        page.locator("#language-choice").select_option(language)
        with page.expect_navigation():
            page.locator(".language-form button[type=submit]").click()
        assert page.url.endswith("/search"), "the language form should bring you back to the same page"
        expect(html).to_have_attribute("lang", language)
        expect(html).to_have_attribute("dir", direction)
        expect(page.locator("#language-choice")).to_have_value(language)
        audit(page)
    # The choice is a cookie: it holds on the next page too.
    page.locator("#language-choice").select_option("ar")
    with page.expect_navigation():
        page.locator(".language-form button[type=submit]").click()
    page.goto("/")
    expect(html).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("navigation").first.get_by_role("link", name="Home")).to_have_count(0)


def test_not_found(new_context: Any, js: bool, audit: Any) -> None:
    page = new_context(javascript=js).new_page()
    response = page.goto("/no/such/page")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Page not found")
    audit(page)
    with page.expect_navigation():
        page.get_by_role("main").get_by_role("link", name="Go to the home page").click()
    expect(page.locator("h1")).to_have_text(HUB_NAME)
