"""One focused test per core hook, through a probe plugin passed with the ``hub_plugins`` fixture."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import click
import pytest
from click.testing import CliRunner

from hub import Actor
from hub.core import hooks
from hub.core.plugins import PluginRegistry
from hub.testing import HubClient, TestMember, running
from tests.core.hook_probe import plugin as probe


@pytest.fixture
def hub_plugins() -> Sequence[Any]:
    return (probe,)


def log(hub: Any) -> list[tuple[Any, ...]]:
    return hub.__dict__.get("probe_log", [])


async def test_startup_runs_before_requests_and_shutdown_after(app, hub_settings) -> None:
    hub = app.state.hub
    async with running(app) as client:
        assert ("startup",) in log(hub)
        assert ("shutdown",) not in log(hub)
        assert (await client.get("/-/health")).status_code == 200
    assert log(hub)[-1] == ("shutdown",)


async def test_seed_defaults_runs_after_migrations_in_the_default_language_before_startup(app, hub_settings) -> None:
    from dataclasses import replace

    from hub.core.app import create_app

    spanish = create_app(replace(hub_settings, default_language="es"), plugins=[probe])
    async with running(spanish):
        entries = [entry[0] for entry in log(spanish.state.hub)]
        assert entries.index("seed_defaults") < entries.index("startup")
        assert ("seed_defaults", "es") in log(spanish.state.hub)
    workers_only = create_app(hub_settings, plugins=[probe], migrate=False)
    async with running(workers_only):  # `hub serve` workers: migrated and seeded already
        assert ("startup",) in log(workers_only.state.hub)
        assert not [entry for entry in log(workers_only.state.hub) if entry[0] == "seed_defaults"]


async def test_prepare_jinja_env_extra_template_vars_and_page_slots(client: HubClient) -> None:
    page = await client.get("/probe/page")
    assert page.status_code == 200
    assert '<p id="probe-filter">QUIET!</p>' in page.text
    assert '<p id="probe-var">extra for probe/page.html</p>' in page.text
    assert "&lt;b&gt;escaped banner&lt;/b&gt;" in page.text
    assert '<span class="probe-footer">trusted footer</span>' in page.text


async def test_actor_from_request_identifies_the_caller(client: HubClient) -> None:
    assert '<p id="probe-actor">nobody</p>' in (await client.get("/probe/page")).text
    robot = await client.get("/probe/page", headers={"x-probe-actor": "robot"})
    assert '<p id="probe-actor">Robot</p>' in robot.text


async def test_permission_allowed_false_denies_true_allows(hub) -> None:
    trusted = Actor(id=1, display_name="Trusted", email="t@example.org", role="member", status="active")
    ordinary = Actor(id=2, display_name="Ordinary", email="o@example.org", role="member", status="active")
    assert await hub.allowed(trusted, "probe.secret")
    assert not await hub.allowed(ordinary, "probe.secret")
    assert await hub.allowed(None, "probe.view")
    assert not await hub.allowed(None, "probe.view", "forbidden")


async def test_home_panels_are_shown_and_plain_text_escaped(client: HubClient, admin: TestMember) -> None:
    home = await client.get("/")
    assert "Probe panel" in home.text
    assert "&lt;i&gt;plain text, escaped&lt;/i&gt;" in home.text


async def test_search_hits_depend_on_the_actor(client: HubClient, member: TestMember) -> None:
    anonymous = await client.get("/search?q=ladders")
    assert "Public probe about ladders" in anonymous.text and "Members&#39; probe" not in anonymous.text
    await client.login(member)
    signed_in = await client.get("/search?q=ladders")
    assert "Members&#39; probe about ladders" in signed_in.text or "Members' probe about ladders" in signed_in.text


async def test_on_event_gets_emitted_events(hub) -> None:
    await hub.emit("probe.thing_made", 7, thing_id=3)
    assert ("event", "probe.thing_made", {"thing_id": 3}) in log(hub)


async def test_member_data_export_and_erase(hub, member: TestMember) -> None:
    exported = dict(await hooks.gather_hook_by_plugin(hub.registry, "member_data_export", hub=hub, member_id=member.id))
    assert exported["probe"] == {"probes": [{"member": member.id}]}
    await hooks.gather_hook(hub.registry, "member_data_erase", hub=hub, member_id=member.id)
    assert ("erase", member.id) in log(hub)


async def test_demo_data_gets_scale_and_progress(hub) -> None:
    steps: list[tuple[Any, ...]] = []
    await hooks.gather_hook(
        hub.registry, "demo_data", hub=hub, scale="large", progress=lambda *a, **k: steps.append((a, k))
    )
    assert ("demo", "large") in log(hub) and steps


async def test_notification_types_and_delivery_choice(hub, member: TestMember, make_member) -> None:
    assert await hub.notify(member.id, "probe.ping", "Ping") is not None
    other = await make_member()
    hub.__dict__["probe_silenced"] = other.id
    assert await hub.notify(other.id, "probe.ping", "Ping") is None  # notification_delivery said "off"
    with pytest.raises(ValueError, match="Unknown notification type"):
        await hub.notify(member.id, "probe.undeclared", "Nope")


async def test_register_jobs_declares_runnable_jobs(hub) -> None:
    (job,) = [j for j in await hooks.gather_hook(hub.registry, "register_jobs", hub=hub) if j.name == "probe.tick"]
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    await job.run(hub, moment)
    assert ("tick", moment) in log(hub)


async def test_moderation_object_on_the_report_form_and_moderate(client: HubClient, hub, member: TestMember) -> None:
    await client.login(member)
    form = await client.get("/report/?kind=probe.thing&id=1&next=/")
    assert form.status_code == 200 and "Probe thing 1" in form.text
    private = await client.get("/report/?kind=probe.thing&id=2&next=/")
    assert private.status_code == 404 and "Probe thing 2" not in private.text
    handled = await hooks.call_first(
        hub.registry, "moderate", hub=hub, kind="probe.thing", object_id=1, action="hide", actor=None, reason="spam"
    )
    assert handled is True and ("moderate", 1, "hide", "spam") in log(hub)


def test_register_commands_adds_cli_commands() -> None:
    registry = PluginRegistry.create()
    registry.load([], extra=[probe])
    group = click.Group("hub")
    hooks.call_hook_sync(registry, "register_commands", cli=group)
    result = CliRunner().invoke(group, ["probe-hello"])
    assert result.exit_code == 0 and "hello from the probe" in result.output
