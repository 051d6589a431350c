"""Permissions: declared by the core and plugins, decided by roles and the ``permission_allowed`` hook.

Every route names the permission it needs in ``opt={"permission": ...}``. The special names
``PUBLIC`` (anyone, including visitors) and ``SIGNED_IN`` (any active member) need no declaration.
A route that names nothing is refused: deny by default.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from hub.core.i18n import lazy_gettext as _l
from hub.core.types import Actor, Permission

if TYPE_CHECKING:
    from hub.core.facade import Hub

__all__ = ["CORE_PERMISSIONS", "PUBLIC", "SIGNED_IN", "LoginRequired", "PermissionRegistry", "permission_guard"]

log = logging.getLogger("hub.security")

PUBLIC = "public"
SIGNED_IN = "signed-in"

CORE_PERMISSIONS = [
    Permission("core.view", _l("See the hub's pages"), roles=("anonymous", "member", "moderator", "admin")),
    Permission("core.search", _l("Search the hub"), roles=("anonymous", "member", "moderator", "admin")),
    Permission("core.moderate", _l("Handle reports and members"), roles=("moderator", "admin")),
    Permission("core.admin", _l("Change the hub's settings and plugins"), roles=("admin",)),
]


class LoginRequired(NotAuthorizedException):
    """Raised for a visitor who must sign in first; the error handler redirects to the login page."""


class PermissionRegistry:
    def __init__(self) -> None:
        self._by_name: dict[str, Permission] = {}
        self._source: dict[str, str] = {}

    def add(self, permissions: Iterable[Permission], source: str) -> None:
        for permission in permissions:
            if not isinstance(permission, Permission):
                raise TypeError(f"{source} declared {permission!r}, which is not a hub.Permission")
            if permission.name in self._by_name:
                raise ValueError(f"{source} declares permission {permission.name!r} twice or over another plugin's")
            self._by_name[permission.name] = permission
            self._source[permission.name] = source

    def declared_by(self, source: str) -> list[Permission]:
        """The permissions one plugin declared, by name."""
        return sorted((p for n, p in self._by_name.items() if self._source[n] == source), key=lambda p: p.name)

    def get(self, name: str) -> Permission | None:
        return self._by_name.get(name)

    def __contains__(self, name: object) -> bool:
        return name in self._by_name or name in (PUBLIC, SIGNED_IN)

    def all(self) -> list[Permission]:
        return sorted(self._by_name.values(), key=lambda p: p.name)

    def default_allows(self, actor: Actor | None, name: str) -> bool:
        if name == PUBLIC:
            return True
        if actor is None or actor.status != "active":
            if name == SIGNED_IN:
                return False
            permission = self._by_name.get(name)
            return bool(permission and "anonymous" in permission.roles)
        if name == SIGNED_IN:
            return True
        permission = self._by_name.get(name)
        return bool(permission and actor.role in permission.roles)


async def permission_guard(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """The app-wide guard: every route must name a permission, and the actor must hold it."""
    hub: Hub = connection.app.state.hub
    name = handler.opt.get("permission")
    if name is None and connection.scope.get("method") == "OPTIONS":
        return  # Litestar's automatic OPTIONS answer lists allowed methods and changes nothing
    if name is None:
        log.warning("denied: route %s declares no permission", connection.url.path)
        raise PermissionDeniedException("This page has no declared permission.")
    if name not in hub.permissions:
        log.error("route %s names unknown permission %r", connection.url.path, name)
        raise PermissionDeniedException("This page names an unknown permission.")
    actor = await hub.actor(connection)
    if await hub.allowed(actor, name):
        return
    if actor is None:
        raise LoginRequired()
    log.info(
        "denied: member %s lacks %s on %s", actor.id, name, connection.url.path, extra={"event": "permission_denied"}
    )
    raise PermissionDeniedException()
