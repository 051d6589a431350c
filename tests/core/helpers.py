"""Small helpers shared by the core's account tests."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from hub.core.auth.tables import AuthToken, Session
from hub.core.members.tables import Member


async def row_counts() -> dict[str, int]:
    """Row counts of the tables an account action can write: equal before and after = nothing written."""
    return {
        "members": await Member.count().run(),
        "tokens": await AuthToken.count().run(),
        "sessions": await Session.count().run(),
    }


async def member_row(email: str) -> dict[str, Any] | None:
    return await Member.select().where(Member.email == email.lower()).first().run()


async def expire_tokens(kind: str) -> None:
    await (
        AuthToken.update({AuthToken.expires_at: datetime.now(UTC) - timedelta(seconds=1)})
        .where(AuthToken.kind == kind)
        .run()
    )


def csrf_less(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "_csrf_token"}


def without_tokens(html: str) -> str:
    """A page with its per-browser CSRF tokens blanked, to compare what two visitors were shown."""
    return re.sub(r'(name="_csrf_token" value="|"x-csrftoken": ")[^"]*', r"\1", html)
