"""Coordinator figures: hours by category and month; active, new and lapsed members per month."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hub import gettext as _
from hub.plugins.skillswap.categories import category_label, list_categories
from hub.plugins.skillswap.tables import Exchange

__all__ = ["Figures", "figures", "to_csv"]

LAPSE_MONTHS = 3


def month_key(when: datetime) -> str:
    return f"{when.year:04d}-{when.month:02d}"


def last_months(now: datetime, count: int) -> list[str]:
    year, month = now.year, now.month
    keys = []
    for _step in range(count):
        keys.append(f"{year:04d}-{month:02d}")
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(keys))


@dataclass(slots=True)
class Figures:
    months: list[str]
    categories: list[str]
    hours: dict[tuple[str, str], float] = field(default_factory=dict)
    """(category label, month) → hours."""
    active: dict[str, int] = field(default_factory=dict)
    new: dict[str, int] = field(default_factory=dict)
    lapsed: dict[str, int] = field(default_factory=dict)

    def month_total(self, month: str) -> float:
        return sum(v for (_c, m), v in self.hours.items() if m == month)

    def category_total(self, category: str) -> float:
        return sum(v for (c, _m), v in self.hours.items() if c == category)


async def figures(now: datetime, months: int = 12) -> Figures:
    """Read confirmed exchanges once (two columns per row) and aggregate in Python, portably."""
    keys = last_months(now, months)
    cats = await list_categories(include_archived=True)
    labels = {c["id"]: category_label(c) for c in cats}
    rows = (
        await Exchange.select(
            Exchange.category, Exchange.minutes, Exchange.confirmed_at, Exchange.provider, Exchange.receiver
        )
        .where(Exchange.status == "confirmed", Exchange.confirmed_at.is_not_null())
        .run()
    )
    result = Figures(months=keys, categories=[labels[c["id"]] for c in cats] + [str(_("Uncategorised"))])
    active: dict[str, set[int]] = {k: set() for k in keys}
    first_seen: dict[int, str] = {}
    last_seen: dict[int, str] = {}
    all_months: dict[int, set[str]] = {}
    for row in rows:
        month = month_key(row["confirmed_at"])
        label = labels.get(row["category"], str(_("Uncategorised")))
        if month in active:
            result.hours[(label, month)] = result.hours.get((label, month), 0.0) + (row["minutes"] or 0) / 60
        for member in (row["provider"], row["receiver"]):
            if member is None:
                continue
            all_months.setdefault(member, set()).add(month)
            if month in active:
                active[month].add(member)
            first_seen[member] = min(first_seen.get(member, month), month)
            last_seen[member] = max(last_seen.get(member, month), month)
    for index, month in enumerate(keys):
        result.active[month] = len(active[month])
        result.new[month] = sum(1 for m in first_seen.values() if m == month)
        # Lapsed this month: their most recent exchange up to now was LAPSE_MONTHS months earlier.
        lapse_from = last_months(_month_start(month), LAPSE_MONTHS + 1)[0]
        lapsed = 0
        for months_of in all_months.values():
            upto = [m for m in months_of if m <= month]
            if upto and max(upto) == lapse_from:
                lapsed += 1
        result.lapsed[month] = lapsed
        del index
    used = {c for (c, _m) in result.hours}
    result.categories = [c for c in result.categories if c in used]
    return result


def _month_start(key: str) -> datetime:
    year, month = key.split("-")
    return datetime(int(year), int(month), 1)


def to_csv(data: Figures) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Section"), _("Category"), *data.months, _("Total")])
    for category in data.categories:
        writer.writerow(
            [
                _("Hours"),
                category,
                *(f"{data.hours.get((category, m), 0):.2f}" for m in data.months),
                f"{data.category_total(category):.2f}",
            ]
        )
    writer.writerow([_("Hours"), _("All categories"), *(f"{data.month_total(m):.2f}" for m in data.months), ""])
    for label, series in (
        (_("Active members"), data.active),
        (_("New members"), data.new),
        (_("Lapsed members"), data.lapsed),
    ):
        writer.writerow([_("Members"), label, *(series.get(m, 0) for m in data.months), ""])
    return out.getvalue()


def chart_rows(data: Figures) -> dict[str, Any]:
    return {
        "hours_by_month": [(m, data.month_total(m)) for m in data.months],
        "hours_by_category": [(c, data.category_total(c)) for c in data.categories],
    }
