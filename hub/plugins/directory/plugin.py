"""The Directory plugin: opt-in member profiles, per-field privacy, search and a contact relay."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from piccolo.conf.apps import AppConfig

from hub import Actor, NavItem, Permission, PluginInfo, ReportedObject, SearchHit, cached_macro, hookimpl
from hub import gettext as _
from hub import lazy_gettext as _l
from hub.plugins.directory import hookspecs, queries, service
from hub.plugins.directory.settings import DirectorySettings
from hub.plugins.directory.tables import DirectoryDefault, DirectoryProfile, DirectoryTag
from hub.plugins.directory.visibility import visible_profile

PLUGIN = PluginInfo(
    slug="directory",
    name=_l("Directory"),
    description=_l("Members who choose to be found, and a safe way to reach them."),
    version="1.0.0",
    requires_hub=">=1,<2",
    hookspecs=hookspecs,
    settings=DirectorySettings,
)

PROFILE_KIND = "directory.profile"


@hookimpl
def register_db_apps(hub: Any) -> AppConfig:
    return AppConfig(
        app_name="directory",
        migrations_folder_path=Path(__file__).parent / "piccolo_migrations",
        table_classes=[DirectoryProfile, DirectoryTag, DirectoryDefault],
    )


@hookimpl
def register_permissions(hub: Any) -> list[Permission]:
    return [
        Permission("directory.view", _l("See the member directory")),
        Permission("directory.list_self", _l("Have a profile in the directory")),
        Permission("directory.contact", _l("Message people through the directory")),
        Permission("directory.manage", _l("Manage the directory"), roles=("moderator", "admin")),
    ]


@hookimpl
def prepare_jinja_env(hub: Any, env: Any) -> None:
    # A person in the list, memoised on exactly what this viewer may see (see hub.cached_macro).
    env.globals["directory_card"] = cached_macro(env, "directory/_macros.html", "card")


@hookimpl
def register_routes(hub: Any) -> list[Any]:
    from hub.plugins.directory.join import JoinController
    from hub.plugins.directory.manage import ManageController
    from hub.plugins.directory.routes import DirectoryController

    return [DirectoryController, ManageController, JoinController]


@hookimpl
def permission_allowed(hub: Any, actor: Actor | None, permission: str, obj: Any) -> bool | None:
    """Visitors may browse only when organisers chose ``public_listing = true``."""
    if permission == "directory.view" and actor is None and hub.config("directory").public_listing:
        return True
    return None


@hookimpl
def nav_items(hub: Any, request: Any, actor: Any) -> list[NavItem]:
    return [NavItem(label=_("Directory"), href="/directory/", order=40, permission="directory.view")]


@hookimpl
async def search(hub: Any, query: str, actor: Actor | None, limit: int) -> list[SearchHit]:
    """Listed people whose name or visible skills match; never a field the searcher may not see."""
    if not await hub.allowed(actor, "directory.view"):
        return []
    rows = await queries.find_profiles(queries.Filters(q=query[:60]), actor, min(limit, 20))
    tags = await queries.tags_for([row["id"] for row in rows[:limit]])
    hits = []
    for row in rows[:limit]:
        person = visible_profile(row, tags[row["id"]], actor)
        summary = ", ".join([*person["skills"], *person["interests"]][:6])
        if person["area"]:
            summary = f"{person['area']} · {summary}" if summary else person["area"]
        hits.append(SearchHit(group=_("Directory"), title=person["preferred_name"],
                              href=f"/directory/{row['id']}", summary=summary))  # fmt: skip
    return hits


@hookimpl
async def member_data_export(hub: Any, member_id: int) -> Any:
    return await service.export_member(hub, member_id)


@hookimpl
async def member_data_erase(hub: Any, member_id: int) -> None:
    await service.erase_member(hub, member_id)


@hookimpl
async def moderation_object(hub: Any, kind: str, object_id: int, viewer: Actor | None) -> ReportedObject | None:
    if kind != PROFILE_KIND:
        return None
    row = await queries.get_profile(object_id, viewer)
    if row is None:
        return None
    return ReportedObject(
        title=row["preferred_name"],
        url=f"/directory/{row['id']}",
        excerpt=visible_profile(row, [], viewer)["bio"][:300],
        author_id=row["member"],
        hidden=bool(row["hidden"]),
    )


@hookimpl
async def moderate(hub: Any, kind: str, object_id: int, action: str, actor: Any, reason: str) -> bool | None:
    if kind != PROFILE_KIND or action not in ("hide", "restore"):
        return None
    async with hub.write():
        await (
            DirectoryProfile.update({DirectoryProfile.hidden: action == "hide"})
            .where(DirectoryProfile.id == object_id)
            .run()
        )
    return True


@hookimpl
async def demo_data(hub: Any, scale: str, progress: Any) -> None:
    from hub.plugins.directory.demo import create_demo_profiles

    await create_demo_profiles(hub, scale, progress)
