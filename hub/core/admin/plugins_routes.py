"""/admin/plugins: every installed plugin, its state and failures; switch plugins on and off.

Switching off hides a plugin's pages and hooks on every worker within seconds and keeps its
data; switching on again brings everything back, applying any migrations still pending.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from babel.dates import format_timedelta
from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

from hub.core import hooks
from hub.core.i18n import current_locale
from hub.core.i18n import gettext as _
from hub.core.members.admin import role_labels
from hub.core.plugins import PluginFailure
from hub.core.types import Job, Permission
from hub.core.upgrade import migrate_and_seed
from hub.core.web.util import redirect

__all__ = ["PluginsController"]


@dataclass
class PluginRow:
    slug: str
    name: str
    description: str
    version: str
    source: str
    state: str
    """``active``, ``disabled``, ``failed`` (left out after an error) or ``not-loaded``."""
    failures: list[PluginFailure] = field(default_factory=list)
    permissions: list[Permission] = field(default_factory=list)
    """What the plugin lets people do (descriptions rendered in the reader's language)."""
    jobs: list[Job] = field(default_factory=list)
    """What it does by itself, periodically."""


async def plugin_jobs(hub: Any) -> dict[str, list[Job]]:
    """Each loaded plugin's periodic jobs, switched off or not."""
    found: dict[str, list[Job]] = {}
    for slug, result in await hooks.gather_hook_by_plugin(
        hub.registry, "register_jobs", include_disabled=True, hub=hub
    ):
        declared = result if isinstance(result, list | tuple) else [result]
        found[slug] = [job for job in declared if isinstance(job, Job)]
    return found


def plugin_rows(hub: Any, jobs: dict[str, list[Job]] | None = None) -> list[PluginRow]:
    registry = hub.registry
    jobs = jobs or {}
    failures: dict[str, list[PluginFailure]] = {}
    for failure in registry.failures:
        failures.setdefault(failure.name, []).append(failure)
    rows = []
    for slug, installed in sorted(registry.installed.items()):
        loaded = registry.loaded.get(slug)
        if loaded is not None:
            info = loaded.info
            if slug in registry.startup_failed:
                state = "failed"
            else:
                state = "active" if registry.is_active(slug) else "disabled"
            name, description, version = str(info.name), str(info.description), info.version
        else:
            state = "failed" if slug in failures else "not-loaded"
            name, description, version = slug, "", installed.version
        rows.append(PluginRow(slug, name, description, version or installed.version, installed.source, state,
                              failures.pop(slug, []), hub.permissions.declared_by(slug) if loaded else [],
                              jobs.get(slug, [])))  # fmt: skip
    for name, items in sorted(failures.items()):
        if name not in registry.core_plugins:
            rows.append(PluginRow(name, name, "", "", "", "failed", items))
    return rows


def _every(period: timedelta) -> str:
    """ "every 1 hour", "every 15 minutes", in the reader's language."""
    return _("every %(period)s", period=format_timedelta(period, locale=current_locale()))


class PluginsController(Controller):
    path = "/admin/plugins"

    @get("/", name="core:admin-plugins", opt={"permission": "core.admin"})
    async def plugins(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = request.app.state.hub
        await hub.refresh_state(force=True)
        rows = plugin_rows(hub, await plugin_jobs(hub))
        role_names = {"anonymous": _("Visitor"), **role_labels()}
        return await hub.render(
            request, "admin/plugins.html", {"plugins": rows, "every": _every, "role_names": role_names}
        )

    @post("/{slug:str}/enable", name="core:admin-plugin-enable", opt={"permission": "core.admin"})
    async def enable(self, request: Request[Any, Any, Any], slug: FromPath[str]) -> Response[str]:
        return await self._switch(request, slug, True)

    @post("/{slug:str}/disable", name="core:admin-plugin-disable", opt={"permission": "core.admin"})
    async def disable(self, request: Request[Any, Any, Any], slug: FromPath[str]) -> Response[str]:
        return await self._switch(request, slug, False)

    async def _switch(self, request: Request[Any, Any, Any], slug: str, enabled: bool) -> Response[str]:
        hub = request.app.state.hub
        actor = await hub.actor(request)
        plugin = hub.registry.loaded.get(slug)
        if plugin is None or slug in hub.registry.startup_failed:
            raise NotFoundException()
        name = str(plugin.info.name)
        if enabled:
            # A plugin may have gained migrations or defaults while it was off: add them before its pages return.
            await migrate_and_seed(hub)
        await hub.set_plugin_enabled(slug, enabled)
        await hub.emit("core.plugin_enabled" if enabled else "core.plugin_disabled", actor.id, plugin=slug)
        if enabled:
            hub.flash(request, _("%(name)s is switched on again, with all its data.", name=name))
        else:
            hub.flash(request, _("%(name)s is switched off. Its data is kept until you switch it on again.", name=name))
        return redirect(request, "/admin/plugins")
