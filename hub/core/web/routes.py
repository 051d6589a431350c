"""Reading route handlers without building an app: which address prefixes they take."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from litestar import Controller
from litestar.handlers import BaseRouteHandler

__all__ = ["route_paths", "route_prefixes"]


def route_paths(handlers: Iterable[Any]) -> Iterator[str]:
    """Every path the handlers and controllers answer, as declared (``/account/{id:int}``)."""
    for handler in handlers:
        if isinstance(handler, type) and issubclass(handler, Controller):
            declared = getattr(handler, "path", "/")
            base = declared if isinstance(declared, str) else "/"
            for klass in handler.__mro__:
                for member in vars(klass).values():
                    if isinstance(member, BaseRouteHandler):
                        for path in member.paths:
                            yield "/" + "/".join(part.strip("/") for part in (base, path) if part.strip("/"))
        elif isinstance(handler, BaseRouteHandler):
            yield from handler.paths


def route_prefixes(handlers: Iterable[Any]) -> set[str]:
    """The first segment of every path (``account`` for ``/account/login``), parameters left out."""
    prefixes = set()
    for path in route_paths(handlers):
        first = path.strip("/").split("/")[0]
        if first and not first.startswith("{"):
            prefixes.add(first)
    return prefixes
