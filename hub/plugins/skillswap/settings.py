"""``[plugins.skillswap]`` in hub.toml: checked and converted once, when the hub starts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from msgspec import Meta

__all__ = ["SwapSettings"]

Positive = Annotated[int, Meta(ge=1)]
NotNegative = Annotated[int, Meta(ge=0)]


@dataclass(frozen=True, slots=True)
class SwapSettings:
    """What organisers may tune in hub.toml (``hub.config("skillswap")`` returns one of these)."""

    time_credits: bool = False
    """Keep a ledger of hours given and received; false is gift mode (no credits at all)."""
    public_listings: bool = False
    """Let visitors who are not signed in browse offers and requests."""
    listing_days: Positive = 90
    """How long an offer or request stays up before it must be renewed."""
    starter_credits: Annotated[float, Meta(ge=0)] = 2
    """Hours of credit each new member starts with (time credits only)."""
    default_min_balance: float | None = -20
    """The lowest balance a member may reach, in hours, unless a coordinator set their own limit."""
    default_max_balance: float | None = 100
    refuse_over_limit: bool = False
    """False: a transfer crossing a limit goes through and coordinators are alerted; true: it is refused."""
    match_notify_cap: NotNegative = 20
    """At most this many members are told about a new listing that matches theirs."""
    confirm_reminder_days: Positive = 3
    import_max_bytes: Positive = 200_000
    import_max_hours: Annotated[float, Meta(gt=0)] = 24

    @property
    def starter_minutes(self) -> int:
        return int(self.starter_credits * 60)
