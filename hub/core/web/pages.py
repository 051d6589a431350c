"""The core's own pages: home, hub-wide search, language choice, health and plugin list."""

from __future__ import annotations

import time
from collections import defaultdict
from typing import Any

from litestar import Controller, Request, Response, get, post, route
from litestar.exceptions import HTTPException, NotFoundException
from litestar.params import FromPath
from markupsafe import Markup, escape

from hub.core import hooks
from hub.core.auth.permissions import PUBLIC
from hub.core.members.service import admin_exists
from hub.core.types import Panel, SearchHit
from hub.core.web.forms import clean_text
from hub.core.web.middleware import LANGUAGE_COOKIE
from hub.core.web.util import redirect, safe_next

__all__ = ["CorePages"]

SEARCH_LIMIT = 10


class CorePages(Controller):
    @get("/", name="core:home", opt={"permission": "core.view"})
    async def home(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = request.app.state.hub
        if hub.startup_token and not await admin_exists():
            return redirect(request, "/setup/", status_code=302)
        actor = await hub.actor(request)
        panels: list[Panel] = await hooks.gather_hook(
            hub.registry, "home_panels", hub=hub, request=request, actor=actor
        )
        panels.sort(key=lambda panel: (panel.order, str(panel.title)))
        rendered = [(p, p.body if isinstance(p.body, Markup) else escape(p.body)) for p in panels]
        return await hub.render(request, "home.html", {"panels": rendered})

    @get("/search", name="core:search", opt={"permission": "core.search"})
    async def search(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = request.app.state.hub
        raw = request.query_params.get("q", "")
        query = clean_text(raw if isinstance(raw, str) else "")[:200]
        groups: dict[str, list[SearchHit]] = defaultdict(list)
        if query:
            actor = await hub.actor(request)
            hits = await hooks.gather_hook(
                hub.registry, "search", hub=hub, query=query, actor=actor, limit=SEARCH_LIMIT
            )
            for hit in hits:
                if isinstance(hit, SearchHit):
                    groups[str(hit.group)].append(hit)
        return await hub.render(request, "search.html", {"query": query, "groups": dict(groups)}, block="results")

    @post("/-/language", name="core:language", opt={"permission": PUBLIC})
    async def choose_language(self, request: Request[Any, Any, Any]) -> Response[str]:
        """A visitor's language choice, kept in a cookie (members also save it in their account)."""
        hub = request.app.state.hub
        data = await request.form()
        language = data.get("language")
        next_url = safe_next(data.get("next") if isinstance(data.get("next"), str) else None)
        if language not in hub.catalogues.by_locale:
            raise HTTPException(status_code=400, detail="Unknown language")
        response = redirect(request, next_url)
        response.set_cookie(
            LANGUAGE_COOKIE,
            language,
            max_age=365 * 86400,
            httponly=True,
            samesite="lax",
            secure=hub.settings.secure_cookies,
        )
        return response

    @get("/-/health", name="core:health", opt={"permission": PUBLIC}, cache=False)
    async def health(self, request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
        hub = request.app.state.hub
        started = time.perf_counter()
        try:
            await hub.engine.run_ddl("SELECT 1")
            database = "ok"
        except Exception as error:  # the health check must answer, not crash
            database = f"error: {type(error).__name__}"
        body = {
            "status": "ok" if database == "ok" else "error",
            "database": database,
            "database_engine": hub.engine.engine_type,
            "database_ms": round((time.perf_counter() - started) * 1000, 2),
            "plugins": sorted(p.info.slug for p in hub.registry.active),
        }
        return Response(body, status_code=200 if database == "ok" else 503)

    @get("/-/plugins", name="core:plugins-json", opt={"permission": PUBLIC})
    async def plugins(self, request: Request[Any, Any, Any]) -> list[dict[str, Any]]:
        hub = request.app.state.hub
        return [
            {
                "slug": p.info.slug,
                "name": str(p.info.name),
                "version": p.info.version,
                "source": p.source,
                "enabled": hub.registry.is_active(p.info.slug),
            }
            for p in hub.registry.loaded.values()
        ]


@route(
    "/{path:path}",
    http_method=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
    name="core:not-found",
    opt={"permission": PUBLIC},
    include_in_schema=False,
)
async def not_found(path: FromPath[str]) -> None:
    """Unknown addresses still pass through the middleware, so the 404 page knows who is asking."""
    raise NotFoundException()
