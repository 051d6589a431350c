"""Organiser journeys, JavaScript on and off: approving a member who asked to join, and acting on a
member's report by hiding the notice from the moderation queue with a reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.journey import (
    assert_same_document,
    expect_flash,
    mark_document,
    member_page,
    members_for,
    outbox_link,
)
from tests.browser.journey import submit_and_wait as go
from tests.browser.server import RunningHub

pytestmark = pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])

PASSWORD = "quince harbour signal 77"
MODE_LABELS = {
    "open": "Open: anyone can join straight away",
    "approval": "Approval: an organiser approves each new member",
}


def set_registration(page: Any, mode: str) -> None:
    page.goto("/admin/settings/")
    page.get_by_label("How people join").select_option(label=MODE_LABELS[mode])
    go(page, page.get_by_role("button", name="Save settings"))
    expect(page.locator(".flash").first).to_be_visible()


@pytest.fixture
def approval_mode(new_context: Any) -> Iterator[None]:
    """Registration needs an organiser's approval during the test; open again afterwards, pass or fail."""
    yield
    set_registration(new_context(signed_in=True).new_page(), "open")


def test_approve_a_member(new_context: Any, live_hub: RunningHub, approval_mode: None, js: bool, audit: Any) -> None:
    name = f"Wanda Waiting {'js' if js else 'nojs'}"
    address = f"waiting-{'js' if js else 'nojs'}@example.org"
    organiser = new_context(javascript=js, signed_in=True).new_page()
    organiser.goto("/admin/settings/")
    audit(organiser)
    set_registration(organiser, "approval")
    audit(organiser)

    visitor = new_context(javascript=js).new_page()
    visitor.goto("/account/register")
    expect(visitor.get_by_role("main")).to_contain_text("an organiser will look at your request")
    visitor.get_by_label("Your name").fill(name)
    visitor.get_by_label("Email address").fill(address)
    visitor.get_by_label("Password").fill(PASSWORD)
    go(visitor, visitor.get_by_role("main").get_by_role("button", name="Join"))
    visitor.goto(outbox_link(live_hub.hub_dir, address, r"/account/verify/[\w.-]+"))
    go(visitor, visitor.get_by_role("button", name="Confirm my email address"))
    assert visitor.url.endswith("/account/waiting")
    expect(visitor.get_by_role("button", name="Sign out")).to_have_count(0)
    audit(visitor)

    # The organiser is told by email and finds the request among the members.
    assert outbox_link(live_hub.hub_dir, "admin@example.org", r"/admin/members/\d+")
    organiser.goto("/admin/members/")
    audit(organiser)
    box = organiser.get_by_role("searchbox")
    results = organiser.locator("#member-results")
    if js:
        mark_document(organiser)
        box.press_sequentially("Wanda")
        expect(results.get_by_role("link", name=name)).to_be_visible()
        assert_same_document(organiser, "searching the members")
    else:
        box.fill("Wanda")
        go(organiser, organiser.get_by_role("main").get_by_role("button").first)
        expect(results.get_by_role("link", name=name)).to_be_visible()
    audit(organiser)
    go(organiser, results.get_by_role("link", name=name))
    audit(organiser)
    go(organiser, organiser.get_by_role("button", name="Approve", exact=True))
    expect_flash(organiser, f"{name} is approved")
    audit(organiser)

    sign_in(visitor, address, PASSWORD)
    expect(visitor.get_by_role("link", name="My account")).to_be_visible()


def test_hide_a_reported_notice(new_context: Any, demo_members: list[str], js: bool, audit: Any) -> None:
    [reporter_address] = members_for("moderation", demo_members, js)
    reporter = member_page(new_context, reporter_address, js)
    reporter.goto(f"/noticeboard/?category={'wanted' if js else 'lost-found'}")
    links = reporter.locator(".notice-list h2 a")
    report_link = reporter.get_by_role("link", name="Report this notice")
    for index in range(links.count()):
        reporter.goto(f"/noticeboard/?category={'wanted' if js else 'lost-found'}")
        go(reporter, links.nth(index))
        if report_link.count():
            break
    title = reporter.locator("h1").inner_text()
    notice_url = reporter.url
    go(reporter, report_link)
    expect(reporter.locator("h1")).to_have_text("Report to the organisers")
    audit(reporter)
    go(reporter, reporter.get_by_role("button", name="Send report"))
    expect(reporter.locator(".form-errors")).to_be_visible()
    audit(reporter)
    reporter.get_by_label("What is wrong?").fill("This asks people to send money up front. It looks like a scam.")
    go(reporter, reporter.get_by_role("button", name="Send report"))
    assert reporter.url == notice_url
    expect_flash(reporter, "An organiser will look at your report.")

    organiser = new_context(javascript=js, signed_in=True).new_page()
    organiser.goto("/admin/moderation/")
    audit(organiser)
    group = organiser.locator("#queue > ul > li").filter(has=organiser.get_by_role("link", name=title, exact=True))
    expect(group).to_contain_text("It looks like a scam.")
    group.get_by_label("Hide it").check()
    group.get_by_label("Reason").fill("Asks for money up front; hidden while we check with the author.")
    go(organiser, group.get_by_role("button", name="Confirm"))
    expect(organiser.locator(".flash").first).to_be_visible()
    expect(organiser.locator("#queue").get_by_role("link", name=title, exact=True)).to_have_count(0)
    audit(organiser)
    organiser.goto("/admin/moderation?status=handled")
    expect(organiser.locator("#queue").get_by_role("link", name=title, exact=True).first).to_be_visible()
    audit(organiser)

    # Hidden: gone for the reporter and for visitors; the organiser still sees it, marked.
    assert reporter.goto(notice_url).status == 404
    visitor = new_context(javascript=js).new_page()
    assert visitor.goto(notice_url).status == 404
    organiser.goto(notice_url)
    expect(organiser.get_by_text("This notice is hidden by the organisers.")).to_be_visible()
