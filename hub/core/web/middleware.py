"""ASGI middleware: per-request context (site state, actor, language) and security headers."""

from __future__ import annotations

import time
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from litestar import Request
from litestar.datastructures import MutableScopeHeaders
from litestar.exceptions import TooManyRequestsException
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from hub.core.i18n import negotiate

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from hub.core.facade import Hub

__all__ = [
    "CSP",
    "CURRENT_SCOPE",
    "LANGUAGE_COOKIE",
    "RequestContextMiddleware",
    "RequestRateLimitMiddleware",
    "SecurityHeadersMiddleware",
]

LANGUAGE_COOKIE = "hub_lang"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)


CURRENT_SCOPE: ContextVar[Scope | None] = ContextVar("hub_current_scope", default=None)
"""The request being handled, for code that has no request at hand (a template's CSRF field)."""


class RequestContextMiddleware:
    """Refreshes run-time settings, resolves the actor and activates their language."""

    def __init__(self, app: ASGIApp, hub: Hub) -> None:
        self.app = app
        self.hub = hub

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/static/"):
            await self.app(scope, receive, send)
            return
        hub = self.hub
        await hub.refresh_state()
        request: Request[Any, Any, Any] = Request(scope, receive)
        actor = await hub.actor(request)
        available = list(hub.site("languages") or hub.settings.languages)
        available = [code for code in available if code in hub.catalogues.by_locale] or [hub.settings.default_language]
        default = hub.site("default_language") or hub.settings.default_language
        chosen = actor.language if actor and actor.language in available else None
        if chosen is None:
            cookie = request.cookies.get(LANGUAGE_COOKIE)
            chosen = cookie if cookie in available else None
        if chosen is None:
            chosen = negotiate(request.headers.get("accept-language"), available, default)
        hub.catalogues.activate(chosen)
        token = CURRENT_SCOPE.set(scope)
        try:
            await self.app(scope, receive, send)
        finally:
            CURRENT_SCOPE.reset(token)


class SecurityHeadersMiddleware:
    """Adds CSP, nosniff, a referrer policy and (over HTTPS) HSTS to every response."""

    def __init__(self, app: ASGIApp, hsts: bool) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = scope.get("scheme") == "https"

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableScopeHeaders.from_message(message)
                headers.setdefault("Content-Security-Policy", CSP)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "same-origin")
                headers.setdefault("X-Frame-Options", "DENY")
                headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
                if https or self.hsts:
                    headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
            await send(message)

        await self.app(scope, receive, send_wrapper)


class AllowedHostsMiddleware:
    """Answers 400 to a Host outside the allowed list (ports ignored, ``*.example.org`` allowed)."""

    def __init__(self, app: ASGIApp, allowed_hosts: tuple[str, ...]) -> None:
        self.app = app
        self.any = "*" in allowed_hosts
        self.exact = {h.lower() for h in allowed_hosts if not h.startswith("*.")}
        self.suffixes = tuple(h[1:].lower() for h in allowed_hosts if h.startswith("*."))

    def allowed(self, host: str) -> bool:
        host = host.strip().lower()
        if host.startswith("["):
            name = host[1 : host.find("]")] if "]" in host else host
        else:
            name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
        if not name:
            return False
        return self.any or name in self.exact or (bool(self.suffixes) and name.endswith(self.suffixes))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        host = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"host"), "")
        if self.allowed(host):
            await self.app(scope, receive, send)
            return
        await send(
            {"type": "http.response.start", "status": 400, "headers": [(b"content-type", b"text/plain; charset=utf-8")]}
        )
        body: Any = {"type": "http.response.body", "body": b"Bad Request: this hub does not answer to that host name."}
        await send(body)


class RequestRateLimitMiddleware:
    """A request budget per client address per minute: a fixed-window counter, O(1) per request.

    Counted in this process's memory, or in Redis when the hub has one (shared by every worker).
    Static files and the health check are never counted. Past the budget: 429 with Retry-After.
    """

    WINDOW = 60
    MAX_TRACKED = 50_000

    def __init__(self, app: ASGIApp, limit: int, redis: Redis | None = None, namespace: str = "hub") -> None:
        self.app = app
        self.limit = limit
        self.redis = redis
        self.prefix = f"{namespace}:requests"
        self.counts: dict[str, tuple[int, int]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or path.startswith(("/static/", "/-/health")):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        address = client[0] if client else "unknown"
        now = time.time()
        window = int(now // self.WINDOW)
        if await self._count(address, window) > self.limit:
            retry_after = int(self.WINDOW - now % self.WINDOW) + 1
            raise TooManyRequestsException(headers={"Retry-After": str(retry_after)})
        await self.app(scope, receive, send)

    async def _count(self, address: str, window: int) -> int:
        if self.redis is not None:
            key = f"{self.prefix}:{address}:{window}"
            count = int(await self.redis.incr(key))
            if count == 1:
                await self.redis.expire(key, self.WINDOW * 2)
            return count
        seen_window, count = self.counts.get(address, (window, 0))
        count = count + 1 if seen_window == window else 1
        if len(self.counts) >= self.MAX_TRACKED and address not in self.counts:
            # Forget addresses from earlier windows (their counts no longer matter).
            self.counts = {a: v for a, v in self.counts.items() if v[0] == window}
        self.counts[address] = (window, count)
        return count
