"""Page checks the browser suite runs on every page it visits: axe-core, structure, focus, reflow, motion.

Each helper takes a Playwright ``Page`` that has already loaded the page under test and fails with
a readable message (what, where, how to fix) rather than a bare ``assert False``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

REPO_ROOT = Path(__file__).resolve().parents[2]
AXE_PATH = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_source() -> str:
    return AXE_PATH.read_text(encoding="utf-8")


def run_axe(page: Page) -> list[dict[str, Any]]:
    """Run axe-core on the page and return its violations.

    The hub's CSP forbids inline and foreign scripts, so axe is evaluated as a function body
    through the DevTools protocol (which CSP does not govern) instead of a ``<script>`` tag.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    return page.evaluate(
        """tags => window.axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})
            .then(r => r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html, summary: n.failureSummary}))
            })))""",
        AXE_TAGS,
    )


def describe_violations(violations: list[dict[str, Any]], where: str) -> str:
    lines = [f"{len(violations)} accessibility violation(s) on {where}:"]
    for violation in violations:
        lines.append(f"- [{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"][:5]:
            lines.append(f"    at {node['target']}: {node['html'][:160]}")
            for detail in (node["summary"] or "").splitlines():
                lines.append(f"      {detail}")
    return "\n".join(lines)


def assert_no_axe_violations(page: Page, where: str | None = None) -> None:
    violations = run_axe(page)
    assert not violations, describe_violations(violations, where or page.url)


def assert_structure(page: Page) -> str:
    """Exactly one ``<h1>`` and a non-empty ``<title>``; returns the title."""
    title = page.title().strip()
    assert title, f"{page.url}: the page has no <title>"
    h1_count = page.locator("h1").count()
    assert h1_count == 1, f"{page.url}: expected exactly one <h1>, found {h1_count}"
    return title


def assert_focus_visible(page: Page, stops: int = 2) -> None:
    """Tab from the top to the first links (the skip link, then the header) and check each shows
    a focus indicator: a non-"none" outline or a box-shadow."""
    # Start from the top of the document, whatever was focused or clicked before (a journey's last
    # button): focus a throwaway element placed first in <body>, which Tab then leaves.
    page.evaluate(
        """() => {
            const start = document.createElement("span");
            start.tabIndex = -1;
            start.id = "focus-check-start";
            document.body.prepend(start);
            start.focus();
            window.scrollTo(0, 0);
        }"""
    )
    for stop in range(1, stops + 1):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => {
                const el = document.activeElement;
                if (!el || el === document.body) return null;
                const style = getComputedStyle(el);
                return {tag: el.tagName.toLowerCase(), text: (el.textContent || "").trim().slice(0, 40),
                        outlineStyle: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth) || 0,
                        boxShadow: style.boxShadow};
            }"""
        )
        assert focused is not None, f"{page.url}: pressing Tab {stop} time(s) focused nothing"
        if stop == 1:
            assert focused["tag"] == "a", f"{page.url}: the first Tab stop is a <{focused['tag']}>, expected a link"
        has_outline = focused["outlineStyle"] != "none" and focused["outlineWidth"] > 0
        has_shadow = focused["boxShadow"] not in ("", "none")
        assert has_outline or has_shadow, (
            f"{page.url}: Tab stop {stop} ({focused['text']!r}) shows no visible focus: {focused}"
        )
    page.evaluate("() => document.getElementById('focus-check-start')?.remove()")


def assert_no_horizontal_scroll(page: Page, what: str) -> None:
    sizes = page.evaluate("() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})")
    assert sizes["scroll"] <= sizes["inner"], (
        f"{page.url} scrolls sideways at {what}: content is {sizes['scroll']}px wide in a {sizes['inner']}px window"
    )


def _seconds(values: str) -> float:
    total = 0.0
    for value in values.split(","):
        value = value.strip()
        match = re.fullmatch(r"([\d.eE+-]+)(ms|s)", value)
        if match:
            number = float(match.group(1))
            total = max(total, number / 1000 if match.group(2) == "ms" else number)
    return total


def motion_durations(page: Page) -> list[dict[str, Any]]:
    """The longest transition/animation duration of every link and button, in seconds."""
    rows = page.evaluate(
        """() => Array.from(document.querySelectorAll("a, button, .button, .htmx-indicator")).map(el => {
            const s = getComputedStyle(el);
            return {el: el.outerHTML.slice(0, 80), transition: s.transitionDuration, animation: s.animationDuration};
        })"""
    )
    return [{"el": row["el"], "seconds": max(_seconds(row["transition"]), _seconds(row["animation"]))} for row in rows]


def assert_reduced_motion(page: Page) -> None:
    moving = [row for row in motion_durations(page) if row["seconds"] > 0.001]
    assert not moving, f"{page.url}: motion despite prefers-reduced-motion: {json.dumps(moving, indent=1)}"


def load_static_copy(auditor: Page, page: Page) -> Page:
    """Show ``page``'s current DOM in ``auditor`` (a JavaScript-enabled page) with scripts blocked.

    With JavaScript off Playwright cannot evaluate anything in the page, so axe cannot run there.
    The copy is served at the same address (stylesheets and images load from the hub as usual),
    and the hub's scripts are refused, so axe sees exactly what a browser without JavaScript shows.
    """
    html = page.content()
    address = page.url

    def handle(route: Any) -> None:
        request = route.request
        if request.url == address and request.resource_type == "document":
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)
        elif request.resource_type == "script":
            route.abort()
        else:
            route.continue_()

    auditor.unroute("**/*")
    auditor.route("**/*", handle)
    auditor.goto(address)
    return auditor
