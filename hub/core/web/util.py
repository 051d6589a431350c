"""Small helpers shared by handlers: safe redirects, client addresses, form reading."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from litestar import Request, Response

__all__ = ["client_address", "redirect", "safe_next"]


def safe_next(target: str | None, default: str = "/") -> str:
    """Only ever redirect within the hub: a path, never another host or scheme."""
    if not target or not isinstance(target, str) or len(target) > 2000:
        return default
    if not target.startswith("/") or target.startswith("//") or "\\" in target or any(ord(c) < 32 for c in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


def redirect(request: Request[Any, Any, Any], location: str, status_code: int = 303) -> Response[str]:
    """A POST-redirect-GET answer that also works for htmx (which follows ``HX-Redirect``)."""
    if request.headers.get("hx-request") == "true" and request.headers.get("hx-boosted") != "true":
        return Response("", status_code=200, headers={"HX-Redirect": location})
    return Response("", status_code=status_code, headers={"Location": location})


def client_address(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else "unknown"
