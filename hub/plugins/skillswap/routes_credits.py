"""Time-credit pages: a member's statement and donating to the community pool.

These pages exist only when ``time_credits = true``; in gift mode they answer 404.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

from hub import Member, redirect
from hub import gettext as _
from hub.plugins.skillswap import ledger
from hub.plugins.skillswap.access import hub_of, int_param, is_coordinator, require_actor
from hub.plugins.skillswap.exchanges import alert_coordinators
from hub.plugins.skillswap.forms import DONATE_FORM

__all__ = ["CREDIT_ROUTES"]

PAGE = 50


def credits_on(request: Request[Any, Any, Any]) -> None:
    if not hub_of(request).config("skillswap").time_credits:
        raise NotFoundException()


async def _statement(
    request: Request[Any, Any, Any],
    member_id: int,
    errors: dict[str, str] | None = None,
    form: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response[str]:
    hub = hub_of(request)
    member = await Member.select(Member.id, Member.display_name).where(Member.id == member_id).first().run()
    if member is None:
        raise NotFoundException()
    before = int_param(request, "before")
    rows = await ledger.statement(member_id, before=before, limit=PAGE)
    older = rows[PAGE - 1]["id"] if len(rows) > PAGE else None
    actor = await require_actor(request)
    limits = (await ledger.limits_for([member_id], hub.config("skillswap")))[member_id]
    context = {
        "member": member,
        "own": actor.id == member_id,
        "rows": rows[:PAGE],
        "balance": await ledger.balance(member_id),
        "pool": await ledger.account_balance(ledger.POOL),
        "limits": limits,
        "credits": ledger.format_credits,
        "older_url": f"{request.url.path}?before={older}" if older else None,
        "errors": errors or {},
        "form": form or {},
    }
    return await hub.render(request, "skillswap/statement.html", context, status_code=status_code)


@get("/credits/", name="skillswap:statement", opt={"permission": "skillswap.respond"})
async def my_statement(request: Request[Any, Any, Any]) -> Response[str]:
    credits_on(request)
    actor = await require_actor(request)
    return await _statement(request, actor.id)


@get("/credits/{member_id:int}", name="skillswap:member_statement", opt={"permission": "skillswap.respond"})
async def member_statement(request: Request[Any, Any, Any], member_id: FromPath[int]) -> Response[str]:
    credits_on(request)
    actor = await require_actor(request)
    if actor.id != member_id and not is_coordinator(actor):
        raise NotFoundException()
    return await _statement(request, member_id)


@post("/credits/donate", name="skillswap:donate", opt={"permission": "skillswap.respond"})
async def donate(request: Request[Any, Any, Any]) -> Response[str]:
    credits_on(request)
    hub = hub_of(request)
    actor = await require_actor(request)
    result = DONATE_FORM.validate(await request.form())
    if result.ok and result.values["minutes"] > await ledger.balance(actor.id):
        result.errors["minutes"] = _("You can give at most your current balance.")
    if not result.ok:
        return await _statement(request, actor.id, result.errors, result.raw, status_code=400)
    minutes = result.values["minutes"]
    try:
        async with hub.write():
            _id, breaches = await ledger.post_transfer(
                "donation",
                [ledger.Leg(ledger.MEMBER, actor.id, -minutes), ledger.Leg(ledger.POOL, None, minutes)],
                hub.config("skillswap"),
                memo=_("Gift to the community pool"),
                created_by=actor.id,
            )
    except ledger.LimitExceeded as refused:
        await alert_coordinators(hub, refused.breaches, refused=True)
        return await _statement(request, actor.id, {"minutes": str(refused)}, result.raw, status_code=409)
    await alert_coordinators(hub, breaches, refused=False)
    hub.flash(
        request,
        _("Thank you for giving %(credits)s credits to the community pool.", credits=ledger.format_credits(minutes)),
    )
    return redirect(request, "/skillswap/credits/")


CREDIT_ROUTES = [my_statement, member_statement, donate]
