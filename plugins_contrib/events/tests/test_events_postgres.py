"""Events on PostgreSQL: migrations, RSVPs with the waiting list, recurrence and feeds.

The shared ``client`` fixture runs the app in a separate thread and event loop, which asyncpg
connections cannot cross; here the app, its database pool and the test share one loop (the
lifespan's work is done by hand), so every query runs on a real PostgreSQL server.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from events_helpers import event_form, future_day
from httpx import ASGITransport, AsyncClient
from icalendar import Calendar

from hub.core.app import create_app
from hub.core.db import run_migrations
from hub.core.members.service import create_member
from hub.core.settings import Settings
from hub.testing import PASSWORD, HubClient, postgres_database
from hub_events.tables import EventRow, Rsvp

pytestmark = pytest.mark.postgres


class Browser(AsyncClient):
    csrf_token = HubClient.csrf_token
    post_form = HubClient.post_form
    login = HubClient.login
    logout = HubClient.logout


@pytest.fixture
def pg_url() -> Iterator[str]:
    yield from postgres_database()


@pytest.fixture
async def pg(pg_url: str, tmp_path: Path) -> AsyncIterator[tuple[Any, Browser]]:
    settings = Settings(
        hub_dir=tmp_path,
        database_url=pg_url,
        secret_key="test-secret-" + "x" * 40,
        plugins=("events",),
        strict_plugins=True,
        registration="open",
        rate_limit_per_minute=100_000,
        allowed_hosts=("testserver.local",),
    )
    app = create_app(settings)
    hub = app.state.hub
    await hub.engine.prepare()
    try:
        applied = await run_migrations(hub.engine, hub.db_apps)
        assert ("events", "2026-11-26T12:00:00:000000") in applied
        await hub.refresh_state(force=True)
        transport = ASGITransport(app=app)  # type: ignore[arg-type]
        async with Browser(transport=transport, base_url="http://testserver.local", follow_redirects=False) as browser:
            yield hub, browser
    finally:
        await hub.engine.close()


async def _member(hub: Any, email: str) -> Any:
    async with hub.write():
        return await create_member(
            email, email.split("@")[0], PASSWORD, role="member", status="active", email_verified=True
        )


async def test_waiting_list_and_recurrence_on_postgres(pg: tuple[Any, Browser]) -> None:
    hub, browser = pg
    await _member(hub, "org@example.org")
    first_id = await _member(hub, "first@example.org")
    second_id = await _member(hub, "second@example.org")
    await browser.login("org@example.org")
    created = await browser.post_form("/events/new", event_form(capacity="1", recurrence="weekly"))
    assert created.status_code == 303, created.text[:1000]
    event_id = int(created.headers["location"].rsplit("/", 1)[1])
    page = await browser.get(f"/events/{event_id}")
    keys = sorted(set(re.findall(rf"/events/{event_id}\?at=([0-9TZ:-]+)", page.text)))
    assert len(keys) >= 4
    cancelled = await browser.post_form(f"/events/{event_id}/occurrence", {"at": keys[1], "action": "cancel"})
    assert cancelled.status_code == 303
    await browser.logout()

    for email in ("first@example.org", "second@example.org"):
        await browser.login(email)
        answer = await browser.post_form(f"/events/{event_id}/rsvp", {"status": "going", "at": keys[0]})
        assert answer.status_code == 303
        await browser.logout()
    statuses = {r["member"]: r["status"] for r in await Rsvp.select(Rsvp.member, Rsvp.status).run()}
    assert statuses == {first_id: "going", second_id: "waiting"}
    await browser.login("first@example.org")
    await browser.post_form(f"/events/{event_id}/rsvp", {"status": "not_going", "at": keys[0]})
    statuses = {r["member"]: r["status"] for r in await Rsvp.select(Rsvp.member, Rsvp.status).run()}
    assert statuses == {first_id: "not_going", second_id: "going"}
    refused = await browser.post_form(f"/events/{event_id}/rsvp", {"status": "going", "at": keys[1]})
    assert refused.status_code == 400  # a cancelled date

    feed = Calendar.from_ical((await browser.get("/events/calendar.ics")).content)
    statuses_by_key = {str(v["uid"]).split("-", 2)[2].split("@")[0]: str(v["status"]) for v in feed.walk("VEVENT")}
    assert statuses_by_key[keys[1]] == "CANCELLED" and statuses_by_key[keys[0]] == "CONFIRMED"
    found = await browser.get("/search?q=repair")
    assert "Repair café" in found.text
    assert await EventRow.count() == 1

    # Single events and recurring series come from one UNION ALL query (a prepared query).
    single = await browser.post_form("/events/new", event_form(title="Litter pick", date=future_day(3)))
    assert single.status_code == 303, single.text[:1000]
    home = await browser.get("/")
    assert "Coming up" in home.text and "Litter pick" in home.text and "Repair café" in home.text
