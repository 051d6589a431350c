"""Helpers the plugin journeys share: demo members, the outbox, and "did htmx swap it in place?".

Demo members (``hub demo-data``) are ``demo<N>@example.org`` with the documented demo password;
each journey signs in as its own members (``members_for``) so journeys never see each other's changes.
"""

from __future__ import annotations

import email
import re
import time
from email import policy
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import sign_in

DEMO_PASSWORD = "demo-password-2026"  # hub.core.demo.DEMO_PASSWORD, documented for demo hubs


FIRST_MEMBER = {"noticeboard": 0, "directory": 2, "skillswap": 4, "moderation": 8, "events": 10}
"""Each journey's own demo members: the ``demo_members`` index of its first one (two per run)."""


def members_for(journey: str, demo_members: list[str], js: bool, count: int = 1) -> list[str]:
    """This journey's members for the JavaScript-on or -off run (never shared with another run)."""
    start = FIRST_MEMBER[journey] + (0 if js else count)
    chosen = demo_members[start : start + count]
    assert len(chosen) == count, f"not enough English-speaking demo members for the {journey} journey"
    return chosen


def member_page(new_context: Any, address: str, js: bool, **options: Any) -> Any:
    """A page signed in as the member with this email address, with JavaScript on or off."""
    page = new_context(javascript=js, **options).new_page()
    sign_in(page, address, DEMO_PASSWORD)
    return page


def mark_document(page: Any) -> None:
    """Remember this document, so ``assert_same_document`` can tell a swap from a navigation."""
    page.evaluate("() => { window.__sameDocument = true; }")


def assert_same_document(page: Any, what: str) -> None:
    assert page.evaluate("() => window.__sameDocument === true"), f"{what}: the browser navigated instead of swapping"


def submit_and_wait(page: Any, button: Any) -> None:
    """Press a submit button that leads to a new page (a redirect after POST, a GET form)."""
    with page.expect_navigation():
        button.click()


def outbox_link(hub_dir: Path, to: str, path_pattern: str, wait_seconds: float = 20.0) -> str:
    """The path of the newest link to ``path_pattern`` in mail sent to ``to`` (the hub has no SMTP).

    The server's worker writes queued mail to ``<hub>/data/outbox/`` a moment after the request
    that queued it: look until the message is there (an event, not a timed assertion).
    """
    outbox = hub_dir / "data" / "outbox"
    deadline = time.monotonic() + wait_seconds
    while True:
        for message_file in sorted(outbox.glob("*.eml"), reverse=True):
            message = email.message_from_bytes(message_file.read_bytes(), policy=policy.default)
            if to not in str(message["To"]):
                continue
            body = message.get_body(preferencelist=("plain",))
            text = body.get_content() if body is not None else ""
            match = re.search(r"https?://[^/\s]+(" + path_pattern + r")", text)
            if match:
                return match.group(1)
        if time.monotonic() > deadline:
            raise AssertionError(f"no mail to {to} in {outbox} links to {path_pattern}")
        time.sleep(0.1)


def expect_flash(page: Any, text: str) -> None:
    expect(page.locator(".flash").filter(has_text=text).first).to_be_visible()
