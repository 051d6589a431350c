"""The urgent banner on every page, cached briefly in each process so pages gain no query.

The cache lives beside the hub it belongs to (a weak mapping keyed by the ``Hub``), so test hubs
and several hubs in one process never share it. Organiser actions in this process clear it at
once; other processes see the change within ``TTL_SECONDS``.
"""

from __future__ import annotations

import time
import weakref
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from hub import Actor
from hub import gettext as _
from hub.plugins.noticeboard.service import now, visible_condition
from hub.plugins.noticeboard.tables import Post

__all__ = ["TTL_SECONDS", "banner_html", "forget"]

TTL_SECONDS = 5.0


@dataclass
class _Cached:
    loaded_at: float = -1e9
    rows: list[dict[str, Any]] = field(default_factory=list)


_caches: weakref.WeakKeyDictionary[Any, _Cached] = weakref.WeakKeyDictionary()


def forget(hub: Any) -> None:
    """Drop this process's copy (after an organiser changed a notice)."""
    _caches.pop(hub, None)


async def _urgent_rows(hub: Any) -> list[dict[str, Any]]:
    cached = _caches.get(hub)
    if cached is not None and time.monotonic() - cached.loaded_at < TTL_SECONDS:
        return cached.rows
    rows: list[dict[str, Any]] = (
        await Post.select(Post.id, Post.title, Post.audience)
        .where(Post.urgent.eq(True) & visible_condition(None, now(), include_expired=False, public_only=False))
        .order_by(Post.created_at, ascending=False)
        .limit(3)
        .run()
    )
    _caches[hub] = _Cached(time.monotonic(), rows)
    return rows


async def banner_html(hub: Any, actor: Actor | None) -> Markup | None:
    signed_in = actor is not None and actor.status == "active"
    rows = [r for r in await _urgent_rows(hub) if r["audience"] == "public" or signed_in]
    if not rows:
        return None
    row = rows[0]
    return Markup(
        '<div class="banner-urgent" role="alert"><p>{label} <a href="/noticeboard/{id}">{title}</a></p></div>'
    ).format(label=_("Urgent:"), id=row["id"], title=row["title"])
