"""Helpers shared by the account pages."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from litestar import Request

from hub.core.auth.passwords import verify_password
from hub.core.members.service import get_member

if TYPE_CHECKING:
    from hub.core.facade import Hub
    from hub.core.types import Actor

__all__ = ["PASSWORD_CHECK_LIMIT", "check_current_password", "language_choices", "signed_in_member"]

PASSWORD_CHECK_LIMIT = 5
PASSWORD_CHECK_WINDOW = timedelta(minutes=5)


def language_choices(hub: Hub) -> list[tuple[str, str]]:
    """The languages this hub offers, each named in its own language."""
    offered = list(hub.site("languages") or hub.settings.languages)
    codes = [code for code in offered if code in hub.catalogues.by_locale] or [hub.settings.default_language]
    return [(code, hub.catalogues.language_name(code)) for code in codes]


async def signed_in_member(hub: Hub, request: Request[Any, Any, Any]) -> tuple[Actor, dict[str, Any]]:
    """The actor and their full member row (routes using this are ``SIGNED_IN``)."""
    from hub.core.auth.permissions import LoginRequired

    actor = await hub.actor(request)
    member = await get_member(actor.id) if actor else None
    if actor is None or member is None:
        raise LoginRequired()
    return actor, member


async def check_current_password(hub: Hub, member: dict[str, Any], password: str) -> tuple[bool, int]:
    """Re-check a signed-in member's password, limited like sign-in (a borrowed session cannot guess).

    Returns (correct, retry_after); ``retry_after`` > 0 means the check was refused unchecked.
    """
    key = f"password:member:{member['id']}"
    verdict = await hub.limiter.check(key, PASSWORD_CHECK_LIMIT, PASSWORD_CHECK_WINDOW)
    if not verdict.allowed:
        return False, verdict.retry_after
    if await verify_password(member["password_hash"], password):
        await hub.limiter.reset(key)
        return True, 0
    await hub.limiter.hit(key, PASSWORD_CHECK_WINDOW)
    return False, 0
