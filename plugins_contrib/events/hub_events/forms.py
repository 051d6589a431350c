"""The event form and turning its values into UTC times in the event's time zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hub import Field, Form
from hub import gettext as _
from hub_events.recurrence import is_timezone

__all__ = ["EventTimes", "event_form", "form_from_event", "times_from", "when_form"]


def _date(value: str) -> str | None:
    try:
        date.fromisoformat(value)
    except ValueError:
        return _("Enter a date like 2026-12-24.")
    return None


def _time(value: str) -> str | None:
    try:
        time.fromisoformat(value)
    except ValueError:
        return _("Enter a time like 19:30.")
    return None


def _zone(value: str) -> str | None:
    return None if is_timezone(value) else _("Enter a time zone such as Europe/London or America/New_York.")


def _link(value: str) -> str | None:
    if not value.startswith(("https://", "http://")) or " " in value:
        return _("Enter a web address starting with https://")
    return None


def when_form() -> list[Field]:
    return [
        Field("date", _("Date"), check=_date, max_length=10),
        Field("start_time", _("Starts at"), check=_time, max_length=8),
        Field(
            "end_time",
            _("Ends at"),
            check=_time,
            max_length=8,
            help=_("If it ends after midnight, it ends the next day."),
        ),
    ]


def event_form() -> Form:
    return Form(
        [
            Field("title", _("Title"), max_length=200, min_length=3),
            Field("description", _("What is it about?"), kind="textarea", required=False, max_length=5000),
            *when_form(),
            Field("timezone", _("Time zone"), check=_zone, max_length=64),
            Field("place", _("Place"), required=False, max_length=300),
            Field("online_url", _("Online link"), required=False, max_length=500, check=_link),
            Field("capacity", _("Places"), kind="int", required=False, min_value=1, max_value=100_000),
            Field(
                "audience",
                _("Who can see it"),
                kind="choice",
                choices=[("public", _("Everyone")), ("members", _("Members only"))],
            ),
            Field(
                "recurrence",
                _("Repeats"),
                kind="choice",
                choices=[
                    ("none", _("Does not repeat")),
                    ("weekly", _("Every week")),
                    ("monthly", _("Every month on the same weekday")),
                ],
            ),
            Field("repeat_until", _("Repeat until"), required=False, check=_date, max_length=10),
        ]
    )


@dataclass(frozen=True, slots=True)
class EventTimes:
    starts_at: datetime
    ends_at: datetime


def times_from(values: dict[str, Any], timezone: str) -> EventTimes:
    """Local date and times in ``timezone`` → UTC; an end before the start means the next day."""
    zone = ZoneInfo(timezone)
    day = date.fromisoformat(values["date"])
    start = datetime.combine(day, time.fromisoformat(values["start_time"])).replace(tzinfo=zone)
    end = datetime.combine(day, time.fromisoformat(values["end_time"])).replace(tzinfo=zone)
    if end <= start:
        end += timedelta(days=1)
    return EventTimes(start.astimezone(UTC), end.astimezone(UTC))


def form_from_event(event: dict[str, Any]) -> dict[str, str]:
    zone = ZoneInfo(event["timezone"]) if is_timezone(event["timezone"]) else ZoneInfo("UTC")
    start = event["starts_at"].astimezone(zone)
    end = event["ends_at"].astimezone(zone)
    return {
        "title": event["title"],
        "description": event["description"],
        "date": start.date().isoformat(),
        "start_time": start.strftime("%H:%M"),
        "end_time": end.strftime("%H:%M"),
        "timezone": event["timezone"],
        "place": event["place"],
        "online_url": event["online_url"],
        "capacity": "" if event["capacity"] is None else str(event["capacity"]),
        "audience": event["audience"],
        "recurrence": event["recurrence"],
        "repeat_until": event["repeat_until"].isoformat() if event["repeat_until"] else "",
    }
