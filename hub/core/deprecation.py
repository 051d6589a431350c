"""Deprecating part of the plugin API: warn for one release, then remove.

Policy: anything in the public surface (``hub`` re-exports, hookspecs, ``hub.testing`` fixtures)
that is going away keeps working for at least one release while it emits a
``DeprecationWarning`` naming the release that removes it and what to use instead.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["deprecated", "deprecation_message"]

F = TypeVar("F", bound=Callable[..., Any])


def deprecation_message(name: str, since: str, removal: str, alternative: str = "") -> str:
    message = f"{name} is deprecated since Community Hub {since} and will be removed in {removal}."
    return f"{message} Use {alternative} instead." if alternative else message


def deprecated(since: str, removal: str, alternative: str = "") -> Callable[[F], F]:
    """Mark a function or class as deprecated: its first use warns once (``DeprecationWarning``).

    ``@deprecated(since="1.2", removal="1.3", alternative="hub.notify()")``
    """

    def decorate(target: F) -> F:
        name = getattr(target, "__qualname__", repr(target))
        message = deprecation_message(name, since, removal, alternative)
        warned = False

        def warn_once() -> None:
            nonlocal warned
            if not warned:
                warned = True
                warnings.warn(message, DeprecationWarning, stacklevel=3)

        if isinstance(target, type):
            original_init = target.__init__  # type: ignore[misc]

            @functools.wraps(original_init)
            def init(self: Any, *args: Any, **kwargs: Any) -> None:
                warn_once()
                original_init(self, *args, **kwargs)

            target.__init__ = init  # type: ignore[misc]
            target.__deprecated__ = message  # type: ignore[attr-defined]
            return target

        @functools.wraps(target)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            warn_once()
            return target(*args, **kwargs)

        wrapper.__deprecated__ = message  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate
