"""Calling hooks: await-aware, one implementation at a time, each failure isolated by plugin.

pluggy calls implementations itself but never awaits them and stops at the first exception.
These helpers walk the implementations in pluggy's order instead (the last registered first,
``tryfirst``/``trylast`` respected), await coroutine results, skip plugins switched off at run
time, and record a raising plugin without stopping the call. ``load_order=True`` walks them in the
registry's load order instead (the core, then each plugin after those it requires), for hooks
whose work builds on other plugins' (seeding, demo data, start-up).
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any

from hub.core.plugins import PluginRegistry

__all__ = ["call_first", "call_hook_sync", "gather_hook", "gather_hook_by_plugin"]


def _implementations(
    registry: PluginRegistry, name: str, load_order: bool = False, include_disabled: bool = False
) -> Iterator[Any]:
    hook = getattr(registry.pm.hook, name)
    # pluggy keeps implementations in ascending priority; it calls them last-first.
    impls = list(reversed(hook.get_hookimpls()))
    if load_order:
        impls.sort(key=lambda impl: registry.load_order(impl.plugin_name))
    for impl in impls:
        if impl.plugin_name in registry.disabled and not include_disabled:
            continue
        yield impl


def _arguments(impl: Any, kwargs: dict[str, Any]) -> list[Any]:
    return [kwargs[argname] for argname in impl.argnames]


async def gather_hook_by_plugin(
    registry: PluginRegistry, name: str, *, load_order: bool = False, include_disabled: bool = False, **kwargs: Any
) -> list[tuple[str, Any]]:
    """Every non-``None`` result with the name of the plugin that gave it. ``include_disabled``
    also calls plugins an organiser switched off (their tables are kept, and migrated, too)."""
    results: list[tuple[str, Any]] = []
    for impl in _implementations(registry, name, load_order, include_disabled):
        try:
            result = impl.function(*_arguments(impl, kwargs))
            if inspect.isawaitable(result):
                result = await result
        except Exception as error:
            registry.fail(impl.plugin_name, f"hook:{name}", error)
            continue
        if result is not None:
            results.append((impl.plugin_name, result))
    return results


async def gather_hook(
    registry: PluginRegistry, name: str, *, load_order: bool = False, include_disabled: bool = False, **kwargs: Any
) -> list[Any]:
    """Every result, with list/tuple results flattened into one list."""
    flat: list[Any] = []
    results = await gather_hook_by_plugin(
        registry, name, load_order=load_order, include_disabled=include_disabled, **kwargs
    )
    for _, result in results:
        if isinstance(result, list | tuple):
            flat.extend(result)
        else:
            flat.append(result)
    return flat


async def call_first(registry: PluginRegistry, name: str, **kwargs: Any) -> Any:
    """The first non-``None`` result, awaiting as it goes; later implementations are not called."""
    for impl in _implementations(registry, name):
        try:
            result = impl.function(*_arguments(impl, kwargs))
            if inspect.isawaitable(result):
                result = await result
        except Exception as error:
            registry.fail(impl.plugin_name, f"hook:{name}", error)
            continue
        if result is not None:
            return result
    return None


def call_hook_sync(
    registry: PluginRegistry, name: str, *, load_order: bool = False, **kwargs: Any
) -> list[tuple[str, Any]]:
    """For start-up hooks that must not be async (routes, tables, permissions)."""
    results: list[tuple[str, Any]] = []
    for impl in _implementations(registry, name, load_order):
        try:
            result = impl.function(*_arguments(impl, kwargs))
            if inspect.iscoroutine(result):
                result.close()
                raise TypeError(f"hook {name} must not be async")
        except Exception as error:
            registry.fail(impl.plugin_name, f"hook:{name}", error)
            continue
        if result is not None:
            results.append((impl.plugin_name, result))
    return results
