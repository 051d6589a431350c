"""The serving process stays small: libraries for rare work load when that work first happens."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

# Loaded on first use (an upload, a feed, a calendar file, an email) or only by rare commands.
NOT_AT_START = ("PIL", "feedgen", "lxml", "icalendar", "aiosmtplib", "pydantic", "black")


def test_a_served_app_does_not_load_rarely_used_libraries(tmp_path: Path) -> None:
    # A deferred stand-in (hub._lazy) has no __file__ of its own: only a really imported module counts.
    code = (
        "import json, sys\n"
        "from hub.core.app import serve_app\n"
        "serve_app()\n"
        f"names = {NOT_AT_START!r}\n"
        "print(json.dumps([n for n in names if n in sys.modules and vars(sys.modules[n]).get('__file__')]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={"HUB_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []


def test_the_allocator_is_tuned_where_the_c_library_is_glibc() -> None:
    import platform

    from hub.core.memory import tune_allocator

    applied = tune_allocator()
    assert applied is (platform.libc_ver()[0] == "glibc")
