"""The plugin contract's rules, checked when a plugin loads.

One slug names a plugin everywhere (URL prefix, Piccolo app, table prefix, permission and config
namespace), so a plugin that strays outside it would clash with the core or another plugin at
run time, far from the cause. These checks refuse it at start instead, each with one sentence
naming what to change; the registry records it as the plugin's failure (fatal in strict mode).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pluggy

__all__ = [
    "MAX_SLUG_LENGTH",
    "PluginContractError",
    "PluginError",
    "db_app_problems",
    "permission_problems",
    "slug_problem",
    "wrapper_hookimpls",
    "wrapper_message",
]

MAX_SLUG_LENGTH = 30
_SLUG = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")


class PluginError(RuntimeError):
    """A plugin could not be loaded or started (raised only in strict mode)."""


class PluginContractError(PluginError):
    """A plugin breaks a rule of the contract; the message says which and how to fix it."""


def slug_problem(slug: object, reserved: Mapping[str, str]) -> str | None:
    """Why ``slug`` cannot name a plugin, or ``None``."""
    if not isinstance(slug, str) or not _SLUG.fullmatch(slug) or not 2 <= len(slug) <= MAX_SLUG_LENGTH:
        return (
            f"slug {slug!r} must be 2 to {MAX_SLUG_LENGTH} lowercase letters and digits, starting with a letter "
            "(single underscores may join words): it becomes the URL prefix, table prefix and config table"
        )
    if slug in reserved:
        return f"slug {slug!r} is reserved ({reserved[slug]}): choose another"
    return None


def wrapper_hookimpls(pm: pluggy.PluginManager, plugin: object) -> list[str]:
    """Names of the hooks ``plugin`` implements as a pluggy wrapper."""
    found = []
    for caller in pm.get_hookcallers(plugin) or []:
        for impl in caller.get_hookimpls():
            if impl.plugin is plugin and (impl.hookwrapper or impl.wrapper):
                found.append(caller.name)
    return sorted(found)


def wrapper_message(hooks: Sequence[str]) -> str:
    return (
        f"hookimpl(s) {', '.join(hooks)} are wrappers (hookwrapper=True or wrapper=True), which the hub does not "
        "run: it calls each implementation itself to await async ones. Use a plain @hookimpl, with "
        "tryfirst=True or trylast=True where order matters"
    )


def _table_name(table: Any) -> str:
    return str(table._meta.tablename)


def _referenced_tables(table: Any) -> Iterable[str]:
    for column in table._meta.foreign_key_columns:
        try:
            target = column._foreign_key_meta.resolved_references
        except Exception:  # noqa: S112 - an unresolvable reference fails later, in Piccolo, with its own message
            continue
        yield _table_name(target)


def db_app_problems(
    slug: str, apps: Sequence[Any], requires: Sequence[str], owners: Mapping[str, str], core_app: str
) -> list[str]:
    """What is wrong with the Piccolo apps ``slug`` declared.

    ``owners`` maps every declared table name to the app that declares it, so a foreign key into
    another plugin's table can be checked against ``requires``: that plugin must migrate first.
    """
    problems = []
    if len(apps) > 1:
        problems.append(f"it declares {len(apps)} Piccolo apps; a plugin has one, with app_name={slug!r}")
    for app in apps:
        if app.app_name != slug:
            problems.append(f"its Piccolo app is named {app.app_name!r}: use AppConfig(app_name={slug!r}, ...)")
        for table in app.table_classes:
            name = _table_name(table)
            if not name.startswith(f"{slug}_"):
                problems.append(
                    f"its table {name!r} ({table.__name__}) must be named {slug}_<thing>, "
                    f'e.g. class {table.__name__}(Table, tablename="{slug}_{name}")'
                )
            for target in _referenced_tables(table):
                owner = owners.get(target)
                if owner is None:
                    problems.append(f"its table {name!r} refers to {target!r}, which no loaded plugin declares")
                elif owner not in (slug, core_app) and owner not in requires:
                    problems.append(
                        f"its table {name!r} refers to {target!r} of plugin {owner!r}: "
                        f"add {owner!r} to requires_plugins so that plugin loads and migrates first"
                    )
    return problems


def permission_problems(slug: str, permissions: Iterable[Any]) -> list[str]:
    """Permissions a plugin declared outside its own ``<slug>.`` namespace."""
    return [
        f"its permission {permission.name!r} is outside its namespace: name it {slug}.<verb>"
        for permission in permissions
        if not str(getattr(permission, "name", "")).startswith(f"{slug}.")
    ]
