"""Coordinators' tools: categories, recording exchanges, CSV import, limits, pool grants, reports."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

from hub import Member, redirect
from hub import gettext as _
from hub.plugins.skillswap import ledger
from hub.plugins.skillswap.access import hub_of, require_actor
from hub.plugins.skillswap.categories import list_categories
from hub.plugins.skillswap.charts import bar_chart
from hub.plugins.skillswap.exchanges import alert_coordinators, record_confirmed
from hub.plugins.skillswap.forms import CATEGORY_FORM, GRANT_FORM, LIMIT_FORM, record_form
from hub.plugins.skillswap.importer import ImportReport, run_import
from hub.plugins.skillswap.listings import utcnow
from hub.plugins.skillswap.stats import chart_rows, figures, to_csv
from hub.plugins.skillswap.tables import BalanceLimit, Category

__all__ = ["COORDINATE_ROUTES"]

PERM = {"permission": "skillswap.coordinate"}


@get("/coordinate/", name="skillswap:coordinate", opt=PERM)
async def dashboard(request: Request[Any, Any, Any]) -> Response[str]:
    hub = hub_of(request)
    credits = hub.config("skillswap").time_credits
    pool = await ledger.account_balance(ledger.POOL) if credits else 0
    return await hub.render(
        request, "skillswap/coordinate/index.html", {"credits_on": credits, "pool": ledger.format_credits(pool)}
    )


# -- categories ----------------------------------------------------------------------------------


async def _categories_page(
    request: Request[Any, Any, Any],
    errors: dict[str, str] | None = None,
    form: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response[str]:
    categories = await list_categories(include_archived=True)
    return await hub_of(request).render(
        request,
        "skillswap/coordinate/categories.html",
        {"categories": categories, "errors": errors or {}, "form": form or {}},
        status_code=status_code,
    )


@get("/coordinate/categories", name="skillswap:categories", opt=PERM)
async def categories(request: Request[Any, Any, Any]) -> Response[str]:
    return await _categories_page(request)


def _slugify(name: str) -> str:
    return re.sub(r"[^\w]+", "-", name.lower(), flags=re.UNICODE).strip("-")[:50] or "category"


@post("/coordinate/categories", name="skillswap:category_add", opt=PERM)
async def add_category(request: Request[Any, Any, Any]) -> Response[str]:
    hub = hub_of(request)
    result = CATEGORY_FORM.validate(await request.form())
    if not result.ok:
        return await _categories_page(request, result.errors, result.raw, 400)
    slug = _slugify(result.values["name"])
    async with hub.write():
        if await Category.exists().where(Category.slug == slug).run():
            slug = f"{slug}-{int(await Category.count().run()) + 1}"
        await Category.insert(
            Category(slug=slug, name=result.values["name"], needs_vetted=result.values["needs_vetted"], position=1000)
        ).run()
    hub.flash(request, _("Category added."))
    return redirect(request, "/skillswap/coordinate/categories")


@post("/coordinate/categories/{category_id:int}", name="skillswap:category_edit", opt=PERM)
async def edit_category(request: Request[Any, Any, Any], category_id: FromPath[int]) -> Response[str]:
    hub = hub_of(request)
    if not await Category.exists().where(Category.id == category_id).run():
        raise NotFoundException()
    result = CATEGORY_FORM.validate(await request.form())
    if not result.ok:
        return await _categories_page(request, {f"{k}": v for k, v in result.errors.items()}, result.raw, 400)
    async with hub.write():
        await (
            Category.update(
                {
                    Category.name: result.values["name"],
                    Category.needs_vetted: result.values["needs_vetted"],
                    Category.archived: result.values["archived"],
                }
            )
            .where(Category.id == category_id)
            .run()
        )
    hub.flash(request, _("Category saved."))
    return redirect(request, "/skillswap/coordinate/categories")


# -- recording on members' behalf -----------------------------------------------------------------


async def _choices() -> list[tuple[str, str]]:
    return [(str(c["id"]), c["label"]) for c in await list_categories()]


async def _record_page(
    request: Request[Any, Any, Any], form: dict[str, Any], errors: dict[str, str], status_code: int = 200
) -> Response[str]:
    return await hub_of(request).render(
        request,
        "skillswap/coordinate/record.html",
        {"form": form, "errors": errors, "category_choices": await _choices()},
        status_code=status_code,
    )


@get("/coordinate/record", name="skillswap:record_form", opt=PERM)
async def record_form_page(request: Request[Any, Any, Any]) -> Response[str]:
    return await _record_page(request, {"date": utcnow().date().isoformat()}, {})


async def _member_id(email: str) -> int | None:
    row = await Member.select(Member.id).where(Member.email == email.lower(), Member.status == "active").first().run()
    return int(row["id"]) if row else None


@post("/coordinate/record", name="skillswap:record", opt=PERM)
async def record(request: Request[Any, Any, Any]) -> Response[str]:
    hub = hub_of(request)
    actor = await require_actor(request)
    result = record_form(await _choices()).validate(await request.form())
    ids: dict[str, int | None] = {}
    when = None
    if result.ok:
        for side in ("provider", "receiver"):
            ids[side] = await _member_id(result.values[side])
            if ids[side] is None:
                result.errors[side] = _("No active member has this email address.")
        if ids.get("provider") and ids.get("provider") == ids.get("receiver"):
            result.errors["receiver"] = _("The two members must be different people.")
        try:
            when = date.fromisoformat(result.values["date"])
            if when > utcnow().date():
                result.errors["date"] = _("The date is in the future.")
        except ValueError:
            result.errors["date"] = _("Enter a date like 2026-03-31.")
    if not result.ok or when is None:
        return await _record_page(request, result.raw, result.errors, 400)
    v = result.values
    try:
        async with hub.write():
            exchange_id, breaches = await record_confirmed(
                hub,
                provider=ids["provider"] or 0,
                receiver=ids["receiver"] or 0,
                category=int(v["category"]),
                minutes=v["minutes"],
                when=datetime.combine(when, time(12), tzinfo=UTC),
                description=v["description"],
                recorded_by=actor.id,
            )
    except ledger.LimitExceeded as refused:
        await alert_coordinators(hub, refused.breaches, refused=True)
        return await _record_page(request, result.raw, {"__all__": str(refused)}, 409)
    await alert_coordinators(hub, breaches, refused=False)
    await hub.emit("skillswap.exchange_recorded", actor.id, exchange_id=exchange_id)
    hub.flash(request, _("The exchange was recorded."))
    return redirect(request, f"/skillswap/exchanges/{exchange_id}")


# -- CSV import ------------------------------------------------------------------------------------


async def _import_page(
    request: Request[Any, Any, Any], report: ImportReport | None, error: str = "", status_code: int = 200
) -> Response[str]:
    hub = hub_of(request)
    limit = hub.config("skillswap").import_max_bytes
    return await hub.render(
        request,
        "skillswap/coordinate/import.html",
        {"report": report, "error": error, "limit_kb": limit // 1024},
        status_code=status_code,
    )


@get("/coordinate/import", name="skillswap:import_form", opt=PERM)
async def import_form(request: Request[Any, Any, Any]) -> Response[str]:
    return await _import_page(request, None)


@post("/coordinate/import", name="skillswap:import", opt=PERM)
async def import_csv(request: Request[Any, Any, Any]) -> Response[str]:
    hub = hub_of(request)
    actor = await require_actor(request)
    limit = hub.config("skillswap").import_max_bytes
    data = await request.form()
    upload = data.get("file")
    if not isinstance(upload, UploadFile):
        return await _import_page(request, None, _("Choose a CSV file to import."), 400)
    content = await upload.read(limit + 1)
    if len(content) > limit:
        return await _import_page(request, None, _("The file is larger than %(kb)s KB.", kb=limit // 1024), 413)
    report = await run_import(hub, content, actor.id, utcnow().date())
    if not report.applied:
        return await _import_page(request, report, report.file_error, 400)
    await hub.emit("skillswap.hours_imported", actor.id, rows=len(report.rows))
    hub.flash(request, _("Imported %(count)s exchanges.", count=len(report.rows)))
    return await _import_page(request, report)


# -- limits and the pool ---------------------------------------------------------------------------


def _credits_on(request: Request[Any, Any, Any]) -> None:
    if not hub_of(request).config("skillswap").time_credits:
        raise NotFoundException()


async def _limits_page(
    request: Request[Any, Any, Any],
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
    grant_form: dict[str, Any] | None = None,
    grant_errors: dict[str, str] | None = None,
) -> Response[str]:
    rows = (
        await BalanceLimit.select(
            BalanceLimit.member,
            BalanceLimit.min_minutes,
            BalanceLimit.max_minutes,
            BalanceLimit.member.display_name.as_alias("name"),
        )
        .order_by(BalanceLimit.id)
        .limit(500)
        .run()
    )
    hub = hub_of(request)
    return await hub.render(
        request,
        "skillswap/coordinate/limits.html",
        {
            "rows": rows,
            "form": form or {},
            "errors": errors or {},
            "credits": ledger.format_credits,
            "config": hub.config("skillswap"),
            "grant_form": grant_form or {},
            "grant_errors": grant_errors or {},
            "pool": ledger.format_credits(await ledger.account_balance(ledger.POOL)),
        },
        status_code=status_code,
    )


@get("/coordinate/limits", name="skillswap:limits", opt=PERM)
async def limits(request: Request[Any, Any, Any]) -> Response[str]:
    _credits_on(request)
    return await _limits_page(request)


@post("/coordinate/limits", name="skillswap:limit_set", opt=PERM)
async def set_limit(request: Request[Any, Any, Any]) -> Response[str]:
    _credits_on(request)
    hub = hub_of(request)
    result = LIMIT_FORM.validate(await request.form())
    member_id = None
    if result.ok:
        member_id = await _member_id(result.values["member"])
        if member_id is None:
            result.errors["member"] = _("No active member has this email address.")
        low, high = result.values.get("min_hours"), result.values.get("max_hours")
        if low is not None and high is not None and low > high:
            result.errors["max_hours"] = _("The highest balance must not be below the lowest.")
    if not result.ok or member_id is None:
        return await _limits_page(request, result.raw, result.errors, 400)
    low, high = result.values.get("min_hours"), result.values.get("max_hours")
    values: dict[Any, Any] = {
        BalanceLimit.min_minutes: None if low is None else low * 60,
        BalanceLimit.max_minutes: None if high is None else high * 60,
    }
    async with hub.write():
        if await BalanceLimit.exists().where(BalanceLimit.member == member_id).run():
            await BalanceLimit.update(values).where(BalanceLimit.member == member_id).run()
        else:
            await BalanceLimit.insert(
                BalanceLimit(
                    member=member_id,
                    min_minutes=values[BalanceLimit.min_minutes],
                    max_minutes=values[BalanceLimit.max_minutes],
                )
            ).run()
    hub.flash(request, _("The limits were saved."))
    return redirect(request, "/skillswap/coordinate/limits")


@post("/coordinate/grant", name="skillswap:grant", opt=PERM)
async def grant(request: Request[Any, Any, Any]) -> Response[str]:
    """Give credits from the community pool to a member who cannot earn them."""
    _credits_on(request)
    hub = hub_of(request)
    actor = await require_actor(request)
    result = GRANT_FORM.validate(await request.form())
    member_id = None
    if result.ok:
        member_id = await _member_id(result.values["member"])
        if member_id is None:
            result.errors["member"] = _("No active member has this email address.")
        elif result.values["minutes"] > await ledger.account_balance(ledger.POOL):
            result.errors["minutes"] = _("The community pool does not hold that much.")
    if not result.ok or member_id is None:
        return await _limits_page(request, status_code=400, grant_form=result.raw, grant_errors=result.errors)
    minutes = result.values["minutes"]
    try:
        async with hub.write():
            _id, breaches = await ledger.post_transfer(
                "grant",
                [ledger.Leg(ledger.POOL, None, -minutes), ledger.Leg(ledger.MEMBER, member_id, minutes)],
                hub.config("skillswap"),
                memo=result.values["memo"],
                created_by=actor.id,
            )
    except ledger.LimitExceeded as refused:
        await alert_coordinators(hub, refused.breaches, refused=True)
        return await _limits_page(
            request, status_code=409, grant_form=result.raw, grant_errors={"minutes": str(refused)}
        )
    await alert_coordinators(hub, breaches, refused=False)
    hub.flash(request, _("The credits were granted from the community pool."))
    return redirect(request, "/skillswap/coordinate/limits")


# -- reports ---------------------------------------------------------------------------------------


@get("/coordinate/reports", name="skillswap:reports", opt=PERM)
async def reports(request: Request[Any, Any, Any]) -> Response[str]:
    hub = hub_of(request)
    data = await figures(utcnow())
    rows = chart_rows(data)
    month_chart = bar_chart(
        "chart-months",
        _("Hours exchanged per month"),
        _("Hours of help given in confirmed exchanges in each of the last 12 months; the table below has the figures."),
        rows["hours_by_month"],
        unit=" h",
    )
    category_chart = bar_chart(
        "chart-categories",
        _("Hours exchanged per category"),
        _("Hours of help given per category over the last 12 months; the table below has the figures."),
        rows["hours_by_category"],
        unit=" h",
    )
    member_chart = bar_chart(
        "chart-members",
        _("Active members per month"),
        _(
            "Members who took part in at least one confirmed exchange each month; "
            "the table below also shows new and lapsed members."
        ),
        [(m, float(data.active[m])) for m in data.months],
    )
    return await hub.render(
        request,
        "skillswap/coordinate/reports.html",
        {"data": data, "month_chart": month_chart, "category_chart": category_chart, "member_chart": member_chart},
    )


@get("/coordinate/reports.csv", name="skillswap:reports_csv", opt=PERM)
async def reports_csv(request: Request[Any, Any, Any]) -> Response[str]:
    data = await figures(utcnow())
    return Response(
        to_csv(data),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": 'attachment; filename="skillswap-report.csv"',
            "X-Content-Type-Options": "nosniff",
        },
    )


COORDINATE_ROUTES = [
    dashboard,
    categories,
    add_category,
    edit_category,
    record_form_page,
    record,
    import_form,
    import_csv,
    limits,
    set_limit,
    grant,
    reports,
    reports_csv,
]
