"""The ``hub`` object every hook and handler receives: one small, documented surface.

Plugins use this instead of reaching into the core: settings and their own config, URL
building, rendering, permission checks, the current actor, flash messages, mail, events and
write transactions.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import jinja2
from jinja2_fragments import render_block
from litestar import Request, Response
from litestar.connection import ASGIConnection
from litestar.exceptions import NotFoundException
from litestar.utils.scope.state import ScopeState
from markupsafe import Markup, escape

from hub.core import hooks
from hub.core.auth.permissions import PermissionRegistry
from hub.core.auth.ratelimit import RateLimiter
from hub.core.auth.sessions import SessionState, SessionStore
from hub.core.auth.tables import SiteSetting
from hub.core.db import HubEngine, write_transaction
from hub.core.i18n import Catalogues, Text, current_locale, text_direction
from hub.core.languages import recipient_language
from hub.core.mail import MailService, OutgoingMail
from hub.core.plugins import PluginRegistry
from hub.core.settings import Settings
from hub.core.types import Actor, Event, Job, NavItem, NotificationType, TaskType

if TYPE_CHECKING:
    from litestar import Litestar
    from piccolo.conf.apps import AppConfig
    from redis.asyncio import Redis

__all__ = ["Hub", "SiteState"]

log = logging.getLogger("hub")

STATE_TTL_SECONDS = 3.0
_SITE_KEYS = ("hub_name", "description", "welcome", "contact_email", "registration", "languages",
              "default_language", "primary_colour", "accent_colour", "code_of_conduct", "logo")  # fmt: skip


@dataclass
class SiteState:
    """Run-time settings from the database, re-read at most every few seconds by each worker."""

    values: dict[str, Any] = field(default_factory=dict)
    disabled_plugins: frozenset[str] = frozenset()
    loaded_at: float = 0.0


def _csrf_token(request: Request[Any, Any, Any]) -> str:
    token = ScopeState.from_scope(request.scope).csrf_token
    return token if isinstance(token, str) else ""


class Hub:
    """The façade handed to hooks (as ``hub``) and available to handlers as ``request.app.state.hub``."""

    NotificationType = NotificationType
    """``hub.NotificationType(key, label, description, default_delivery)`` for the ``notification_types`` hook."""
    Job = Job
    """``hub.Job(name, every, run)`` for the ``register_jobs`` hook."""
    TaskType = TaskType
    """``hub.TaskType(name, run)`` for the ``register_task_types`` hook."""

    def __init__(
        self,
        settings: Settings,
        registry: PluginRegistry,
        engine: HubEngine,
        catalogues: Catalogues,
        env: jinja2.Environment,
        sessions: SessionStore,
        limiter: RateLimiter,
        permissions: PermissionRegistry,
    ) -> None:
        self.settings = settings
        self.registry = registry
        self.engine = engine
        self.catalogues = catalogues
        self.env = env
        self.sessions = sessions
        self.limiter = limiter
        self.permissions = permissions
        self.site_state = SiteState(values={"hub_name": settings.hub_name})
        self.mail = MailService(settings, settings.hub_name)
        self.app: Litestar | None = None
        self.redis: Redis | None = None
        self.db_apps: list[AppConfig] = []
        self.startup_token: str | None = None

    # -- configuration --------------------------------------------------------------------------

    def config(self, slug: str) -> Any:
        """A plugin's settings: its ``PluginInfo.settings`` type filled from ``[plugins.<slug>]``,
        checked and converted once at start (see :mod:`hub.core.plugin_settings`)."""
        plugin = self.registry.loaded.get(slug)
        if plugin is None:
            raise KeyError(f"no plugin {slug!r} is loaded, so it has no settings")
        return plugin.config

    def site(self, key: str, default: Any = None) -> Any:
        """A run-time site setting (name, description, registration mode…), falling back to hub.toml."""
        if key in self.site_state.values:
            return self.site_state.values[key]
        return getattr(self.settings, key, default)

    async def refresh_state(self, force: bool = False) -> None:
        """Re-read run-time settings so every worker converges on the same plugins and site settings."""
        if not force and time.monotonic() - self.site_state.loaded_at < STATE_TTL_SECONDS:
            return
        rows = await SiteSetting.select(SiteSetting.key, SiteSetting.value).output(load_json=True).run()
        values: dict[str, Any] = {"hub_name": self.settings.hub_name}
        disabled: frozenset[str] = frozenset()
        for row in rows:
            if row["key"] == "plugins.disabled":
                disabled = frozenset(row["value"] or ())
            elif row["key"].startswith("site.") and row["key"][5:] in _SITE_KEYS:
                values[row["key"][5:]] = row["value"]
        self.site_state = SiteState(values=values, disabled_plugins=disabled, loaded_at=time.monotonic())
        self.registry.disabled = {s for s in disabled if s in self.registry.loaded} | self.registry.startup_failed
        self.mail.hub_name = values["hub_name"]

    async def set_site_setting(self, key: str, value: Any) -> None:
        import json
        from datetime import UTC, datetime

        async with self.write():
            exists = await SiteSetting.exists().where(SiteSetting.key == key).run()
            if exists:
                await (
                    SiteSetting.update(
                        {SiteSetting.value: json.dumps(value), SiteSetting.updated_at: datetime.now(UTC)}
                    )
                    .where(SiteSetting.key == key)
                    .run()
                )
            else:
                await SiteSetting.insert(SiteSetting(key=key, value=json.dumps(value))).run()
        await self.refresh_state(force=True)

    async def set_plugin_enabled(self, slug: str, enabled: bool) -> None:
        await self.refresh_state(force=True)
        disabled = set(self.site_state.disabled_plugins)
        (disabled.discard if enabled else disabled.add)(slug)
        await self.set_site_setting("plugins.disabled", sorted(disabled))

    # -- database ------------------------------------------------------------------------------

    def write(self) -> Any:
        """``async with hub.write():`` — a write transaction (IMMEDIATE on SQLite)."""
        return write_transaction(self.engine)

    # -- who is asking ------------------------------------------------------------------------------

    def session(self, connection: ASGIConnection[Any, Any, Any, Any]) -> SessionState:
        state = connection.scope.get("hub_session")  # type: ignore[call-overload]
        if not isinstance(state, SessionState):
            state = SessionState()
            connection.scope["hub_session"] = state  # type: ignore[typeddict-unknown-key]
        return state

    async def actor(self, connection: ASGIConnection[Any, Any, Any, Any]) -> Actor | None:
        """The signed-in member making this request, or ``None`` (resolved once per request)."""
        scope = connection.scope
        if "hub_actor" in scope:
            return scope["hub_actor"]  # type: ignore[typeddict-item, no-any-return]
        actor = await hooks.call_first(self.registry, "actor_from_request", hub=self, request=connection)
        scope["hub_actor"] = actor  # type: ignore[typeddict-unknown-key]
        return actor  # type: ignore[no-any-return]

    async def allowed(self, actor: Actor | None, permission: str, obj: Any = None) -> bool:
        """Any hook saying ``False`` denies, else any ``True`` allows, else the permission's roles."""
        verdicts = await hooks.gather_hook(
            self.registry, "permission_allowed", hub=self, actor=actor, permission=permission, obj=obj
        )
        if False in verdicts:
            return False
        if True in verdicts:
            return True
        return self.permissions.default_allows(actor, permission)

    async def require(self, request: Request[Any, Any, Any], permission: str, obj: Any = None) -> Actor | None:
        """Raise 403/login-redirect unless the current actor holds ``permission`` (on ``obj``)."""
        from litestar.exceptions import PermissionDeniedException

        from hub.core.auth.permissions import LoginRequired

        actor = await self.actor(request)
        if not await self.allowed(actor, permission, obj):
            if actor is None:
                raise LoginRequired()
            raise PermissionDeniedException()
        return actor

    @property
    def base_url(self) -> str:
        """The hub's public address without a trailing slash, for links in emails."""
        return self.settings.base_url.rstrip("/")

    def absolute_url(self, path: str) -> str:
        return f"{self.base_url}{path}" if path.startswith("/") else path

    def in_language(self, language: str | None = None) -> contextlib.AbstractContextManager[str]:
        """``with hub.in_language(member_language):`` text made inside the block (``gettext``,
        ``str(lazy_gettext(...))``, templates) is in that language if the hub offers it, else in
        the hub's default language: for mail and anything written for someone else than the
        person asking."""
        return self.catalogues.using(recipient_language(self, language))

    async def notify(
        self,
        member_id: int,
        type_key: str,
        title: Text,
        body: Text = "",
        url: str = "",
        dedupe_key: str | None = None,
    ) -> int | None:
        """Notify a member (stored, then delivered as they chose). ``type_key`` must be declared.

        Pass ``title`` and ``body`` as ``lazy_gettext("…", name=…)`` (or ``lazy_text``): they are
        written in the member's language, whoever's request or job sends them."""
        from hub.core.notifications.service import notify

        return await notify(self, member_id, type_key, title, body, url, dedupe_key)

    async def report(self, kind: str, object_id: int, reporter_id: int, reason: str) -> int:
        """File a report about content into the one moderation queue."""
        from hub.core.moderation.service import file_report

        return await file_report(self, kind, object_id, reporter_id, reason)

    async def relay(
        self,
        sender_id: int,
        recipient_id: int,
        subject: str,
        body: str,
        context_url: str = "",
        shares_email: bool = False,
    ) -> int:
        """Send a message between members through the hub: neither side sees the other's address.

        Raises ``hub.core.relay.service.RelayRefused`` (a sentence for the sender) past the limit.
        """
        from hub.core.relay.service import send_relay_message

        return await send_relay_message(self, sender_id, recipient_id, subject, body, context_url, shares_email)

    # -- events and mail ----------------------------------------------------------------------------

    async def emit(self, name: str, actor_id: int | None = None, **data: Any) -> None:
        """Dispatch an event to ``on_event``. Call it after the transaction that caused it committed."""
        await hooks.gather_hook(
            self.registry, "on_event", hub=self, event=Event(name=name, actor_id=actor_id, data=data)
        )

    async def send_mail(self, to: str, subject: str, text: str, html: str | None = None, **extra: Any) -> None:
        """Queue an email; a worker delivers it (retrying if need be). Never waits for a mail server.

        Inside ``hub.write()`` the message commits (or rolls back) with your change. ``extra``:
        ``reply_to``, ``headers`` (pairs), ``member_id``, ``category``.
        """
        await self.mail.send(self, OutgoingMail(to=to, subject=subject, text=text, html=html, **extra))

    async def enqueue(
        self, kind: str, payload: Mapping[str, Any] | None = None, *, delay: Any = None, key: str | None = None
    ) -> int | None:
        """Queue background work of a declared :class:`hub.TaskType` (``delay``: a ``timedelta``).

        Inside ``hub.write()`` it commits with your change. With ``key``, a second enqueue of the
        same key does nothing and returns ``None``.
        """
        from hub.core.tasks.queue import enqueue_task

        return await enqueue_task(self, kind, payload, delay=delay, key=key)

    # -- urls and pages ---------------------------------------------------------------------------

    def url(self, name: str, **params: Any) -> str:
        assert self.app is not None
        return self.app.route_reverse(name, **params)

    def static(self, slug: str, path: str) -> str:
        return f"/static/{slug}/{path}"

    def flash(self, request: ASGIConnection[Any, Any, Any, Any], message: str, level: str = "success") -> None:
        state = self.session(request)
        messages = list(state.data.get("_flash", []))
        messages.append([level, str(message)])
        state.set("_flash", messages[-5:])

    async def base_context(self, request: Request[Any, Any, Any], template: str) -> dict[str, Any]:
        actor = await self.actor(request)
        items = await hooks.gather_hook(self.registry, "nav_items", hub=self, request=request, actor=actor)
        nav: list[NavItem] = []
        for item in items:
            if item.permission is None or await self.allowed(actor, item.permission):
                nav.append(item)
        nav.sort(key=lambda item: (item.order, str(item.label)))
        slots: dict[str, Markup] = {}
        for slot in ("head", "banner", "footer", "account"):
            parts = await hooks.gather_hook(
                self.registry, "page_slot", hub=self, slot=slot, request=request, actor=actor
            )
            slots[slot] = Markup("").join(p if isinstance(p, Markup) else escape(p) for p in parts)
        extra: dict[str, Any] = {}
        for result in await hooks.gather_hook(
            self.registry, "extra_template_vars", hub=self, request=request, template=template
        ):
            extra.update(result)
        session = self.session(request)
        flashes = session.pop("_flash", []) if "_flash" in session.data else []
        language = current_locale()
        return {
            **extra,
            "request": request,
            "actor": actor,
            "hub": self,
            "site_name": self.site("hub_name"),
            "nav_items": nav,
            "slots": slots,
            "flashes": flashes,
            "csrf_token": _csrf_token(request),
            "lang": language,
            "dir": text_direction(language),
            "languages": [
                (code, self.catalogues.language_name(code))
                for code in (self.site("languages") or self.catalogues.languages)
                if code in self.catalogues.by_locale
            ],
            "current_path": request.url.path,
            "is_htmx": request.headers.get("hx-request") == "true",
        }

    async def render(
        self,
        request: Request[Any, Any, Any],
        template: str,
        context: Mapping[str, Any] | None = None,
        *,
        block: str | None = None,
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
    ) -> Response[str]:
        """Render a page; an htmx request with ``block`` gets just that block. Always ``Vary: HX-Request``."""
        full_context = {**await self.base_context(request, template), **(context or {})}
        if block and full_context["is_htmx"]:
            html = render_block(self.env, template, block, **full_context)
        else:
            html = self.env.get_template(template).render(full_context)
        response_headers = {"Vary": "HX-Request, Cookie, Accept-Language", **(headers or {})}
        return Response(html, status_code=status_code, media_type="text/html", headers=response_headers)

    def render_fragment(self, template: str, context: Mapping[str, Any] | None = None) -> Markup:
        """Render a partial (a home panel, a profile section) to trusted Markup."""
        return Markup(self.env.get_template(template).render(context or {}))  # noqa: S704 - autoescaped template

    def not_found(self) -> NotFoundException:
        return NotFoundException()
