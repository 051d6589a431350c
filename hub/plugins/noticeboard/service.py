"""Reading the board: who may see what, keyset pages, search and expiry rules.

Every list (board, search, feeds, panels, print page, profile section) goes through
:func:`visible_condition`, so members-only and hidden notices are filtered in one place.
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from piccolo.columns.combination import WhereRaw
from piccolo.query.base import Query

from hub import Actor, Param, Prepared
from hub import lazy_gettext as _l
from hub.plugins.noticeboard.tables import Category, Post, Reply

__all__ = [
    "DEFAULT_CATEGORIES",
    "BoardFilter",
    "BoardPage",
    "board_page",
    "can_edit",
    "can_see",
    "expiry_for",
    "fetch_post",
    "is_organiser",
    "now",
    "post_columns",
    "seed_categories",
    "visible_condition",
]

DEFAULT_CATEGORIES: tuple[tuple[str, Any, int], ...] = (
    ("notices", _l("Notices"), 30),
    ("wanted", _l("Wanted"), 30),
    ("free", _l("Free to a good home"), 14),
    ("lost-found", _l("Lost & found"), 30),
    ("local-news", _l("Local news"), 14),
    ("urgent", _l("Urgent"), 7),
)
MAX_SEARCH_TERMS = 8


def now() -> datetime:
    return datetime.now(UTC)


def is_organiser(actor: Actor | None) -> bool:
    return actor is not None and actor.status == "active" and actor.is_moderator


def can_see(post: dict[str, Any], actor: Actor | None) -> bool:
    """Audience and hiding rules for one notice (expiry is shown, not hidden, on its own page)."""
    if is_organiser(actor):
        return True
    if post["audience"] != "public" and (actor is None or actor.status != "active"):
        return False
    return not post["hidden"] or (actor is not None and post["author"] == actor.id)


def can_edit(post: dict[str, Any], actor: Actor | None) -> bool:
    """Only the author or an organiser edits, closes, extends or deletes a notice."""
    if actor is None or actor.status != "active":
        return False
    return is_organiser(actor) or (post["author"] is not None and post["author"] == actor.id)


def sees_public_only(actor: Actor | None) -> bool:
    """Visitors and members who are not (yet, or no longer) active see public notices only."""
    return actor is None or actor.status != "active"


def visible_condition(
    actor: Actor | None, at: datetime | Param, *, include_expired: bool = False, public_only: bool = True
) -> Any:
    """The WHERE clause for notices on the board for this actor: open, not hidden, in audience.

    ``public_only=False`` skips the audience rule, for callers that filter per viewer afterwards.
    """
    return visible_for(public_only and sees_public_only(actor), at, include_expired)


def visible_for(public_audience: bool, at: datetime | Param, include_expired: bool = False) -> Any:
    """The board's rule for one kind of viewer (see :func:`sees_public_only`)."""
    condition = Post.hidden.eq(False) & (Post.status == "open")
    if public_audience:
        condition &= Post.audience == "public"
    if not include_expired:
        # Not "expires_at IS NULL OR expires_at > at": SQLite answers that OR from the expiry
        # index and then sorts every live notice (300 ms at a million notices); as one
        # expression it walks the ordering index and stops at the LIMIT (1 ms).
        condition &= WhereRaw("COALESCE(noticeboard_post.expires_at > {}, TRUE)", at)
    return condition


@functools.cache
def post_columns() -> tuple[Any, ...]:
    """Columns for showing notices, with the category and author joined (never N+1).

    Built once per process: following a foreign key in Piccolo copies columns on every call.
    """
    return (
        Post.id,
        Post.title,
        Post.body,
        Post.area,
        Post.audience,
        Post.author,
        Post.on_behalf_of,
        Post.image_name,
        Post.image_alt,
        Post.status,
        Post.outcome,
        Post.hidden,
        Post.pinned,
        Post.urgent,
        Post.replies_open,
        Post.created_at,
        Post.edited_at,
        Post.expires_at,
        Post.closed_at,
        Post.category,
        Post.category.name.as_alias("category_name"),
        Post.category.slug.as_alias("category_slug"),
        Post.author.display_name.as_alias("author_name"),
    )


async def fetch_post(post_id: int) -> dict[str, Any] | None:
    row: dict[str, Any] | None = await Post.select(*post_columns()).where(Post.id == post_id).first().run()
    return row


async def seed_categories() -> None:
    """Add the default categories that are missing, named in the active language (the hub's default
    when ``hub migrate`` seeds). Idempotent and race-free: a slug that exists, renamed or not, is
    left alone by the database itself (``ON CONFLICT DO NOTHING``), so two starts never collide."""
    await (
        Category.insert(
            *[
                Category(slug=slug, name=str(name), default_expiry_days=days, position=index)
                for index, (slug, name, days) in enumerate(DEFAULT_CATEGORIES)
            ]
        )
        .on_conflict(target=Category.slug, action="DO NOTHING")
        .run()
    )


def expiry_for(days: int, start: datetime) -> datetime | None:
    return None if days <= 0 else start + timedelta(days=days)


# -- search ----------------------------------------------------------------------------------------

_WORD = re.compile(r"\w+", re.UNICODE)


def search_terms(query: str) -> list[str]:
    return _WORD.findall(query.lower())[:MAX_SEARCH_TERMS]


def search_condition(engine_type: str, query: str) -> Any | None:
    """A WHERE clause matching ``query`` as words (all must match); ``None`` when no words."""
    terms = search_terms(query)
    if not terms:
        return None
    if engine_type == "sqlite":
        match = " ".join(f'"{term}"*' for term in terms)
        return WhereRaw(
            "noticeboard_post.id IN (SELECT rowid FROM noticeboard_post_fts WHERE noticeboard_post_fts MATCH {})",
            match,
        )
    return WhereRaw(
        "to_tsvector('simple', coalesce(noticeboard_post.title, '') || ' ' || coalesce(noticeboard_post.body, '')"
        " || ' ' || coalesce(noticeboard_post.area, '')) @@ to_tsquery('simple', {})",
        " & ".join(f"{term}:*" for term in terms),
    )


# -- keyset pages -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Cursor:
    pinned: bool
    created_at: datetime
    id: int

    def encode(self) -> str:
        raw = f"{int(self.pinned)}|{self.created_at.isoformat()}|{self.id}"
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str) -> Cursor | None:
        """A cursor from a query string, or ``None`` when it is malformed (then page one is shown)."""
        if not token or len(token) > 200:
            return None
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
            pinned, created, ident = raw.split("|")
            when = datetime.fromisoformat(created)
            if when.tzinfo is None or pinned not in ("0", "1"):
                return None
            return cls(pinned == "1", when, int(ident))
        except (ValueError, binascii.Error, UnicodeDecodeError):
            return None


def after_cursor(cursor: Cursor) -> Any:
    """(pinned, created_at, id) < cursor, in the board's descending order, without OFFSET."""
    older: Any = (Post.created_at < cursor.created_at) | (
        (Post.created_at == cursor.created_at) & (Post.id < cursor.id)
    )
    if cursor.pinned:
        return Post.pinned.eq(False) | (Post.pinned.eq(True) & older)
    return Post.pinned.eq(False) & older


@dataclass(frozen=True, slots=True)
class BoardFilter:
    category_id: int | None = None
    area: str = ""
    query: str = ""
    since: datetime | None = None


@dataclass(frozen=True, slots=True)
class BoardPage:
    posts: list[dict[str, Any]]
    next_cursor: str | None


@functools.cache
def _prepared_board(
    public_audience: bool, category: bool, area: bool, since: bool, cursor: bool | None, size: int
) -> Prepared:
    """The board's query for one combination of filters, built once (``cursor``: None or its ``pinned``)."""

    def build() -> Any:
        condition = visible_for(public_audience, Param("at"))
        if category:
            condition &= Post.category == Param("category")
        if area:
            condition &= Post.area_key == Param("area")
        if since:
            condition &= Post.created_at > Param("since")
        if cursor is not None:
            condition &= after_cursor(Cursor(cursor, Param("cursor_at"), Param("cursor_id")))  # type: ignore[arg-type]
        return (
            Post.select(*post_columns())
            .where(condition)
            .order_by(Post.pinned, Post.created_at, Post.id, ascending=False)
            .limit(size + 1)
        )

    return Prepared(build)


async def board_page(
    engine_type: str,
    actor: Actor | None,
    filters: BoardFilter,
    cursor: Cursor | None,
    size: int,
    at: datetime | None = None,
) -> BoardPage:
    """One page of the board in one query: pinned first, newest first, ``size + 1`` rows to see a next page.

    Browsing (no search words) runs a prepared query per combination of filters: the board is the
    hub's busiest page. A search builds its query each time.
    """
    at = at or now()
    rows: list[dict[str, Any]]
    if filters.query:
        rows = await _searched_board(engine_type, actor, filters, cursor, size, at)
    else:
        prepared = _prepared_board(
            sees_public_only(actor),
            filters.category_id is not None,
            bool(filters.area),
            filters.since is not None,
            None if cursor is None else cursor.pinned,
            size,
        )
        rows = await prepared.rows(
            at=at,
            category=filters.category_id,
            area=filters.area.lower(),
            since=filters.since,
            cursor_at=cursor.created_at if cursor else None,
            cursor_id=cursor.id if cursor else None,
        )
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        last = rows[-1]
        next_cursor = Cursor(bool(last["pinned"]), last["created_at"], last["id"]).encode()
    return BoardPage(rows, next_cursor)


async def _searched_board(
    engine_type: str, actor: Actor | None, filters: BoardFilter, cursor: Cursor | None, size: int, at: datetime
) -> list[dict[str, Any]]:
    matcher = search_condition(engine_type, filters.query)
    if matcher is None:
        return []
    condition = visible_condition(actor, at) & matcher
    if filters.category_id is not None:
        condition &= Post.category == filters.category_id
    if filters.area:
        condition &= Post.area_key == filters.area.lower()
    if filters.since is not None:
        condition &= Post.created_at > filters.since
    if cursor is not None:
        condition &= after_cursor(cursor)
    query: Query[Any, Any] = (
        Post.select(*post_columns())
        .where(condition)
        .order_by(Post.pinned, Post.created_at, Post.id, ascending=False)
        .limit(size + 1)
    )
    rows: list[dict[str, Any]] = await query.run()
    return rows


@dataclass(frozen=True, slots=True)
class ReplyPage:
    replies: list[dict[str, Any]]
    """Oldest first, as a conversation reads."""
    earlier: int | None
    """The id to pass as ``before`` for the page of earlier replies, if there are any."""


async def reply_rows(post_id: int, actor: Actor | None, before: int | None = None, size: int = 50) -> ReplyPage:
    """The latest ``size`` replies of a notice (or those before reply ``before``), keyset-paginated.

    Hidden replies show only to organisers and their authors. One query of ``size + 1`` rows.
    """
    condition: Any = Reply.post == post_id
    if not is_organiser(actor):
        visible: Any = Reply.hidden.eq(False)
        if actor is not None:
            visible |= Reply.author == actor.id
        condition &= visible
    if before is not None:
        condition &= Reply.id < before
    rows: list[dict[str, Any]] = (
        await Reply.select(
            Reply.id,
            Reply.body,
            Reply.author,
            Reply.hidden,
            Reply.created_at,
            Reply.author.display_name.as_alias("author_name"),
        )
        .where(condition)
        .order_by(Reply.id, ascending=False)
        .limit(size + 1)
        .run()
    )
    earlier = rows[size - 1]["id"] if len(rows) > size else None
    return ReplyPage(list(reversed(rows[:size])), earlier)
