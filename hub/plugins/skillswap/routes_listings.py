"""Pages for listings: browse with filters, read, post, edit, close, renew, and respond."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import FromPath

from hub import RelayRefused, redirect
from hub import gettext as _
from hub.plugins.skillswap import exchanges as exchange_service
from hub.plugins.skillswap.access import hub_of, int_param, is_coordinator, member_is_vetted, require_actor
from hub.plugins.skillswap.categories import list_categories
from hub.plugins.skillswap.forms import RESPOND_FORM, listing_form
from hub.plugins.skillswap.listings import (
    KINDS,
    MODES,
    Filters,
    expiry_from,
    format_tags,
    get_listing,
    is_live,
    listing_page,
    normalise_tags,
    utcnow,
)
from hub.plugins.skillswap.matching import notify_matches
from hub.plugins.skillswap.tables import Listing

__all__ = ["LISTING_ROUTES"]


def _text(request: Request[Any, Any, Any], name: str, limit: int = 80) -> str:
    value = request.query_params.get(name)
    return " ".join(value.split())[:limit] if isinstance(value, str) else ""


@get("/", name="skillswap:list", opt={"permission": "skillswap.view"})
async def browse(request: Request[Any, Any, Any]) -> Response[str]:
    hub = hub_of(request)
    categories = await list_categories()
    slugs = {c["slug"]: c for c in categories}
    chosen = slugs.get(_text(request, "category"))
    filters = Filters(
        kind=_text(request, "kind") if _text(request, "kind") in KINDS else "",
        category=chosen["id"] if chosen else None,
        tag=_text(request, "tag", 30).lower(),
        area=_text(request, "area"),
    )
    rows, older, newer = await listing_page(
        filters, utcnow(), before=int_param(request, "before"), after=int_param(request, "after")
    )
    labels = {c["id"]: c["label"] for c in categories}
    base = "/skillswap/?" + Filters(filters.kind, None, filters.tag, filters.area).query_string()
    base += f"&category={chosen['slug']}" if chosen else ""
    context = {
        "rows": rows,
        "labels": labels,
        "categories": categories,
        "filters": filters,
        "category_slug": chosen["slug"] if chosen else "",
        "kinds": KINDS,
        "modes": MODES,
        "format_tags": format_tags,
        "older_url": f"{base}&before={older}" if older else None,
        "newer_url": f"{base}&after={newer}" if newer else None,
        "filtered": bool(filters.kind or chosen or filters.tag or filters.area),
    }
    return await hub.render(request, "skillswap/list.html", context, block="results")


async def _category_choices() -> list[tuple[str, str]]:
    return [(str(c["id"]), c["label"]) for c in await list_categories()]


@get("/new", name="skillswap:new", opt={"permission": "skillswap.post"})
async def new_listing(request: Request[Any, Any, Any]) -> Response[str]:
    kind = _text(request, "kind")
    form = {"kind": kind if kind in KINDS else "offer", "mode": "either"}
    return await _form_page(request, form, {}, None)


async def _form_page(
    request: Request[Any, Any, Any],
    form: dict[str, Any],
    errors: dict[str, str],
    listing: dict[str, Any] | None,
    status_code: int = 200,
) -> Response[str]:
    context = {
        "form": form,
        "errors": errors,
        "listing": listing,
        "kinds": [(k, str(v)) for k, v in KINDS.items()],
        "modes": [(k, str(v)) for k, v in MODES.items()],
        "category_choices": await _category_choices(),
    }
    return await hub_of(request).render(request, "skillswap/form.html", context, status_code=status_code)


async def _validate_listing(request: Request[Any, Any, Any], actor_id: int) -> tuple[Any, dict[str, Any]]:
    data = await request.form()
    result = listing_form(await _category_choices()).validate(data)
    category = None
    if result.ok:
        categories = {c["id"]: c for c in await list_categories()}
        category = categories.get(int(result.values["category"]))
        if category is None:
            result.errors["category"] = _("Choose from the options given.")
        elif category["needs_vetted"] and result.values["kind"] == "offer" and not await member_is_vetted(actor_id):
            result.errors["category"] = _(
                "Offers in this category need a helper checked by the organisers. Please talk to an organiser."
            )
    return result, category or {}


@post("/new", name="skillswap:create", opt={"permission": "skillswap.post"})
async def create_listing(request: Request[Any, Any, Any]) -> Response[str]:
    hub = hub_of(request)
    actor = await require_actor(request)
    result, category = await _validate_listing(request, actor.id)
    if not result.ok:
        return await _form_page(request, result.raw, result.errors, None, status_code=400)
    now = utcnow()
    v = result.values
    async with hub.write():
        rows = await Listing.insert(
            Listing(
                kind=v["kind"],
                owner=actor.id,
                category=category["id"],
                title=v["title"],
                body=v["body"],
                tags=normalise_tags(v["tags"]),
                availability=v["availability"],
                mode=v["mode"],
                area=v["area"],
                status="open",
                expires_at=expiry_from(now, hub.config("skillswap")),
                created_at=now,
                updated_at=now,
            )
        ).run()
    listing_id = int(rows[0]["id"])
    await hub.emit("skillswap.listing_created", actor.id, listing_id=listing_id)
    listing = await get_listing(listing_id)
    assert listing is not None
    await notify_matches(hub, listing, now, vetted_only=bool(category["needs_vetted"]))
    hub.flash(request, _("Your listing is up."))
    return redirect(request, f"/skillswap/{listing_id}")


async def _visible_listing(request: Request[Any, Any, Any], listing_id: FromPath[int]) -> dict[str, Any]:
    hub = hub_of(request)
    listing = await get_listing(listing_id)
    if listing is None:
        raise NotFoundException()
    actor = await hub.actor(request)
    mine = actor is not None and actor.id == listing["owner"]
    hidden_from_viewer = listing["hidden"] or (actor is None and not is_live(listing, utcnow()))
    if hidden_from_viewer and not (mine or is_coordinator(actor)):
        raise NotFoundException()
    return listing


@get("/{listing_id:int}", name="skillswap:detail", opt={"permission": "skillswap.view"})
async def detail(request: Request[Any, Any, Any], listing_id: FromPath[int]) -> Response[str]:
    hub = hub_of(request)
    listing = await _visible_listing(request, listing_id)
    actor = await hub.actor(request)
    categories = {c["id"]: c for c in await list_categories(include_archived=True)}
    responded = actor is not None and await exchange_service.has_open_response(listing_id, actor.id)
    context = {
        "listing": listing,
        "category": categories.get(listing["category"], {}),
        "tags": format_tags(listing["tags"]),
        "modes": MODES,
        "kinds": KINDS,
        "mine": actor is not None and actor.id == listing["owner"],
        "live": is_live(listing, utcnow()),
        "responded": responded,
        "can_respond": actor is not None and await hub.allowed(actor, "skillswap.respond"),
    }
    return await hub.render(request, "skillswap/detail.html", context)


async def _owned(request: Request[Any, Any, Any], listing_id: int, allow_coordinator: bool = False) -> dict[str, Any]:
    actor = await require_actor(request)
    listing = await get_listing(listing_id)
    if listing is None:
        raise NotFoundException()
    if listing["owner"] != actor.id and not (allow_coordinator and is_coordinator(actor)):
        raise PermissionDeniedException()
    return listing


@get("/{listing_id:int}/edit", name="skillswap:edit", opt={"permission": "skillswap.post"})
async def edit_form(request: Request[Any, Any, Any], listing_id: FromPath[int]) -> Response[str]:
    listing = await _owned(request, listing_id)
    form = {**listing, "category": str(listing["category"]), "tags": ", ".join(format_tags(listing["tags"]))}
    return await _form_page(request, form, {}, listing)


@post("/{listing_id:int}/edit", name="skillswap:update", opt={"permission": "skillswap.post"})
async def update(request: Request[Any, Any, Any], listing_id: FromPath[int]) -> Response[str]:
    hub = hub_of(request)
    listing = await _owned(request, listing_id)
    actor = await require_actor(request)
    result, category = await _validate_listing(request, actor.id)
    if not result.ok:
        return await _form_page(request, result.raw, result.errors, listing, status_code=400)
    v = result.values
    async with hub.write():
        await (
            Listing.update(
                {
                    Listing.kind: v["kind"],
                    Listing.category: category["id"],
                    Listing.title: v["title"],
                    Listing.body: v["body"],
                    Listing.tags: normalise_tags(v["tags"]),
                    Listing.availability: v["availability"],
                    Listing.mode: v["mode"],
                    Listing.area: v["area"],
                    Listing.updated_at: utcnow(),
                }
            )
            .where(Listing.id == listing_id, Listing.owner == actor.id)
            .run()
        )
    hub.flash(request, _("Your listing was updated."))
    return redirect(request, f"/skillswap/{listing_id}")


@get("/{listing_id:int}/close", name="skillswap:close_confirm", opt={"permission": "skillswap.post"})
async def close_confirm(request: Request[Any, Any, Any], listing_id: FromPath[int]) -> Response[str]:
    listing = await _owned(request, listing_id, allow_coordinator=True)
    return await hub_of(request).render(request, "skillswap/close.html", {"listing": listing})


@post("/{listing_id:int}/close", name="skillswap:close", opt={"permission": "skillswap.post"})
async def close(request: Request[Any, Any, Any], listing_id: FromPath[int]) -> Response[str]:
    hub = hub_of(request)
    await _owned(request, listing_id, allow_coordinator=True)
    async with hub.write():
        await (
            Listing.update({Listing.status: "closed", Listing.updated_at: utcnow()})
            .where(Listing.id == listing_id)
            .run()
        )
    hub.flash(request, _("The listing is closed. It no longer shows in the list."))
    return redirect(request, f"/skillswap/{listing_id}")


@post("/{listing_id:int}/renew", name="skillswap:renew", opt={"permission": "skillswap.post"})
async def renew(request: Request[Any, Any, Any], listing_id: FromPath[int]) -> Response[str]:
    hub = hub_of(request)
    await _owned(request, listing_id)
    now = utcnow()
    async with hub.write():
        await (
            Listing.update(
                {
                    Listing.status: "open",
                    Listing.expires_at: expiry_from(now, hub.config("skillswap")),
                    Listing.updated_at: now,
                }
            )
            .where(Listing.id == listing_id)
            .run()
        )
    hub.flash(request, _("Your listing was renewed."))
    return redirect(request, f"/skillswap/{listing_id}")


async def _respondable(request: Request[Any, Any, Any], listing_id: FromPath[int]) -> tuple[dict[str, Any], Any]:
    actor = await require_actor(request)
    listing = await _visible_listing(request, listing_id)
    if listing["owner"] == actor.id:
        raise PermissionDeniedException()
    return listing, actor


async def _respond_page(
    request: Request[Any, Any, Any],
    listing: dict[str, Any],
    form: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response[str]:
    return await hub_of(request).render(
        request, "skillswap/respond.html", {"listing": listing, "form": form, "errors": errors}, status_code=status_code
    )


@get("/{listing_id:int}/respond", name="skillswap:respond_form", opt={"permission": "skillswap.respond"})
async def respond_form(request: Request[Any, Any, Any], listing_id: FromPath[int]) -> Response[str]:
    listing, _actor = await _respondable(request, listing_id)
    return await _respond_page(request, listing, {}, {})


@post("/{listing_id:int}/respond", name="skillswap:respond", opt={"permission": "skillswap.respond"})
async def respond(request: Request[Any, Any, Any], listing_id: FromPath[int]) -> Response[str]:
    hub = hub_of(request)
    listing, actor = await _respondable(request, listing_id)
    result = RESPOND_FORM.validate(await request.form())
    if result.ok and not is_live(listing, utcnow()):
        result.errors["__all__"] = _("This listing is no longer open.")
    elif result.ok and listing["needs_vetted"] and not await member_is_vetted(actor.id):
        result.errors["__all__"] = _(
            "In this category only members checked by the organisers can respond. Please talk to an organiser."
        )
    elif result.ok and await exchange_service.has_open_response(listing_id, actor.id):
        result.errors["__all__"] = _("You have already responded to this listing.")
    if not result.ok:
        return await _respond_page(request, listing, result.raw, result.errors, status_code=400)
    try:
        exchange_id = await exchange_service.respond(
            hub, listing, actor.id, result.values["message"], f"/skillswap/{listing_id}"
        )
    except RelayRefused as refused:
        return await _respond_page(request, listing, result.raw, {"__all__": str(refused)}, status_code=429)
    await hub.emit("skillswap.exchange_proposed", actor.id, exchange_id=exchange_id)
    hub.flash(request, _("Your message was sent. You will hear when they accept."))
    return redirect(request, f"/skillswap/exchanges/{exchange_id}")


LISTING_ROUTES = [
    browse,
    new_listing,
    create_listing,
    detail,
    edit_form,
    update,
    close_confirm,
    close,
    renew,
    respond_form,
    respond,
]
