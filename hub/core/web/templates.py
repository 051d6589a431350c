"""The shared Jinja2 environment and its loader chain.

Lookup order: the hub folder's ``templates/`` (a community's overrides) → each plugin's
``templates/`` → the core's. An override can extend what it replaces with
``{% extends "original:base.html" %}`` (everything but the hub folder) or name a source directly
with ``core:``/``<slug>:`` prefixes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

import jinja2
from babel.dates import format_date, format_datetime, format_timedelta
from babel.numbers import format_decimal
from markupsafe import Markup

from hub.core.i18n import current_locale, gettext, ngettext
from hub.core.markdown import render_markdown

__all__ = ["CORE_TEMPLATES", "build_environment"]

CORE_TEMPLATES = Path(__file__).parent.parent / "templates"


def _format_datetime(value: datetime | None, format: str = "medium") -> str:
    if value is None:
        return ""
    return format_datetime(value, format=format, locale=current_locale())


def _format_date(value: date | datetime | None, format: str = "medium") -> str:
    if value is None:
        return ""
    return format_date(value, format=format, locale=current_locale())


def _format_number(value: float | int) -> str:
    return format_decimal(value, locale=current_locale())


def _timesince(value: datetime | None) -> str:
    if value is None:
        return ""
    from datetime import UTC

    delta = value - datetime.now(UTC)
    return format_timedelta(delta, add_direction=True, locale=current_locale())


def _markdown(text: str | None) -> Markup:
    return Markup(render_markdown(text or ""))  # noqa: S704 - sanitised by nh3 in render_markdown


def build_environment(
    instance_dir: Path | None, plugin_dirs: Mapping[str, Path], extra_globals: Mapping[str, Any] | None = None
) -> jinja2.Environment:
    originals: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(str(p)) for p in plugin_dirs.values()]
    originals.append(jinja2.FileSystemLoader(str(CORE_TEMPLATES)))
    prefixed: dict[str, jinja2.BaseLoader] = {
        "original": jinja2.ChoiceLoader(originals),
        "core": jinja2.FileSystemLoader(str(CORE_TEMPLATES)),
        **{slug: jinja2.FileSystemLoader(str(path)) for slug, path in plugin_dirs.items()},
    }
    chain: list[jinja2.BaseLoader] = []
    if instance_dir is not None and instance_dir.is_dir():
        chain.append(jinja2.FileSystemLoader(str(instance_dir)))
    chain.extend(originals)
    chain.append(jinja2.PrefixLoader(prefixed, delimiter=":"))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(chain),
        autoescape=jinja2.select_autoescape(["html", "xml", "svg"], default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        cache_size=800,
    )
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(
        datetime=_format_datetime,
        date=_format_date,
        number=_format_number,
        timesince=_timesince,
        markdown=_markdown,
    )
    env.globals.update(extra_globals or {})
    return env


def template_dirs(dirs: Iterable[tuple[str, Path | None]]) -> dict[str, Path]:
    return {slug: path for slug, path in dirs if path is not None}
