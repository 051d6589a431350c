from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from events_helpers import event_form, future_day
from icalendar import Calendar

from hub.core.db import count_queries
from hub.core.plugins import BUILTIN_PLUGINS
from hub.testing import HubClient, TestMember
from hub_events.tables import EventRow, Rsvp

# Event dates are relative to "now": pin the clock so no test depends on the day it runs, and run
# the date-sensitive ones at several moments of the year (clock changes included).
pytestmark = pytest.mark.usefixtures("pinned_now")
across_the_year = pytest.mark.usefixtures("calendar_moment")


async def create(client: HubClient, **overrides: str) -> int:
    response = await client.post_form("/events/new", event_form(**overrides))
    assert response.status_code == 303, response.text[:2000]
    return int(response.headers["location"].rsplit("/", 1)[1])


def test_found_only_through_the_entry_point(hub) -> None:
    assert not any("events" in target for target in BUILTIN_PLUGINS)
    installed = hub.registry.installed["events"]
    assert installed.source == "entrypoint" and installed.target == "hub_events.plugin"
    assert hub.registry.loaded["events"].source == "entrypoint"


@across_the_year
async def test_create_and_show_event(client: HubClient, member: TestMember) -> None:
    await client.login(member)
    event_id = await create(client)
    page = await client.get(f"/events/{event_id}")
    assert page.status_code == 200
    assert page.text.count("<h1") == 1 and "<h1>Repair café</h1>" in page.text
    assert "<strong>broken</strong>" in page.text
    # The visible time is the local 18:30 (summer or winter); the machine-readable one the instant.
    shown = re.search(r'<time datetime="([^"]+)">([^<]+)</time>', page.text)
    assert shown is not None and "6:30\u202fPM" in shown.group(2) and "Europe/London" in shown.group(2)
    starts = datetime.fromisoformat(shown.group(1)).astimezone(ZoneInfo("Europe/London"))
    assert (starts.hour, starts.minute) == (18, 30)
    assert "Your event is on the calendar." in page.text
    listing = await client.get("/events/")
    assert "Repair café" in listing.text and 'href="/events/new"' in listing.text
    row = await EventRow.select(EventRow.starts_at, EventRow.timezone).first().run()
    assert row["timezone"] == "Europe/London"


async def test_form_errors_write_nothing(client: HubClient, member: TestMember) -> None:
    await client.login(member)
    bad = await client.post_form(
        "/events/new", event_form(title="", date="31/12/2026", timezone="Mars/Base", place="", capacity="-3")
    )
    assert bad.status_code == 400
    for message in ("This field is required.", "Enter a date like", "Enter a time zone", "no smaller than 1"):
        assert message in bad.text
    nowhere = await client.post_form("/events/new", event_form(place="", online_url=""))
    assert nowhere.status_code == 400 and "Give a place or an online link" in nowhere.text
    huge = await client.post_form("/events/new", event_form(title="x" * 50_000))
    assert huge.status_code == 400
    assert await EventRow.count() == 0


async def test_visitors_cannot_create_and_strangers_cannot_edit(
    client: HubClient, member: TestMember, make_member
) -> None:
    assert (await client.get("/events/new")).status_code in (302, 303, 401)
    await client.login(member)
    event_id = await create(client)
    await client.logout()
    other = await make_member()
    await client.login(other)
    assert (await client.get(f"/events/{event_id}/edit")).status_code == 403
    response = await client.post_form(f"/events/{event_id}/edit", event_form(title="Hijacked"))
    assert response.status_code == 403
    assert (await client.post_form(f"/events/{event_id}/delete")).status_code == 403
    assert (await EventRow.select(EventRow.title).first().run())["title"] == "Repair café"


async def test_edit_and_delete_with_confirmation(client: HubClient, member: TestMember) -> None:
    await client.login(member)
    event_id = await create(client)
    edit = await client.get(f"/events/{event_id}/edit")
    assert edit.status_code == 200 and 'value="18:30"' in edit.text
    saved = await client.post_form(f"/events/{event_id}/edit", event_form(title="Repair café deluxe"))
    assert saved.status_code == 303
    confirm = await client.get(f"/events/{event_id}/delete")
    assert confirm.status_code == 200 and "cannot be undone" in confirm.text
    assert await EventRow.count() == 1
    gone = await client.post_form(f"/events/{event_id}/delete")
    assert gone.status_code == 303 and await EventRow.count() == 0
    assert (await client.get(f"/events/{event_id}")).status_code == 404


async def test_members_only_events_never_reach_visitors(
    client: HubClient, anon_client, member: TestMember, admin: TestMember
) -> None:
    await client.login(member)
    secret_id = await create(client, title="Secret tenants meeting", audience="members")
    await create(client, title="Open repair café")
    for url in ("/events/", "/", "/search?q=tenants", "/events/calendar.ics"):
        response = await anon_client.get(url)
        assert response.status_code == 200, url
        assert "Secret tenants" not in response.text, url
    assert (await anon_client.get(f"/events/{secret_id}")).status_code == 404
    assert (await anon_client.get(f"/events/{secret_id}/event.ics")).status_code == 404
    assert "Open repair café" in (await anon_client.get("/events/")).text
    assert "Secret tenants meeting" in (await client.get("/events/")).text
    assert "Secret tenants meeting" in (await client.get("/search?q=tenants")).text


async def test_capacity_waiting_list_and_promotion(client: HubClient, anon_client, member, make_member, hub) -> None:
    await client.login(member)
    event_id = await create(client, capacity="1")
    first, second = await make_member(), await make_member()
    other = anon_client
    await other.login(first)
    page = await other.get(f"/events/{event_id}")
    at = re.search(r'name="at" value="([^"]+)"', page.text).group(1)
    going = await other.post_form(f"/events/{event_id}/rsvp", {"status": "going", "at": at})
    assert going.status_code == 303
    await other.logout()
    await other.login(second)
    full = await other.get(f"/events/{event_id}")
    assert "Join the waiting list" in full.text
    waiting = await other.post_form(f"/events/{event_id}/rsvp", {"status": "going", "at": at}, htmx=True)
    assert waiting.status_code == 200 and "waiting list" in waiting.text and "<html" not in waiting.text
    statuses = {r["member"]: r["status"] for r in await Rsvp.select(Rsvp.member, Rsvp.status).run()}
    assert statuses == {first.id: "going", second.id: "waiting"}
    await other.logout()
    await other.login(first)
    cancel = await other.post_form(f"/events/{event_id}/rsvp", {"status": "not_going", "at": at})
    assert cancel.status_code == 303
    statuses = {r["member"]: r["status"] for r in await Rsvp.select(Rsvp.member, Rsvp.status).run()}
    assert statuses == {first.id: "not_going", second.id: "going"}
    from hub.core.notifications.tables import Notification

    notes = await Notification.select(Notification.member, Notification.type).run()
    assert {"member": second.id, "type": "events.promoted"} in notes


async def test_rsvp_rejects_bad_input(client: HubClient, member: TestMember) -> None:
    await client.login(member)
    event_id = await create(client)
    assert (await client.post_form(f"/events/{event_id}/rsvp", {"status": "party", "at": ""})).status_code == 400
    bogus = await client.post_form(f"/events/{event_id}/rsvp", {"status": "going", "at": "2001-01-01T00:00:00Z"})
    assert bogus.status_code == 404
    assert (await client.post_form("/events/999/rsvp", {"status": "going", "at": ""})).status_code == 404
    no_csrf = await client.post(f"/events/{event_id}/rsvp", data={"status": "going", "at": ""})
    assert no_csrf.status_code == 403
    assert await Rsvp.count() == 0


@across_the_year
async def test_recurring_monthly_second_tuesday_with_one_date_changed(client: HubClient, member: TestMember) -> None:
    await client.login(member)
    # The second Tuesday of next month: the event page lists 120 days ahead, so at least three
    # dates of the series show whatever day of the year it is.
    today = date.today()
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    first = date(year, month, 1)
    second_tuesday = first.replace(day=1 + (1 - first.weekday()) % 7 + 7)
    event_id = await create(
        client, title="Residents' forum", date=second_tuesday.isoformat(), recurrence="monthly", start_time="19:00"
    )
    page = await client.get(f"/events/{event_id}")
    keys = re.findall(rf"/events/{event_id}\?at=([0-9TZ:-]+)", page.text)
    assert len(set(keys)) >= 3
    days = sorted({date.fromisoformat(key[:10]) for key in keys})
    assert all(day.weekday() == 1 and 8 <= day.day <= 14 for day in days)
    target = sorted(set(keys))[1]
    cancelled = await client.post_form(f"/events/{event_id}/occurrence", {"at": target, "action": "cancel"})
    assert cancelled.status_code == 303
    shown = await client.get(f"/events/{event_id}?at={target}")
    assert "This date is cancelled." in shown.text
    moved_key = sorted(set(keys))[2]
    moved = await client.post_form(
        f"/events/{event_id}/occurrence",
        {"at": moved_key, "action": "move", "date": moved_key[:10], "start_time": "20:00", "end_time": "21:30"},
    )
    assert moved.status_code == 303
    ics = Calendar.from_ical((await client.get("/events/calendar.ics")).content)
    events = [c for c in ics.walk("VEVENT") if str(c["summary"]) == "Residents' forum"]
    by_uid = {str(c["uid"]): c for c in events}
    assert str(by_uid[next(u for u in by_uid if target in u)]["status"]) == "CANCELLED"
    moved_event = by_uid[next(u for u in by_uid if moved_key in u)]
    assert moved_event.decoded("dtstart").hour in (19, 20)  # 20:00 in London is 20:00 or 19:00 UTC
    assert moved_event.decoded("dtend") - moved_event.decoded("dtstart") == timedelta(minutes=90)
    bad_move = await client.post_form(
        f"/events/{event_id}/occurrence", {"at": moved_key, "action": "move", "date": "nope"}
    )
    assert bad_move.status_code == 400


@across_the_year
async def test_ical_feed_and_download_open_in_calendar_apps(client: HubClient, member: TestMember) -> None:
    await client.login(member)
    event_id = await create(client)
    await create(client, title="Second", date=future_day(12))
    await create(client, title="Third", date=future_day(14))
    feed = await client.get("/events/calendar.ics")
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(feed.content)
    assert str(calendar["prodid"]) and str(calendar["version"]) == "2.0"
    assert sorted(str(v["summary"]) for v in calendar.walk("VEVENT")) == ["Repair café", "Second", "Third"]
    vevent = next(iter(calendar.walk("VEVENT")))
    for prop in ("uid", "dtstamp", "dtstart", "dtend", "summary"):
        assert prop in vevent
    assert b"DTSTART:" in feed.content and b"Z\r\n" in feed.content
    download = await client.get(f"/events/{event_id}/event.ics")
    assert download.status_code == 200
    assert "attachment" in download.headers["content-disposition"]
    assert len(list(Calendar.from_ical(download.content).walk("VEVENT"))) == 1


async def test_personal_feed_by_secret_token(client: HubClient, anon_client, member: TestMember) -> None:
    await client.login(member)
    await create(client, title="Members' supper", audience="members")
    page = await client.get("/events/calendar")
    assert page.status_code == 200 and "Create my calendar address" in page.text
    assert (await client.post_form("/events/calendar")).status_code == 303
    page = await client.get("/events/calendar")
    url = re.search(r'value="(http[^"]+calendar\.ics)"', page.text).group(1)
    path = url.split("testserver.local")[-1].replace("http://127.0.0.1:8000", "")
    feed = await anon_client.get(path)
    assert feed.status_code == 200 and b"Members' supper" in feed.content
    await client.post_form("/events/calendar")
    assert (await anon_client.get(path)).status_code == 404
    assert (await anon_client.get("/events/feeds/not-a-token/calendar.ics")).status_code == 404


@across_the_year
async def test_home_panel_search_and_query_budget(client: HubClient, member: TestMember, admin: TestMember) -> None:
    await client.login(member)
    for number in range(25):
        await create(client, title=f"Work day {number}", date=future_day(2 + number))
    with count_queries() as counter:
        listing = await client.get("/events/")
    assert listing.status_code == 200 and 'rel="next"' in listing.text
    assert counter.count <= 7, counter.count  # session + actor, then events, series, changes, counts
    next_url = re.search(r'href="(/events/\?after=[^"]+)" rel="next"', listing.text).group(1)
    page_two = await client.get(next_url)
    assert "Work day 24" in page_two.text and "Work day 0<" not in page_two.text
    home = await client.get("/")
    assert "Coming up" in home.text and "Work day 0" in home.text
    found = await client.get("/search?q=work+day")
    assert "Work day 24" in found.text


async def test_more_places_promote_the_waiting_list(client: HubClient, anon_client, member, make_member) -> None:
    await client.login(member)
    event_id = await create(client, capacity="1")
    page = await client.get(f"/events/{event_id}")
    at = re.search(r'name="at" value="([^"]+)"', page.text).group(1)
    guests = [await make_member(), await make_member()]
    for guest in guests:
        await anon_client.login(guest)
        assert (
            await anon_client.post_form(f"/events/{event_id}/rsvp", {"status": "going", "at": at})
        ).status_code == 303
        await anon_client.logout()
    statuses = {r["member"]: r["status"] for r in await Rsvp.select(Rsvp.member, Rsvp.status).run()}
    assert statuses == {guests[0].id: "going", guests[1].id: "waiting"}
    saved = await client.post_form(f"/events/{event_id}/edit", event_form(capacity="2"))
    assert saved.status_code == 303
    statuses = {r["member"]: r["status"] for r in await Rsvp.select(Rsvp.member, Rsvp.status).run()}
    assert statuses == {guests[0].id: "going", guests[1].id: "going"}
    shown = await client.get(f"/events/{event_id}")
    assert "2 going" in shown.text and "0 of 2 places free" in shown.text


async def test_list_answers_htmx_with_the_results_block(client: HubClient, member) -> None:
    await client.login(member)
    await create(client)
    fragment = await client.get("/events/", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.text and "Repair café" in fragment.text
    assert "HX-Request" in fragment.headers["vary"]
