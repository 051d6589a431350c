"""Matching: tell members whose listings fit a new one (a request meets offers, and the reverse)."""

from __future__ import annotations

from datetime import datetime
from functools import reduce
from typing import TYPE_CHECKING, Any

from hub import lazy_gettext as _l
from hub.plugins.skillswap.listings import format_tags
from hub.plugins.skillswap.tables import Listing

if TYPE_CHECKING:
    from hub.core.facade import Hub

__all__ = ["notify_matches"]


async def find_matching_owners(listing: dict[str, Any], now: datetime, cap: int, vetted_only: bool) -> list[int]:
    """Owners of live listings of the other kind sharing the category or a tag (poster excluded)."""
    other = "offer" if listing["kind"] == "request" else "request"
    condition: Any = Listing.category == listing["category"]
    tags = format_tags(listing["tags"])
    if tags:
        condition = reduce(
            lambda acc, tag: acc | Listing.tags.like(f"%,{tag.replace('%', '').replace('_', '')},%"), tags, condition
        )
    query = (
        Listing.select(Listing.owner)
        .where(
            Listing.kind == other,
            Listing.status == "open",
            Listing.hidden.eq(False),
            Listing.expires_at > now,
            Listing.owner != listing["owner"],
            Listing.owner.status == "active",
            condition,
        )
        .order_by(Listing.id, ascending=False)
        .limit(cap * 5)
    )
    if vetted_only:
        query = query.where(Listing.owner.vetted == True)  # noqa: E712 - a SQL comparison, not a Python one
    owners: list[int] = []
    for row in await query.run():
        owner = int(row["owner"])
        if owner not in owners:
            owners.append(owner)
        if len(owners) >= cap:
            break
    return owners


async def notify_matches(hub: Hub, listing: dict[str, Any], now: datetime, vetted_only: bool) -> list[int]:
    """Notify up to ``match_notify_cap`` matching members (their delivery settings are the core's job)."""
    cap = hub.config("skillswap").match_notify_cap
    owners = await find_matching_owners(listing, now, cap, vetted_only)
    if listing["kind"] == "request":
        title = _l("Someone needs help that matches your offer: %(title)s", title=listing["title"])
    else:
        title = _l("Someone offers help that matches your request: %(title)s", title=listing["title"])
    for owner in owners:
        await hub.notify(
            owner,
            "skillswap.match",
            title,
            url=f"/skillswap/{listing['id']}",
            dedupe_key=f"skillswap.match:{listing['id']}:{owner}",
        )
    return owners
