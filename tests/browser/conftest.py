"""Fixtures for the real-browser suite: one ``hub serve`` and one Chromium per session.

Debian's Chromium is used as installed (never ``playwright install``). Without it the suite is
skipped locally with a reason, and fails under ``HUB_TEST_REQUIRE_SERVICES=1`` (CI), like the
other service-backed tests. Journeys get a fresh browser context each, with JavaScript on and off.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser.checks import (
    AXE_PATH,
    REPO_ROOT,
    assert_focus_visible,
    assert_no_axe_violations,
    assert_no_horizontal_scroll,
    assert_structure,
    load_static_copy,
)
from tests.browser.server import ADMIN_EMAIL, ADMIN_PASSWORD, RunningHub, running_hub

CHROMIUM = Path(os.environ.get("HUB_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = REPO_ROOT / "test-artifacts"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}
NARROW = {"width": 320, "height": 640}

ContextFactory = Callable[..., Any]


def _require(condition: bool, message: str) -> None:
    """Skip when a tool is missing; fail instead when HUB_TEST_REQUIRE_SERVICES=1 (CI)."""
    if condition:
        return
    if os.environ.get("HUB_TEST_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{message} (HUB_TEST_REQUIRE_SERVICES=1 forbids skipping)")
    pytest.skip(message)


def _ensure_axe() -> None:
    if AXE_PATH.exists() or os.environ.get("CI"):
        return
    npm = shutil.which("npm")
    if npm:
        subprocess.run(
            [npm, "install", "--no-save", "--no-audit", "--no-fund", "--prefix", str(REPO_ROOT), "axe-core@4"],
            check=False,
            capture_output=True,
            timeout=180,
        )


@pytest.fixture(scope="package")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    _require(CHROMIUM.exists(), f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    _ensure_axe()
    _require(AXE_PATH.exists(), f"axe-core not found at {AXE_PATH}: npm install --no-save --prefix . axe-core@4")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="package")
def live_hub(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningHub]:
    """A real ``hub serve`` with demo data and an admin; started after Chromium is known to exist."""
    with running_hub(tmp_path_factory.mktemp("browser-hub")) as hub:
        yield hub


@pytest.fixture(scope="package")
def admin_state(browser: Any, live_hub: RunningHub) -> dict[str, Any]:
    """The admin's signed-in cookies, made once through the sign-in form and reused by contexts."""
    context = browser.new_context(base_url=live_hub.base_url)
    try:
        page = context.new_page()
        sign_in(page, ADMIN_EMAIL, ADMIN_PASSWORD)
        return dict(context.storage_state())
    finally:
        context.close()


@pytest.fixture(scope="package")
def demo_members(live_hub: RunningHub) -> list[str]:
    """Emails of active demo members who use the hub in English (journeys find buttons by name).

    Read straight from the test hub's SQLite file, read-only; journeys each take their own members
    (see ``tests/browser/journey.py``) so they never see each other's changes.
    """
    database = live_hub.hub_dir / "data" / "hub.sqlite3"
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as connection:
        rows = connection.execute(
            "SELECT email FROM hub_member WHERE language = 'en' AND role = 'member' AND status = 'active'"
            " AND email LIKE 'demo%' ORDER BY id"
        ).fetchall()
    return [row[0] for row in rows]


def sign_in(page: Any, email: str, password: str) -> None:
    page.goto("/account/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.get_by_role("button", name="Sign out").count() == 1, f"sign-in failed at {page.url}"


@pytest.fixture
def new_context(browser: Any, live_hub: RunningHub, request: pytest.FixtureRequest) -> Iterator[ContextFactory]:
    """Make browser contexts on the live hub (closed after the test); other keywords pass through.

    ``javascript=False`` is a browser with JavaScript off; ``language`` sets the visitor's language
    cookie; ``signed_in=True`` starts signed in as the admin.
    """
    contexts: list[Any] = []

    def make(*, javascript: bool = True, language: str | None = None, signed_in: bool = False, **options: Any) -> Any:
        if signed_in:
            options["storage_state"] = request.getfixturevalue("admin_state")
        options.setdefault("viewport", DESKTOP)
        context = browser.new_context(base_url=live_hub.base_url, java_script_enabled=javascript, **options)
        context.set_default_timeout(10_000)
        if language:
            context.add_cookies([{"name": "hub_lang", "value": language, "url": live_hub.base_url}])
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


JOURNEY_BUDGET_BYTES = 60 * 1024
ASSET_WEIGHTS: dict[str, int] = {}


@pytest.fixture(scope="package")
def journey_weights(artifacts_dir: Path) -> Iterator[dict[str, int]]:
    """Gzip bytes of every page the journeys audit, written to ``test-artifacts/journey-page-weight.json``."""
    weights: dict[str, int] = {}
    yield weights
    if weights:
        (artifacts_dir / "journey-page-weight.json").write_text(
            json.dumps(dict(sorted(weights.items())), indent=2), encoding="utf-8"
        )


def page_weight(page: Any, assets: dict[str, int]) -> int:
    """What a phone downloads for this page, gzip-compressed: its HTML plus its stylesheets and scripts.

    The HTML is the page as the browser holds it now (after any htmx swaps); each stylesheet and
    script is fetched once per run and remembered in ``assets``.
    """
    html = page.content()
    total = len(gzip.compress(html.encode("utf-8"), 9))
    for url in re.findall(r'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="([^"]+)"', html):
        if url not in assets:
            assets[url] = len(gzip.compress(page.request.get(url).body(), 9))
        total += assets[url]
    return total


@pytest.fixture
def audit(
    new_context: ContextFactory, request: pytest.FixtureRequest, journey_weights: dict[str, int]
) -> Callable[[Any], None]:
    """Check the page a journey has reached, as ``test_pages`` checks the listed pages.

    One ``<h1>``; a title no other address in this journey uses; no axe-core violations; a visible
    focus on the first Tab stops; no sideways scrolling at 320 px. In a test parametrized with
    ``js=False`` the page cannot run scripts, so the checks run on a static copy of its DOM in a
    second, script-enabled page (see ``load_static_copy``). The page must weigh under 60 KB gzip.
    """
    callspec = getattr(request.node, "callspec", None)
    javascript = bool(callspec.params.get("js", True)) if callspec is not None else True
    auditor: list[Any] = []
    titles: dict[str, str] = {}

    def check(page: Any) -> None:
        title = assert_structure(page)
        address = urlsplit(page.url).path.rstrip("/") or "/"  # /admin/settings/ is /admin/settings
        assert titles.setdefault(title, address) == address, (
            f"{page.url}: the title {title!r} is also used by {titles[title]}: give each page its own title"
        )
        weight = page_weight(page, ASSET_WEIGHTS)
        journey_weights[address] = max(weight, journey_weights.get(address, 0))
        assert weight < JOURNEY_BUDGET_BYTES, f"{page.url} weighs {weight} bytes gzip, over the 60 KB budget"
        target, where = page, page.url
        if not javascript:
            if not auditor:
                auditor.append(new_context(javascript=True).new_page())
            target, where = load_static_copy(auditor[0], page), f"{page.url} (JavaScript off)"
        assert_no_axe_violations(target, where)
        assert_focus_visible(target)
        viewport = target.viewport_size
        target.set_viewport_size(NARROW)
        try:
            assert_no_horizontal_scroll(target, f"320 px wide ({where})")
        finally:
            target.set_viewport_size(viewport)

    return check
