"""Reading and changing events: visibility, occurrences, RSVPs with a waiting list.

Every list goes through :func:`visible` so members-only and hidden events never reach someone
who may not see them, whatever the page, feed, panel or search asking.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from piccolo.query.functions.aggregate import Count

from hub import Actor, Param, Prepared
from hub_events.recurrence import is_timezone, occurrence_key, parse_key, starts
from hub_events.tables import Change, EventRow, Rsvp

__all__ = [
    "STATUSES",
    "Occurrence",
    "can_manage",
    "counts_for",
    "find_occurrence",
    "load_event",
    "my_answers",
    "set_rsvp",
    "upcoming",
    "visible",
]

STATUSES = ("going", "maybe", "not_going")
HORIZON = timedelta(days=400)
"""How far ahead lists, feeds and panels look for occurrences of recurring series."""


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One dated happening of an event: a single event has one, a recurring series many."""

    event: dict[str, Any]
    key: str
    start: datetime
    end: datetime
    cancelled: bool = False
    moved: bool = False

    @property
    def event_id(self) -> int:
        return int(self.event["id"])

    @property
    def zone(self) -> ZoneInfo:
        name = self.event["timezone"]
        return ZoneInfo(name if is_timezone(name) else "UTC")

    @property
    def local_start(self) -> datetime:
        return self.start.astimezone(self.zone)

    @property
    def local_end(self) -> datetime:
        return self.end.astimezone(self.zone)

    @property
    def url(self) -> str:
        base = f"/events/{self.event_id}"
        return base if self.event["recurrence"] == "none" else f"{base}?at={self.key}"


def _utc(value: Any) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def viewer_rules(actor: Actor | None) -> tuple[bool, bool]:
    """(public events only, hidden events left out) for what ``actor`` may see in lists."""
    return actor is None, actor is None or not actor.is_moderator


def visibility_clauses(public_only: bool, hide_hidden: bool) -> list[Any]:
    clauses: list[Any] = []
    if public_only:
        clauses.append(EventRow.audience == "public")
    if hide_hidden:
        clauses.append(EventRow.hidden.eq(False))
    return clauses


def visible(actor: Actor | None) -> list[Any]:
    """Where-clauses for the events ``actor`` may see in lists."""
    return visibility_clauses(*viewer_rules(actor))


def may_see(event: dict[str, Any], actor: Actor | None) -> bool:
    if event["audience"] != "public" and actor is None:
        return False
    if event["hidden"]:
        return actor is not None and (actor.is_moderator or actor.id == event["organiser"])
    return True


def can_manage(event: dict[str, Any], actor: Actor | None) -> bool:
    return actor is not None and (actor.is_moderator or actor.id == event["organiser"])


EVENT_COLUMNS = (
    EventRow.id,
    EventRow.title,
    EventRow.description,
    EventRow.starts_at,
    EventRow.ends_at,
    EventRow.timezone,
    EventRow.place,
    EventRow.online_url,
    EventRow.capacity,
    EventRow.audience,
    EventRow.recurrence,
    EventRow.repeat_until,
    EventRow.organiser,
    EventRow.hidden,
    EventRow.organiser.display_name.as_alias("organiser_name"),
)


def _normalise(row: dict[str, Any]) -> dict[str, Any]:
    row["starts_at"] = _utc(row["starts_at"])
    row["ends_at"] = _utc(row["ends_at"])
    return row


async def load_event(event_id: int, actor: Actor | None) -> dict[str, Any] | None:
    row = await EventRow.select(*EVENT_COLUMNS).where(EventRow.id == event_id).first().run()
    if row is None or not may_see(row, actor):
        return None
    return _normalise(row)


async def _changes(event_ids: Iterable[int]) -> dict[tuple[int, str], dict[str, Any]]:
    ids = list(set(event_ids))
    if not ids:
        return {}
    rows = await Change.select().where(Change.event.is_in(ids)).run()
    return {(row["event"], row["occurrence"]): row for row in rows}


def _expand(
    event: dict[str, Any], changes: dict[tuple[int, str], dict[str, Any]], window_start: datetime, window_end: datetime
) -> list[Occurrence]:
    duration = event["ends_at"] - event["starts_at"]
    if event["recurrence"] == "none":
        moments = [event["starts_at"]] if window_start <= event["starts_at"] < window_end else []
    else:
        moments = starts(
            event["starts_at"], event["timezone"], event["recurrence"], event["repeat_until"], window_start, window_end
        )
    found = []
    for moment in moments:
        key = occurrence_key(moment)
        change = changes.get((event["id"], key))
        if change is None:
            found.append(Occurrence(event, key, moment, moment + duration))
        elif change["cancelled"]:
            found.append(Occurrence(event, key, moment, moment + duration, cancelled=True))
        else:
            found.append(Occurrence(event, key, _utc(change["new_start"]), _utc(change["new_end"]), moved=True))
    return found


@functools.cache
def _upcoming_queries(public_only: bool, hide_hidden: bool, by_organiser: bool, limit: int) -> Prepared:
    """Single events and recurring series from a moment on, for one kind of viewer; built once (home page)."""

    def clauses() -> list[Any]:
        found = visibility_clauses(public_only, hide_hidden)
        if by_organiser:
            found.append(EventRow.organiser == Param("organiser"))
        return found

    # Single events from ``after`` and the series that may recur in the window, in one query.
    return Prepared(
        lambda: (
            EventRow.select(*EVENT_COLUMNS)
            .where(EventRow.recurrence == "none", EventRow.starts_at >= Param("after"), *clauses())
            .order_by(EventRow.starts_at)
            .limit(limit)
        ),
        union_all=lambda: (
            EventRow.select(*EVENT_COLUMNS)
            .where(EventRow.recurrence != "none", EventRow.starts_at < Param("window_end"), *clauses())
            .order_by(EventRow.starts_at)
            .limit(500)
        ),
    )


async def upcoming(
    actor: Actor | None,
    after: datetime,
    limit: int,
    *,
    organiser_id: int | None = None,
    include_cancelled: bool = True,
    horizon: timedelta = HORIZON,
    every_audience: bool = False,
) -> list[Occurrence]:
    """The next ``limit`` occurrences (0: all, up to 1,000 single events) from ``after`` that ``actor`` may see.

    Answers a page with ``limit + 1`` items so the caller knows whether there is a next page.
    ``every_audience`` includes members-only events whoever asks (for jobs, never for pages).
    Two queries: single events with the recurring series, then the series' one-date changes.
    """
    window_end = after + horizon
    public_only, hide_hidden = (False, True) if every_audience else viewer_rules(actor)
    query = _upcoming_queries(public_only, hide_hidden, organiser_id is not None, limit + 1 if limit else 1000)
    found_rows = await query.rows(after=after, window_end=window_end, organiser=organiser_id)
    rows = [_normalise(row) for row in found_rows]
    recurring = [row for row in rows if row["recurrence"] != "none"]
    changes = await _changes(row["id"] for row in recurring)
    found: list[Occurrence] = []
    for row in rows:
        for occurrence in _expand(row, changes, after - timedelta(days=60), window_end):
            if occurrence.start >= after and (include_cancelled or not occurrence.cancelled):
                found.append(occurrence)
    found.sort(key=lambda item: (item.start, item.event_id))
    return found[: limit + 1] if limit else found


async def occurrences_between(event: dict[str, Any], window_start: datetime, window_end: datetime) -> list[Occurrence]:
    changes = await _changes([event["id"]]) if event["recurrence"] != "none" else {}
    return _expand(event, changes, window_start, window_end)


async def find_occurrence(event: dict[str, Any], key: str | None) -> Occurrence | None:
    """The occurrence named by ``key`` (its original UTC start); the only one for a single event."""
    if event["recurrence"] == "none":
        only = _expand(event, {}, event["starts_at"], event["starts_at"] + timedelta(seconds=1))
        return only[0] if only and (not key or key == only[0].key) else None
    moment = parse_key(key or "")
    if moment is None:
        return None
    found = await occurrences_between(event, moment, moment + timedelta(seconds=1))
    return found[0] if found and found[0].key == key else None


async def next_occurrence(event: dict[str, Any], now: datetime) -> Occurrence | None:
    if event["recurrence"] == "none":
        return await find_occurrence(event, None)
    for occurrence in await occurrences_between(event, now - timedelta(days=1), now + HORIZON):
        if occurrence.end >= now and not occurrence.cancelled:
            return occurrence
    return None


async def counts_for(pairs: Sequence[tuple[int, str]]) -> dict[tuple[int, str], dict[str, int]]:
    """How many are going / maybe / waiting for each (event, occurrence), in one query."""
    result: dict[tuple[int, str], dict[str, int]] = defaultdict(dict)
    if not pairs:
        return result
    event_ids = list({event_id for event_id, _ in pairs})
    keys = list({key for _, key in pairs})
    rows = (
        await Rsvp.select(Rsvp.event, Rsvp.occurrence, Rsvp.status, Count(Rsvp.id, alias="n"))
        .where(Rsvp.event.is_in(event_ids), Rsvp.occurrence.is_in(keys))
        .group_by(Rsvp.event, Rsvp.occurrence, Rsvp.status)
        .run()
    )
    for row in rows:
        result[(row["event"], row["occurrence"])][row["status"]] = row["n"]
    return result


async def my_answers(member_id: int, pairs: Sequence[tuple[int, str]]) -> dict[tuple[int, str], str]:
    if not pairs:
        return {}
    rows = (
        await Rsvp.select(Rsvp.event, Rsvp.occurrence, Rsvp.status)
        .where(
            Rsvp.member == member_id,
            Rsvp.event.is_in(list({e for e, _ in pairs})),
            Rsvp.occurrence.is_in(list({k for _, k in pairs})),
        )
        .run()
    )
    return {(row["event"], row["occurrence"]): row["status"] for row in rows}


@dataclass(frozen=True, slots=True)
class RsvpOutcome:
    status: str
    promoted: int | None = None
    """A member moved from the waiting list to "going" because a place came free."""


async def set_rsvp(event: dict[str, Any], key: str, member_id: int, wanted: str, now: datetime) -> RsvpOutcome:
    """Record an answer inside the caller's write transaction; full events put "going" on the waiting list."""
    existing = (
        await Rsvp.select(Rsvp.id, Rsvp.status)
        .where(Rsvp.event == event["id"], Rsvp.occurrence == key, Rsvp.member == member_id)
        .first()
        .run()
    )
    previous = existing["status"] if existing else None
    status = wanted
    capacity = event["capacity"]
    if wanted == "going" and previous in ("going", "waiting"):
        status = previous
    elif wanted == "going" and capacity is not None:
        going = await Rsvp.count().where(Rsvp.event == event["id"], Rsvp.occurrence == key, Rsvp.status == "going")
        if going >= capacity:
            status = "waiting"
    if existing is None:
        await Rsvp.insert(
            Rsvp(event=event["id"], occurrence=key, member=member_id, status=status, created_at=now)
        ).run()
    elif status != previous:
        await Rsvp.update({Rsvp.status: status, Rsvp.created_at: now}).where(Rsvp.id == existing["id"]).run()
    promoted = None
    if previous == "going" and status != "going":
        promoted = await _promote(event, key)
    return RsvpOutcome(status=status, promoted=promoted)


async def _promote(event: dict[str, Any], key: str) -> int | None:
    """Give a free place to the longest-waiting member, if there is room."""
    if event["capacity"] is not None:
        going = await Rsvp.count().where(Rsvp.event == event["id"], Rsvp.occurrence == key, Rsvp.status == "going")
        if going >= event["capacity"]:
            return None
    first = (
        await Rsvp.select(Rsvp.id, Rsvp.member)
        .where(Rsvp.event == event["id"], Rsvp.occurrence == key, Rsvp.status == "waiting")
        .order_by(Rsvp.created_at)
        .order_by(Rsvp.id)
        .first()
        .run()
    )
    if first is None:
        return None
    await Rsvp.update({Rsvp.status: "going"}).where(Rsvp.id == first["id"]).run()
    return int(first["member"])


async def promote_all(event: dict[str, Any], keys: Iterable[str]) -> list[tuple[str, int]]:
    """After capacity grew: fill the new places from the waiting lists (inside a write)."""
    promoted = []
    for key in keys:
        while (member_id := await _promote(event, key)) is not None:
            promoted.append((key, member_id))
    return promoted
