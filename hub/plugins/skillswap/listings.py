"""Listings: offers ("I can help with…") and requests ("I need…"), and the queries that list them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from hub import lazy_gettext as _l
from hub.plugins.skillswap.tables import Listing

__all__ = [
    "KINDS",
    "MODES",
    "Filters",
    "format_tags",
    "listing_page",
    "normalise_tags",
    "parse_tags",
]

KINDS = {"offer": _l("Offer"), "request": _l("Request")}
MODES = {"either": _l("In person or remote"), "in_person": _l("In person"), "remote": _l("Remote")}
MAX_TAGS = 10
PAGE_SIZE = 20


def parse_tags(text: str) -> list[str]:
    """Free tags from "garden, Tools ,  bikes" → ["garden", "tools", "bikes"] (deduplicated, short)."""
    seen: list[str] = []
    for part in text.replace(";", ",").replace("،", ",").replace("、", ",").split(","):  # Arabic/CJK commas
        tag = " ".join(part.split()).lower()[:30]
        if tag and tag not in seen:
            seen.append(tag)
    return seen[:MAX_TAGS]


def normalise_tags(text: str) -> str:
    tags = parse_tags(text)
    return f",{','.join(tags)}," if tags else ""


def format_tags(stored: str) -> list[str]:
    return [tag for tag in stored.split(",") if tag]


def expiry_from(now: datetime, config: Mapping[str, Any]) -> datetime:
    return now + timedelta(days=int(config.get("listing_days", 90)))


@dataclass(frozen=True, slots=True)
class Filters:
    kind: str = ""
    category: int | None = None
    tag: str = ""
    area: str = ""

    def query_string(self) -> str:
        from urllib.parse import urlencode

        pairs = {"kind": self.kind, "category": self.category or "", "tag": self.tag, "area": self.area}
        return urlencode({k: v for k, v in pairs.items() if v})


def _columns() -> list[Any]:
    return [
        Listing.id,
        Listing.kind,
        Listing.title,
        Listing.tags,
        Listing.area,
        Listing.mode,
        Listing.availability,
        Listing.created_at,
        Listing.expires_at,
        Listing.owner,
        Listing.category,
        Listing.owner.display_name.as_alias("owner_name"),
        Listing.category.slug.as_alias("category_slug"),
        Listing.category.name.as_alias("category_name"),
    ]


async def listing_page(
    filters: Filters, now: datetime, *, before: int | None = None, after: int | None = None, size: int = PAGE_SIZE
) -> tuple[list[dict[str, Any]], int | None, int | None]:
    """One page of open listings, newest first, keyset-paginated by id (one query).

    Returns (rows, id for an "older" link, id for a "newer" link).
    """
    query = Listing.select(*_columns()).where(
        Listing.status == "open", Listing.hidden.eq(False), Listing.expires_at > now
    )
    if filters.kind in KINDS:
        query = query.where(Listing.kind == filters.kind)
    if filters.category:
        query = query.where(Listing.category == filters.category)
    if filters.tag:
        query = query.where(Listing.tags.like(f"%,{_escape_like(filters.tag)},%"))
    if filters.area:
        query = query.where(contains_ci(Listing.area, _escape_like(filters.area)))
    if after is not None:
        rows = list(await query.where(Listing.id > after).order_by(Listing.id).limit(size + 1).run())
        more_newer = len(rows) > size
        rows = list(reversed(rows[:size]))
        older = rows[-1]["id"] if rows else None
        return rows, older, rows[0]["id"] if rows and more_newer else None
    if before is not None:
        query = query.where(Listing.id < before)
    rows = list(await query.order_by(Listing.id, ascending=False).limit(size + 1).run())
    more = len(rows) > size
    rows = rows[:size]
    older = rows[-1]["id"] if rows and more else None
    newer = rows[0]["id"] if rows and before is not None else None
    return rows, older, newer


def contains_ci(column: Any, pattern: str) -> Any:
    """Case-insensitive LIKE: ILIKE on PostgreSQL; SQLite's LIKE already ignores ASCII case."""
    from piccolo.engine.sqlite import SQLiteEngine

    return column.like(pattern) if isinstance(column._meta.table._meta.db, SQLiteEngine) else column.ilike(pattern)


def _escape_like(text: str) -> str:
    """Keep members' % and _ literal in LIKE patterns (they are rare in tags; drop them)."""
    return text.replace("%", "").replace("_", "")


async def get_listing(listing_id: int) -> dict[str, Any] | None:
    return await (
        Listing.select(
            *Listing.all_columns(),
            Listing.owner.display_name.as_alias("owner_name"),
            Listing.category.slug.as_alias("category_slug"),
            Listing.category.name.as_alias("category_name"),
            Listing.category.needs_vetted.as_alias("needs_vetted"),
        )
        .where(Listing.id == listing_id)
        .first()
        .run()
    )


def is_live(row: Mapping[str, Any], now: datetime) -> bool:
    return row["status"] == "open" and not row["hidden"] and row["expires_at"] > now


def utcnow() -> datetime:
    return datetime.now(UTC)
