"""Expanding recurring events into occurrences, in the event's own time zone.

Weekly events repeat at the same local wall-clock time; monthly ones on the same weekday of the
month ("the second Tuesday"; an event first held on a fifth weekday repeats on the last one).
Pure functions: no database, easy to test with chosen dates.
"""

from __future__ import annotations

import calendar
import functools
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

__all__ = ["MAX_OCCURRENCES", "is_timezone", "nth_weekday", "occurrence_key", "parse_key", "starts", "weekday_rule"]

MAX_OCCURRENCES = 400
"""A recurring series is expanded at most this far in one call (years of weekly meetings)."""


@functools.cache
def _known_zones() -> frozenset[str]:
    """The IANA names on this system; scanning the zone files costs milliseconds, so once per process."""
    return frozenset(available_timezones())


def is_timezone(name: str) -> bool:
    if not name or name not in _known_zones():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def occurrence_key(moment: datetime) -> str:
    """The text that identifies an occurrence: its original start in UTC, to the second."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_key(key: str) -> datetime | None:
    try:
        return datetime.strptime(key, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except (TypeError, ValueError):
        return None


def weekday_rule(local_start: datetime) -> tuple[int, int]:
    """(weekday, n) for a monthly rule: n is 1–4, or -1 for "the last"."""
    n = (local_start.day - 1) // 7 + 1
    return local_start.weekday(), (-1 if n == 5 else n)


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    days = calendar.monthrange(year, month)[1]
    if n == -1:
        last = date(year, month, days)
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _local_starts(local_start: datetime, rule: str, from_local: datetime) -> Iterator[datetime]:
    zone = local_start.tzinfo
    wall = local_start.replace(tzinfo=None)
    if rule == "weekly":
        skip = max(0, (from_local.replace(tzinfo=None) - wall).days // 7 - 1)
        for index in range(skip, skip + MAX_OCCURRENCES):
            yield (wall + timedelta(weeks=index)).replace(tzinfo=zone)
    elif rule == "monthly":
        weekday, n = weekday_rule(local_start)
        year, month = local_start.year, local_start.month
        begin = from_local.replace(tzinfo=None)
        if (begin.year, begin.month) > (year, month):
            year, month = begin.year, begin.month
            month -= 1
            if month == 0:
                year, month = year - 1, 12
            if (year, month) < (local_start.year, local_start.month):
                year, month = local_start.year, local_start.month
        for _ in range(MAX_OCCURRENCES):
            day = nth_weekday(year, month, weekday, n)
            candidate = datetime.combine(day, wall.time()).replace(tzinfo=zone)
            if candidate.replace(tzinfo=None) >= wall:
                yield candidate
            month += 1
            if month == 13:
                year, month = year + 1, 1
    else:
        yield local_start


def starts(
    first_start: datetime, timezone: str, rule: str, until: date | None, window_start: datetime, window_end: datetime
) -> list[datetime]:
    """Original UTC starts of a series that fall in [window_start, window_end)."""
    zone = ZoneInfo(timezone) if is_timezone(timezone) else ZoneInfo("UTC")
    local_start = first_start.astimezone(zone)
    found: list[datetime] = []
    for local in _local_starts(local_start, rule, window_start.astimezone(zone)):
        if until is not None and local.date() > until:
            break
        moment = local.astimezone(UTC)
        if moment >= window_end or len(found) >= MAX_OCCURRENCES:
            break
        if moment >= window_start:
            found.append(moment)
    return found
