"""The benchmark's --smoke mode, so it never rots: it seeds a hub, serves it, measures every page
with wrk and checks the mixed read/write run lost and doubled nothing. (Figures are not judged
here: speed is measured by the full benchmark, never by timed assertions.)"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]


def test_benchmark_smoke_run(tmp_path: Path) -> None:
    if shutil.which("wrk") is None:
        if os.environ.get("HUB_TEST_REQUIRE_SERVICES") == "1":
            pytest.fail("wrk is not installed (apt-get install wrk)")
        pytest.skip("wrk is not installed (apt-get install wrk)")
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--smoke", "--name", "pytest-smoke"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = json.loads((ROOT / "bench" / "results" / "pytest-smoke.json").read_text(encoding="utf-8"))
    pages = {figure["page"] for figure in report["figures"]}
    assert {"home", "noticeboard list", "notice with replies", "directory search", "skill-swap list"} <= pages
    assert all(figure["errors"] == 0 for figure in report["figures"]), report["figures"]
    assert all(figure["requests"] > 0 for figure in report["figures"])
    # Issue 9's budget: at most 5 SQL statements per page, counted in-process on the same data.
    # (Members-only pages answer visitors with a redirect, recorded as -303.)
    budget = {(f["page"], f["who"]): f["queries"] for f in report["figures"]}
    assert all(count is not None and (1 <= count <= 5 or count == -303) for count in budget.values()), budget
    assert all(count >= 1 for (_page, who), count in budget.items() if who == "member"), budget
    assert report["ceiling"] and report["peak_rss_mb"] > 0 and report["startup_s"] > 0
    mixed = report["mixed"]
    assert mixed["acknowledged_posts"] > 0 and mixed["lost"] == 0 and mixed["duplicates"] == 0, mixed
    assert mixed["errors"] == 0, mixed
