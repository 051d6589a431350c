"""The application factory: settings → plugins → database → templates → a Litestar app.

Everything is built per call (plugin manager included), so tests and several hubs in one process
never share state by accident. The one process-wide exception is Piccolo's engine binding, which
points table classes at the most recently created hub's engine (see ``hub.core.db.bind_tables``).
"""

from __future__ import annotations

import contextlib
import functools
import gc
import logging
import secrets
import sys
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

from litestar import Litestar, Router
from litestar.config.csrf import CSRFConfig
from litestar.connection import ASGIConnection
from litestar.exceptions import NotFoundException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import DefineMiddleware
from litestar.middleware.csrf import CSRFMiddleware
from litestar.plugins import PluginProtocol
from litestar.plugins.core import MsgspecDIPlugin
from litestar.static_files import create_static_files_router
from piccolo.conf.apps import AppConfig

from hub.core import contract, hooks
from hub.core.account.data import DataController
from hub.core.account.routes import AccountController
from hub.core.account.welcome import WelcomeController
from hub.core.admin import hooks as admin_hooks
from hub.core.admin.audit import install_log_sanitiser
from hub.core.admin.dashboard import DashboardController
from hub.core.admin.log_routes import AuditController, ModerationLogController, PublicLogController
from hub.core.admin.moderation_routes import ModerationController
from hub.core.admin.plugins_routes import PluginsController
from hub.core.admin.public import PublicSettingsPages
from hub.core.admin.settings_routes import SettingsController
from hub.core.auth import hooks as auth_hooks
from hub.core.auth.permissions import PUBLIC, PermissionRegistry, permission_guard
from hub.core.auth.ratelimit import RateLimiter
from hub.core.auth.register import RegisterController
from hub.core.auth.reset import ResetController
from hub.core.auth.routes import AuthController, SetupController
from hub.core.auth.sessions import DatabaseSessionStore, RedisSessionStore, SessionMiddleware
from hub.core.db import bind_tables, create_engine, install_conf_module, pending_migrations
from hub.core.facade import Hub
from hub.core.i18n import Catalogues
from hub.core.jobs import hooks as job_hooks
from hub.core.members.admin import InvitationsAdmin, MembersAdmin
from hub.core.members.service import admin_exists
from hub.core.moderation.routes import ReportController
from hub.core.notifications import hooks as notification_hooks
from hub.core.notifications.routes import NotificationsController, NotificationSettingsController
from hub.core.piccolo_app import APP_CONFIG as CORE_APP
from hub.core.plugins import PluginContractError, PluginRegistry
from hub.core.relay import hooks as relay_hooks
from hub.core.relay.routes import MessagesController
from hub.core.settings import Settings, load_settings
from hub.core.tasks.worker import worker_lifespan
from hub.core.upgrade import migrate_and_seed
from hub.core.web.errors import EXCEPTION_HANDLERS
from hub.core.web.middleware import (
    AllowedHostsMiddleware,
    RequestContextMiddleware,
    RequestRateLimitMiddleware,
    SecurityHeadersMiddleware,
)
from hub.core.web.pages import CorePages, not_found
from hub.core.web.routes import route_prefixes
from hub.core.web.templates import build_environment

__all__ = ["build_hub", "create_app"]

log = logging.getLogger("hub")

CORE_STATIC = Path(__file__).parent / "static"
CORE_HOOK_MODULES = (
    ("core.auth", auth_hooks),
    ("core.relay", relay_hooks),
    ("core.admin", admin_hooks),
    ("core.notifications", notification_hooks),
    ("core.jobs", job_hooks),
)
ACCOUNT_HANDLERS = (RegisterController, ResetController, AccountController, DataController, WelcomeController,
                    MembersAdmin, InvitationsAdmin)  # fmt: skip
ADMIN_HANDLERS = (DashboardController, SettingsController, PluginsController, ModerationController,
                  ModerationLogController, AuditController, PublicLogController, PublicSettingsPages)  # fmt: skip
CORE_HANDLERS = (CorePages, AuthController, SetupController, ReportController, MessagesController, *ACCOUNT_HANDLERS,
                 *ADMIN_HANDLERS, NotificationsController, NotificationSettingsController)  # fmt: skip


class MigrationsPending(RuntimeError):
    """The database is behind the code and this start was told not to migrate."""


def build_hub(
    settings: Settings | None = None, plugins: Sequence[Any] | None = None, load_entrypoints: bool = True
) -> Hub:
    """Everything but the web app: used by ``create_app`` and by CLI commands that need the hub."""
    settings = settings or load_settings()
    install_log_sanitiser()
    registry = PluginRegistry.create(strict=settings.strict_plugins, reserved=reserved_names())
    for name, module in CORE_HOOK_MODULES:
        registry.register_core(name, module)
    registry.discover(load_entrypoints=load_entrypoints)
    registry.load(settings.plugins, extra=plugins or ())
    registry.configure(settings.plugin_config)
    apps, declared_permissions = _declarations(registry)

    engine = create_engine(settings)
    install_conf_module(engine, apps)
    bind_tables(engine, apps)

    permissions = PermissionRegistry()
    for slug, declared in declared_permissions:
        try:
            permissions.add(declared, slug)
        except (TypeError, ValueError) as error:
            registry.fail(slug, "hook:register_permissions", error)

    plugin_templates = {p.info.slug: p.templates_dir for p in registry.loaded.values() if p.templates_dir}
    env = build_environment(settings.hub_dir / "templates", plugin_templates)  # type: ignore[arg-type]
    catalogues = Catalogues.load(
        settings.languages,
        settings.default_language,
        [p.locale_dir for p in registry.loaded.values() if p.locale_dir],
    )
    redis = None
    if settings.redis_url:
        from redis.asyncio import Redis

        redis = Redis.from_url(settings.redis_url)
    sessions = RedisSessionStore(redis, settings.redis_namespace) if redis is not None else DatabaseSessionStore()
    hub = Hub(
        settings=settings,
        registry=registry,
        engine=engine,
        catalogues=catalogues,
        env=env,
        sessions=sessions,
        limiter=RateLimiter(engine, redis, settings.redis_namespace),
        permissions=permissions,
    )
    hub.redis = redis
    hub.db_apps = apps
    env.globals["hub"] = hub
    hooks.call_hook_sync(registry, "prepare_jinja_env", hub=hub, env=env)
    return hub


def _as_list(result: Any) -> list[Any]:
    return list(result) if isinstance(result, list | tuple) else [result]


def _declarations(registry: PluginRegistry) -> tuple[list[AppConfig], list[tuple[str, list[Any]]]]:
    """Every plugin's Piccolo app and permissions, checked against the contract.

    A plugin that breaks a rule is left out whole (with the plugins that require it), so none of
    its tables, permissions or routes reach the app. Apps come back in load order, the core's
    first: the order migrations run in, each plugin after those it requires.
    """
    apps_by_plugin: dict[str, list[AppConfig]] = {}
    for slug, result in hooks.call_hook_sync(registry, "register_db_apps", load_order=True, hub=None):
        for app in _as_list(result):
            if isinstance(app, AppConfig):
                apps_by_plugin.setdefault(slug, []).append(app)
            else:
                registry.fail(slug, "hook:register_db_apps", TypeError(f"{app!r} is not a Piccolo AppConfig"))
    permissions_by_plugin = {
        slug: _as_list(result)
        for slug, result in hooks.call_hook_sync(registry, "register_permissions", load_order=True, hub=None)
    }
    owners = {table._meta.tablename: CORE_APP.app_name for table in CORE_APP.table_classes}
    for slug, plugin_apps in apps_by_plugin.items():
        owners.update({table._meta.tablename: slug for app in plugin_apps for table in app.table_classes})
    for slug in list(registry.loaded):
        if slug not in registry.loaded:  # left out with a plugin it requires
            continue
        info = registry.loaded[slug].info
        problems = contract.db_app_problems(
            slug, apps_by_plugin.get(slug, []), info.requires_plugins, owners, CORE_APP.app_name
        )
        problems += contract.permission_problems(slug, permissions_by_plugin.get(slug, []))
        if problems:
            registry.fail(slug, "contract", PluginContractError("; ".join(problems)))
            registry.drop(slug)
    apps = [CORE_APP, *(app for slug in registry.loaded for app in apps_by_plugin.get(slug, []))]
    permissions = [
        (slug, declared)
        for slug, declared in permissions_by_plugin.items()
        if slug in registry.loaded or slug in registry.core_plugins
    ]
    return apps, permissions


@functools.cache
def reserved_names() -> dict[str, str]:
    """Names no plugin may take: every first path segment of the core's routes, and the core's own
    namespaces. Derived from the route handlers, so a new core page reserves its prefix itself."""
    reserved = {
        name: f"the core's pages are at /{name}/" for name in sorted(route_prefixes((*CORE_HANDLERS, not_found)))
    }
    reserved["static"] = "static files are at /static/"
    reserved["core"] = "the core's permissions, events and database app"
    reserved["hub"] = "the prefix of the core's tables"
    reserved["original"] = "the template prefix that reaches a replaced template"
    return reserved


def _plugin_guard(slug: str) -> Any:
    async def plugin_enabled(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        if not connection.app.state.hub.registry.is_active(slug):
            raise NotFoundException()

    return plugin_enabled


def _routers(hub: Hub) -> list[Any]:
    handlers: list[Any] = list(CORE_HANDLERS)
    handlers.append(
        create_static_files_router(
            path="/static/core",
            directories=[CORE_STATIC],
            name="core:static",
            opt={"permission": PUBLIC},
            include_in_schema=False,
        )
    )
    handlers.append(not_found)
    for slug, result in hooks.call_hook_sync(hub.registry, "register_routes", hub=hub):
        plugin = hub.registry.loaded.get(slug)
        if plugin is None:
            continue
        route_handlers = list(result) if isinstance(result, list | tuple) else [result]
        handlers.append(Router(path=f"/{slug}", route_handlers=route_handlers, guards=[_plugin_guard(slug)]))
        if plugin.static_dir:
            handlers.append(
                create_static_files_router(
                    path=f"/static/{slug}",
                    directories=[plugin.static_dir],
                    name=f"{slug}:static",
                    opt={"permission": PUBLIC},
                    include_in_schema=False,
                )
            )
    return handlers


def create_app(
    settings: Settings | None = None,
    plugins: Sequence[Any] | None = None,
    load_entrypoints: bool = True,
    *,
    migrate: bool = True,
) -> Litestar:
    """Build a hub's Litestar app. ``migrate=False`` refuses to start while migrations are pending."""
    hub = build_hub(settings, plugins, load_entrypoints)
    settings = hub.settings

    @contextlib.asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        await hub.engine.prepare()
        try:
            if migrate:
                await migrate_and_seed(hub)
            else:
                pending = await pending_migrations(hub.engine, hub.db_apps)
                if pending:
                    names = ", ".join(f"{a}:{m}" for a, m in pending)
                    raise MigrationsPending(f"Database migrations are pending ({names}). Run `hub migrate` first.")
            await hub.refresh_state(force=True)
            for slug, _ in await _startup(hub):
                log.error("plugin %r left out after its startup failed", slug)
            if not await admin_exists():
                hub.startup_token = secrets.token_urlsafe(16)
                log.warning(
                    "No admin yet. Open /setup/?token=%s on this hub to create the admin account "
                    "(or run `hub createadmin`).",
                    hub.startup_token,
                )
            yield
        finally:
            await hooks.gather_hook(hub.registry, "shutdown", hub=hub)
            await hub.engine.close()
            if hub.redis is not None:
                await hub.redis.aclose()

    cookie_prefix = "__Host-" if settings.secure_cookies else ""
    csrf = CSRFConfig(
        secret=settings.secret_key,
        cookie_name=f"{cookie_prefix}hub_csrf",
        cookie_secure=settings.secure_cookies,
        cookie_httponly=True,
        cookie_samesite="lax",
        header_name="x-csrftoken",
    )
    app = HubLitestar(
        route_handlers=_routers(hub),
        guards=[permission_guard],
        middleware=[
            DefineMiddleware(SecurityHeadersMiddleware, hsts=settings.secure_cookies),
            DefineMiddleware(AllowedHostsMiddleware, allowed_hosts=settings.allowed_hosts),
            DefineMiddleware(
                RequestRateLimitMiddleware,
                limit=settings.rate_limit_per_minute,
                redis=hub.redis,
                namespace=settings.redis_namespace,
            ),
            DefineMiddleware(
                SessionMiddleware,
                store=hub.sessions,
                cookie_name=f"{cookie_prefix}hub_session",
                secure=settings.secure_cookies,
            ),
            DefineMiddleware(RequestContextMiddleware, hub=hub),
            DefineMiddleware(CSRFMiddleware, config=csrf),
        ],
        exception_handlers=EXCEPTION_HANDLERS,
        request_max_body_size=settings.max_upload_bytes + 256 * 1024,
        lifespan=[lifespan, worker_lifespan],
        openapi_config=None,
        debug=False,
        state=None,
    )
    app.state.hub = hub
    hub.app = app
    return app


class HubLitestar(Litestar):
    """Litestar without its Pydantic support unless a plugin brought Pydantic in.

    Litestar adds its Pydantic plugins whenever Pydantic is installed (Piccolo installs it), which
    loads about 8 MB into every server process although the hub's handlers never take Pydantic
    models. A plugin whose handlers do imports Pydantic when it loads, before the app is built,
    and then gets Litestar's default behaviour.
    """

    @staticmethod
    def _get_default_plugins(plugins: list[PluginProtocol]) -> list[PluginProtocol]:
        if "pydantic" in sys.modules:
            return Litestar._get_default_plugins(plugins)
        plugins.append(MsgspecDIPlugin())
        return plugins


async def _startup(hub: Hub) -> list[tuple[str, Any]]:
    """Run every plugin's startup hook; a plugin that raises is dropped for this run."""
    failed: list[tuple[str, Any]] = []
    before = len(hub.registry.failures)
    await hooks.gather_hook(hub.registry, "startup", load_order=True, hub=hub)
    for failure in hub.registry.failures[before:]:
        if failure.stage == "hook:startup" and failure.name in hub.registry.loaded:
            hub.registry.startup_failed.add(failure.name)
            hub.registry.disabled.add(failure.name)
            failed.append((failure.name, failure))
    return failed


def serve_app() -> Litestar:
    """The factory ``hub serve`` hands to uvicorn: migrations were applied before workers started."""
    from hub.core.logs import configure_logging
    from hub.core.memory import tune_allocator

    tune_allocator()
    settings = load_settings()
    configure_logging(settings.debug)
    app = create_app(settings, migrate=False)
    # Everything built so far lives as long as the process: keep it out of the garbage
    # collector's full passes (shorter pauses under load; pages stay shared after a fork).
    gc.collect()
    gc.freeze()
    return app
