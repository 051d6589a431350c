"""Skill-swap journey: one member offers a skill, another takes it up, and both see it through.

Two browser contexts (two people). The offer's owner accepts (htmx swaps the exchange in place
with JavaScript; a form post and redirect without), they agree when and where, the helper marks it
done and the other person confirms (htmx again), which completes the exchange for both.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.journey import assert_same_document, expect_flash, mark_document, member_page, members_for
from tests.browser.journey import submit_and_wait as go

pytestmark = pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])


def swap_in_place(page: Any, button: Any, js: bool, what: str) -> None:
    """Press a button whose form htmx swaps into ``#exchange``; a plain post and redirect without JS."""
    if js:
        mark_document(page)
        before = page.locator("#exchange").inner_text()
        button.click()
        expect(page.locator("#exchange")).not_to_have_text(before)
        assert_same_document(page, what)
    else:
        go(page, button)


def test_offer_and_complete_an_exchange(new_context: Any, demo_members: list[str], js: bool, audit: Any) -> None:
    title = f"Bike puncture repairs ({'js' if js else 'nojs'})"
    helper_address, neighbour_address = members_for("skillswap", demo_members, js, count=2)
    helper = member_page(new_context, helper_address, js)
    helper.goto("/skillswap/")
    audit(helper)
    helper.goto("/skillswap/new")
    audit(helper)
    helper.get_by_label("Offer or request").select_option("offer")
    helper.get_by_label("Title").fill(title)
    helper.get_by_label("Details").fill("I can fix a puncture in twenty minutes. Bring the bike.")
    helper.get_by_label("Tags").fill("bikes, punctures")
    go(helper, helper.get_by_role("button", name="Post it"))
    expect(helper.locator("h1")).to_have_text(title)
    audit(helper)

    neighbour = member_page(new_context, neighbour_address, js)
    neighbour.goto("/skillswap/")
    go(neighbour, neighbour.get_by_role("link", name=title))
    audit(neighbour)
    go(neighbour, neighbour.get_by_role("link", name="I'm interested"))
    audit(neighbour)
    neighbour.get_by_label("Your message").fill("My back tyre is flat. Could you help on Saturday?")
    go(neighbour, neighbour.get_by_role("button", name="Send"))
    expect_flash(neighbour, "Your message was sent.")
    exchange_url = neighbour.url
    expect(neighbour.locator("#exchange")).to_contain_text("Contact details stay private")
    audit(neighbour)

    # The helper finds the request among their exchanges and accepts it.
    helper.goto("/skillswap/exchanges/")
    audit(helper)
    go(helper, helper.get_by_role("main").locator(f"a[href='{urlsplit(exchange_url).path}']").first)
    assert helper.url == exchange_url
    expect(helper.locator("#exchange")).to_have_attribute("aria-live", "polite")
    helper.get_by_label("When (optional)").fill("Saturday 10am")
    helper.get_by_label("Where (optional)").fill("The library bike rack")
    swap_in_place(helper, helper.get_by_role("button", name="Accept"), js, "accepting an exchange")
    expect_flash(helper, "Accepted.")
    expect(helper.get_by_role("heading", name="Did it happen?")).to_be_visible()
    audit(helper)

    # They agree on a later time, then the helper marks it done.
    helper.get_by_label("When").fill("Saturday 11am")
    go(helper, helper.get_by_role("button", name="Save", exact=True))
    expect_flash(helper, "When and where were saved.")
    expect(helper.locator("#exchange")).to_contain_text("Saturday 11am")
    helper.get_by_label("How long did it take (minutes)?").fill("30")
    go(helper, helper.get_by_role("button", name="Mark as done"))
    expect_flash(helper, "Marked as done.")
    expect(helper.locator("#exchange")).to_contain_text("Waiting for the other person to confirm.")
    audit(helper)

    neighbour.goto(exchange_url)
    audit(neighbour)
    swap_in_place(neighbour, neighbour.get_by_role("button", name="Confirm it happened"), js, "confirming an exchange")
    expect_flash(neighbour, "Confirmed. Thank you both!")
    expect(neighbour.get_by_role("link", name="Leave a thank-you note")).to_be_visible()
    audit(neighbour)

    helper.goto(exchange_url)
    expect(helper.get_by_role("button", name="Confirm it happened")).to_have_count(0)
    expect(helper.get_by_role("link", name="Leave a thank-you note")).to_be_visible()
    helper.goto("/skillswap/credits/")
    audit(helper)
