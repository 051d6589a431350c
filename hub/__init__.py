"""Community Hub: a self-hostable, plugin-based hub for neighbourhood groups.

This module is the stable public API for plugin authors: import from ``hub``, not from
``hub.core.*`` (whose layout may change between releases).
"""

from __future__ import annotations

from typing import Any

import hub._lazy  # noqa: F401  (first: defers heavy imports our dependencies make at module level)
from hub.core.auth.passwords import password_problem
from hub.core.auth.permissions import PUBLIC, SIGNED_IN
from hub.core.deprecation import deprecated
from hub.core.hooks import call_first, gather_hook
from hub.core.hookspecs import hookimpl, hookspec
from hub.core.i18n import Text, current_locale, gettext, lazy_gettext, lazy_text, ngettext
from hub.core.markdown import count_links, render_markdown
from hub.core.members.service import EmailTaken, create_member, set_password
from hub.core.members.tables import Member
from hub.core.moderation.service import record_action
from hub.core.plugins import PLUGIN_API_VERSION
from hub.core.prepared import Param, Prepared
from hub.core.relay.service import RelayRefused
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
    TaskType,
)
from hub.core.web.forms import Field, Form, FormResult, clean_text
from hub.core.web.fragments import cached_macro
from hub.core.web.util import client_address, redirect, safe_next

__version__ = "0.1.0"

__all__ = [
    "PLUGIN_API_VERSION",
    "PUBLIC",
    "SIGNED_IN",
    "Actor",
    "EmailTaken",
    "Event",
    "Field",
    "Form",
    "FormResult",
    "Job",
    "Member",
    "NavItem",
    "NotificationType",
    "Panel",
    "Param",
    "Permission",
    "PluginInfo",
    "Prepared",
    "RelayRefused",
    "ReportedObject",
    "SearchHit",
    "TaskType",
    "Text",
    "cached_macro",
    "call_first",
    "clean_text",
    "client_address",
    "count_links",
    "create_app",
    "create_member",
    "current_locale",
    "deprecated",
    "gather_hook",
    "gettext",
    "hookimpl",
    "hookspec",
    "lazy_gettext",
    "lazy_text",
    "ngettext",
    "password_problem",
    "record_action",
    "redirect",
    "render_markdown",
    "safe_next",
    "set_password",
]


def create_app(*args: Any, **kwargs: Any) -> Any:
    """Build a hub's Litestar app (see :func:`hub.core.app.create_app`)."""
    from hub.core.app import create_app as factory

    return factory(*args, **kwargs)
