"""Page weight: what a phone downloads for each journey page (HTML + CSS + JS, gzip-compressed).

Measured on the bodies the browser actually fetched, compressed with Python's gzip, so the figure
does not depend on whether the server compresses. Written to ``test-artifacts/page-weight.json``.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tests.browser.pages import pages, resolve

BUDGET_BYTES = 60 * 1024
COUNTED = {"document", "stylesheet", "script"}


def test_page_weight(new_context: Any, artifacts_dir: Path) -> None:
    report: dict[str, Any] = {}
    fetched: list[Any] = []

    def record(response: Any) -> None:
        fetched.append(response)

    # One page per sign-in state, with the browser cache switched off (DevTools protocol): every
    # visit downloads everything, as a fresh phone would, without the cost of a context per page.
    browsers: dict[bool, Any] = {}
    for signed_in in (False, True):
        page = new_context(signed_in=signed_in).new_page()
        page.context.new_cdp_session(page).send("Network.setCacheDisabled", {"cacheDisabled": True})
        page.on("response", record)
        browsers[signed_in] = page
    for spec in pages():
        page = browsers[spec.signed_in]
        path = resolve(page, spec)
        fetched.clear()
        page.goto(path, wait_until="load")
        parts: dict[str, dict[str, int]] = {}
        for response in fetched:
            kind = response.request.resource_type
            if kind not in COUNTED:
                continue
            body = response.body()
            address = urlsplit(response.url)
            url = address.path + (f"?{address.query}" if address.query else "")
            parts[url] = {"type": kind, "bytes": len(body), "gzip_bytes": len(gzip.compress(body, 9))}
        total = sum(part["gzip_bytes"] for part in parts.values())
        report[spec.id] = {"path": path, "gzip_bytes": total, "files": parts}
    (artifacts_dir / "page-weight.json").write_text(json.dumps(report, indent=2, sort_keys=True), encoding="utf-8")
    heavy = {name: row["gzip_bytes"] for name, row in report.items() if row["gzip_bytes"] >= BUDGET_BYTES}
    assert not heavy, f"pages over the {BUDGET_BYTES // 1024} KB budget (gzip bytes): {heavy}"
    assert all(any(f["type"] == "document" for f in row["files"].values()) for row in report.values())
