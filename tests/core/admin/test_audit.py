"""The security log: what it records, what it never records, and lines nobody can forge."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from hub.core.admin.audit import SafeLogFilter, clean_detail, one_line
from hub.core.admin.tables import AuditEvent
from hub.testing import HubClient, MakeMember, TestMember


@pytest.mark.all_databases
async def test_logins_and_failed_logins_are_recorded(client: HubClient, admin: TestMember, hub: Any) -> None:
    bad = await client.post_form("/account/login", {"email": admin.email, "password": "wrong password here"})
    assert bad.status_code == 400
    await client.login(admin)
    rows = await AuditEvent.select().order_by(AuditEvent.id).run()
    assert [r["event"] for r in rows] == ["core.login_failed", "core.logged_in"]
    failed, ok = rows
    assert failed["actor"] is None and admin.email in failed["detail"] and failed["address"]
    assert "wrong password here" not in failed["detail"]
    assert ok["actor"] == admin.id

    page = await client.get("/admin/audit")
    assert page.status_code == 200
    assert "core.login_failed" in page.text and admin.display_name in page.text
    filtered = await client.get("/admin/audit?event=core.logged_in")
    assert filtered.text.count('class="audit-row"') == 1
    unknown = await client.get("/admin/audit?event=<script>")
    assert unknown.status_code == 200 and "<script>" not in unknown.text


async def test_passwords_and_tokens_never_reach_the_log(hub: Any, member: TestMember) -> None:
    await hub.emit(
        "core.password_changed", member.id, password="hunter2hunter2", new_password="x", token="abc", reset_token="t",
        session_id="s", ended_sessions=3,
    )  # fmt: skip
    row = await AuditEvent.select().first().run()
    for secret in ("hunter2hunter2", '"abc"', "reset_token", "session_id"):
        assert secret not in row["detail"]
    assert '"ended_sessions": 3' in row["detail"]


async def test_a_newline_cannot_forge_an_audit_line(
    client: HubClient, admin: TestMember, make_member: MakeMember
) -> None:
    forged = "x@example.org\n2026-01-01 core.logged_in admin@example.org"
    await client.post_form("/account/login", {"email": forged, "password": "whatever it is"})
    await client.post_form("/account/login", {"email": "a@example.org\r\nFAKE", "password": "whatever it is"})
    from hub.core.admin.audit import record_audit

    await record_audit(client.app.state.hub, "core.login_failed", None,
                       {"email": "evil\nFAKE LINE", "address": "1.2.3.4\ncore.logged_in"})  # fmt: skip
    rows = await AuditEvent.select().run()
    for row in rows:
        for column in ("event", "detail", "address"):
            assert "\n" not in row[column] and "\r" not in row[column]
    assert any(json.loads(r["detail"]).get("email") == "evil\\nFAKE LINE" for r in rows)
    await client.login(admin)
    page = await client.get("/admin/audit?event=core.login_failed")
    assert page.text.count('class="audit-row"') == len(rows)
    assert "1.2.3.4\\ncore.logged_in" in page.text and "evil\\nFAKE LINE" in page.text


def test_one_line_escapes_every_line_breaker() -> None:
    for breaker in ("\n", "\r", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u2029", "\x1b[31m"):
        assert breaker not in one_line(f"a{breaker}b")
    assert one_line("x" * 1000).endswith("…") and len(one_line("x" * 1000)) == 300
    assert clean_detail({"password": "p", "api_key": "k", "Cookie": "c", "name": "n\nm"}) == {"name": "n\\nm"}


def test_python_log_lines_stay_on_one_line() -> None:
    record = logging.LogRecord(
        "hub.security", logging.WARNING, __file__, 1, "failed login from %s", ("1.2.3.4\nFAKE",), None
    )
    record.event = "login_failed"
    assert SafeLogFilter().filter(record)
    message = record.getMessage()
    assert "\n" not in message and message == "failed login from 1.2.3.4\\nFAKE event=login_failed"


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


async def test_denials_and_failed_logins_log_one_safe_line_each(
    client: HubClient, member: TestMember, hub: Any
) -> None:
    handler = _Collect()
    logger = logging.getLogger("hub.security")
    logger.addHandler(handler)
    previous = logger.level
    logger.setLevel(logging.INFO)
    try:
        await client.post_form("/account/login", {"email": "nobody@example.org", "password": "secret-password-1"})
        await client.login(member)
        await client.get("/admin/settings%0A2026-01-01%20FAKE%20admin%20signed%20in")
        await client.get("/admin/audit")
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)
    assert handler.lines, "expected security log lines"
    for line in handler.lines:
        assert "\n" not in line and "\r" not in line
        assert "secret-password-1" not in line
    assert any("event=login_failed" in line for line in handler.lines)
    assert any(line.startswith("denied: member") and "/admin/audit" in line for line in handler.lines)


async def test_other_member_events_are_audited_and_filterable(
    client: HubClient, admin: TestMember, member: TestMember, hub: Any
) -> None:
    await hub.emit("core.member_renamed", admin.id, member_id=member.id, old="A", new="B")
    await hub.emit("core.something_else", admin.id, detail="not about a member")
    events = [r["event"] for r in await AuditEvent.select(AuditEvent.event).run()]
    assert "core.member_renamed" in events and "core.something_else" not in events
    await client.login(admin)
    page = await client.get("/admin/audit?event=core.member_renamed")
    assert page.text.count('class="audit-row"') == 1
    fragment = await client.get("/admin/audit?event=core.member_renamed", headers={"HX-Request": "true"})
    assert "<html" not in fragment.text and 'class="audit-row"' in fragment.text
    assert fragment.headers["vary"].startswith("HX-Request")


@pytest.mark.usefixtures("pinned_now")
async def test_old_security_events_are_pruned_by_a_daily_job(hub: Any, member: TestMember) -> None:
    from datetime import UTC, datetime, timedelta

    from hub.core import hooks as core_hooks
    from hub.core.admin.audit import AUDIT_RETENTION

    await hub.emit("core.logged_in", member.id, address="10.0.0.1")
    await hub.emit("core.logged_in", member.id, address="10.0.0.2")
    old = datetime.now(UTC) - AUDIT_RETENTION - timedelta(days=2)
    first = await AuditEvent.select(AuditEvent.id).order_by(AuditEvent.id).first().run()
    await AuditEvent.update({AuditEvent.created_at: old}).where(AuditEvent.id == first["id"]).run()
    jobs = [job for job in await core_hooks.gather_hook(hub.registry, "register_jobs", hub=hub)]
    prune = next(job for job in jobs if job.name == "core.audit_prune")
    now = datetime.now(UTC)
    assert await prune.run(hub, now) == 1
    assert await prune.run(hub, now) == 0
    assert [r["address"] for r in await AuditEvent.select(AuditEvent.address).run()] == ["10.0.0.2"]
