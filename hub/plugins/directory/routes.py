"""Members' pages: browse and search the directory, view a profile, send a message, edit your own."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import ResponseHeader, UploadFile
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from markupsafe import Markup, escape

from hub import Actor, Panel, RelayRefused, clean_text, client_address, gather_hook, redirect
from hub import gettext as _
from hub.plugins.directory import queries, service
from hub.plugins.directory.avatar import avatar_svg
from hub.plugins.directory.forms import contact_form, profile_form
from hub.plugins.directory.photos import PhotoRejected, delete_photo, photo_path, process_photo, store_photo
from hub.plugins.directory.settings import DirectorySettings
from hub.plugins.directory.tables import DirectoryProfile
from hub.plugins.directory.visibility import FIELDS, choices_for, sees, visible_profile

__all__ = ["NOINDEX", "DirectoryController", "browse_limited", "profile_form_values"]

NOINDEX = [ResponseHeader(name="X-Robots-Tag", value="noindex")]
P = DirectoryProfile


def _hub(request: Request[Any, Any, Any]) -> Any:
    return request.app.state.hub


async def browse_limited(request: Request[Any, Any, Any], actor: Actor | None) -> Response[str] | None:
    """Stop bulk scraping: a per-member (or per-address) budget of list, search and profile views."""
    hub = _hub(request)
    config: DirectorySettings = hub.config("directory")
    limit, window = config.browse_limit, timedelta(minutes=config.browse_window_minutes)
    key = f"directory:browse:{actor.id if actor else 'ip:' + client_address(request)}"
    if await hub.limiter.hit(key, window) <= limit:
        return None
    verdict = await hub.limiter.check(key, limit, window)
    retry = max(verdict.retry_after, 1)
    return await hub.render(
        request,
        "errors/error.html",
        {
            "status": 429,
            "title": _("Too many attempts"),
            "message": _("You have looked at a lot of the directory in a short time. Please wait a few minutes."),
        },
        status_code=429,
        headers={"Retry-After": str(retry), "X-Robots-Tag": "noindex"},
    )


def _param(request: Request[Any, Any, Any], name: str, limit: int = 60) -> str:
    value = request.query_params.get(name, "")
    return clean_text(value if isinstance(value, str) else "")[:limit]


def _cursor(raw: str) -> tuple[str, int] | None:
    last_id, _sep, name = raw.partition(":")
    if not last_id.isdigit() or len(raw) > 200:
        return None
    return name, int(last_id)


def profile_form_values(
    profile: dict[str, Any] | None, tags: list[dict[str, Any]], levels: dict[str, int]
) -> dict[str, Any]:
    """What the edit form shows: the saved profile, or the defaults for a new one."""
    values: dict[str, Any] = {f"vis_{field}": str(level) for field, level in levels.items()}
    if profile is None:
        return values
    values.update(
        {
            "preferred_name": profile["preferred_name"],
            "pronouns": profile["pronouns"],
            "bio": profile["bio"],
            "area": profile["area"],
            "access_needs": profile["access_needs"],
            "skills": service.tag_text(tags, "skill"),
            "interests": service.tag_text(tags, "interest"),
            "languages": service.tag_text(tags, "language"),
            "contact_note": profile.get("contact_note", ""),
            "consent_note": profile.get("consent_note", ""),
            "listed": "on" if profile["listed"] else "",
        }
    )
    values.update({f"vis_{field}": str(profile[f"vis_{field}"]) for field in FIELDS})
    return values


def visibility_choices() -> dict[str, tuple[str, list[tuple[str, str]]]]:
    return {field: (str(spec[0]), choices_for(field)) for field, spec in FIELDS.items()}


class DirectoryController(Controller):
    path = "/"
    response_headers = NOINDEX

    @get("/", name="directory:list", opt={"permission": "directory.view"})
    async def browse(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = _hub(request)
        actor = await hub.actor(request)
        limited = await browse_limited(request, actor)
        if limited is not None:
            return limited
        filters = queries.Filters(
            q=_param(request, "q"),
            tag=_param(request, "tag").casefold(),
            language=_param(request, "language").casefold(),
            area=_param(request, "area", 40),
        )
        size = hub.config("directory").page_size
        after = _cursor(_param(request, "after", 200))
        rows = await queries.find_profiles(filters, actor, size, after)
        more = len(rows) > size
        rows = rows[:size]
        tags = await queries.tags_for([row["id"] for row in rows])
        people = [visible_profile(row, tags[row["id"]], actor) for row in rows]
        next_url = None
        if more:
            from urllib.parse import urlencode

            params = {k: v for k, v in {"q": filters.q, "tag": filters.tag, "language": filters.language,
                                         "area": filters.area}.items() if v}  # fmt: skip
            params["after"] = f"{rows[-1]['id']}:{rows[-1]['sort_name']}"
            next_url = f"/directory/?{urlencode(params)}"
        own = None
        if actor is not None:
            own = await P.select(P.id, P.listed).where(P.member == actor.id).first().run()
        can_list = actor is not None and await hub.allowed(actor, "directory.list_self")
        return await hub.render(
            request,
            "directory/list.html",
            {
                "people": people,
                "filters": filters,
                "next_url": next_url,
                "first_page": after is None,
                "own": own,
                "can_list": can_list,
                "can_manage": await hub.allowed(actor, "directory.manage"),
            },
            block="results",
        )

    @get("/{profile_id:int}", name="directory:profile", opt={"permission": "directory.view"})
    async def profile(self, request: Request[Any, Any, Any], profile_id: FromPath[int]) -> Response[str]:
        hub = _hub(request)
        actor = await hub.actor(request)
        limited = await browse_limited(request, actor)
        if limited is not None:
            return limited
        row = await queries.get_profile(profile_id, actor)
        if row is None:
            raise NotFoundException()
        tags = (await queries.tags_for([profile_id]))[profile_id]
        person = visible_profile(row, tags, actor)
        sections: list[tuple[Panel, Markup]] = []
        if row["member"] is not None:
            panels = await gather_hook(hub.registry, "profile_sections", hub=hub, member_id=row["member"], viewer=actor)
            panels = [p for p in panels if isinstance(p, Panel)]
            panels.sort(key=lambda panel: (panel.order, str(panel.title)))
            sections = [(p, p.body if isinstance(p.body, Markup) else escape(p.body)) for p in panels]
        can_contact = (
            row["member"] is not None
            and not person["own"]
            and row["member_status"] == "active"
            and not row["invite_hash"]
            and await hub.allowed(actor, "directory.contact")
        )
        return await hub.render(
            request,
            "directory/profile.html",
            {
                "person": person,
                "sections": sections,
                "can_contact": can_contact,
                "can_manage": await hub.allowed(actor, "directory.manage"),
            },
        )

    @get("/{profile_id:int}/photo", name="directory:photo", opt={"permission": "directory.view"})
    async def photo(self, request: Request[Any, Any, Any], profile_id: FromPath[int]) -> Response[bytes]:
        hub = _hub(request)
        actor = await hub.actor(request)
        row = await queries.get_profile(profile_id, actor)
        path = photo_path(hub.settings.resolved_data_dir, row["photo"]) if row and row["photo"] else None
        if row is None or path is None or not sees(row, "photo", actor) or not path.is_file():
            raise NotFoundException()
        return Response(
            path.read_bytes(),
            media_type="image/jpeg",
            headers={
                "Content-Disposition": 'inline; filename="photo.jpg"',
                "X-Content-Type-Options": "nosniff",
                "Cache-Control": "private, max-age=300",
            },
        )

    @get("/{profile_id:int}/avatar.svg", name="directory:avatar", opt={"permission": "directory.view"})
    async def avatar(self, request: Request[Any, Any, Any], profile_id: FromPath[int]) -> Response[str]:
        hub = _hub(request)
        row = await queries.get_profile(profile_id, await hub.actor(request))
        if row is None:
            raise NotFoundException()
        return Response(
            avatar_svg(row["preferred_name"]),
            media_type="image/svg+xml",
            headers={
                "Content-Security-Policy": "default-src 'none'; style-src 'none'; script-src 'none'",
                "Content-Disposition": 'inline; filename="avatar.svg"',
                "X-Content-Type-Options": "nosniff",
                "Cache-Control": "private, max-age=300",
            },
        )

    # -- contacting someone ----------------------------------------------------------------------

    async def _contact_target(self, request: Request[Any, Any, Any], profile_id: int) -> tuple[Any, dict[str, Any]]:
        hub = _hub(request)
        actor = await hub.actor(request)
        row = await queries.get_profile(profile_id, actor)
        if row is None or row["member"] is None or row["invite_hash"] or row["member"] == actor.id:
            raise NotFoundException()
        return actor, row

    @get("/{profile_id:int}/contact", name="directory:contact", opt={"permission": "directory.contact"})
    async def contact_page(self, request: Request[Any, Any, Any], profile_id: FromPath[int]) -> Response[str]:
        _actor, row = await self._contact_target(request, profile_id)
        return await _hub(request).render(request, "directory/contact.html", {"person": row, "form": {}, "errors": {}})

    @post("/{profile_id:int}/contact", name="directory:contact-send", opt={"permission": "directory.contact"})
    async def contact(self, request: Request[Any, Any, Any], profile_id: FromPath[int]) -> Response[str]:
        hub = _hub(request)
        actor, row = await self._contact_target(request, profile_id)
        result = contact_form().validate(await request.form())
        status, headers = 400, {}
        if result.ok:
            try:
                await hub.relay(
                    actor.id,
                    row["member"],
                    result.values["subject"],
                    result.values["body"],
                    context_url=f"/directory/{profile_id}",
                )
            except RelayRefused as refused:
                result.errors["__all__"] = str(refused)
                if refused.retry_after:
                    status, headers = 429, {"Retry-After": str(refused.retry_after)}
            else:
                hub.flash(
                    request,
                    _(
                        "Your message is on its way to %(name)s. Your email address stays private; "
                        "they can reply through the hub.",
                        name=row["preferred_name"],
                    ),
                )
                return redirect(request, f"/directory/{profile_id}")
        return await hub.render(
            request,
            "directory/contact.html",
            {"person": row, "form": result.raw, "errors": result.errors},
            status_code=status,
            headers=headers,
        )

    # -- your own profile ----------------------------------------------------------------------

    @get("/me", name="directory:me", opt={"permission": "directory.list_self"})
    async def me(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = _hub(request)
        actor = await hub.actor(request)
        profile = await queries.profile_for_member(actor.id)
        tags = (await queries.tags_for([profile["id"]]))[profile["id"]] if profile else []
        values = profile_form_values(profile, tags, await queries.defaults())
        if profile is None:
            values["preferred_name"] = actor.display_name
        return await self._me_page(request, profile, values, {})

    async def _me_page(
        self,
        request: Request[Any, Any, Any],
        profile: dict[str, Any] | None,
        values: dict[str, Any],
        errors: dict[str, str],
        status_code: int = 200,
    ) -> Response[str]:
        return await _hub(request).render(
            request,
            "directory/me.html",
            {"profile": profile, "form": values, "errors": errors, "visibility": visibility_choices()},
            status_code=status_code,
        )

    @post("/me", name="directory:me-save", opt={"permission": "directory.list_self"})
    async def save_me(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = _hub(request)
        actor = await hub.actor(request)
        profile = await queries.profile_for_member(actor.id)
        data = await request.form()
        result = profile_form().validate(data)
        upload = data.get("photo")
        encoded: bytes | None = None
        if isinstance(upload, UploadFile) and upload.filename:
            max_bytes = hub.config("directory").max_photo_bytes
            content = await upload.read(max_bytes + 1)
            try:
                encoded = await process_photo(content, max_bytes)
            except PhotoRejected as rejected:
                result.errors["photo"] = str(rejected)
        if not result.ok:
            return await self._me_page(request, profile, result.raw, result.errors, status_code=400)
        extra: dict[Any, Any] = {}
        old_photo = profile["photo"] if profile else ""
        if encoded is not None:
            extra[P.photo] = store_photo(hub.settings.resolved_data_dir, encoded)
        profile_id = await service.save_profile(
            hub, result.values, profile_id=profile["id"] if profile else None, member_id=actor.id, extra=extra
        )
        if encoded is not None and old_photo:
            delete_photo(hub.settings.resolved_data_dir, old_photo)
        await hub.emit("directory.profile_saved", actor.id, profile_id=profile_id)
        if profile is None:
            hub.flash(request, _("Your profile is saved. It is not listed yet: list yourself when you are ready."))
        else:
            hub.flash(request, _("Your profile is saved."))
        return redirect(request, "/directory/me")

    @post("/me/listing", name="directory:me-listing", opt={"permission": "directory.list_self"})
    async def listing(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = _hub(request)
        actor = await hub.actor(request)
        data = await request.form()
        wanted = data.get("listed")
        if wanted not in ("yes", "no"):
            raise NotFoundException()
        profile = await queries.profile_for_member(actor.id)
        if profile is None:
            hub.flash(request, _("Create your profile first."), "error")
            return redirect(request, "/directory/me")
        async with hub.write():
            await P.update({P.listed: wanted == "yes"}).where(P.id == profile["id"]).run()
        await hub.emit("directory.listing_changed", actor.id, profile_id=profile["id"], listed=wanted == "yes")
        if wanted == "yes":
            hub.flash(request, _("You are listed in the directory."))
        else:
            hub.flash(request, _("You are no longer listed. You are still a member, and your profile is kept."))
        return redirect(request, "/directory/me")

    @post("/me/photo/remove", name="directory:me-photo-remove", opt={"permission": "directory.list_self"})
    async def remove_photo(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = _hub(request)
        actor = await hub.actor(request)
        profile = await queries.profile_for_member(actor.id)
        if profile is None or not profile["photo"]:
            raise NotFoundException()
        async with hub.write():
            await P.update({P.photo: ""}).where(P.id == profile["id"]).run()
        delete_photo(hub.settings.resolved_data_dir, profile["photo"])
        hub.flash(request, _("Your photo is removed."))
        return redirect(request, "/directory/me")

    @get("/me/delete", name="directory:me-delete", opt={"permission": "directory.list_self"})
    async def delete_page(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = _hub(request)
        actor = await hub.actor(request)
        if await queries.profile_for_member(actor.id) is None:
            raise NotFoundException()
        return await hub.render(request, "directory/delete.html", {})

    @post("/me/delete", name="directory:me-delete-confirm", opt={"permission": "directory.list_self"})
    async def delete(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = _hub(request)
        actor = await hub.actor(request)
        if await queries.profile_for_member(actor.id) is None:
            raise NotFoundException()
        await service.delete_profile(hub, actor.id)
        await hub.emit("directory.profile_deleted", actor.id)
        hub.flash(request, _("Your directory profile is deleted. You are still a member of the hub."))
        return redirect(request, "/directory/")
