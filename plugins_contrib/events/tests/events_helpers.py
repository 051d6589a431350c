"""Helpers shared by the events tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any


def future_day(days: int = 10) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).date().isoformat()


def event_form(**overrides: Any) -> dict[str, str]:
    form = {
        "title": "Repair café",
        "description": "Bring **broken** things.",
        "date": future_day(),
        "start_time": "18:30",
        "end_time": "20:00",
        "timezone": "Europe/London",
        "place": "Village hall",
        "online_url": "",
        "capacity": "",
        "audience": "public",
        "recurrence": "none",
        "repeat_until": "",
    }
    form.update(overrides)
    return form
