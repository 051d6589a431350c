"""Value types that cross the plugin contract: what hooks receive and return."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import ModuleType
from typing import Any, Literal

from hub.core.i18n import Text

__all__ = [
    "ROLES",
    "Actor",
    "Event",
    "Job",
    "NavItem",
    "NotificationType",
    "Panel",
    "Permission",
    "PluginInfo",
    "ReportedObject",
    "SearchHit",
    "TaskType",
]

Role = Literal["member", "moderator", "admin"]
ROLES: tuple[Role, ...] = ("member", "moderator", "admin")
"""Roles in ascending order of trust. "moderator" is what organisers are called in the UI."""


@dataclass(frozen=True, slots=True)
class PluginInfo:
    """A plugin's metadata, declared as ``PLUGIN = PluginInfo(...)`` in its plugin module."""

    slug: str
    """One name used everywhere: URL prefix, table prefix, templates folder, config table.
    Lowercase letters and digits (single underscores may join words), 2 to 32 characters, and
    not a name the core uses (``admin``, ``account``, ``notifications``…)."""
    name: Text
    """Shown to people: pass ``lazy_gettext("…")`` so it appears in each reader's language."""
    description: Text = ""
    version: str = "0.0.0"
    requires_hub: str = ""
    """A plugin API version specifier such as ``">=1,<2"`` checked against ``hub.PLUGIN_API_VERSION``."""
    requires_plugins: tuple[str, ...] = ()
    """Slugs this plugin needs. It loads, migrates and seeds after them, and is left out without them."""
    hookspecs: ModuleType | None = None
    """A module of ``@hookspec`` functions this plugin defines for other plugins to implement."""
    settings: type | None = None
    """The type of ``[plugins.<slug>]`` in ``hub.toml``: a frozen dataclass (or ``msgspec.Struct``)
    with a default for every field. Checked and converted once at start; ``hub.config(slug)``
    returns the instance. Unknown keys and bad values leave the plugin out with a sentence."""
    settings_defaults: Mapping[str, Any] = field(default_factory=dict)
    """Deprecated (use ``settings``): untyped defaults for ``[plugins.<slug>]``; other keys are rejected."""


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is making a request: a signed-in member. Anonymous visitors are ``None``."""

    id: int
    display_name: str
    email: str
    role: Role
    status: str
    language: str | None = None

    @property
    def is_moderator(self) -> bool:
        return self.role in ("moderator", "admin")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True, slots=True)
class Permission:
    """A named permission (``<slug>.<verb>``) and who has it unless a hook says otherwise."""

    name: str
    description: Text
    """Shown to organisers in their language: pass ``lazy_gettext("…")``, never ``str(...)`` of it."""
    roles: tuple[str, ...] = ("member", "moderator", "admin")
    """Roles granted by default. Include ``"anonymous"`` to let visitors in."""


@dataclass(frozen=True, slots=True)
class NavItem:
    """A link in the main navigation."""

    label: Text
    href: str
    order: int = 100
    permission: str | None = None
    """Show only to actors with this permission (checked by the core)."""


@dataclass(frozen=True, slots=True)
class Panel:
    """A block on the home page: a heading and already-rendered HTML (``Markup``) or plain text."""

    title: Text
    body: Any
    order: int = 100
    slug: str = ""


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One search result; the core groups hits by ``group``."""

    group: str
    title: str
    href: str
    summary: str = ""
    when: datetime | None = None


@dataclass(frozen=True, slots=True)
class Event:
    """Something that happened, dispatched to ``on_event`` after its transaction committed."""

    name: str
    """``<slug>.<what>``, e.g. ``noticeboard.post_created`` or ``core.member_joined``."""
    actor_id: int | None = None
    data: Mapping[str, Any] = field(default_factory=dict)


DELIVERIES = ("off", "hub", "email", "digest")
"""How a member receives a notification type: not at all, in the hub only, an email at once, or
in the one daily/weekly digest (which also shows it in the hub)."""


@dataclass(frozen=True, slots=True)
class NotificationType:
    """A kind of notification a plugin sends, e.g. ``noticeboard.reply``."""

    key: str
    label: Text
    """Shown in each member's language: pass ``lazy_gettext("…")`` (or ``gettext`` inside the hook)."""
    description: Text = ""
    default_delivery: str = "digest"


@dataclass(frozen=True, slots=True)
class Job:
    """A periodic job: ``run(hub, now)`` every ``every``; runs once across all workers."""

    name: str
    every: timedelta
    run: Callable[[Any, datetime], Awaitable[Any]]
    description: Text = ""
    """Shown to organisers in their language: pass ``lazy_gettext("…")``."""


@dataclass(frozen=True, slots=True)
class TaskType:
    """A kind of one-off background work, queued with ``hub.enqueue(name, payload)``.

    A worker runs ``run(hub, payload)`` once; if it raises, the task is retried after a back-off
    (``retry_seconds``, doubling) until ``max_attempts`` attempts are used. A worker killed mid-task
    leaves it to another once its lease runs out, so ``run`` must be safe to start again.
    """

    name: str
    run: Callable[[Any, Mapping[str, Any]], Awaitable[Any]]
    max_attempts: int = 5
    retry_seconds: float = 30.0
    description: str = ""


@dataclass(frozen=True, slots=True)
class ReportedObject:
    """What the moderation queue shows about reported content, supplied by the plugin that owns it."""

    title: str
    url: str
    excerpt: str = ""
    author_id: int | None = None
    hidden: bool = False
