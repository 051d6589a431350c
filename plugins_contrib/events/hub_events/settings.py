"""``[plugins.events]`` in hub.toml: checked and converted once, when the hub starts."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["EventsSettings"]


@dataclass(frozen=True, slots=True)
class EventsSettings:
    """What organisers may tune in hub.toml (``hub.config("events")`` returns one of these)."""

    timezone: str = "UTC"
    """The time zone new events start in (each event keeps its own), e.g. ``Europe/London``."""

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"timezone: {self.timezone!r} is not a time zone name such as Europe/London") from None
