from __future__ import annotations

import logging

from hub.core.logs import SafeFormatter


def test_newlines_cannot_forge_a_log_line() -> None:
    formatter = SafeFormatter("%(levelname)s %(message)s")
    name = "Mallory\n2026-01-01 INFO hub login succeeded for admin"
    record = logging.LogRecord("hub.security", logging.WARNING, __file__, 1, "failed login for %s", (name,), None)
    record.address = "10.0.0.1\r\nforged"
    line = formatter.format(record)
    assert "\n" not in line and "\r" not in line
    assert line.startswith("WARNING failed login for Mallory\\n2026")
    assert "address='10.0.0.1\\\\r\\\\nforged'" in line
