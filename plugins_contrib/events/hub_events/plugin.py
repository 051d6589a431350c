"""Events: hook implementations (tables, permissions, routes, nav, panels, search, data, jobs)."""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date, format_time
from piccolo.conf.apps import AppConfig

from hub import (
    Job,
    Member,
    NavItem,
    NotificationType,
    Panel,
    Permission,
    PluginInfo,
    ReportedObject,
    SearchHit,
    current_locale,
    hookimpl,
)
from hub import gettext as _
from hub import (
    lazy_gettext as _l,
)
from hub_events import service
from hub_events.jobs import send_reminders
from hub_events.routes import EventsController
from hub_events.service import Occurrence
from hub_events.settings import EventsSettings
from hub_events.tables import Change, EventRow, FeedToken, Rsvp

PLUGIN = PluginInfo(
    slug="events",
    name=_l("Events"),
    description=_l("Meetings, work days and socials: RSVPs, waiting lists, reminders and calendar feeds."),
    version="0.1.0",
    requires_hub=">=1,<2",
    settings=EventsSettings,
)


@hookimpl
def register_db_apps(hub: Any) -> AppConfig:
    return AppConfig(
        app_name="events",
        migrations_folder_path=Path(__file__).parent / "piccolo_migrations",
        table_classes=[EventRow, Change, Rsvp, FeedToken],
    )


@hookimpl
def register_permissions(hub: Any) -> list[Permission]:
    return [
        Permission("events.view", _l("See events"), roles=("anonymous", "member", "moderator", "admin")),
        Permission("events.create", _l("Create events and manage your own")),
        Permission("events.rsvp", _l("Answer whether you are coming")),
    ]


@hookimpl
def register_routes(hub: Any) -> list[Any]:
    return [EventsController]


@functools.lru_cache(maxsize=16)
def _locale(code: str) -> Locale:
    return Locale.parse(code)


def _when(occurrence: Occurrence) -> str:
    locale = _locale(current_locale())
    start, end = occurrence.local_start, occurrence.local_end
    day = format_date(start.date(), format="full", locale=locale)
    times = f"{format_time(start, format='short', locale=locale)}–{format_time(end, format='short', locale=locale)}"
    if end.date() != start.date():
        times += f" ({format_date(end.date(), format='medium', locale=locale)})"
    return f"{day}, {times} ({occurrence.zone.key})"


@hookimpl
def prepare_jinja_env(hub: Any, env: Any) -> None:
    env.filters["events_when"] = _when


@hookimpl
def nav_items(hub: Any, request: Any, actor: Any) -> list[NavItem]:
    return [NavItem(label=_("Events"), href="/events/", order=40, permission="events.view")]


@hookimpl
async def home_panels(hub: Any, request: Any, actor: Any) -> list[Panel]:
    if not await hub.allowed(actor, "events.view"):
        return []
    found = [o for o in await service.upcoming(actor, datetime.now(UTC), 5) if not o.cancelled][:5]
    if not found:
        return []
    body = hub.render_fragment("events/_panel.html", {"occurrences": found})
    return [Panel(title=_("Coming up"), body=body, order=20, slug="events")]


@hookimpl(optionalhook=True)
async def profile_sections(hub: Any, member_id: int, viewer: Any) -> list[Panel]:
    found = await service.upcoming(viewer, datetime.now(UTC), 5, organiser_id=member_id)
    found = [o for o in found if not o.cancelled][:5]
    if not found:
        return []
    body = hub.render_fragment("events/_panel.html", {"occurrences": found})
    return [Panel(title=_("Events they organise"), body=body, order=50, slug="events")]


@hookimpl
async def search(hub: Any, query: str, actor: Any, limit: int) -> list[SearchHit]:
    pattern = f"%{query.replace('%', '').replace('_', '')}%"
    # SQLite's LIKE already ignores ASCII case; Piccolo warns when asked for ILIKE there.
    method = "like" if hub.engine.engine_type == "sqlite" else "ilike"
    title, description = getattr(EventRow.title, method), getattr(EventRow.description, method)
    rows = (
        await EventRow.select(EventRow.id, EventRow.title, EventRow.place, EventRow.starts_at)
        .where(title(pattern) | description(pattern), *service.visible(actor))
        .order_by(EventRow.starts_at, ascending=False)
        .limit(limit)
        .run()
    )
    return [
        SearchHit(group=_("Events"), title=row["title"], href=f"/events/{row['id']}", summary=row["place"])
        for row in rows
    ]


@hookimpl
def notification_types(hub: Any) -> list[NotificationType]:
    return [
        NotificationType(
            "events.reminder", _l("Event reminders"), _l("A day before an event you are going to."), "email"
        ),
        NotificationType(
            "events.promoted", _l("A place came free"), _l("You moved from the waiting list to going."), "email"
        ),
        NotificationType(
            "events.changed", _l("Event changes"), _l("A date you answered was cancelled or moved."), "email"
        ),
    ]


@hookimpl
def register_jobs(hub: Any) -> list[Job]:
    return [
        Job(
            name="events.reminders",
            every=timedelta(minutes=15),
            run=send_reminders,
            description=_l("Remind people going to an event a day before it starts."),
        )
    ]


@hookimpl
async def member_data_export(hub: Any, member_id: int) -> dict[str, Any]:
    organised = (
        await EventRow.select(
            EventRow.id, EventRow.title, EventRow.description, EventRow.starts_at, EventRow.place, EventRow.audience
        )
        .where(EventRow.organiser == member_id)
        .order_by(EventRow.id)
        .run()
    )
    answers = (
        await Rsvp.select(Rsvp.event, Rsvp.event.title, Rsvp.occurrence, Rsvp.status)
        .where(Rsvp.member == member_id)
        .order_by(Rsvp.id)
        .run()
    )
    for row in organised:
        row["starts_at"] = service._utc(row["starts_at"]).isoformat()
    return {
        "organised": organised,
        "answers": [
            {"event": a["event"], "title": a["event.title"], "date": a["occurrence"], "status": a["status"]}
            for a in answers
        ],
    }


@hookimpl
async def member_data_erase(hub: Any, member_id: int) -> None:
    """Delete their answers and feed; delete their events unless others answered, else unlink them."""
    async with hub.write():
        await Rsvp.delete().where(Rsvp.member == member_id).run()
        await FeedToken.delete().where(FeedToken.member == member_id).run()
        mine = [row["id"] for row in await EventRow.select(EventRow.id).where(EventRow.organiser == member_id).run()]
        if mine:
            answered = {row["event"] for row in await Rsvp.select(Rsvp.event).where(Rsvp.event.is_in(mine)).run()}
            lonely = [event_id for event_id in mine if event_id not in answered]
            if lonely:
                await EventRow.delete().where(EventRow.id.is_in(lonely)).run()
            await EventRow.update({EventRow.organiser: None}).where(EventRow.organiser == member_id).run()


@hookimpl
async def moderation_object(hub: Any, kind: str, object_id: int, viewer: Any) -> ReportedObject | None:
    if kind != "events.event":
        return None
    row = await EventRow.select(*service.EVENT_COLUMNS).where(EventRow.id == object_id).first().run()
    if row is None or not (service.may_see(row, viewer) or (viewer is not None and viewer.is_moderator)):
        return None
    return ReportedObject(
        title=row["title"],
        url=f"/events/{object_id}",
        excerpt=row["description"][:300],
        author_id=row["organiser"],
        hidden=row["hidden"],
    )


@hookimpl
async def moderate(hub: Any, kind: str, object_id: int, action: str, actor: Any, reason: str) -> bool | None:
    if kind != "events.event" or action not in ("hide", "restore"):
        return None
    async with hub.write():
        await EventRow.update({EventRow.hidden: action == "hide"}).where(EventRow.id == object_id).run()
    return True


DEMO_EVENTS = (
    ("Repair café", "Bring something broken; leave with it fixed. Tea and cake provided.", "Village hall", "public"),
    ("Community garden work day", "Weeding, planting and a shared lunch. Gloves available.", "Allotments", "public"),
    (
        "Tenants' association meeting",
        "Rent review, repairs backlog and the next newsletter.",
        "Room 2, library",
        "members",
    ),
    ("Walking group", "An easy 5 km loop, step-free route available.", "Meet at the bus stop", "public"),
    ("Online coffee morning", "A friendly chat for anyone who can't get out.", "", "members"),
)


@hookimpl
async def demo_data(hub: Any, scale: str, progress: Any) -> None:
    organisers = [row["id"] for row in await Member.select(Member.id).order_by(Member.id).limit(20).run()]
    count = 2000 if scale == "large" else len(DEMO_EVENTS) * 2
    progress(0, total=count, label="events")
    today = datetime.now(UTC).replace(hour=18, minute=0, second=0, microsecond=0)
    rows = []
    for index in range(count):
        title, description, place, audience = DEMO_EVENTS[index % len(DEMO_EVENTS)]
        start = today + timedelta(days=1 + index % 365, hours=index % 3)
        rows.append(
            EventRow(
                title=title if index < len(DEMO_EVENTS) else f"{title} #{index}",
                description=description,
                starts_at=start,
                ends_at=start + timedelta(hours=2),
                timezone="Europe/London",
                place=place,
                online_url="" if place else "https://meet.example.org/coffee",
                capacity=12 if index % 4 == 0 else None,
                audience=audience,
                recurrence=("weekly" if index == 3 else "monthly" if index == 2 else "none"),
                repeat_until=(date.today() + timedelta(days=365)) if index in (2, 3) else None,
                organiser=organisers[index % len(organisers)] if organisers else None,
            )
        )
    async with hub.write():
        for offset in range(0, len(rows), 1000):
            await EventRow.insert(*rows[offset : offset + 1000]).run()
            progress(min(1000, len(rows) - offset))
