"""Organisers' pages: visibility defaults, entries for people who are not online, exports."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

from hub import EmailTaken, redirect
from hub import gettext as _
from hub.plugins.directory import queries, service
from hub.plugins.directory.forms import convert_form, defaults_form, profile_form
from hub.plugins.directory.routes import NOINDEX, profile_form_values, visibility_choices
from hub.plugins.directory.tables import DirectoryDefault, DirectoryProfile
from hub.plugins.directory.visibility import FIELDS, ORGANISERS

__all__ = ["ManageController", "contact_rows"]

P = DirectoryProfile
EXPORT_LIMIT = 5000


def _hub(request: Request[Any, Any, Any]) -> Any:
    return request.app.state.hub


async def contact_rows(actor: Any) -> list[dict[str, Any]]:
    """Listed people as an organiser may see them: fields set to "only me" are left out."""
    rows = (
        await P.select(
            P.id,
            P.preferred_name,
            P.area,
            P.pronouns,
            P.access_needs,
            P.contact_note,
            P.vis_area,
            P.vis_pronouns,
            P.vis_access,
            P.vis_languages,
            P.vis_email,
            P.member.email.as_alias("email"),
        )
        .where(P.listed.eq(True), P.member.is_null() | (P.member.status == "active"))
        .order_by(P.sort_name, P.id)
        .limit(EXPORT_LIMIT)
        .run()
    )
    tags = await queries.tags_for([row["id"] for row in rows])
    people = []
    for row in rows:
        languages = [t["label"] for t in tags[row["id"]] if t["kind"] == "language"]
        people.append(
            {
                "name": row["preferred_name"],
                "email": (row["email"] or "") if row["vis_email"] <= ORGANISERS else "",
                "area": row["area"] if row["vis_area"] <= ORGANISERS else "",
                "pronouns": row["pronouns"] if row["vis_pronouns"] <= ORGANISERS else "",
                "languages": ", ".join(languages) if row["vis_languages"] <= ORGANISERS else "",
                "access_needs": row["access_needs"] if row["vis_access"] <= ORGANISERS else "",
                "contact_note": row["contact_note"],
                "profile": f"/directory/{row['id']}",
            }
        )
    return people


def _csv_cell(value: str) -> str:
    """Neutralise spreadsheet formulas (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


class ManageController(Controller):
    path = "/manage"
    response_headers = NOINDEX

    @get("/", name="directory:manage", opt={"permission": "directory.manage"})
    async def manage(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = _hub(request)
        levels = await queries.defaults()
        entries = (
            await P.select(P.id, P.preferred_name, P.listed, P.member, P.invite_hash, P.consent_at)
            .where(P.by_organiser.eq(True))
            .order_by(P.sort_name, P.id)
            .limit(500)
            .run()
        )
        return await hub.render(
            request,
            "directory/manage.html",
            {
                "form": {f"vis_{field}": str(level) for field, level in levels.items()},
                "errors": {},
                "visibility": visibility_choices(),
                "entries": entries,
            },
        )

    @post("/defaults", name="directory:manage-defaults", opt={"permission": "directory.manage"})
    async def save_defaults(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = _hub(request)
        actor = await hub.actor(request)
        result = defaults_form().validate(await request.form())
        if not result.ok:
            return await hub.render(
                request,
                "directory/manage.html",
                {"form": result.raw, "errors": result.errors, "visibility": visibility_choices(), "entries": []},
                status_code=400,
            )
        async with hub.write():
            await DirectoryDefault.delete().where(DirectoryDefault.field.is_in(list(FIELDS))).run()
            await DirectoryDefault.insert(
                *[DirectoryDefault(field=field, level=int(result.values[f"vis_{field}"])) for field in FIELDS]
            ).run()
        await hub.emit("directory.defaults_changed", actor.id)
        hub.flash(request, _("The default visibility for new profiles is saved."))
        return redirect(request, "/directory/manage/")

    # -- entries for people who are not online ------------------------------------------------

    @get("/new", name="directory:entry-new", opt={"permission": "directory.manage"})
    async def new_entry(self, request: Request[Any, Any, Any]) -> Response[str]:
        values = profile_form_values(None, [], await queries.defaults())
        values["listed"] = "on"
        return await self._entry_page(request, None, values, {})

    async def _entry_page(
        self,
        request: Request[Any, Any, Any],
        entry: dict[str, Any] | None,
        values: dict[str, Any],
        errors: dict[str, str],
        status_code: int = 200,
    ) -> Response[str]:
        return await _hub(request).render(
            request,
            "directory/entry_form.html",
            {"entry": entry, "form": values, "errors": errors, "visibility": visibility_choices()},
            status_code=status_code,
        )

    @post("/new", name="directory:entry-create", opt={"permission": "directory.manage"})
    async def create_entry(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = _hub(request)
        actor = await hub.actor(request)
        result = profile_form(organiser_entry=True).validate(await request.form())
        if not result.ok:
            return await self._entry_page(request, None, result.raw, result.errors, status_code=400)
        profile_id = await service.save_profile(
            hub,
            result.values,
            extra={
                P.by_organiser: True,
                P.listed: result.values["listed"],
                P.contact_note: result.values["contact_note"],
                P.consent_note: result.values["consent_note"],
                P.consent_by: actor.id,
                P.consent_at: datetime.now(UTC),
            },
        )
        await hub.emit("directory.entry_created", actor.id, profile_id=profile_id)
        hub.flash(request, _("The entry for %(name)s is saved.", name=result.values["preferred_name"]))
        return redirect(request, f"/directory/{profile_id}")

    async def _entry(self, profile_id: int) -> dict[str, Any]:
        row = await queries.get_any_profile(profile_id)
        if row is None or not row["by_organiser"] or row["member"] is not None:
            raise NotFoundException()
        return row

    @get("/{profile_id:int}/edit", name="directory:entry-edit", opt={"permission": "directory.manage"})
    async def edit_entry(self, request: Request[Any, Any, Any], profile_id: FromPath[int]) -> Response[str]:
        row = await self._entry(profile_id)
        tags = (await queries.tags_for([profile_id]))[profile_id]
        return await self._entry_page(request, row, profile_form_values(row, tags, await queries.defaults()), {})

    @post("/{profile_id:int}/edit", name="directory:entry-update", opt={"permission": "directory.manage"})
    async def update_entry(self, request: Request[Any, Any, Any], profile_id: FromPath[int]) -> Response[str]:
        hub = _hub(request)
        actor = await hub.actor(request)
        row = await self._entry(profile_id)
        result = profile_form(organiser_entry=True).validate(await request.form())
        if not result.ok:
            return await self._entry_page(request, row, result.raw, result.errors, status_code=400)
        extra: dict[Any, Any] = {P.listed: result.values["listed"], P.contact_note: result.values["contact_note"]}
        if result.values["consent_note"] != row["consent_note"]:
            extra.update({P.consent_note: result.values["consent_note"], P.consent_by: actor.id,
                          P.consent_at: datetime.now(UTC)})  # fmt: skip
        await service.save_profile(hub, result.values, profile_id=profile_id, extra=extra)
        await hub.emit("directory.entry_updated", actor.id, profile_id=profile_id)
        hub.flash(request, _("The entry for %(name)s is saved.", name=result.values["preferred_name"]))
        return redirect(request, f"/directory/{profile_id}")

    @get("/{profile_id:int}/delete", name="directory:entry-delete", opt={"permission": "directory.manage"})
    async def delete_entry_page(self, request: Request[Any, Any, Any], profile_id: FromPath[int]) -> Response[str]:
        row = await self._entry(profile_id)
        return await _hub(request).render(request, "directory/entry_delete.html", {"entry": row})

    @post("/{profile_id:int}/delete", name="directory:entry-delete-confirm", opt={"permission": "directory.manage"})
    async def delete_entry(self, request: Request[Any, Any, Any], profile_id: FromPath[int]) -> Response[str]:
        hub = _hub(request)
        actor = await hub.actor(request)
        row = await self._entry(profile_id)
        async with hub.write():
            await P.delete().where(P.id == profile_id, P.member.is_null()).run()
        await hub.emit("directory.entry_deleted", actor.id, profile_id=profile_id)
        hub.flash(request, _("The entry for %(name)s is deleted.", name=row["preferred_name"]))
        return redirect(request, "/directory/manage/")

    @get("/{profile_id:int}/convert", name="directory:entry-convert", opt={"permission": "directory.manage"})
    async def convert_page(self, request: Request[Any, Any, Any], profile_id: FromPath[int]) -> Response[str]:
        row = await self._entry(profile_id)
        return await _hub(request).render(request, "directory/convert.html", {"entry": row, "form": {}, "errors": {}})

    @post("/{profile_id:int}/convert", name="directory:entry-convert-send", opt={"permission": "directory.manage"})
    async def convert(self, request: Request[Any, Any, Any], profile_id: FromPath[int]) -> Response[str]:
        hub = _hub(request)
        actor = await hub.actor(request)
        row = await self._entry(profile_id)
        result = convert_form().validate(await request.form())
        if result.ok:
            try:
                _member_id, token = await service.convert_entry(hub, row, result.values["email"], actor.id)
            except EmailTaken:
                result.errors["email"] = _("That email address already belongs to a member.")
            else:
                link = hub.absolute_url(f"/directory/join/{token}")
                with hub.in_language():  # they have not chosen a language yet: the hub's default
                    subject = _("Your invitation to %(hub)s", hub=hub.site("hub_name"))
                    text = "\n".join(
                        [
                            _("Hello %(name)s,", name=row["preferred_name"]),
                            "",
                            _(
                                "%(organiser)s has made you an account on %(hub)s, the online hub of your community, "
                                "linked to the directory entry you agreed to.",
                                organiser=actor.display_name,
                                hub=hub.site("hub_name"),
                            ),
                            "",
                            _(
                                "Choose a password to start (this link works for %(days)s days):",
                                days=service.INVITE_DAYS,
                            ),
                            link,
                            "",
                            _("If you did not expect this, ignore this email or tell an organiser."),
                        ]
                    )
                await hub.send_mail(result.values["email"], subject, text, member_id=_member_id, category="invitation")
                hub.flash(request, _("An invitation is on its way to %(name)s.", name=row["preferred_name"]))
                return redirect(request, f"/directory/{profile_id}")
        return await hub.render(
            request,
            "directory/convert.html",
            {"entry": row, "form": result.raw, "errors": result.errors},
            status_code=400,
        )

    # -- exports --------------------------------------------------------------------------------

    @get("/export.csv", name="directory:export-csv", opt={"permission": "directory.manage"})
    async def export_csv(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = _hub(request)
        actor = await hub.actor(request)
        people = await contact_rows(actor)
        out = io.StringIO()
        writer = csv.writer(out)
        columns = ["name", "email", "area", "pronouns", "languages", "access_needs", "contact_note", "profile"]
        writer.writerow(columns)
        for person in people:
            values = [person[c] if c != "profile" else hub.absolute_url(person[c]) for c in columns]
            writer.writerow([_csv_cell(str(v)) for v in values])
        await hub.emit("directory.exported", actor.id, rows=len(people))
        return Response(
            out.getvalue(),
            media_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": 'attachment; filename="directory-contacts.csv"',
                "Cache-Control": "no-store",
            },
        )

    @get("/print", name="directory:print", opt={"permission": "directory.manage"})
    async def print_page(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = _hub(request)
        people = await contact_rows(await hub.actor(request))
        return await hub.render(
            request,
            "directory/print.html",
            {"people": people, "printed_at": datetime.now(UTC)},
            headers={"Cache-Control": "no-store"},
        )
