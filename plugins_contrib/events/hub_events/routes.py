"""Event pages: list, detail with RSVP, create/edit/delete, one-occurrence changes, calendar feeds."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, timedelta
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import FromPath

from hub import PUBLIC, Actor, Field, Form, redirect
from hub import gettext as _
from hub import lazy_gettext as _l
from hub_events import service
from hub_events.forms import event_form, form_from_event, times_from, when_form
from hub_events.ical import calendar_bytes
from hub_events.recurrence import parse_key
from hub_events.service import Occurrence
from hub_events.tables import Change, EventRow, FeedToken, Rsvp

__all__ = ["EventsController"]

PAGE_SIZE = 20
RSVP_FORM = Form(
    [
        Field("status", "status", kind="choice", choices=[(s, s) for s in service.STATUSES]),
        Field("at", "at", max_length=32),
    ]
)
ICS_TYPE = "text/calendar; charset=utf-8"


def _hub(request: Request[Any, Any, Any]) -> Any:
    return request.app.state.hub


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


async def _event_or_404(request: Request[Any, Any, Any], event_id: int) -> tuple[dict[str, Any], Actor | None]:
    actor = await _hub(request).actor(request)
    event = await service.load_event(event_id, actor)
    if event is None:
        raise NotFoundException()
    return event, actor


async def _managed_event(request: Request[Any, Any, Any], event_id: int) -> tuple[dict[str, Any], Actor]:
    event, actor = await _event_or_404(request, event_id)
    if actor is None or not service.can_manage(event, actor):
        raise PermissionDeniedException()
    return event, actor


def _query(request: Request[Any, Any, Any], name: str) -> str:
    value = request.query_params.get(name, "")
    return value if isinstance(value, str) else ""


def _form_values(result_values: dict[str, Any], timezone_default: str) -> dict[str, Any]:
    values = dict(result_values)
    values["timezone"] = values.get("timezone") or timezone_default
    return values


def _cross_checks(values: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not values.get("place") and not values.get("online_url"):
        errors["place"] = _("Give a place or an online link, so people know where to go.")
    until = values.get("repeat_until")
    if values.get("recurrence") != "none" and until and date.fromisoformat(until) < date.fromisoformat(values["date"]):
        errors["repeat_until"] = _("The last date must be after the first.")
    return errors


def _row_values(values: dict[str, Any]) -> dict[Any, Any]:
    times = times_from(values, values["timezone"])
    return {
        EventRow.title: values["title"],
        EventRow.description: values["description"] or "",
        EventRow.starts_at: times.starts_at,
        EventRow.ends_at: times.ends_at,
        EventRow.timezone: values["timezone"],
        EventRow.place: values["place"] or "",
        EventRow.online_url: values["online_url"] or "",
        EventRow.capacity: values["capacity"],
        EventRow.audience: values["audience"],
        EventRow.recurrence: values["recurrence"],
        EventRow.repeat_until: (
            date.fromisoformat(values["repeat_until"])
            if values["recurrence"] != "none" and values["repeat_until"]
            else None
        ),
    }


class EventsController(Controller):
    path = "/"

    @get("/", name="events:list", opt={"permission": "events.view"})
    async def list_events(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = _hub(request)
        actor = await hub.actor(request)
        after = parse_key(_query(request, "after")) or _now()
        found = await service.upcoming(actor, after, PAGE_SIZE)
        page, more = found[:PAGE_SIZE], len(found) > PAGE_SIZE
        counts = await service.counts_for([(o.event_id, o.key) for o in page])
        next_url = f"/events/?after={found[PAGE_SIZE].key}" if more else None
        return await hub.render(
            request,
            "events/list.html",
            {"occurrences": page, "counts": counts, "next_url": next_url, "paged": bool(_query(request, "after"))},
            block="results",
        )

    @get("/new", name="events:new", opt={"permission": "events.create"})
    async def new_event(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = _hub(request)
        tz = hub.config("events").timezone
        form = {"timezone": tz, "audience": "public", "recurrence": "none", "start_time": "19:00", "end_time": "21:00"}
        return await hub.render(request, "events/form.html", {"form": form, "errors": {}, "event": None})

    @post("/new", name="events:create", opt={"permission": "events.create"})
    async def create_event(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = _hub(request)
        actor = await hub.actor(request)
        result = event_form().validate(await request.form())
        errors = result.errors or _cross_checks(result.values)
        if errors:
            return await hub.render(
                request, "events/form.html", {"form": result.raw, "errors": errors, "event": None}, status_code=400
            )
        values = _row_values(result.values)
        async with hub.write():
            rows = await EventRow.insert(
                EventRow(**{column._meta.name: value for column, value in values.items()}, organiser=actor.id)
            ).run()
        event_id = int(rows[0]["id"])
        await hub.emit("events.created", actor.id, event_id=event_id)
        hub.flash(request, _("Your event is on the calendar."))
        return redirect(request, f"/events/{event_id}")

    @get("/{event_id:int}", name="events:show", opt={"permission": "events.view"})
    async def show_event(self, request: Request[Any, Any, Any], event_id: FromPath[int]) -> Response[str]:
        hub = _hub(request)
        event, actor = await _event_or_404(request, event_id)
        at = _query(request, "at")
        occurrence = await service.find_occurrence(event, at) if at else await service.next_occurrence(event, _now())
        if occurrence is None and at:
            raise NotFoundException()
        return await hub.render(request, "events/detail.html", await _detail_context(event, occurrence, actor))

    @post("/{event_id:int}/rsvp", name="events:rsvp", opt={"permission": "events.rsvp"})
    async def rsvp(self, request: Request[Any, Any, Any], event_id: FromPath[int]) -> Response[str]:
        hub = _hub(request)
        event, actor = await _event_or_404(request, event_id)
        assert actor is not None
        result = RSVP_FORM.validate(await request.form())
        if not result.ok:
            return Response(_("Choose going, maybe or not going."), status_code=400, media_type="text/plain")
        occurrence = await service.find_occurrence(event, result.values["at"])
        if occurrence is None:
            raise NotFoundException()
        now = _now()
        if occurrence.cancelled or occurrence.end < now:
            return Response(_("This date can no longer be answered."), status_code=400, media_type="text/plain")
        async with hub.write():
            outcome = await service.set_rsvp(event, occurrence.key, actor.id, result.values["status"], now)
        await hub.emit("events.rsvp", actor.id, event_id=event_id, occurrence=occurrence.key, status=outcome.status)
        if outcome.promoted is not None:
            await hub.notify(
                outcome.promoted,
                "events.promoted",
                _l("A place came free: you are going to %(title)s", title=event["title"]),
                url=occurrence.url,
                dedupe_key=f"events.promoted:{event_id}:{occurrence.key}:{outcome.promoted}:{now.isoformat()}",
            )
        message = {
            "going": _("You are going. See you there!"),
            "maybe": _("Marked as maybe."),
            "not_going": _("Thanks for letting us know you can't come."),
            "waiting": _("The event is full: you are on the waiting list."),
        }[outcome.status]
        if request.headers.get("hx-request") == "true":
            context = await _detail_context(event, occurrence, actor)
            context["rsvp_message"] = message
            return await hub.render(request, "events/detail.html", context, block="rsvp")
        hub.flash(request, message)
        return redirect(request, occurrence.url)

    @get("/{event_id:int}/edit", name="events:edit", opt={"permission": "events.create"})
    async def edit_event(self, request: Request[Any, Any, Any], event_id: FromPath[int]) -> Response[str]:
        event, _actor = await _managed_event(request, event_id)
        return await _hub(request).render(
            request, "events/form.html", {"form": form_from_event(event), "errors": {}, "event": event}
        )

    @post("/{event_id:int}/edit", name="events:update", opt={"permission": "events.create"})
    async def update_event(self, request: Request[Any, Any, Any], event_id: FromPath[int]) -> Response[str]:
        hub = _hub(request)
        event, actor = await _managed_event(request, event_id)
        result = event_form().validate(await request.form())
        errors = result.errors or _cross_checks(result.values)
        if errors:
            return await hub.render(
                request, "events/form.html", {"form": result.raw, "errors": errors, "event": event}, status_code=400
            )
        values = _row_values(result.values)
        async with hub.write():
            await EventRow.update(values).where(EventRow.id == event_id).run()
            promoted: list[tuple[str, int]] = []
            if values[EventRow.capacity] is None or (event["capacity"] or 0) < values[EventRow.capacity]:
                keys = await Rsvp.select(Rsvp.occurrence).where(Rsvp.event == event_id, Rsvp.status == "waiting").run()
                updated = {**event, "capacity": values[EventRow.capacity]}
                promoted = await service.promote_all(updated, sorted({row["occurrence"] for row in keys}))
        for key, member_id in promoted:
            await hub.notify(
                member_id,
                "events.promoted",
                _l("A place came free: you are going to %(title)s", title=values[EventRow.title]),
                url=f"/events/{event_id}?at={key}",
                dedupe_key=f"events.promoted:{event_id}:{key}:{member_id}",
            )
        await hub.emit("events.updated", actor.id, event_id=event_id)
        hub.flash(request, _("The event is updated."))
        return redirect(request, f"/events/{event_id}")

    @get("/{event_id:int}/delete", name="events:confirm-delete", opt={"permission": "events.create"})
    async def confirm_delete(self, request: Request[Any, Any, Any], event_id: FromPath[int]) -> Response[str]:
        event, _actor = await _managed_event(request, event_id)
        going = await Rsvp.count().where(Rsvp.event == event_id, Rsvp.status == "going")
        return await _hub(request).render(request, "events/delete.html", {"event": event, "going": going})

    @post("/{event_id:int}/delete", name="events:delete", opt={"permission": "events.create"})
    async def delete_event(self, request: Request[Any, Any, Any], event_id: FromPath[int]) -> Response[str]:
        hub = _hub(request)
        event, actor = await _managed_event(request, event_id)
        async with hub.write():
            await EventRow.delete().where(EventRow.id == event_id).run()
        await hub.emit("events.deleted", actor.id, event_id=event_id)
        hub.flash(request, _("The event “%(title)s” is deleted.", title=event["title"]))
        return redirect(request, "/events/")

    @get("/{event_id:int}/occurrence", name="events:occurrence-form", opt={"permission": "events.create"})
    async def occurrence_form(self, request: Request[Any, Any, Any], event_id: FromPath[int]) -> Response[str]:
        event, _actor = await _managed_event(request, event_id)
        occurrence = await service.find_occurrence(event, _query(request, "at"))
        if occurrence is None or event["recurrence"] == "none":
            raise NotFoundException()
        form = {
            "date": occurrence.local_start.date().isoformat(),
            "start_time": occurrence.local_start.strftime("%H:%M"),
            "end_time": occurrence.local_end.strftime("%H:%M"),
        }
        return await _hub(request).render(
            request, "events/occurrence.html", {"event": event, "occurrence": occurrence, "form": form, "errors": {}}
        )

    @post("/{event_id:int}/occurrence", name="events:occurrence", opt={"permission": "events.create"})
    async def change_occurrence(self, request: Request[Any, Any, Any], event_id: FromPath[int]) -> Response[str]:
        hub = _hub(request)
        event, actor = await _managed_event(request, event_id)
        data = await request.form()
        head = Form(
            [
                Field("at", "at", max_length=32),
                Field("action", "action", kind="choice", choices=[("cancel", ""), ("restore", ""), ("move", "")]),
            ]
        ).validate(data)
        if not head.ok:
            return Response(_("Choose what to do with this date."), status_code=400, media_type="text/plain")
        occurrence = await service.find_occurrence(event, head.values["at"])
        if occurrence is None or event["recurrence"] == "none":
            raise NotFoundException()
        action = head.values["action"]
        new_start = new_end = None
        if action == "move":
            moved = Form(when_form()).validate(data)
            if not moved.ok:
                return await hub.render(
                    request,
                    "events/occurrence.html",
                    {"event": event, "occurrence": occurrence, "form": moved.raw, "errors": moved.errors},
                    status_code=400,
                )
            times = times_from(moved.values, occurrence.zone.key)
            new_start, new_end = times.starts_at, times.ends_at
        async with hub.write():
            await Change.delete().where(Change.event == event_id, Change.occurrence == occurrence.key).run()
            if action != "restore":
                await Change.insert(
                    Change(
                        event=event_id,
                        occurrence=occurrence.key,
                        cancelled=action == "cancel",
                        new_start=new_start,
                        new_end=new_end,
                    )
                ).run()
            attendees = (
                await Rsvp.select(Rsvp.member)
                .where(Rsvp.event == event_id, Rsvp.occurrence == occurrence.key, Rsvp.status.is_in(["going", "maybe"]))
                .run()
            )
        await hub.emit(
            "events.occurrence_changed", actor.id, event_id=event_id, occurrence=occurrence.key, action=action
        )
        title = {
            "cancel": _l("Cancelled: %(title)s", title=event["title"]),
            "move": _l("New time for %(title)s", title=event["title"]),
            "restore": _l("Back on: %(title)s", title=event["title"]),
        }[action]
        stamp = new_start.isoformat() if new_start else action
        for row in attendees:
            if row["member"] != actor.id:
                await hub.notify(
                    row["member"],
                    "events.changed",
                    title,
                    url=occurrence.url,
                    dedupe_key=f"events.changed:{event_id}:{occurrence.key}:{row['member']}:{stamp}",
                )
        hub.flash(
            request,
            {
                "cancel": _("That date is cancelled; the rest of the series is unchanged."),
                "move": _("That date is moved; the rest of the series is unchanged."),
                "restore": _("That date is back as planned."),
            }[action],
        )
        return redirect(request, occurrence.url)

    @get("/{event_id:int}/event.ics", name="events:ics", opt={"permission": "events.view"})
    async def event_ics(self, request: Request[Any, Any, Any], event_id: FromPath[int]) -> Response[bytes]:
        hub = _hub(request)
        event, _actor = await _event_or_404(request, event_id)
        at = _query(request, "at")
        occurrence = await service.find_occurrence(event, at) if at else await service.next_occurrence(event, _now())
        if occurrence is None:
            raise NotFoundException()
        body = calendar_bytes(event["title"], [occurrence], hub.base_url, _now())
        return Response(
            body,
            media_type=ICS_TYPE,
            headers={"Content-Disposition": f'attachment; filename="event-{event_id}.ics"', "Cache-Control": "private"},
        )

    @get("/calendar.ics", name="events:feed", opt={"permission": "events.view"})
    async def hub_feed(self, request: Request[Any, Any, Any]) -> Response[bytes]:
        """The public feed: calendar apps carry no session, so it shows exactly what visitors see."""
        hub = _hub(request)
        now = _now()
        found = await service.upcoming(None, now - timedelta(days=30), 0, horizon=timedelta(days=400))
        body = calendar_bytes(str(hub.site("hub_name")), found[:1000], hub.base_url, now)
        return Response(body, media_type=ICS_TYPE, headers={"Cache-Control": "public, max-age=300"})

    @get("/feeds/{token:str}/calendar.ics", name="events:member-feed", opt={"permission": PUBLIC})
    async def member_feed(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Response[bytes]:
        """A member's own feed (members-only events too), opened by the secret in its address."""
        hub = _hub(request)
        if len(token) > 64:
            raise NotFoundException()
        row = (
            await FeedToken.select(
                FeedToken.member, FeedToken.member.display_name, FeedToken.member.role, FeedToken.member.status
            )
            .where(FeedToken.token == token)
            .first()
            .run()
        )
        if row is None or row["member.status"] != "active":
            raise NotFoundException()
        viewer = Actor(
            id=row["member"],
            display_name=row["member.display_name"],
            email="",
            role=row["member.role"],
            status="active",
        )
        now = _now()
        found = await service.upcoming(viewer, now - timedelta(days=30), 0, horizon=timedelta(days=400))
        name = _("%(hub)s events for %(name)s", hub=hub.site("hub_name"), name=viewer.display_name)
        body = calendar_bytes(name, found[:1000], hub.base_url, now)
        return Response(body, media_type=ICS_TYPE, headers={"Cache-Control": "private, no-store"})

    @get("/calendar", name="events:calendar", opt={"permission": "events.rsvp"})
    async def calendar_page(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = _hub(request)
        actor = await hub.actor(request)
        row = await FeedToken.select(FeedToken.token).where(FeedToken.member == actor.id).first().run()
        personal = hub.absolute_url(f"/events/feeds/{row['token']}/calendar.ics") if row else None
        return await hub.render(
            request,
            "events/calendar.html",
            {"personal_url": personal, "public_url": hub.absolute_url("/events/calendar.ics")},
        )

    @post("/calendar", name="events:calendar-link", opt={"permission": "events.rsvp"})
    async def make_calendar_link(self, request: Request[Any, Any, Any]) -> Response[str]:
        """Create (or replace, revoking the old one) the member's personal feed address."""
        hub = _hub(request)
        actor = await hub.actor(request)
        async with hub.write():
            await FeedToken.delete().where(FeedToken.member == actor.id).run()
            await FeedToken.insert(FeedToken(member=actor.id, token=secrets.token_urlsafe(32))).run()
        hub.flash(request, _("Your personal calendar address is ready. Any old address no longer works."))
        return redirect(request, "/events/calendar")


async def _detail_context(event: dict[str, Any], occurrence: Occurrence | None, actor: Actor | None) -> dict[str, Any]:
    pair = [(event["id"], occurrence.key)] if occurrence else []
    counts = (await service.counts_for(pair)).get(pair[0], {}) if pair else {}
    mine = (await service.my_answers(actor.id, pair)).get(pair[0]) if pair and actor else None
    upcoming: list[Occurrence] = []
    if event["recurrence"] != "none":
        now = _now()
        upcoming = [o for o in await service.occurrences_between(event, now, now + timedelta(days=120))][:8]
    return {
        "event": event,
        "occurrence": occurrence,
        "counts": counts,
        "mine": mine,
        "can_manage": service.can_manage(event, actor),
        "upcoming": upcoming,
        "past": occurrence is not None and occurrence.end < _now(),
    }
