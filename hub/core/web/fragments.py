"""Memoised list items: a macro's HTML, keyed by everything it is rendered from.

A page of twenty notices or people spends most of its time rendering the same items again and
again. :func:`cached_macro` wraps one macro: the key is the language plus every argument —
each dict row frozen with *all* its values — so an item is rendered again exactly when anything
it could show has changed. There is nothing to invalidate and nothing can go stale; the cache is
a bounded LRU per process. Arguments must describe the item completely (pass ``is_new``, not the
viewer's last visit) and be hashable once rows are frozen; anything else renders uncached.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import jinja2
from markupsafe import Markup

from hub.core.i18n import current_locale

__all__ = ["cached_macro"]

_DICT = object()
_LIST = object()


def _freeze(value: Any) -> Any:
    """Rows and lists as hashable tuples, marked so they thaw back to what the macro was given."""
    kind = type(value)
    if kind is dict:
        return (
            _DICT,
            tuple([(key, _freeze(item) if type(item) in _CONTAINERS else item) for key, item in value.items()]),
        )
    if kind is list:
        return (_LIST, tuple([_freeze(item) if type(item) in _CONTAINERS else item for item in value]))
    return value


_CONTAINERS = frozenset({dict, list})


def _thaw(value: Any) -> Any:
    if type(value) is tuple and len(value) == 2:
        if value[0] is _DICT:
            return {key: _thaw(item) for key, item in value[1]}
        if value[0] is _LIST:
            return [_thaw(item) for item in value[1]]
    return value


def cached_macro(env: jinja2.Environment, template: str, macro: str, maxsize: int = 2048) -> Callable[..., Markup]:
    """A callable (for ``env.globals``) that renders ``macro`` from ``template`` through an LRU cache."""

    def render(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Markup:
        # The template's module: rendered without a request's context, as an imported macro is.
        function = getattr(env.get_template(template).module, macro)
        return Markup(function(*args, **kwargs))  # noqa: S704 - output of an autoescaped macro

    @functools.lru_cache(maxsize=maxsize)
    def cached(locale: str, args: tuple[Any, ...], kwargs: tuple[tuple[str, Any], ...]) -> Markup:
        return render(tuple(_thaw(a) for a in args), {name: _thaw(v) for name, v in kwargs})

    def call(*args: Any, **kwargs: Any) -> Markup:
        frozen_args = tuple([_freeze(a) for a in args])
        frozen_kwargs = tuple((name, _freeze(kwargs[name])) for name in sorted(kwargs))
        try:
            return cached(current_locale(), frozen_args, frozen_kwargs)
        except TypeError:  # an unhashable value somewhere in a row: render it, uncached
            return render(args, kwargs)

    call.cache_info = cached.cache_info  # type: ignore[attr-defined]
    call.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
    return call
