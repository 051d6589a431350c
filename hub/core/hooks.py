"""Calling hooks: await-aware, one implementation at a time, each failure isolated by plugin.

pluggy calls implementations itself but never awaits them and stops at the first exception.
These helpers walk the implementations in pluggy's order instead, await coroutine results, skip
plugins switched off at run time, and record a raising plugin without stopping the call.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any

from hub.core.plugins import PluginRegistry

__all__ = ["call_first", "call_hook_sync", "gather_hook", "gather_hook_by_plugin"]


def _implementations(registry: PluginRegistry, name: str) -> Iterator[Any]:
    hook = getattr(registry.pm.hook, name)
    # pluggy keeps implementations in ascending priority; it calls them last-first.
    for impl in reversed(hook.get_hookimpls()):
        if impl.plugin_name in registry.disabled:
            continue
        yield impl


def _arguments(impl: Any, kwargs: dict[str, Any]) -> list[Any]:
    return [kwargs[argname] for argname in impl.argnames]


async def gather_hook_by_plugin(registry: PluginRegistry, name: str, **kwargs: Any) -> list[tuple[str, Any]]:
    """Every non-``None`` result with the name of the plugin that gave it."""
    results: list[tuple[str, Any]] = []
    for impl in _implementations(registry, name):
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


async def gather_hook(registry: PluginRegistry, name: str, **kwargs: Any) -> list[Any]:
    """Every result, with list/tuple results flattened into one list."""
    flat: list[Any] = []
    for _, result in await gather_hook_by_plugin(registry, name, **kwargs):
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


def call_hook_sync(registry: PluginRegistry, name: str, **kwargs: Any) -> list[tuple[str, Any]]:
    """For start-up hooks that must not be async (routes, tables, permissions)."""
    results: list[tuple[str, Any]] = []
    for impl in _implementations(registry, name):
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
