"""50 connections for 60 s against SQLite, 90 % reads and 10 % writes: no 5xx, no "database is
locked", every acknowledged write stored exactly once. Uses wrk and the benchmark's mixed script."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.security.test_durability import _environment, _free_port, _server

MIXED = Path(__file__).parents[2] / "bench" / "mixed.lua"
SECONDS = int(os.environ.get("HUB_LOAD_SECONDS", "60"))


def test_fifty_connections_mixed_load_on_sqlite(tmp_path: Path) -> None:
    if shutil.which("wrk") is None:
        if os.environ.get("HUB_TEST_REQUIRE_SERVICES") == "1":
            pytest.fail("wrk is not installed (apt-get install wrk)")
        pytest.skip("wrk is not installed (apt-get install wrk)")
    env = _environment(tmp_path, None)
    port = _free_port()
    with _server(env, port) as process:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            client.get("/testplugin/")
            token = client.cookies["hub_csrf"]
        result = subprocess.run(
            [
                "wrk",
                "-t2",
                "-c50",
                f"-d{SECONDS}s",
                "--timeout",
                "30s",
                "-s",
                str(MIXED),
                "-H",
                f"Cookie: hub_csrf={token}",
                f"http://127.0.0.1:{port}/testplugin/?page=1",
            ],
            capture_output=True,
            text=True,
            check=True,
            env={
                **os.environ,
                "BENCH_TOKEN": token,
                "BENCH_MARKER": "load",
                "BENCH_REPLY_PATH": "/testplugin/notes",
                "BENCH_FIELD": "text",
            },
        )
        assert process.poll() is None, "the server died under load"
    output = result.stdout
    acknowledged = int(re.search(r"acknowledged_posts=(\d+)", output).group(1))
    failed = int(re.search(r"failed_posts=(\d+)", output).group(1))
    assert "Socket errors" not in output, output
    assert failed == 0, output
    assert not re.search(r"Non-2xx or 3xx responses: \d+", output), output
    assert acknowledged > 0
    with contextlib.closing(sqlite3.connect(Path(env["HUB_DIR"]) / "data" / "hub.sqlite3")) as connection:
        stored = [row[0].rsplit(" #", 1)[0] for row in connection.execute("SELECT text FROM testplugin_note")]
    assert len(stored) == len(set(stored)), "a write was stored twice"
    # Every acknowledged write is stored; wrk abandons the requests in flight when time is up, so
    # up to one per connection may be stored without wrk having seen the answer.
    assert acknowledged <= len(stored) <= acknowledged + 50, (len(stored), acknowledged)
