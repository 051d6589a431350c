"""Deny by default, checked over every route of the app — plugins' included.

* every route declares a permission the hub knows (a new route without one fails here);
* each declared permission's default roles decide access for anonymous/member/moderator/admin;
* crawling every GET route (as each role) leaves every table unchanged: no GET changes state.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from litestar import Litestar
from litestar.handlers import HTTPRouteHandler

from hub.core.auth.permissions import PUBLIC, SIGNED_IN
from hub.testing import HubClient

ROLES = ("anonymous", "member", "moderator", "admin")


def http_routes(app: Litestar) -> list[tuple[str, str, HTTPRouteHandler]]:
    """Every (method, path, handler); Litestar's automatic OPTIONS answers are left out."""
    found = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if isinstance(handler, HTTPRouteHandler):
                for method in sorted(handler.http_methods - {"OPTIONS"}):
                    found.append((method, route.path, handler))
    return found


def test_every_route_declares_a_known_permission(app: Litestar) -> None:
    hub = app.state.hub
    missing = []
    for method, path, handler in http_routes(app):
        name = handler.opt.get("permission")
        if name is None or name not in hub.permissions:
            missing.append(f"{method} {path} -> {name!r}")
    assert not missing, "routes without a declared, known permission:\n" + "\n".join(missing)


def test_permission_matrix_follows_declared_roles(app: Litestar) -> None:
    from hub.core.types import Actor

    hub = app.state.hub
    actors: dict[str, Any] = {"anonymous": None}
    for index, role in enumerate(ROLES[1:], start=1):
        actors[role] = Actor(id=index, display_name=role, email=f"{role}@example.org", role=role, status="active")
    for _method, _path, handler in http_routes(app):
        name = handler.opt["permission"]
        permission = hub.permissions.get(name)
        for role, actor in actors.items():
            allowed = hub.permissions.default_allows(actor, name)
            if name == PUBLIC:
                assert allowed
            elif name == SIGNED_IN:
                assert allowed == (actor is not None)
            else:
                assert permission is not None
                assert allowed == (role in permission.roles), (name, role)
    suspended = Actor(id=9, display_name="s", email="s@example.org", role="admin", status="suspended")
    assert not hub.permissions.default_allows(suspended, "core.admin")


async def _snapshot(hub: Any) -> dict[str, int]:
    counts = {}
    for app_config in hub.db_apps:
        for table in app_config.table_classes:
            counts[table._meta.tablename] = await table.count().run()
    return counts


def _fill(path: str) -> str | None:
    """A concrete URL for a route path: integer ids become 1; other parameters are skipped."""
    if "{" not in path:
        return path
    if re.search(r"\{[^}:]+:(?!int)[^}]+\}|\{[^}:]+\}", path):
        return None
    return re.sub(r"\{[^}]+:int\}", "1", path)


@pytest.mark.parametrize("role", ROLES)
async def test_no_get_changes_state(client: HubClient, hub: Any, app: Litestar, make_member: Any, role: str) -> None:
    if role != "anonymous":
        person = await make_member(role=role)
        await client.login(person)
    # Mutable-by-design bookkeeping: sessions (last seen), rate counters, notifications read marks.
    ignored = {"hub_session", "hub_rate_counter"}
    before = await _snapshot(hub)
    statuses = {}
    for method, path, _handler in http_routes(app):
        url = _fill(path)
        if method != "GET" or url is None or url.startswith("/static/"):
            continue
        response = await client.get(url)
        statuses[url] = response.status_code
        assert response.status_code < 500, f"GET {url} as {role} answered {response.status_code}"
    after = await _snapshot(hub)
    changed = {t: (before[t], after[t]) for t in before if t not in ignored and before[t] != after[t]}
    assert not changed, f"GET requests changed tables: {changed}"
    assert statuses, "no GET routes were crawled"
