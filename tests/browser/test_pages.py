"""Every page the journeys visit, checked in English and in Arabic (right to left), as a visitor
and signed in: axe-core, titles, one ``<h1>``, visible focus, reflow at 320 px and 200 % zoom,
reduced motion. Screenshots of the main pages are saved to ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.browser.checks import (
    assert_focus_visible,
    assert_no_axe_violations,
    assert_no_horizontal_scroll,
    assert_reduced_motion,
    assert_structure,
    motion_durations,
    run_axe,
)
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.pages import pages, visit

FIXTURES = Path(__file__).parent / "fixtures"


def _collect(failures: list[str], check: Callable[..., object], *args: Any) -> None:
    """Run one check and keep its message, so one run reports every problem on every page."""
    try:
        check(*args)
    except AssertionError as error:
        failures.append(str(error))


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "admin"])
def test_every_page_is_accessible(new_context: Any, language: str, signed_in: bool) -> None:
    context = new_context(language=language, signed_in=signed_in, reduced_motion="reduce")
    page = context.new_page()
    failures: list[str] = []
    titles: dict[str, str] = {}
    for spec in pages(signed_in=signed_in):
        page.set_viewport_size(DESKTOP)
        response = visit(page, spec)
        assert response is not None and response.status == spec.status, f"{spec.path}: status {response.status}"
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
        _collect(failures, assert_structure, page)
        title = page.title().strip()
        if titles.setdefault(title, page.url) != page.url:
            failures.append(f"{page.url}: the title {title!r} is also used by {titles[title]}")
        _collect(failures, assert_no_axe_violations, page, f"{spec.path} ({language}, {spec.id})")
        _collect(failures, assert_focus_visible, page)
        _collect(failures, assert_reduced_motion, page)
        # 320 px wide (a small phone), and a 1280 px window at 200 % zoom (640 CSS px).
        for width, what in ((320, "320 px wide"), (640, "200% zoom")):
            page.set_viewport_size({"width": width, "height": 640})
            _collect(failures, assert_no_horizontal_scroll, page, what)
    assert not failures, "\n\n".join(failures)


def test_axe_check_catches_an_unlabelled_input(new_context: Any) -> None:
    page = new_context().new_page()
    page.set_content((FIXTURES / "unlabelled-input.html").read_text(encoding="utf-8"))
    violations = run_axe(page)
    assert "label" in {v["id"] for v in violations}
    with pytest.raises(AssertionError, match=r"(?s)label: .*at #name-box"):
        assert_no_axe_violations(page, "the unlabelled-input fixture")


def test_motion_check_sees_motion_and_the_css_stops_it(new_context: Any, live_hub: Any) -> None:
    html = (FIXTURES / "moving-button.html").read_text(encoding="utf-8")
    page = new_context().new_page()  # about:blank, so the hub's CSP does not govern the fixture's styles
    page.set_content(html.replace("{{ css }}", live_hub.url("/static/core/hub.css")))
    assert any(row["seconds"] >= 0.3 for row in motion_durations(page))
    with pytest.raises(AssertionError, match="motion despite"):
        assert_reduced_motion(page)
    page.emulate_media(reduced_motion="reduce")
    assert_reduced_motion(page)


def test_focus_check_catches_a_hidden_outline(new_context: Any) -> None:
    page = new_context().new_page()
    page.set_content('<main><h1>Focus</h1><a href="#x" style="outline: none">First link</a></main>')
    # about:blank has no CSP, so the inline style applies
    with pytest.raises(AssertionError, match="shows no visible focus"):
        assert_focus_visible(page)


SCREENSHOTS = [
    ("home", "/", "en", False, None),
    ("search", "/search?q=garden", "en", False, None),
    ("sign-in", "/account/login", "en", False, None),
    ("home-signed-in", "/", "en", True, None),
    ("home-arabic", "/", "ar", False, None),
    ("not-found", "/no/such/page", "en", False, None),
    ("noticeboard", "/noticeboard/", "en", True, "noticeboard"),
    ("noticeboard-arabic", "/noticeboard/", "ar", False, "noticeboard"),
    ("directory", "/directory/", "en", True, "directory"),
    ("skillswap", "/skillswap/", "en", True, "skillswap"),
    ("events", "/events/", "en", False, "events"),
]


def test_screenshots(new_context: Any, live_hub: Any, artifacts_dir: Path) -> None:
    folder = artifacts_dir / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    shots = [shot for shot in SCREENSHOTS if shot[4] is None or shot[4] in live_hub.plugins]
    for size_name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        contexts = {
            (language, signed_in): new_context(language=language, signed_in=signed_in, viewport=viewport)
            for language, signed_in in {(shot[2], shot[3]) for shot in shots}
        }
        for name, path, language, signed_in, _plugin in shots:
            page = contexts[(language, signed_in)].new_page()
            page.goto(path)
            target = folder / f"{name}-{size_name}.png"
            page.screenshot(path=str(target))
            assert target.stat().st_size > 1000
            page.close()
