"""The security audit trail: which events are kept, how they are cleaned, and safe log lines.

Nothing a visitor typed may forge a line: every value is stripped of control characters
(newlines included) before it reaches the database or a Python log line, and keys that look like
secrets (passwords, tokens) are dropped entirely.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from hub.core.admin.tables import AuditEvent

__all__ = [
    "AUDITED_EVENTS",
    "SafeLogFilter",
    "clean_detail",
    "install_log_sanitiser",
    "one_line",
    "prune_audit",
    "record_audit",
]

AUDITED_EVENTS = frozenset(
    {
        "core.logged_in",
        "core.login_failed",
        "core.logged_out",
        "core.admin_created",
        "core.role_changed",
        "core.suspended",
        "core.restored",
        "core.approved",
        "core.declined",
        "core.password_changed",
        "core.password_reset",
        "core.email_changed",
        "core.sessions_ended",
        "core.invited",
        "core.settings_changed",
        "core.logo_changed",
        "core.plugin_enabled",
        "core.plugin_disabled",
    }
)
"""Events kept in the security log, plus every other ``core.*`` event about a member (one whose
data has ``member_id``). Member decisions with a reason also go to the moderation log (see
:mod:`hub.core.admin.hooks`)."""

_SECRET_KEY = re.compile(
    r"(^|[_-])(pass|password|passwd|passphrase|token|secret|hash|key|cookie|session|sid|csrf|otp)([_-]|$)",
    re.IGNORECASE,
)
"""Key names whose values are never stored: ``password``, ``new_password``, ``reset_token``, ``api_key``…"""
_UNSAFE = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029\u202a-\u202e\u2066-\u2069]")
AUDIT_RETENTION = timedelta(days=365)
"""How long security events are kept: long enough to investigate, not forever (data minimisation)."""
MAX_VALUE = 300
LOGGERS = ("hub", "hub.security", "hub.plugins", "hub.db", "hub.audit")


def one_line(value: Any, limit: int = MAX_VALUE) -> str:
    """A value as a single printable line: control characters become visible escapes."""
    text = str(value)
    text = _UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _clean_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        return [_clean_value(v) for v in list(value)[:50]]
    return one_line(value)


def clean_detail(data: Mapping[str, Any]) -> dict[str, Any]:
    """Event data fit for the audit log: no secrets, no control characters, bounded size."""
    cleaned: dict[str, Any] = {}
    for key, value in list(data.items())[:30]:
        if key == "address" or _SECRET_KEY.search(str(key)):
            continue
        cleaned[one_line(key, 50)] = _clean_value(value)
    return cleaned


async def record_audit(hub: Any, event: str, actor_id: int | None, data: Mapping[str, Any]) -> int:
    """Store one audit row for ``event`` (called from the ``on_event`` hook, after the commit)."""
    detail = json.dumps(clean_detail(data), ensure_ascii=False, sort_keys=True, default=str)
    address = one_line(data.get("address", ""), 100)
    async with hub.write():
        rows = await AuditEvent.insert(
            AuditEvent(
                actor=actor_id,
                event=one_line(event, 100),
                detail=detail,
                address=address,
                created_at=datetime.now(UTC),
            )
        ).run()
    return int(rows[0]["id"])


class SafeLogFilter(logging.Filter):
    """Renders a record's message once, with control characters escaped, so a newline in a name,
    an address or a path can never start a forged log line."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed call must still log something
            message = f"{record.msg!r} {record.args!r}"
        event = getattr(record, "event", None)
        if event and "event=" not in message:
            message = f"{message} event={event}"
        record.msg = one_line(message, 2000)
        record.args = None
        return True


def install_log_sanitiser() -> None:
    """Attach :class:`SafeLogFilter` to the hub's loggers (idempotent)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, SafeLogFilter) for f in logger.filters):
            logger.addFilter(SafeLogFilter())


async def prune_audit(hub: Any, now: datetime) -> int:
    """Delete security events older than :data:`AUDIT_RETENTION` (idempotent; a daily job)."""
    async with hub.write():
        rows = (
            await AuditEvent.delete()
            .where(AuditEvent.created_at < now - AUDIT_RETENTION)
            .returning(AuditEvent.id)
            .run()
        )
    return len(rows)
