"""/admin/: the organisers' dashboard: growth per month, plugin figures, and what is waiting.

The chart is plain server-rendered SVG (no script, no inline style) with a data table beside it,
so it reads the same to a screen reader and with images off.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from litestar import Controller, Request, Response, get

from hub.core import hooks
from hub.core.admin.tables import AuditEvent
from hub.core.members.tables import Member
from hub.core.moderation.tables import Report

__all__ = ["DashboardController", "MonthBar", "last_months", "monthly_counts"]

MONTHS = 12
CHART_HEIGHT = 120


def last_months(today: date, count: int = MONTHS) -> list[str]:
    """``YYYY-MM`` keys of the last ``count`` months, oldest first, ending with ``today``'s."""
    year, month = today.year, today.month
    keys = []
    for _ in range(count):
        keys.append(f"{year:04d}-{month:02d}")
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return keys[::-1]


def _month_sql(engine_type: str, column: str) -> str:
    if engine_type == "postgres":
        return f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM')"
    return f"substr({column}, 1, 7)"


async def monthly_counts(hub: Any, since: datetime) -> tuple[dict[str, int], dict[str, int]]:
    """Members who joined, and distinct members active per month.

    Active means signed in that month (the audit log) or last seen that month (sessions, member
    record), so a member who stays signed in for months still counts in the month they came back.
    """
    engine_type = hub.engine.engine_type
    joined_month = _month_sql(engine_type, "created_at")
    joined = await Member.raw(
        f"SELECT {joined_month} AS month, COUNT(*) AS n FROM hub_member "  # noqa: S608 - no user input
        "WHERE created_at >= {} GROUP BY 1",
        since,
    ).run()
    login_month = _month_sql(engine_type, "created_at")
    seen_month = _month_sql(engine_type, "last_seen_at")
    session_month = _month_sql(engine_type, "last_seen_at")
    active = await AuditEvent.raw(
        "SELECT month, COUNT(DISTINCT who) AS n FROM ("  # noqa: S608 - no user input
        f"SELECT {login_month} AS month, actor AS who FROM hub_audit_event "
        "WHERE event = {} AND actor IS NOT NULL AND created_at >= {} "
        f"UNION SELECT {seen_month} AS month, id AS who FROM hub_member WHERE last_seen_at >= {{}} "
        f"UNION SELECT {session_month} AS month, member AS who FROM hub_session "
        "WHERE member IS NOT NULL AND last_seen_at >= {}"
        ") AS activity GROUP BY month",
        "core.logged_in",
        since,
        since,
        since,
    ).run()
    return ({r["month"]: int(r["n"]) for r in joined}, {r["month"]: int(r["n"]) for r in active})


@dataclass(frozen=True, slots=True)
class MonthBar:
    month: str
    label: str
    joined: int
    active: int
    x: int
    joined_height: int
    active_height: int


def chart_bars(months: list[str], joined: dict[str, int], active: dict[str, int], locale: str) -> list[MonthBar]:
    from babel.dates import format_date

    top = max([1, *joined.values(), *active.values()])
    bars = []
    for index, key in enumerate(months):
        year, month = (int(p) for p in key.split("-"))
        label = format_date(date(year, month, 1), "MMM yy", locale=locale)
        j, a = joined.get(key, 0), active.get(key, 0)
        bars.append(
            MonthBar(key, label, j, a, index * 50 + 40, round(j / top * CHART_HEIGHT), round(a / top * CHART_HEIGHT))
        )
    return bars


class DashboardController(Controller):
    path = "/admin"

    @get("/", name="core:admin-dashboard", opt={"permission": "core.moderate"})
    async def dashboard(self, request: Request[Any, Any, Any]) -> Response[str]:
        from hub.core.i18n import current_locale

        hub = request.app.state.hub
        today = datetime.now(UTC).date()
        months = last_months(today)
        since = datetime(int(months[0][:4]), int(months[0][5:]), 1, tzinfo=UTC)
        joined, active = await monthly_counts(hub, since)
        open_reports = await Report.count().where(Report.status == "open").run()
        pending = await Member.count().where(Member.status == "pending").run()
        stats = []
        for slug, result in await hooks.gather_hook_by_plugin(hub.registry, "admin_stats", load_order=True, hub=hub):
            plugin = hub.registry.loaded.get(slug)
            items = [(str(label), number) for label, number in result if isinstance(number, int | float)]
            if items:
                stats.append((str(plugin.info.name) if plugin else slug, items))
        top = max([1, *joined.values(), *active.values()])
        return await hub.render(
            request,
            "admin/dashboard.html",
            {
                "bars": chart_bars(months, joined, active, current_locale()),
                "chart_top": top,
                "chart_height": CHART_HEIGHT,
                "stats": stats,
                "open_reports": open_reports,
                "pending_members": pending,
            },
        )
