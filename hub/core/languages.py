"""Which language to speak when no request decides it: the hub's default, or a recipient's own."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hub.core.facade import Hub

__all__ = ["default_language", "recipient_language"]


def default_language(hub: Hub) -> str:
    """The hub's default language as organisers set it (the site setting, else hub.toml)."""
    return str(hub.site("default_language") or hub.settings.default_language)


def recipient_language(hub: Hub, language: str | None) -> str:
    """A member's chosen language if the hub still offers it, else the hub's default language."""
    offered = hub.site("languages") or hub.settings.languages
    if language and language in offered and language in hub.catalogues.by_locale:
        return language
    return default_language(hub)
