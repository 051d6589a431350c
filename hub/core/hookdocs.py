"""The hook reference (docs/plugins/hooks.md), generated from the hookspec docstrings.

``hub hook-docs`` writes it; tests/core/test_hook_docs.py fails when a hook is missing from the
page or the page documents a hook that does not exist, so the contract and its docs never drift.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from hub.core import hookspecs

__all__ = ["hookspec_functions", "render_hook_reference"]

INTRO = """# Hook reference

Generated from `hub/core/hookspecs.py` by `hub hook-docs`: edit the docstrings there, then
regenerate. A test fails if this page and the hookspecs disagree.

Implement a hook with a function of the same name in your plugin module, decorated with
`@hookimpl` (`from hub import hookimpl`). Accept only the arguments you need.
See the [tutorial](tutorial.md) for a worked example.
"""

PLUGIN_DEFINED = """## Hooks defined by plugins

A plugin can define hooks for others (`PluginInfo(hookspecs=module)`). Implement them with
`@hookimpl(optionalhook=True)` so your plugin still loads when the defining plugin is absent.

- `profile_sections(hub, member_id, viewer)` (defined by the **directory** plugin): return a list
  of `hub.Panel` shown on a member's profile. `viewer` is the `hub.Actor` looking (or `None`):
  show only what they may see. May be async.
"""


def hookspec_functions() -> list[tuple[str, Callable[..., Any]]]:
    """Every core hookspec, in the order the contract file declares them."""
    marker = f"{hookspecs.PROJECT_NAME}_spec"
    found = [
        (name, function)
        for name, function in inspect.getmembers(hookspecs, inspect.isfunction)
        if hasattr(function, marker)
    ]
    return sorted(found, key=lambda pair: pair[1].__code__.co_firstlineno)


def _signature(name: str, function: Callable[..., Any]) -> str:
    return f"{name}({', '.join(inspect.signature(function).parameters)})"


def render_hook_reference() -> str:
    specs = hookspec_functions()
    parts = [INTRO, "## Rules for every hook\n", inspect.cleandoc(hookspecs.__doc__ or "").split("\n\n", 1)[-1], ""]
    parts.append("## Core hooks\n")
    parts.extend(f"- [`{name}`](#{name})" for name, _ in specs)
    parts.append("")
    for name, function in specs:
        parts.append(f"### {name}\n")
        parts.append(f"`{_signature(name, function)}`\n")
        parts.append(inspect.cleandoc(function.__doc__ or "Undocumented."))
        parts.append("")
    parts.append(PLUGIN_DEFINED)
    return "\n".join(parts).rstrip() + "\n"
