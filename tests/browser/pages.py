"""The pages the browser suite visits, in one list so plugin journeys only have to add rows.

A plugin adds its pages by appending ``PageSpec(..., plugin="<slug>")`` to ``PLUGIN_PAGES``; rows
for plugins that are not loaded are left out, so the list is safe on any branch. A page whose
address depends on the demo data (a notice, an event) is reached with ``follow``: open ``path``,
then the first link matching that CSS selector.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.browser.server import plugins_under_test

__all__ = ["CORE_PAGES", "PLUGIN_PAGES", "SEARCH_TERM", "PageSpec", "pages", "resolve", "visit"]

SEARCH_TERM = "garden"


@dataclass(frozen=True)
class PageSpec:
    name: str
    """Short name for screenshots and the page-weight report (unique)."""
    path: str
    signed_in: bool = False
    """Visit as the signed-in admin instead of a visitor."""
    status: int = 200
    plugin: str | None = None
    """Only when this plugin is loaded."""
    follow: str | None = None
    """A CSS selector: the page is the first matching link's target on ``path``."""

    @property
    def id(self) -> str:
        return f"{self.name}-{'admin' if self.signed_in else 'visitor'}"


CORE_PAGES: list[PageSpec] = [
    PageSpec("home", "/"),
    PageSpec("search", "/search"),
    PageSpec("search-results", f"/search?q={SEARCH_TERM}"),
    PageSpec("sign-in", "/account/login"),
    PageSpec("join", "/account/register"),
    PageSpec("not-found", "/no/such/page", status=404),
    PageSpec("home", "/", signed_in=True),
    PageSpec("search-results", f"/search?q={SEARCH_TERM}", signed_in=True),
    PageSpec("messages", "/messages/", signed_in=True),
    PageSpec("account", "/account/", signed_in=True),
    PageSpec("notifications", "/notifications/", signed_in=True),
    PageSpec("admin-dashboard", "/admin/", signed_in=True),
    PageSpec("admin-members", "/admin/members/", signed_in=True),
    PageSpec("admin-moderation", "/admin/moderation/", signed_in=True),
    PageSpec("admin-settings", "/admin/settings/", signed_in=True),
    PageSpec("not-found", "/no/such/page", signed_in=True, status=404),
]

PLUGIN_PAGES: list[PageSpec] = [
    PageSpec("noticeboard", "/noticeboard/", plugin="noticeboard"),
    PageSpec("notice", "/noticeboard/", plugin="noticeboard", follow=".notice-list h2 a"),
    PageSpec("noticeboard", "/noticeboard/", signed_in=True, plugin="noticeboard"),
    PageSpec("notice", "/noticeboard/", signed_in=True, plugin="noticeboard", follow=".notice-list h2 a"),
    PageSpec("notice-new", "/noticeboard/new", signed_in=True, plugin="noticeboard"),
    PageSpec("directory", "/directory/", signed_in=True, plugin="directory"),
    PageSpec("directory-me", "/directory/me", signed_in=True, plugin="directory"),
    PageSpec("skillswap", "/skillswap/", signed_in=True, plugin="skillswap"),
    PageSpec("skillswap-new", "/skillswap/new", signed_in=True, plugin="skillswap"),
    PageSpec("skillswap-exchanges", "/skillswap/exchanges/", signed_in=True, plugin="skillswap"),
    PageSpec("events", "/events/", plugin="events"),
    PageSpec("event", "/events/", plugin="events", follow="#event-results h2 a"),
    PageSpec("events", "/events/", signed_in=True, plugin="events"),
]


def pages(signed_in: bool | None = None) -> list[PageSpec]:
    """Every page to check, for the plugins the test hub loads."""
    present = set(plugins_under_test())
    chosen = [p for p in [*CORE_PAGES, *PLUGIN_PAGES] if p.plugin is None or p.plugin in present]
    return [p for p in chosen if signed_in is None or p.signed_in == signed_in]


def resolve(page: Any, spec: PageSpec) -> str:
    """The address of the page ``spec`` describes (for ``follow``, looked up with ``page``)."""
    if not spec.follow:
        return spec.path
    page.goto(spec.path)
    href = page.locator(spec.follow).first.get_attribute("href")
    assert href, f"{spec.path}: no link matches {spec.follow!r}"
    return str(href)


def visit(page: Any, spec: PageSpec) -> Any:
    """Open the page ``spec`` describes and return the navigation's response."""
    return page.goto(resolve(page, spec))
