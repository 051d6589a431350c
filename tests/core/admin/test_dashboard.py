"""The organisers' dashboard: growth chart with its data table, plugin figures, what is waiting."""

from __future__ import annotations

import re
import types
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import pytest

from hub import PluginInfo, hookimpl
from hub.core.admin.dashboard import last_months
from hub.core.db import count_queries
from hub.core.members.tables import Member
from hub.testing import HubClient, MakeMember, TestMember


def _stats_plugin() -> types.ModuleType:
    module = types.ModuleType("statsplugin")
    module.PLUGIN = PluginInfo(slug="statsplugin", name="Stats plugin", version="1.0")  # type: ignore[attr-defined]

    @hookimpl
    def admin_stats(hub: Any) -> list[tuple[str, int]]:
        return [("Notices this month", 12), ("Open offers", 4)]

    module.admin_stats = admin_stats  # type: ignore[attr-defined]
    return module


@pytest.fixture
def hub_plugins() -> Sequence[Any]:
    return [_stats_plugin()]


def test_last_months_cross_the_year() -> None:
    assert last_months(date(2026, 2, 14), 4) == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert len(last_months(date(2026, 12, 1))) == 12


@pytest.mark.all_databases
@pytest.mark.usefixtures("calendar_moment")
async def test_dashboard_shows_growth_stats_and_waiting_work(
    client: HubClient, moderator: TestMember, make_member: MakeMember, make_report: Any
) -> None:
    await make_member(status="pending")
    await make_member(status="pending")
    await make_report()
    # One member who joined eleven months ago, in the first month of the chart.
    now = datetime.now(UTC)
    old_month = last_months(now.date())[0]
    veteran = await make_member()
    joined_then = datetime(int(old_month[:4]), int(old_month[5:]), 15, tzinfo=UTC)
    await Member.update({Member.created_at: joined_then}).where(Member.id == veteran.id).run()

    await client.login(moderator)
    await client.get("/account/")  # shows (and so clears) the welcome-back flash
    with count_queries() as counter:
        page = await client.get("/admin/")
    assert page.status_code == 200
    text = page.text
    assert '<svg class="chart" role="img"' in text and '<title id="chart-title">' in text and "<desc" in text
    assert text.count('class="chart-joined"') == 12 and text.count('class="chart-active"') == 12
    assert "1 report to look at" in text and "2 people waiting to join" in text
    assert "Stats plugin" in text and "Notices this month" in text and "<dd>12</dd>" in text

    rows = re.findall(r"<tr><th scope=\"row\">([^<]+)</th><td>(\d+)</td><td>(\d+)</td></tr>", text)
    assert len(rows) == 12
    this_month, first_month = rows[0], rows[-1]
    total_members = await Member.count().run()
    assert int(this_month[1]) == total_members - 1  # everyone else joined this month
    assert int(first_month[1]) == 1
    assert int(this_month[2]) >= 1  # the moderator signed in this month
    assert counter.count <= 6, counter.statements


async def test_dashboard_without_plugin_figures(client: HubClient, moderator: TestMember, hub: Any) -> None:
    hub.registry.disabled.add("statsplugin")
    await hub.set_plugin_enabled("statsplugin", False)
    await client.login(moderator)
    page = await client.get("/admin/")
    assert "No plugin reports figures yet" in page.text
    assert "0 reports to look at" in page.text
