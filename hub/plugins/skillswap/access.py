"""Who may do what with skill-swap content (object-level checks beside the route permissions)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from litestar import Request
from litestar.exceptions import NotFoundException, PermissionDeniedException

from hub import Member

if TYPE_CHECKING:
    from hub.core.facade import Hub
    from hub.core.types import Actor

__all__ = ["hub_of", "int_param", "is_coordinator", "member_is_vetted", "require_actor"]


def hub_of(request: Request[Any, Any, Any]) -> Hub:
    return request.app.state.hub  # type: ignore[no-any-return]


def is_coordinator(actor: Actor | None) -> bool:
    return actor is not None and actor.status == "active" and actor.is_moderator


async def require_actor(request: Request[Any, Any, Any]) -> Actor:
    actor = await hub_of(request).actor(request)
    if actor is None:
        raise PermissionDeniedException()
    return actor


def int_param(request: Request[Any, Any, Any], name: str) -> int | None:
    """A positive integer query parameter, or ``None`` for anything else (never an error)."""
    value = request.query_params.get(name)
    if isinstance(value, str) and value.isdigit() and len(value) < 12:
        return int(value)
    return None


async def member_is_vetted(member_id: int) -> bool:
    """Read-only look at the core's vetting flag; never shown to members."""
    row = await Member.select(Member.vetted).where(Member.id == member_id).first().run()
    return bool(row and row["vetted"])


def not_found() -> NotFoundException:
    return NotFoundException()
