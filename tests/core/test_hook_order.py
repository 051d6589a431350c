"""Hooks combine in the order hub/core/hookspecs.py documents, hook by hook.

Three plugins are given in the order alpha, beta, gamma; alpha requires gamma. Load order is then
beta, gamma, alpha (each plugin after what it requires) and pluggy's call order its reverse:
alpha, gamma, beta, then the core's own implementations.
"""

from __future__ import annotations

import types
from collections.abc import Sequence
from typing import Any

import pytest
from litestar import Request, Response, get
from markupsafe import Markup

from hub import PUBLIC, NavItem, Panel, PluginInfo, ReportedObject, SearchHit, hookimpl
from hub.core import hooks
from hub.testing import HubClient, TestMember

LOAD_ORDER = ["beta", "gamma", "alpha"]
CALL_ORDER = ["alpha", "gamma", "beta"]


def order_log(hub: Any, hook: str) -> list[str]:
    return [slug for name, slug in hub.__dict__.get("order_log", []) if name == hook]


def make_plugin(slug: str, requires: tuple[str, ...] = (), nav_order: int = 100) -> types.ModuleType:
    module = types.ModuleType(f"order_{slug}")
    module.PLUGIN = PluginInfo(slug=slug, name=slug.title(), requires_plugins=requires)  # type: ignore[attr-defined]

    def note(hub: Any, hook: str) -> None:
        hub.__dict__.setdefault("order_log", []).append((hook, slug))

    @hookimpl
    async def seed_defaults(hub: Any) -> None:
        note(hub, "seed_defaults")

    @hookimpl
    def startup(hub: Any) -> None:
        note(hub, "startup")

    @hookimpl
    def shutdown(hub: Any) -> None:
        note(hub, "shutdown")

    @hookimpl
    def demo_data(hub: Any, scale: str, progress: Any) -> None:
        note(hub, "demo_data")

    @hookimpl
    async def member_data_erase(hub: Any, member_id: int) -> None:
        note(hub, "member_data_erase")

    @hookimpl
    def on_event(hub: Any, event: Any) -> None:
        if event.name == "order.ping":
            note(hub, "on_event")

    @hookimpl
    def page_slot(hub: Any, slot: str, request: Any, actor: Any) -> Any:
        return Markup(f"<i>[{slug}]</i>") if slot == "footer" else None

    @hookimpl
    def extra_template_vars(hub: Any, request: Any, template: str) -> dict[str, str]:
        return {"order_winner": slug}

    @hookimpl
    def nav_items(hub: Any, request: Any, actor: Any) -> list[NavItem]:
        return [NavItem(label=f"Nav {slug}", href=f"/{slug}/", order=nav_order)]

    @hookimpl
    def home_panels(hub: Any, request: Any, actor: Any) -> list[Panel]:
        return [Panel(title=f"Panel {slug}", body=f"body of {slug}", order=nav_order)]

    @hookimpl
    def search(hub: Any, query: str, actor: Any, limit: int) -> list[SearchHit]:
        return [SearchHit(group=f"Group {slug}", title=f"{query} in {slug}", href=f"/{slug}/")]

    @hookimpl
    def admin_stats(hub: Any) -> list[tuple[str, int]]:
        return [(f"Things in {slug}", len(slug))]

    @hookimpl
    def moderation_object(hub: Any, kind: str, object_id: int, viewer: Any) -> ReportedObject | None:
        return ReportedObject(title=f"Thing from {slug}", url="/") if kind == "order.thing" else None

    for function in (seed_defaults, startup, shutdown, demo_data, member_data_erase, on_event, page_slot,
                     extra_template_vars, nav_items, home_panels, search, admin_stats, moderation_object):  # fmt: skip
        setattr(module, function.__name__, function)
    return module


@get("/context", name="beta:context", opt={"permission": PUBLIC})
async def context_page(request: Request[Any, Any, Any]) -> Response[str]:
    context = await request.app.state.hub.base_context(request, "probe")
    return Response(str(context["order_winner"]), media_type="text/plain")


@pytest.fixture
def hub_plugins() -> Sequence[Any]:
    alpha = make_plugin("alpha", requires=("gamma",), nav_order=30)
    beta = make_plugin("beta", nav_order=10)
    beta.register_routes = hookimpl(lambda hub: [context_page])  # type: ignore[attr-defined]
    beta.register_routes.__name__ = "register_routes"
    gamma = make_plugin("gamma", nav_order=10)
    return (alpha, beta, gamma)


def in_page_order(text: str, markers: Sequence[str]) -> list[str]:
    positions = {marker: text.index(marker) for marker in markers}
    return sorted(markers, key=positions.__getitem__)


async def test_plugins_load_after_what_they_require(hub: Any) -> None:
    assert list(hub.registry.loaded) == LOAD_ORDER
    assert [impl.plugin_name for impl in reversed(hub.registry.pm.hook.startup.get_hookimpls())] == CALL_ORDER


async def test_seeding_and_startup_run_in_load_order_shutdown_in_call_order(app: Any) -> None:
    from hub.testing import running

    hub = app.state.hub
    async with running(app):
        assert order_log(hub, "seed_defaults") == LOAD_ORDER
        assert order_log(hub, "startup") == LOAD_ORDER
    assert order_log(hub, "shutdown") == CALL_ORDER


async def test_demo_data_in_load_order_erase_and_events_in_call_order(hub: Any, member: TestMember) -> None:
    await hooks.gather_hook(hub.registry, "demo_data", load_order=True, hub=hub, scale="small", progress=print)
    assert order_log(hub, "demo_data") == LOAD_ORDER
    await hooks.gather_hook(hub.registry, "member_data_erase", hub=hub, member_id=member.id)
    assert order_log(hub, "member_data_erase") == CALL_ORDER
    await hub.emit("order.ping")
    assert order_log(hub, "on_event") == CALL_ORDER


async def test_page_slots_concatenate_in_call_order_and_the_last_extra_var_wins(client: HubClient) -> None:
    page = (await client.get("/account/login")).text
    assert in_page_order(page, ["<i>[alpha]</i>", "<i>[gamma]</i>", "<i>[beta]</i>"]) == [
        "<i>[alpha]</i>",
        "<i>[gamma]</i>",
        "<i>[beta]</i>",
    ]
    assert (await client.get("/beta/context")).text == "beta"  # beta is called last


async def test_nav_and_panels_are_sorted_by_order_then_label(client: HubClient, admin: TestMember) -> None:
    await client.login(admin)
    home = (await client.get("/")).text
    assert in_page_order(home, ["Nav alpha", "Nav beta", "Nav gamma"]) == ["Nav beta", "Nav gamma", "Nav alpha"]
    assert in_page_order(home, ["Panel alpha", "Panel beta", "Panel gamma"]) == [
        "Panel beta",
        "Panel gamma",
        "Panel alpha",
    ]


async def test_search_groups_in_call_order(client: HubClient) -> None:
    page = (await client.get("/search?q=ladder")).text
    assert in_page_order(page, ["Group alpha", "Group beta", "Group gamma"]) == [
        "Group alpha",
        "Group gamma",
        "Group beta",
    ]


async def test_admin_stats_grouped_by_plugin_in_load_order(client: HubClient, admin: TestMember) -> None:
    await client.login(admin)
    page = (await client.get("/admin/")).text
    assert in_page_order(page, ["Things in alpha", "Things in beta", "Things in gamma"]) == [
        "Things in beta",
        "Things in gamma",
        "Things in alpha",
    ]


async def test_first_result_hooks_take_the_first_in_call_order(hub: Any) -> None:
    found = await hooks.call_first(
        hub.registry, "moderation_object", hub=hub, kind="order.thing", object_id=1, viewer=None
    )
    assert found.title == "Thing from alpha"
