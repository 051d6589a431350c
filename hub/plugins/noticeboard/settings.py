"""``[plugins.noticeboard]`` in hub.toml: checked and converted once, when the hub starts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from msgspec import Meta

__all__ = ["BoardSettings"]

Positive = Annotated[int, Meta(ge=1)]
NotNegative = Annotated[int, Meta(ge=0)]


@dataclass(frozen=True, slots=True)
class BoardSettings:
    """What organisers may tune in hub.toml (``hub.config("noticeboard")`` returns one of these)."""

    new_member_days: NotNegative = 7
    """How long a member counts as new (and limited), in days; 0 switches the limits off."""
    new_member_posts_per_day: Positive = 3
    new_member_links_per_post: NotNegative = 1
    max_image_bytes: Positive = 5 * 1024 * 1024
    """The largest photo a notice may carry (the hub's ``max_upload_bytes`` still applies)."""
    page_size: Annotated[int, Meta(ge=1, le=100)] = 20
    replies_page_size: Annotated[int, Meta(ge=1, le=200)] = 50
    reminder_days: NotNegative = 2
    """Days before a notice expires that its author is reminded."""
