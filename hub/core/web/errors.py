"""Helpful error pages: a 404 that offers a way on, a 500 with no traceback or settings."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, NotFoundException, PermissionDeniedException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from hub.core.auth.permissions import LoginRequired
from hub.core.i18n import gettext as _

__all__ = ["EXCEPTION_HANDLERS"]

log = logging.getLogger("hub.errors")


def _titles(status: int) -> tuple[str, str]:
    if status == 404:
        return _("Page not found"), _(
            "We could not find that page. It may have been moved, expired or removed by its author."
        )
    if status == 403:
        return _("Not allowed"), _("You do not have permission to do that. If you think you should, ask an organiser.")
    if status == 405:
        return _("Not allowed"), _("That action is not available here.")
    if status == 413:
        return _("Too large"), _("What you sent is too large. Try a smaller file or shorter text.")
    if status == 429:
        return _("Too many attempts"), _("Please wait a little and try again.")
    if status == 400:
        return _("Something was wrong with the request"), _("Please go back and try again.")
    return _("Something went wrong"), _(
        "Sorry, the hub could not finish that. The problem has been logged; please try again in a moment."
    )


async def _render_error(request: Request[Any, Any, Any], status: int, detail: str | None = None) -> Response[Any]:
    hub = request.app.state.hub
    title, message = _titles(status)
    wants_json = (
        request.url.path.startswith("/-/") or "application/json" in request.headers.get("accept", "").split(",")[0]
    )
    if wants_json:
        return Response({"status": status, "error": title}, status_code=status, media_type=MediaType.JSON)
    try:
        return await hub.render(
            request,
            "errors/error.html",
            {"status": status, "title": title, "message": detail or message},
            status_code=status,
        )
    except Exception:
        log.exception("the error page itself failed to render")
        return Response(f"{status} {title}", status_code=status, media_type=MediaType.TEXT)


class DeferredResponse(Response[Any]):
    """Litestar calls exception handlers synchronously; rendering a page needs awaiting hooks.

    This response defers the (async) rendering to the moment it is sent.
    """

    def __init__(self, factory: Callable[[], Awaitable[Response[Any]]]) -> None:
        super().__init__(content=None)
        self.factory = factory

    def to_asgi_response(self, *args: Any, **kwargs: Any) -> Any:
        async def asgi(scope: Any, receive: Any, send: Any) -> None:
            response = await self.factory()
            await response.to_asgi_response(*args, **kwargs)(scope, receive, send)

        return asgi


def handle_http_exception(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    return DeferredResponse(lambda: _http_exception_response(request, exc))


def handle_server_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return DeferredResponse(lambda: _render_error(request, HTTP_500_INTERNAL_SERVER_ERROR))


async def _http_exception_response(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status = exc.status_code
    headers = dict(exc.headers or {})
    if isinstance(exc, LoginRequired):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        location = f"/account/login?next={quote(target)}"
        if request.headers.get("hx-request") == "true":
            return Response("", status_code=200, headers={"HX-Redirect": location})
        return Response("", status_code=303, headers={"Location": location})
    if status == 429 and "Retry-After" not in headers:
        headers["Retry-After"] = str(headers.get("RateLimit-Reset") or 60)
        log.warning("rate limited: %s %s", request.method, request.url.path, extra={"event": "rate_limited"})
    response = await _render_error(request, status)
    response.headers.update(headers)
    return response


EXCEPTION_HANDLERS: dict[Any, Any] = {
    HTTPException: handle_http_exception,
    NotFoundException: handle_http_exception,
    PermissionDeniedException: handle_http_exception,
    Exception: handle_server_error,
}
