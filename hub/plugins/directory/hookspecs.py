"""Hooks the directory defines for other plugins (registered through ``PluginInfo(hookspecs=...)``).

Implement them with ``@hookimpl(optionalhook=True)`` so your plugin still loads on a hub that runs
without the directory.
"""

from __future__ import annotations

from typing import Any

from hub import hookspec

__all__ = ["profile_sections"]


@hookspec
def profile_sections(hub: Any, member_id: int, viewer: Any) -> Any:
    """Add sections to a member's directory profile page (their offers, their notices…).

    When: each time a listed member's profile is shown (``/directory/<id>``); not for organiser-made
    entries that have no account yet.
    Arguments: ``member_id`` is the profile owner's member id; ``viewer`` is the :class:`hub.Actor`
    looking (``None`` for a visitor when the directory is public). Show only what ``viewer`` may see.
    Returns: a list of :class:`hub.Panel` whose body is ``Markup`` from ``hub.render_fragment`` or
    plain text (escaped); return nothing when the section would be empty.
    Async: may be. Combined: flattened and sorted by ``Panel.order`` then title; a raising
    implementation is reported and skipped, the page still renders.
    """
