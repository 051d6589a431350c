"""Hook implementations that record what the core asked, on the ``hub`` they were given."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import click
from litestar import Request, Response, get
from markupsafe import Markup

from hub import (
    PUBLIC,
    Actor,
    Job,
    NotificationType,
    Panel,
    Permission,
    PluginInfo,
    ReportedObject,
    SearchHit,
    hookimpl,
)

PLUGIN = PluginInfo(slug="probe", name="Probe", requires_hub=">=1,<2")


def record(hub: Any, *entry: Any) -> None:
    hub.__dict__.setdefault("probe_log", []).append(entry)


@get("/page", name="probe:page", opt={"permission": PUBLIC})
async def probe_page(request: Request[Any, Any, Any]) -> Response[str]:
    return await request.app.state.hub.render(request, "probe/page.html")


@hookimpl
def register_permissions(hub: Any) -> list[Permission]:
    return [
        Permission("probe.secret", "See secrets", roles=("admin",)),
        Permission("probe.view", "See probes", roles=("anonymous", "member", "moderator", "admin")),
    ]


@hookimpl
def register_routes(hub: Any) -> list[Any]:
    return [probe_page]


@hookimpl
def prepare_jinja_env(hub: Any, env: Any) -> None:
    env.filters["probe_shout"] = lambda text: f"{text.upper()}!"


@hookimpl
def register_commands(cli: Any) -> None:
    @cli.command("probe-hello")
    def hello() -> None:
        click.echo("hello from the probe")


@hookimpl
async def seed_defaults(hub: Any) -> None:
    from hub import current_locale

    record(hub, "seed_defaults", current_locale())


@hookimpl
async def startup(hub: Any) -> None:
    record(hub, "startup")


@hookimpl
def shutdown(hub: Any) -> None:
    record(hub, "shutdown")


@hookimpl
def actor_from_request(hub: Any, request: Any) -> Actor | None:
    if request.headers.get("x-probe-actor") == "robot":
        return Actor(id=999, display_name="Robot", email="robot@example.org", role="member", status="active")
    return None


@hookimpl
async def permission_allowed(hub: Any, actor: Any, permission: str, obj: Any) -> bool | None:
    if permission == "probe.secret" and actor is not None and actor.display_name == "Trusted":
        return True
    if permission == "probe.view" and obj == "forbidden":
        return False
    return None


@hookimpl
async def home_panels(hub: Any, request: Any, actor: Any) -> list[Panel]:
    return [Panel(title="Probe panel", body="<i>plain text, escaped</i>", order=1, slug="probe")]


@hookimpl
def page_slot(hub: Any, slot: str, request: Any, actor: Any) -> Any:
    if slot == "banner":
        return "<b>escaped banner</b>"
    if slot == "footer":
        return Markup('<span class="probe-footer">trusted footer</span>')
    return None


@hookimpl
def extra_template_vars(hub: Any, request: Any, template: str) -> dict[str, str]:
    return {"probe_var": f"extra for {template}"}


@hookimpl
async def on_event(hub: Any, event: Any) -> None:
    record(hub, "event", event.name, dict(event.data))


@hookimpl
def member_data_export(hub: Any, member_id: int) -> dict[str, Any]:
    return {"probes": [{"member": member_id}]}


@hookimpl
async def member_data_erase(hub: Any, member_id: int) -> None:
    record(hub, "erase", member_id)


@hookimpl
async def search(hub: Any, query: str, actor: Any, limit: int) -> list[SearchHit]:
    hits = [SearchHit(group="Probes", title=f"Public probe about {query}", href="/probe/page")]
    if actor is not None:
        hits.append(SearchHit(group="Probes", title=f"Members' probe about {query}", href="/probe/page"))
    return hits[:limit]


@hookimpl
async def demo_data(hub: Any, scale: str, progress: Any) -> None:
    progress(1, total=1, label="probes")
    record(hub, "demo", scale)


@hookimpl
def notification_types(hub: Any) -> list[NotificationType]:
    return [NotificationType("probe.ping", "Pings", "A test notification.", default_delivery="hub")]


@hookimpl
async def notification_delivery(hub: Any, member_id: int, type: str) -> str | None:
    return "off" if hub.__dict__.get("probe_silenced") == member_id else None


async def _tick(hub: Any, now: datetime) -> None:
    record(hub, "tick", now)


@hookimpl
def register_jobs(hub: Any) -> list[Job]:
    return [Job(name="probe.tick", every=timedelta(hours=1), run=_tick)]


@hookimpl
async def moderation_object(hub: Any, kind: str, object_id: int, viewer: Any) -> ReportedObject | None:
    if kind != "probe.thing":
        return None
    if object_id == 2 and (viewer is None or not viewer.is_moderator):
        return None  # a private thing: the report form must not describe it
    return ReportedObject(title=f"Probe thing {object_id}", url="/probe/page", excerpt="An excerpt", author_id=None)


@hookimpl
async def moderate(hub: Any, kind: str, object_id: int, action: str, actor: Any, reason: str) -> bool | None:
    if kind != "probe.thing":
        return None
    record(hub, "moderate", object_id, action, reason)
    return True
