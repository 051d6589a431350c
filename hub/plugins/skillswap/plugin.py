"""Skill swap plugin: hook implementations (kept in one module, each with a distinct name).

Settings (``[plugins.skillswap]`` in hub.toml) are described in :mod:`.settings`.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from piccolo.conf.apps import AppConfig

from hub import (
    Job,
    NavItem,
    NotificationType,
    Panel,
    Param,
    Permission,
    PluginInfo,
    Prepared,
    ReportedObject,
    SearchHit,
    hookimpl,
)
from hub import gettext as _
from hub import lazy_gettext as _l
from hub.plugins.skillswap import ledger
from hub.plugins.skillswap.categories import seed_categories
from hub.plugins.skillswap.listings import contains_ci, utcnow
from hub.plugins.skillswap.settings import SwapSettings
from hub.plugins.skillswap.tables import ALL_TABLES, Exchange, Listing, ThankYou

PLUGIN = PluginInfo(
    slug="skillswap",
    name=_l("Skill swap"),
    description=_l("Offers, requests and exchanges of help between members, with optional time credits."),
    version="1.0.0",
    requires_hub=">=1,<2",
    settings=SwapSettings,
)


@hookimpl
def register_db_apps(hub: Any) -> AppConfig:
    return AppConfig(
        app_name="skillswap",
        migrations_folder_path=str(Path(__file__).parent / "piccolo_migrations"),
        table_classes=ALL_TABLES,
        migration_dependencies=[],
    )


@hookimpl
def register_permissions(hub: Any) -> list[Permission]:
    return [
        Permission("skillswap.view", _l("See skill-swap offers and requests")),
        Permission("skillswap.post", _l("Post skill-swap offers and requests")),
        Permission("skillswap.respond", _l("Respond to listings and take part in exchanges")),
        Permission(
            "skillswap.coordinate",
            _l("Coordinate the skill swap: record hours, import, limits, reports"),
            roles=("moderator", "admin"),
        ),
    ]


@hookimpl
def permission_allowed(hub: Any, actor: Any, permission: str, obj: Any) -> bool | None:
    """Visitors may browse only when the organisers made the listings public."""
    if permission == "skillswap.view" and actor is None and hub.config("skillswap").public_listings:
        return True
    return None


@hookimpl
def register_routes(hub: Any) -> list[Any]:
    from hub.plugins.skillswap.routes_coordinate import COORDINATE_ROUTES
    from hub.plugins.skillswap.routes_credits import CREDIT_ROUTES
    from hub.plugins.skillswap.routes_exchanges import EXCHANGE_ROUTES
    from hub.plugins.skillswap.routes_listings import LISTING_ROUTES

    return [*LISTING_ROUTES, *EXCHANGE_ROUTES, *CREDIT_ROUTES, *COORDINATE_ROUTES]


@hookimpl
def prepare_jinja_env(hub: Any, env: Any) -> None:
    env.filters["skillswap_credits"] = ledger.format_credits


@hookimpl
async def seed_defaults(hub: Any) -> None:
    async with hub.write():
        await seed_categories()


@hookimpl
def nav_items(hub: Any, request: Any, actor: Any) -> list[NavItem]:
    return [NavItem(label=str(_("Skill swap")), href="/skillswap/", order=40, permission="skillswap.view")]


@hookimpl
def notification_types(hub: Any) -> list[NotificationType]:
    return [
        NotificationType(
            "skillswap.match",
            _l("Skill swap: a listing that matches yours"),
            _l("Someone needs what you offer, or offers what you need."),
            "digest",
        ),
        NotificationType("skillswap.response", _l("Skill swap: someone responded to your listing"), "", "email"),
        NotificationType("skillswap.exchange", _l("Skill swap: updates on your exchanges"), "", "email"),
        NotificationType("skillswap.confirm_reminder", _l("Skill swap: reminders to confirm an exchange"), "", "email"),
        NotificationType("skillswap.renewal", _l("Skill swap: your listing is about to end"), "", "email"),
        NotificationType("skillswap.thanks", _l("Skill swap: thank-you notes"), "", "hub"),
        NotificationType(
            "skillswap.limit_alert", _l("Skill swap: time-credit limit alerts (coordinators)"), "", "email"
        ),
    ]


@hookimpl
def register_jobs(hub: Any) -> list[Job]:
    from hub.plugins.skillswap.jobs import confirm_reminders, renewal_nudges

    return [
        Job(
            "skillswap.confirm_reminders",
            timedelta(hours=24),
            confirm_reminders,
            _l("Remind members to confirm exchanges marked as done"),
        ),
        Job(
            "skillswap.renewal_nudges",
            timedelta(hours=24),
            renewal_nudges,
            _l("Nudge members whose offers and requests end within a week"),
        ),
    ]


async def grant_starter_credits(hub: Any, member_id: int) -> bool:
    """Give a new member their starter credits once (from the issuance account)."""
    config: SwapSettings = hub.config("skillswap")
    minutes = config.starter_minutes
    if not config.time_credits or minutes <= 0:
        return False
    from hub.plugins.skillswap.tables import LedgerEntry

    async with hub.write():
        already = (
            await LedgerEntry.exists()
            .where(LedgerEntry.member == member_id, LedgerEntry.transfer.kind == "starter")
            .run()
        )
        if already:
            return False
        await ledger.post_transfer(
            "starter",
            [ledger.Leg(ledger.ISSUANCE, None, -minutes), ledger.Leg(ledger.MEMBER, member_id, minutes)],
            config,
            memo=str(_("Welcome credits")),
            enforce_limits=False,
        )
    return True


@hookimpl
async def on_event(hub: Any, event: Any) -> None:
    # Joining grants starter credits; a sign-in catches members who joined before credits were on.
    if event.name in ("core.member_joined", "core.member_created", "core.member_approved", "core.logged_in"):
        member_id = event.data.get("member_id") or event.actor_id
        if member_id:
            await grant_starter_credits(hub, int(member_id))


# The home page's panel, built once.
LATEST_LISTINGS = Prepared(
    lambda: (
        Listing.select(Listing.id, Listing.kind, Listing.title, Listing.area, Listing.created_at)
        .where(Listing.status == "open", Listing.hidden.eq(False), Listing.expires_at > Param("now"))
        .order_by(Listing.id, ascending=False)
        .limit(6)
    )
)


@hookimpl
async def home_panels(hub: Any, request: Any, actor: Any) -> list[Panel]:
    if not await hub.allowed(actor, "skillswap.view"):
        return []
    rows = await LATEST_LISTINGS.rows(now=utcnow())
    if not rows:
        return []
    body = hub.render_fragment("skillswap/_panel.html", {"rows": rows})
    return [Panel(title=str(_("Skill swap: latest offers and requests")), body=body, order=40, slug="skillswap")]


@hookimpl
async def search(hub: Any, query: str, actor: Any, limit: int) -> list[SearchHit]:
    if not query or not await hub.allowed(actor, "skillswap.view"):
        return []
    pattern = f"%{query.replace('%', '').replace('_', '')}%"
    rows = (
        await Listing.select(Listing.id, Listing.kind, Listing.title, Listing.body, Listing.created_at)
        .where(
            Listing.status == "open",
            Listing.hidden.eq(False),
            Listing.expires_at > utcnow(),
            contains_ci(Listing.title, pattern)
            | contains_ci(Listing.body, pattern)
            | contains_ci(Listing.tags, pattern),
        )
        .order_by(Listing.id, ascending=False)
        .limit(limit)
        .run()
    )
    return [
        SearchHit(
            group=str(_("Skill swap")),
            title=(str(_("Offer")) if r["kind"] == "offer" else str(_("Request"))) + ": " + r["title"],
            href=f"/skillswap/{r['id']}",
            summary=(r["body"] or "")[:200],
            when=r["created_at"],
        )
        for r in rows
    ]


@hookimpl(optionalhook=True)
async def profile_sections(hub: Any, member_id: int, viewer: Any) -> list[Panel]:
    """The member's current offers and requests and the thank-you notes they received."""
    if not await hub.allowed(viewer, "skillswap.view"):
        return []
    now = utcnow()
    listings = (
        await Listing.select(Listing.id, Listing.kind, Listing.title)
        .where(Listing.owner == member_id, Listing.status == "open", Listing.hidden.eq(False), Listing.expires_at > now)
        .order_by(Listing.id, ascending=False)
        .limit(20)
        .run()
    )
    notes = (
        await ThankYou.select(ThankYou.body, ThankYou.created_at, ThankYou.author.display_name.as_alias("author_name"))
        .where(ThankYou.recipient == member_id, ThankYou.hidden.eq(False))
        .order_by(ThankYou.id, ascending=False)
        .limit(10)
        .run()
    )
    if not listings and not notes:
        return []
    body = hub.render_fragment("skillswap/_profile.html", {"listings": listings, "notes": notes})
    return [Panel(title=str(_("Skill swap")), body=body, order=50, slug="skillswap")]


@hookimpl
async def member_data_export(hub: Any, member_id: int) -> dict[str, Any]:
    from hub.plugins.skillswap.member_data import export_member

    return await export_member(member_id)


@hookimpl
async def member_data_erase(hub: Any, member_id: int) -> None:
    from hub.plugins.skillswap.member_data import erase_member

    await erase_member(hub, member_id)


@hookimpl
async def moderation_object(hub: Any, kind: str, object_id: int, viewer: Any) -> ReportedObject | None:
    if kind == "skillswap.listing":
        row = (
            await Listing.select(Listing.id, Listing.title, Listing.body, Listing.owner, Listing.hidden)
            .where(Listing.id == object_id)
            .first()
            .run()
        )
        if row is None:
            return None
        is_organiser = viewer is not None and viewer.is_moderator
        if row["hidden"] and not is_organiser and (viewer is None or viewer.id != row["owner"]):
            return None
        if not await hub.allowed(viewer, "skillswap.view"):
            return None
        return ReportedObject(
            row["title"], f"/skillswap/{row['id']}", (row["body"] or "")[:300], row["owner"], row["hidden"]
        )
    if kind == "skillswap.exchange":
        row = (
            await Exchange.select(
                Exchange.id,
                Exchange.provider,
                Exchange.receiver,
                Exchange.status,
                Exchange.listing.title.as_alias("title"),
            )
            .where(Exchange.id == object_id)
            .first()
            .run()
        )
        if row is None or viewer is None:
            return None
        if not viewer.is_moderator and viewer.id not in (row["provider"], row["receiver"]):
            return None
        title = str(_("Skill-swap exchange: %(title)s", title=row["title"] or str(_("recorded by a coordinator"))))
        return ReportedObject(title, f"/skillswap/exchanges/{row['id']}", row["status"], None, False)
    return None


@hookimpl
async def moderate(hub: Any, kind: str, object_id: int, action: str, actor: Any, reason: str) -> bool | None:
    if kind != "skillswap.listing" or action not in ("hide", "restore"):
        return None
    async with hub.write():
        await Listing.update({Listing.hidden: action == "hide"}).where(Listing.id == object_id).run()
    return True


@hookimpl
async def demo_data(hub: Any, scale: str, progress: Any) -> None:
    from hub.plugins.skillswap.demo import create_demo_content

    await create_demo_content(hub, scale, progress)
