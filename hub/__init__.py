"""Community Hub: a self-hostable, plugin-based hub for neighbourhood groups.

This module is the stable public API for plugin authors: import from ``hub``, not from
``hub.core.*`` (whose layout may change between releases).
"""

from __future__ import annotations

from typing import Any

import hub._lazy  # noqa: F401  (first: defers heavy imports our dependencies make at module level)
from hub.core.auth.permissions import PUBLIC, SIGNED_IN
from hub.core.deprecation import deprecated
from hub.core.hookspecs import hookimpl, hookspec
from hub.core.i18n import gettext, lazy_gettext, ngettext
from hub.core.plugins import PLUGIN_API_VERSION
from hub.core.types import (
    Actor,
    Event,
    Job,
    NavItem,
    NotificationType,
    Panel,
    Permission,
    PluginInfo,
    ReportedObject,
    SearchHit,
)
from hub.core.web.forms import Field, Form, FormResult, clean_text
from hub.core.web.util import redirect, safe_next

__version__ = "0.1.0"

__all__ = [
    "PLUGIN_API_VERSION",
    "PUBLIC",
    "SIGNED_IN",
    "Actor",
    "Event",
    "Field",
    "Form",
    "FormResult",
    "Job",
    "NavItem",
    "NotificationType",
    "Panel",
    "Permission",
    "PluginInfo",
    "ReportedObject",
    "SearchHit",
    "clean_text",
    "create_app",
    "deprecated",
    "gettext",
    "hookimpl",
    "hookspec",
    "lazy_gettext",
    "ngettext",
    "redirect",
    "safe_next",
]


def create_app(*args: Any, **kwargs: Any) -> Any:
    """Build a hub's Litestar app (see :func:`hub.core.app.create_app`)."""
    from hub.core.app import create_app as factory

    return factory(*args, **kwargs)
