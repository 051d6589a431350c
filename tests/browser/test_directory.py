"""Directory journey: make and list your own profile, then find it by searching, JavaScript on and off.

With JavaScript the results update as you type (htmx, same document, the address follows the
search); without it the same search is a plain GET form.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.journey import assert_same_document, expect_flash, mark_document, member_page, members_for
from tests.browser.journey import submit_and_wait as go

pytestmark = pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])

NAMES = {True: "Beatrix Hollowell", False: "Cornelius Ashdown"}


def test_list_yourself_and_search(new_context: Any, demo_members: list[str], js: bool, audit: Any) -> None:
    name = NAMES[js]
    [address] = members_for("directory", demo_members, js)
    page = member_page(new_context, address, js)
    page.goto("/directory/")
    audit(page)
    main = page.get_by_role("main")
    go(
        page,
        main.get_by_role("link", name="Create your profile").or_(main.get_by_role("link", name="Edit your profile")),
    )
    expect(page.locator("h1")).to_have_text("Your directory profile")
    audit(page)

    page.get_by_label("Name to show").fill(name)
    page.get_by_role("textbox", name="Skills").fill("beekeeping, bike repair")
    go(page, page.get_by_role("button", name="Save profile"))
    expect(page.locator(".flash").first).to_be_visible()
    audit(page)
    listing = page.get_by_role("button", name="List me in the directory")
    if listing.count():
        go(page, listing)
        expect_flash(page, "")
        audit(page)
    expect(page.get_by_role("button", name="Stop listing me")).to_be_visible()

    page.goto("/directory/")
    results = page.locator("#directory-results")
    expect(results).to_have_attribute("aria-live", "polite")
    box = page.get_by_label("Name or skill")
    if js:
        mark_document(page)
        box.press_sequentially(name.split()[1])
        expect(results.get_by_role("link", name=name)).to_be_visible()
        assert_same_document(page, "searching the directory")
        expect(page).to_have_url(re.compile(rf"/directory/\?q={name.split()[1]}(&|$)"))
    else:
        box.fill(name.split()[1])
        go(page, page.get_by_role("main").get_by_role("button", name="Search"))
        assert f"q={name.split()[1]}" in page.url
    expect(results.get_by_role("heading", level=2)).to_have_count(1)
    audit(page)

    go(page, results.get_by_role("link", name=name))
    expect(page.locator("h1")).to_contain_text(name)
    audit(page)
