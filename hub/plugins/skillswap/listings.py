"""Listings: offers ("I can help with…") and requests ("I need…"), and the queries that list them."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from piccolo.query.methods.select import Select

from hub import Param, Prepared
from hub import lazy_gettext as _l
from hub.plugins.skillswap.settings import SwapSettings
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


def expiry_from(now: datetime, config: SwapSettings) -> datetime:
    return now + timedelta(days=config.listing_days)


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


@functools.cache
def _columns() -> tuple[Any, ...]:
    # Built once per process: following a foreign key in Piccolo copies columns on every call.
    return (
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
    )


def _page_query(now: Any, kind: Any, category: Any, tag: str, area: str, before: Any, after: Any, size: int) -> Select:
    """Open listings, newest first (oldest first after ``after``); values may be :class:`Param`."""
    query = Listing.select(*_columns()).where(
        Listing.status == "open", Listing.hidden.eq(False), Listing.expires_at > now
    )
    if kind is not None:
        query = query.where(Listing.kind == kind)
    if category is not None:
        query = query.where(Listing.category == category)
    if tag:
        query = query.where(Listing.tags.like(f"%,{_escape_like(tag)},%"))
    if area:
        query = query.where(contains_ci(Listing.area, _escape_like(area)))
    if after is not None:
        return query.where(Listing.id > after).order_by(Listing.id).limit(size + 1)
    if before is not None:
        query = query.where(Listing.id < before)
    return query.order_by(Listing.id, ascending=False).limit(size + 1)


@functools.cache
def _prepared_page(kind: bool, category: bool, before: bool, after: bool, size: int) -> Prepared:
    """Browsing without tag or area words: one prepared query per combination of filters."""
    return Prepared(
        lambda: _page_query(
            Param("now"),
            Param("kind") if kind else None,
            Param("category") if category else None,
            "",
            "",
            Param("before") if before else None,
            Param("after") if after else None,
            size,
        )
    )


async def listing_page(
    filters: Filters, now: datetime, *, before: int | None = None, after: int | None = None, size: int = PAGE_SIZE
) -> tuple[list[dict[str, Any]], int | None, int | None]:
    """One page of open listings, newest first, keyset-paginated by id (one query).

    Returns (rows, id for an "older" link, id for a "newer" link).
    """
    kind = filters.kind if filters.kind in KINDS else None
    category = filters.category or None
    if filters.tag or filters.area:
        found = await _page_query(now, kind, category, filters.tag, filters.area, before, after, size).run()
    else:
        prepared = _prepared_page(kind is not None, category is not None, before is not None, after is not None, size)
        found = await prepared.rows(now=now, kind=kind, category=category, before=before, after=after)
    rows = list(found)
    if after is not None:
        more_newer = len(rows) > size
        rows = list(reversed(rows[:size]))
        older = rows[-1]["id"] if rows else None
        return rows, older, rows[0]["id"] if rows and more_newer else None
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
