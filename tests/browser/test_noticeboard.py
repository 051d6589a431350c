"""Noticeboard journey: post a notice (with a preview) and reply to it, JavaScript on and off.

With JavaScript the preview and the reply are swapped into the page by htmx (checked: the same
document, no navigation); without it the same forms post and redirect to the same result.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.journey import (
    assert_same_document,
    expect_flash,
    mark_document,
    member_page,
    members_for,
    submit_and_wait,
)

pytestmark = pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])


def test_post_a_notice_and_reply(new_context: Any, demo_members: list[str], js: bool, audit: Any) -> None:
    title = f"Spare ladder to lend ({'js' if js else 'nojs'})"
    [author] = members_for("noticeboard", demo_members, js)
    page = member_page(new_context, author, js)
    page.goto("/noticeboard/")
    audit(page)
    submit_and_wait(page, page.get_by_role("main").get_by_role("link", name="Post a notice"))
    expect(page.locator("h1")).to_have_text("Post a notice")
    audit(page)

    page.get_by_label("Title").fill(title)
    page.get_by_label("Category").select_option(label="Free to a good home")
    page.get_by_label("Your notice").fill("A **tall** ladder, free to borrow for a weekend.")
    page.get_by_label("Area").fill("Mill Lane")
    preview = page.locator("#preview")
    expect(preview).to_be_hidden()
    if js:
        mark_document(page)
        page.get_by_role("button", name="Preview").click()
        expect(preview.locator("strong")).to_have_text("tall")
        assert_same_document(page, "previewing a notice")
    else:
        submit_and_wait(page, page.get_by_role("button", name="Preview"))
        expect(preview.locator("strong")).to_have_text("tall")
    expect(page.get_by_label("Title")).to_have_value(title)
    audit(page)

    submit_and_wait(page, page.get_by_role("button", name="Post notice"))
    expect(page.locator("h1")).to_have_text(title)
    expect_flash(page, "Your notice is up.")
    notice_url = page.url
    audit(page)

    # An organiser (another browser) replies.
    organiser = new_context(javascript=js, signed_in=True).new_page()
    organiser.goto(notice_url)
    audit(organiser)
    replies = organiser.locator("#replies")
    expect(replies).to_have_attribute("aria-live", "polite")
    expect(replies.locator("li")).to_have_count(0)
    organiser.get_by_label("Your reply").fill("I could use it on Saturday, thank you!")
    if js:
        mark_document(organiser)
        organiser.get_by_role("button", name="Post reply").click()
        expect(replies.locator("li")).to_have_count(1)
        assert_same_document(organiser, "posting a reply")
        expect(organiser.get_by_label("Your reply")).to_have_value("")
        expect(organiser.locator("#no-replies")).to_be_empty()
    else:
        submit_and_wait(organiser, organiser.get_by_role("button", name="Post reply"))
        assert "#reply-" in organiser.url
        expect_flash(organiser, "Your reply is posted.")
    expect(replies).to_contain_text("I could use it on Saturday")
    audit(organiser)

    # The author sees the reply, and the notice is on the board for visitors.
    page.reload()
    expect(page.locator("#replies")).to_contain_text("I could use it on Saturday")
    visitor = new_context(javascript=js).new_page()
    visitor.goto("/noticeboard/")
    expect(visitor.get_by_role("link", name=title)).to_be_visible()
    visitor.goto(notice_url)
    expect(visitor.get_by_role("link", name="Sign in to reply")).to_be_visible()
    audit(visitor)
