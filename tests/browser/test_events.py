"""Events journey (the contrib plugin, when installed): say you are going, JavaScript on and off.

With JavaScript the RSVP buttons swap the answer into ``#rsvp`` (htmx, same document); without it
the same form posts and redirects back to the event with a flash message.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.journey import assert_same_document, mark_document, member_page, members_for
from tests.browser.journey import submit_and_wait as go
from tests.browser.server import RunningHub

pytestmark = pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])


def test_rsvp(new_context: Any, live_hub: RunningHub, demo_members: list[str], js: bool, audit: Any) -> None:
    if "events" not in live_hub.plugins:
        pytest.skip("the Events plugin is not installed in this environment")
    visitor = new_context(javascript=js).new_page()
    visitor.goto("/events/")
    audit(visitor)
    go(visitor, visitor.locator("#event-results h2 a").first)
    event_url = visitor.url
    expect(visitor.get_by_role("link", name="Sign in to say whether you are coming")).to_be_visible()
    audit(visitor)

    [address] = members_for("events", demo_members, js)
    page = member_page(new_context, address, js)
    page.goto(event_url)
    rsvp = page.locator("#rsvp")
    expect(rsvp).to_have_attribute("aria-live", "polite")
    going = rsvp.get_by_role("button", name="Going", exact=True)
    expect(going).not_to_have_attribute("aria-pressed", "true")
    audit(page)
    if js:
        mark_document(page)
        going.click()
        expect(rsvp.get_by_text("You are going.", exact=True)).to_be_visible()
        assert_same_document(page, "answering an invitation")
    else:
        go(page, going)
        expect(rsvp.get_by_text("You are going.", exact=True)).to_be_visible()
        expect(page.locator(".flash").first).to_be_visible()
    expect(rsvp.get_by_role("button", name="Going", exact=True)).to_have_attribute("aria-pressed", "true")
    audit(page)

    # Changing your mind works the same way, and the answer holds on the next visit.
    maybe = rsvp.get_by_role("button", name="Maybe", exact=True)
    if js:
        maybe.click()
        expect(rsvp.get_by_text("You might come.", exact=True)).to_be_visible()
    else:
        go(page, maybe)
    page.reload()
    expect(rsvp.get_by_text("You might come.", exact=True)).to_be_visible()
    expect(rsvp.get_by_role("button", name="Maybe", exact=True)).to_have_attribute("aria-pressed", "true")
