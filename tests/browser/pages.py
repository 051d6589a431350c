"""The pages the browser suite visits, in one list so plugin journeys only have to add rows.

A plugin adds its pages by appending ``PageSpec(..., plugin="<slug>")`` to ``PLUGIN_PAGES``; rows
for plugins that are not loaded are left out, so the list is safe on any branch.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.browser.server import importable_builtin_plugins

__all__ = ["CORE_PAGES", "PLUGIN_PAGES", "SEARCH_TERM", "PageSpec", "pages"]

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
    """Only when this built-in plugin is loaded."""

    @property
    def id(self) -> str:
        return f"{self.name}-{'admin' if self.signed_in else 'visitor'}"


CORE_PAGES: list[PageSpec] = [
    PageSpec("home", "/"),
    PageSpec("search", "/search"),
    PageSpec("search-results", f"/search?q={SEARCH_TERM}"),
    PageSpec("sign-in", "/account/login"),
    PageSpec("not-found", "/no/such/page", status=404),
    PageSpec("home", "/", signed_in=True),
    PageSpec("search-results", f"/search?q={SEARCH_TERM}", signed_in=True),
    PageSpec("messages", "/messages/", signed_in=True),
    PageSpec("not-found", "/no/such/page", signed_in=True, status=404),
]

PLUGIN_PAGES: list[PageSpec] = []


def pages(signed_in: bool | None = None) -> list[PageSpec]:
    """Every page to check, for the plugins present in this checkout."""
    present = set(importable_builtin_plugins())
    chosen = [p for p in [*CORE_PAGES, *PLUGIN_PAGES] if p.plugin is None or p.plugin in present]
    return [p for p in chosen if signed_in is None or p.signed_in == signed_in]
