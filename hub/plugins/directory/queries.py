"""Reading profiles: every read applies who-may-see-what in SQL, with bounded, joined queries."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from piccolo.columns.combination import Where, WhereRaw
from piccolo.query.methods.select import Select

from hub import Actor, Param, Prepared
from hub.plugins.directory.tables import DirectoryDefault, DirectoryProfile, DirectoryTag
from hub.plugins.directory.visibility import FIELDS, viewer_level

__all__ = ["Filters", "defaults", "find_profiles", "get_profile", "profile_for_member", "tags_for"]

P = DirectoryProfile


@dataclass(frozen=True, slots=True)
class Filters:
    q: str = ""
    tag: str = ""
    language: str = ""
    area: str = ""

    @property
    def any(self) -> bool:
        return bool(self.q or self.tag or self.language or self.area)


@functools.cache
def _columns() -> tuple[Any, ...]:
    # Built once per process: following a foreign key in Piccolo copies columns on every call.
    return (
        *P.all_columns(exclude=[P.member]),
        P.member.as_alias("member"),
        P.member.role.as_alias("role"),
        P.member.status.as_alias("member_status"),
        P.member.known_at.as_alias("known_at"),
        P.member.known_by.display_name.as_alias("known_by_name"),  # type: ignore[union-attr]
        P.consent_by.display_name.as_alias("consent_by_name"),
    )


def _like(text: str) -> str:
    """LIKE wildcards have no portable escape (SQLite and PostgreSQL differ): drop them."""
    return text.replace("%", "").replace("_", "").replace("\\", "")


def _listed(moderator: bool) -> Any:
    """Who appears in lists: current members' listed profiles; organisers also see hidden ones."""
    current = P.member.is_null() | (P.member.status == "active")
    if moderator:
        return current & P.listed.eq(True)
    return current & P.listed.eq(True) & P.hidden.eq(False)


def visible_to(actor: Actor | None, single: bool = False) -> Any:
    """Rows this actor may see: listed, not hidden, a current member or an organiser's entry.

    One profile at a time (``single``), owners also see their own unlisted or hidden profile and
    organisers unlisted organiser-made entries; organisers see hidden profiles in lists too.
    """
    moderator = actor is not None and actor.is_moderator
    if not single:
        return _listed(moderator)
    current = P.member.is_null() | (P.member.status == "active")
    base = current & (P.listed.eq(True) | P.member.is_null()) if moderator else _listed(False)
    if actor is None:
        return base
    return base | (P.member == actor.id)


def _tag_subquery(kinds: list[str], key: Any) -> Select:
    return DirectoryTag.select(DirectoryTag.profile).where(DirectoryTag.kind.is_in(kinds), DirectoryTag.key == key)


def filter_clauses(
    level: Any, q: Any = None, tag: Any = None, language: Any = None, area: Any = None
) -> list[Where | Any]:
    """Search never matches a field the viewer may not see: each condition carries its own visibility.

    ``None`` leaves a filter out; a value (or a :class:`Param`) filters: ``q`` is a LIKE pattern
    matched against names and tags, ``area`` a LIKE prefix pattern.
    """
    clauses: list[Any] = []
    if q is not None:
        # EXISTS, not IN (subquery): checked per profile while walking the name order, so a
        # common word stops at the first page instead of collecting every matching tag first.
        tagged = WhereRaw(
            "EXISTS (SELECT 1 FROM directory_tag WHERE directory_tag.profile = directory_profile.id "
            "AND directory_tag.kind IN ('skill', 'interest') AND directory_tag.key LIKE {})",
            q,
        )
        clauses.append(P.sort_name.like(q) | ((P.vis_tags <= level) & tagged))
    if tag is not None:
        clauses.append((P.vis_tags <= level) & P.id.is_in(_tag_subquery(["skill", "interest"], tag)))
    if language is not None:
        clauses.append((P.vis_languages <= level) & P.id.is_in(_tag_subquery(["language"], language)))
    if area is not None:
        clauses.append((P.vis_area <= level) & P.area_key.like(area))
    return clauses


@functools.cache
def _prepared_find(
    moderator: bool, q: bool, tag: bool, language: bool, area: bool, after: bool, limit: int
) -> Prepared:
    """The list and search query for one kind of viewer and combination of filters, built once."""

    def build() -> Select:
        def param(name: str, wanted: bool) -> Param | None:
            return Param(name) if wanted else None

        query = P.select(*_columns()).where(_listed(moderator))
        clauses = filter_clauses(
            Param("level"),
            param("q", q),
            param("tag", tag),
            param("language", language),
            param("area", area),
        )
        for clause in clauses:
            query = query.where(clause)
        if after:
            name, last_id = Param("after_name"), Param("after_id")
            query = query.where((P.sort_name > name) | ((P.sort_name == name) & (P.id > last_id)))
        return query.order_by(P.sort_name, P.id).limit(limit + 1)

    return Prepared(build)


async def find_profiles(
    filters: Filters, actor: Actor | None, limit: int, after: tuple[str, int] | None = None
) -> list[dict[str, Any]]:
    """One page of profiles ordered by name, keyset-paginated; ``limit + 1`` rows tell if more follow."""
    q = filters.q.casefold()
    prepared = _prepared_find(
        actor is not None and actor.is_moderator,
        bool(q),
        bool(filters.tag),
        bool(filters.language),
        bool(filters.area),
        after is not None,
        limit,
    )
    return await prepared.rows(
        level=viewer_level(actor),
        q=f"%{_like(q)}%",
        tag=filters.tag,
        language=filters.language,
        area=f"{_like(filters.area.casefold())}%",
        after_name=after[0] if after else None,
        after_id=after[1] if after else None,
    )


async def get_profile(profile_id: int, actor: Actor | None) -> dict[str, Any] | None:
    """The profile if this actor may see it (owners always see their own, even unlisted)."""
    return await P.select(*_columns()).where(P.id == profile_id, visible_to(actor, single=True)).first().run()  # type: ignore[no-any-return]


async def get_any_profile(profile_id: int) -> dict[str, Any] | None:
    return await P.select(*_columns()).where(P.id == profile_id).first().run()  # type: ignore[no-any-return]


async def profile_for_member(member_id: int) -> dict[str, Any] | None:
    return await P.select(*_columns()).where(P.member == member_id).first().run()  # type: ignore[no-any-return]


@functools.lru_cache(maxsize=64)
def _tags_of(count: int) -> Prepared:
    # One prepared query per number of profiles: a page of the list always asks for the same number.
    ids = [Param(f"p{index}") for index in range(count)]
    return Prepared(
        lambda: (
            DirectoryTag.select(DirectoryTag.profile, DirectoryTag.kind, DirectoryTag.key, DirectoryTag.label)
            .where(DirectoryTag.profile.is_in(ids))
            .order_by(DirectoryTag.id)
        )
    )


async def tags_for(profile_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Tags of many profiles in one query (no N+1)."""
    found: dict[int, list[dict[str, Any]]] = {pid: [] for pid in profile_ids}
    if not profile_ids:
        return found
    rows = await _tags_of(len(profile_ids)).rows(**{f"p{index}": pid for index, pid in enumerate(profile_ids)})
    for row in rows:
        found.setdefault(row["profile"], []).append(row)
    return found


async def defaults() -> dict[str, int]:
    """Visibility defaults for new profiles: organisers' choices over the built-in ones."""
    chosen = {row["field"]: int(row["level"]) for row in await DirectoryDefault.select().run()}
    return {field: max(chosen.get(field, spec[2]), spec[1]) for field, spec in FIELDS.items()}
