from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hub_events.recurrence import nth_weekday, occurrence_key, parse_key, starts, weekday_rule


def test_weekly_keeps_local_time_across_daylight_saving() -> None:
    london = ZoneInfo("Europe/London")
    first = datetime(2026, 10, 14, 19, 0, tzinfo=london)  # summer time (UTC+1)
    found = starts(first, "Europe/London", "weekly", None, first, first + timedelta(weeks=4))
    assert [m.astimezone(london).hour for m in found] == [19, 19, 19, 19]
    assert found[0].hour == 18 and found[-1].hour == 19  # the UTC hour shifts after the clocks go back


def test_monthly_second_tuesday_and_last_weekday() -> None:
    first = datetime(2026, 1, 13, 18, 0, tzinfo=UTC)  # the second Tuesday of January 2026
    assert weekday_rule(first) == (1, 2)
    found = starts(first, "UTC", "monthly", None, first, datetime(2026, 7, 1, tzinfo=UTC))
    assert [m.date() for m in found] == [
        date(2026, 1, 13),
        date(2026, 2, 10),
        date(2026, 3, 10),
        date(2026, 4, 14),
        date(2026, 5, 12),
        date(2026, 6, 9),
    ]
    assert weekday_rule(datetime(2026, 1, 29, tzinfo=UTC)) == (3, -1)
    assert nth_weekday(2026, 2, 3, -1) == date(2026, 2, 26)


def test_until_and_window_bounds() -> None:
    first = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    found = starts(
        first, "UTC", "weekly", date(2026, 1, 26), datetime(2026, 1, 10, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)
    )
    assert [m.day for m in found] == [12, 19, 26]
    far = starts(first, "UTC", "weekly", None, datetime(2030, 1, 1, tzinfo=UTC), datetime(2030, 1, 15, tzinfo=UTC))
    assert len(far) == 2 and all(m.weekday() == 0 for m in far)


def test_occurrence_keys_round_trip() -> None:
    moment = datetime(2026, 3, 1, 10, 30, tzinfo=ZoneInfo("America/New_York"))
    key = occurrence_key(moment)
    assert key == "2026-03-01T15:30:00Z" and parse_key(key) == moment
    assert parse_key("garbage") is None
