"""``[plugins.directory]`` in hub.toml: checked and converted once, when the hub starts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from msgspec import Meta

__all__ = ["DirectorySettings"]

Positive = Annotated[int, Meta(ge=1)]


@dataclass(frozen=True, slots=True)
class DirectorySettings:
    """What organisers may tune in hub.toml (``hub.config("directory")`` returns one of these)."""

    public_listing: bool = False
    """Let visitors who are not signed in browse the directory."""
    browse_limit: Positive = 120
    """List, search and profile views one member (or address) may make per window, against scraping."""
    browse_window_minutes: Positive = 10
    page_size: Annotated[int, Meta(ge=1, le=50)] = 24
    max_photo_bytes: Positive = 3_000_000
