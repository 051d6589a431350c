"""Single-use, expiring tokens for links sent by email: verification, reset, invitation, new email.

Only the SHA-256 of a token is stored, so a copy of the database yields no working links. A
token is spent by one conditional UPDATE (``used_at IS NULL AND expires_at > now``), so two
clicks racing each other, on any worker or database, spend it once.
"""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from hub.core.auth.sessions import hash_token
from hub.core.auth.tables import AuthToken

__all__ = [
    "EMAIL_CHANGE",
    "INVITE",
    "LIFETIMES",
    "RESET",
    "VERIFY",
    "consume_token",
    "issue_token",
    "peek_token",
]

VERIFY = "verify"
RESET = "reset"
INVITE = "invite"
EMAIL_CHANGE = "email_change"

LIFETIMES: dict[str, timedelta] = {
    VERIFY: timedelta(hours=24),
    RESET: timedelta(hours=1),
    INVITE: timedelta(days=7),
    EMAIL_CHANGE: timedelta(hours=24),
}


def _now() -> datetime:
    return datetime.now(UTC)


def _data(row: dict[str, Any]) -> dict[str, Any]:
    value = row.get("data")
    if isinstance(value, str):
        try:
            value = json.loads(value or "{}")
        except ValueError:
            value = {}
    row["data"] = value if isinstance(value, dict) else {}
    return row


async def issue_token(
    kind: str,
    *,
    member_id: int | None = None,
    email: str | None = None,
    data: dict[str, Any] | None = None,
    created_by: int | None = None,
    lifetime: timedelta | None = None,
    replace: bool = True,
) -> str:
    """Store a new token and return the only copy of its secret, for the link.

    With ``replace`` (the default for member-bound tokens) the member's earlier unused tokens of
    this kind stop working, so only the newest link in their mailbox counts.
    """
    token = secrets.token_urlsafe(32)
    stamp = _now()
    if replace and member_id is not None:
        await (
            AuthToken.delete()
            .where((AuthToken.kind == kind) & (AuthToken.member == member_id) & (AuthToken.used_at.is_null()))
            .run()
        )
    await AuthToken.insert(
        AuthToken(
            kind=kind,
            token_hash=hash_token(token),
            member=member_id,
            email=email,
            data=json.dumps(data or {}),
            created_by=created_by,
            created_at=stamp,
            expires_at=stamp + (lifetime or LIFETIMES[kind]),
        )
    ).run()
    return token


async def peek_token(kind: str, token: str) -> dict[str, Any] | None:
    """The live token row (unused, unexpired) without spending it: for showing a form."""
    if not token or len(token) > 100:
        return None
    row = (
        await AuthToken.select()
        .where(
            (AuthToken.kind == kind)
            & (AuthToken.token_hash == hash_token(token))
            & (AuthToken.used_at.is_null())
            & (AuthToken.expires_at > _now())
        )
        .first()
        .run()
    )
    return _data(row) if row else None


async def consume_token(kind: str, token: str) -> dict[str, Any] | None:
    """Spend a token: its row when it was live, else ``None``. Call inside ``hub.write()``."""
    if not token or len(token) > 100:
        return None
    stamp = _now()
    rows = await (
        AuthToken.update({AuthToken.used_at: stamp})
        .where(
            (AuthToken.kind == kind)
            & (AuthToken.token_hash == hash_token(token))
            & (AuthToken.used_at.is_null())
            & (AuthToken.expires_at > stamp)
        )
        .returning(*AuthToken.all_columns())
        .run()
    )
    return _data(dict(rows[0])) if rows else None
