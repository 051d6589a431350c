"""The shared Jinja2 environment and its loader chain.

Lookup order: the hub folder's ``templates/`` (a community's overrides) → each plugin's
``templates/`` → the core's. An override can extend what it replaces with
``{% extends "original:base.html" %}`` (everything but the hub folder) or name a source directly
with ``core:``/``<slug>:`` prefixes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from babel import Locale
from babel.dates import format_date, format_datetime, format_timedelta
from babel.numbers import format_decimal
from jinja2.nodes import EvalContext
from litestar.utils.scope.state import ScopeState
from markupsafe import Markup, escape

from hub.core.i18n import current_locale, gettext, ngettext, translate, translate_plural
from hub.core.markdown import render_markdown
from hub.core.web.middleware import CURRENT_SCOPE

__all__ = ["CORE_TEMPLATES", "build_environment"]

CORE_TEMPLATES = Path(__file__).parent.parent / "templates"


@lru_cache(maxsize=32)
def _locale(code: str) -> Locale:
    # Locale.parse on every filter call was a tenth of a list page's rendering time.
    return Locale.parse(code)


def _format_datetime(value: datetime | None, format: str = "medium") -> str:
    if value is None:
        return ""
    return format_datetime(value, format=format, locale=_locale(current_locale()))


@lru_cache(maxsize=4096)
def _formatted_day(day: date, format: str, locale: str) -> str:
    # A page of twenty notices shows a handful of distinct days: format each once.
    return format_date(day, format=format, locale=_locale(locale))


def _format_date(value: date | datetime | None, format: str = "medium") -> str:
    if value is None:
        return ""
    day = value.date() if isinstance(value, datetime) else value
    return _formatted_day(day, format, current_locale())


def _format_number(value: float | int) -> str:
    return format_decimal(value, locale=_locale(current_locale()))


def _timesince(value: datetime | None) -> str:
    if value is None:
        return ""
    from datetime import UTC

    delta = value - datetime.now(UTC)
    return format_timedelta(delta, add_direction=True, locale=current_locale())


_NUMBERS = frozenset({int, float})


def _escaped(value: Any) -> Any:
    # Numbers stay numbers so "%(num)d" works; everything else is escaped once, as Markup.__mod__ would.
    return value if type(value) in _NUMBERS else escape(value)


def _format(eval_ctx: EvalContext, text: str, variables: dict[str, Any]) -> str:
    # Like Jinja's "newstyle" gettext: always a format string, variables escaped under autoescape.
    if eval_ctx.autoescape:
        return Markup(text % {name: _escaped(value) for name, value in variables.items()})  # noqa: S704
    return text % variables


@jinja2.pass_eval_context
def _template_gettext(eval_ctx: EvalContext, message: str, **variables: Any) -> str:
    """``_()`` in templates: one call instead of Jinja's three layers of context calls per string."""
    return _format(eval_ctx, translate(message), variables)


@jinja2.pass_eval_context
def _template_ngettext(eval_ctx: EvalContext, singular: str, plural: str, n: int, **variables: Any) -> str:
    variables.setdefault("num", n)
    return _format(eval_ctx, translate_plural(singular, plural, n), variables)


class HubEnvironment(jinja2.Environment):
    """Looks a dict's keys up before its attributes: rows are dicts, and the miss was an exception."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


def _current_csrf_token() -> str:
    """The CSRF token of the request being rendered: lets form macros be imported without context
    (a module imported ``with context`` is rendered again on every page)."""
    scope = CURRENT_SCOPE.get()
    if scope is None:
        return ""
    token = ScopeState.from_scope(scope).csrf_token
    return token if isinstance(token, str) else ""


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
    env = HubEnvironment(
        loader=jinja2.ChoiceLoader(chain),
        autoescape=jinja2.select_autoescape(["html", "xml", "svg"], default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        cache_size=800,
    )
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(
        _=_template_gettext,
        gettext=_template_gettext,
        ngettext=_template_ngettext,
        current_csrf_token=_current_csrf_token,
    )
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
