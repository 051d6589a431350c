"""Pages for exchanges: my exchanges, one exchange, and each step of its lifecycle."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import FromPath

from hub import gettext as _
from hub import lazy_gettext as _l
from hub import redirect
from hub.plugins.skillswap import exchanges as service
from hub.plugins.skillswap import ledger
from hub.plugins.skillswap.access import hub_of, int_param, is_coordinator, require_actor
from hub.plugins.skillswap.forms import CANCEL_FORM, CONCERN_FORM, DONE_FORM, THANKS_FORM, exchange_details_form
from hub.plugins.skillswap.listings import utcnow
from hub.plugins.skillswap.tables import Exchange, ThankYou

__all__ = ["EXCHANGE_ROUTES"]

PAGE = 30


@get("/exchanges/", name="skillswap:exchanges", opt={"permission": "skillswap.respond"})
async def my_exchanges(request: Request[Any, Any, Any]) -> Response[str]:
    hub = hub_of(request)
    actor = await require_actor(request)
    query = (
        Exchange.select(
            Exchange.id,
            Exchange.status,
            Exchange.provider,
            Exchange.receiver,
            Exchange.created_at,
            Exchange.provider.display_name.as_alias("provider_name"),
            Exchange.receiver.display_name.as_alias("receiver_name"),
            Exchange.listing.title.as_alias("listing_title"),
        )
        .where((Exchange.provider == actor.id) | (Exchange.receiver == actor.id))
        .order_by(Exchange.id, ascending=False)
        .limit(PAGE + 1)
    )
    before = int_param(request, "before")
    if before:
        query = query.where(Exchange.id < before)
    rows = list(await query.run())
    older = rows[PAGE - 1]["id"] if len(rows) > PAGE else None
    return await hub.render(
        request,
        "skillswap/exchanges.html",
        {"rows": rows[:PAGE], "older_url": f"/skillswap/exchanges/?before={older}" if older else None},
    )


async def _party(
    request: Request[Any, Any, Any], exchange_id: int, coordinator_ok: bool = False
) -> tuple[dict[str, Any], Any]:
    actor = await require_actor(request)
    row = await service.get_exchange(exchange_id)
    if row is None:
        raise NotFoundException()
    if service.role_of(row, actor.id) is None and not (coordinator_ok and is_coordinator(actor)):
        raise NotFoundException()
    return row, actor


async def _page(
    request: Request[Any, Any, Any],
    row: dict[str, Any],
    actor: Any,
    errors: dict[str, str] | None = None,
    form: dict[str, Any] | None = None,
    status_code: int = 200,
    message: str | None = None,
) -> Response[str]:
    hub = hub_of(request)
    role = service.role_of(row, actor.id)
    my_confirmed = (row["provider_confirmed"] if role == "provider" else row["receiver_confirmed"]) if role else False
    thanked = bool(
        role and await ThankYou.exists().where(ThankYou.exchange == row["id"], ThankYou.author == actor.id).run()
    )
    context = {
        "x": row,
        "role": role,
        "is_owner": row["listing_owner"] == actor.id and row["initiator"] != actor.id,
        "my_confirmed": my_confirmed,
        "thanked": thanked,
        "errors": errors or {},
        "form": form or {"when": row["when_text"], "where": row["where_text"]},
        "credits": ledger.format_credits,
        "show_conversation": row["status"] in ("agreed", "done", "confirmed") and role is not None,
        "message": message,
    }
    return await hub.render(request, "skillswap/exchange.html", context, block="exchange", status_code=status_code)


async def _done(request: Request[Any, Any, Any], exchange_id: int, actor: Any, message: str) -> Response[str]:
    """After a change: htmx gets the updated exchange in place, with the message inside it (its
    ``aria-live`` region announces it); a plain form post gets a flash message and a redirect."""
    if request.headers.get("hx-request") == "true" and request.headers.get("hx-boosted") != "true":
        row = await service.get_exchange(exchange_id)
        if row is not None:
            return await _page(request, row, actor, message=message)
    hub_of(request).flash(request, message)
    return redirect(request, f"/skillswap/exchanges/{exchange_id}")


@get("/exchanges/{exchange_id:int}", name="skillswap:exchange", opt={"permission": "skillswap.respond"})
async def show(request: Request[Any, Any, Any], exchange_id: FromPath[int]) -> Response[str]:
    row, actor = await _party(request, exchange_id, coordinator_ok=True)
    return await _page(request, row, actor)


@post("/exchanges/{exchange_id:int}/accept", name="skillswap:accept", opt={"permission": "skillswap.respond"})
async def accept(request: Request[Any, Any, Any], exchange_id: FromPath[int]) -> Response[str]:
    hub = hub_of(request)
    row, actor = await _party(request, exchange_id)
    result = exchange_details_form.validate(await request.form())
    if not result.ok:
        return await _page(request, row, actor, result.errors, result.raw, status_code=400)
    try:
        await service.accept(hub, exchange_id, actor.id, result.values["when"], result.values["where"], utcnow())
    except PermissionError:
        raise PermissionDeniedException() from None
    except service.ExchangeError as error:
        return await _page(request, row, actor, {"__all__": str(error)}, status_code=409)
    other = row["initiator"]
    if other:
        await hub.notify(
            other, "skillswap.exchange", _l("Your offer was accepted"), url=f"/skillswap/exchanges/{exchange_id}"
        )
    await hub.emit("skillswap.exchange_agreed", actor.id, exchange_id=exchange_id)
    return await _done(
        request, exchange_id, actor, _("Accepted. You can now talk through the hub and share details if you wish.")
    )


@post("/exchanges/{exchange_id:int}/details", name="skillswap:details", opt={"permission": "skillswap.respond"})
async def details(request: Request[Any, Any, Any], exchange_id: FromPath[int]) -> Response[str]:
    hub = hub_of(request)
    row, actor = await _party(request, exchange_id)
    result = exchange_details_form.validate(await request.form())
    if not result.ok:
        return await _page(request, row, actor, result.errors, result.raw, status_code=400)
    if not await service.update_details(hub, exchange_id, result.values["when"], result.values["where"]):
        return await _page(
            request, row, actor, {"__all__": _("These details can no longer be changed.")}, status_code=409
        )
    hub.flash(request, _("When and where were saved."))
    return redirect(request, f"/skillswap/exchanges/{exchange_id}")


@post("/exchanges/{exchange_id:int}/done", name="skillswap:done", opt={"permission": "skillswap.respond"})
async def done(request: Request[Any, Any, Any], exchange_id: FromPath[int]) -> Response[str]:
    hub = hub_of(request)
    row, actor = await _party(request, exchange_id)
    result = DONE_FORM.validate(await request.form())
    if not result.ok:
        return await _page(request, row, actor, result.errors, result.raw, status_code=400)
    try:
        await service.mark_done(hub, row, actor.id, result.values["minutes"], utcnow())
    except service.ExchangeError as error:
        return await _page(request, row, actor, {"__all__": str(error)}, status_code=409)
    other = row["receiver"] if row["provider"] == actor.id else row["provider"]
    if other:
        await hub.notify(
            other, "skillswap.exchange", _l("Please confirm your exchange"), url=f"/skillswap/exchanges/{exchange_id}"
        )
    hub.flash(request, _("Marked as done. The other person will be asked to confirm."))
    return redirect(request, f"/skillswap/exchanges/{exchange_id}")


@post("/exchanges/{exchange_id:int}/confirm", name="skillswap:confirm", opt={"permission": "skillswap.respond"})
async def confirm(request: Request[Any, Any, Any], exchange_id: FromPath[int]) -> Response[str]:
    hub = hub_of(request)
    row, actor = await _party(request, exchange_id)
    try:
        outcome = await service.confirm(hub, row, actor.id, utcnow())
    except service.ExchangeError as error:
        return await _page(request, row, actor, {"__all__": str(error)}, status_code=409)
    except ledger.LimitExceeded as refused:
        return await _page(request, row, actor, {"__all__": str(refused)}, status_code=409)
    if outcome.status == "confirmed":
        await hub.emit("skillswap.exchange_confirmed", actor.id, exchange_id=exchange_id)
        message = _("Confirmed. Thank you both! You can leave a thank-you note.")
    else:
        message = _("Thank you. We are waiting for the other person to confirm.")
    return await _done(request, exchange_id, actor, message)


async def _simple_form(
    request: Request[Any, Any, Any],
    template: str,
    row: dict[str, Any],
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response[str]:
    return await hub_of(request).render(
        request, template, {"x": row, "form": form or {}, "errors": errors or {}}, status_code=status_code
    )


@get("/exchanges/{exchange_id:int}/cancel", name="skillswap:cancel_form", opt={"permission": "skillswap.respond"})
async def cancel_form(request: Request[Any, Any, Any], exchange_id: FromPath[int]) -> Response[str]:
    row, _actor = await _party(request, exchange_id)
    return await _simple_form(request, "skillswap/cancel.html", row)


@post("/exchanges/{exchange_id:int}/cancel", name="skillswap:cancel", opt={"permission": "skillswap.respond"})
async def cancel(request: Request[Any, Any, Any], exchange_id: FromPath[int]) -> Response[str]:
    hub = hub_of(request)
    row, actor = await _party(request, exchange_id)
    result = CANCEL_FORM.validate(await request.form())
    if not result.ok:
        return await _simple_form(request, "skillswap/cancel.html", row, result.raw, result.errors, 400)
    try:
        await service.cancel(hub, row, result.values["reason"])
    except service.ExchangeError as error:
        return await _simple_form(request, "skillswap/cancel.html", row, result.raw, {"__all__": str(error)}, 409)
    other = row["receiver"] if row["provider"] == actor.id else row["provider"]
    if other:
        await hub.notify(
            other,
            "skillswap.exchange",
            _l("An exchange was cancelled"),
            result.values["reason"],
            url=f"/skillswap/exchanges/{exchange_id}",
        )
    hub.flash(request, _("The exchange was cancelled."))
    return redirect(request, f"/skillswap/exchanges/{exchange_id}")


@get("/exchanges/{exchange_id:int}/thanks", name="skillswap:thanks_form", opt={"permission": "skillswap.respond"})
async def thanks_form(request: Request[Any, Any, Any], exchange_id: FromPath[int]) -> Response[str]:
    row, _actor = await _party(request, exchange_id)
    if row["status"] != "confirmed":
        raise NotFoundException()
    return await _simple_form(request, "skillswap/thanks.html", row)


@post("/exchanges/{exchange_id:int}/thanks", name="skillswap:thanks", opt={"permission": "skillswap.respond"})
async def thanks(request: Request[Any, Any, Any], exchange_id: FromPath[int]) -> Response[str]:
    hub = hub_of(request)
    row, actor = await _party(request, exchange_id)
    if row["status"] != "confirmed":
        raise NotFoundException()
    result = THANKS_FORM.validate(await request.form())
    if not result.ok:
        return await _simple_form(request, "skillswap/thanks.html", row, result.raw, result.errors, 400)
    recipient = row["receiver"] if row["provider"] == actor.id else row["provider"]
    if recipient is None:
        raise NotFoundException()
    async with hub.write():
        if await ThankYou.exists().where(ThankYou.exchange == exchange_id, ThankYou.author == actor.id).run():
            errors = {"__all__": _("You have already left a note for this exchange.")}
            return await _simple_form(request, "skillswap/thanks.html", row, result.raw, errors, 409)
        await ThankYou.insert(
            ThankYou(exchange=exchange_id, author=actor.id, recipient=recipient, body=result.values["body"])
        ).run()
    await hub.notify(
        recipient,
        "skillswap.thanks",
        _l("%(name)s left you a thank-you note", name=actor.display_name),
        url=f"/skillswap/exchanges/{exchange_id}",
    )
    hub.flash(request, _("Your note was added."))
    return redirect(request, f"/skillswap/exchanges/{exchange_id}")


@get("/exchanges/{exchange_id:int}/concern", name="skillswap:concern_form", opt={"permission": "skillswap.respond"})
async def concern_form(request: Request[Any, Any, Any], exchange_id: FromPath[int]) -> Response[str]:
    row, _actor = await _party(request, exchange_id)
    return await _simple_form(request, "skillswap/concern.html", row)


@post("/exchanges/{exchange_id:int}/concern", name="skillswap:concern", opt={"permission": "skillswap.respond"})
async def concern(request: Request[Any, Any, Any], exchange_id: FromPath[int]) -> Response[str]:
    """A private channel to the coordinators: files a report only they can see."""
    hub = hub_of(request)
    row, actor = await _party(request, exchange_id)
    result = CONCERN_FORM.validate(await request.form())
    if not result.ok:
        return await _simple_form(request, "skillswap/concern.html", row, result.raw, result.errors, 400)
    await hub.report("skillswap.exchange", exchange_id, actor.id, result.values["reason"])
    hub.flash(request, _("Thank you. A coordinator will read this privately and get in touch."))
    return redirect(request, f"/skillswap/exchanges/{exchange_id}")


EXCHANGE_ROUTES = [
    my_exchanges,
    show,
    accept,
    details,
    done,
    confirm,
    cancel_form,
    cancel,
    thanks_form,
    thanks,
    concern_form,
    concern,
]
