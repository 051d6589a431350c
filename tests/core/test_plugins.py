"""The plugin contract end to end: a plugin installed through the entry-point group."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.core.app import create_app
from hub.core.plugins import BUILTIN_PLUGINS, PluginError
from hub.core.settings import Settings
from hub.testing import HubClient, running


@pytest.fixture
def enabled_plugins() -> tuple[str, ...] | None:
    return ("testplugin",)


async def test_entry_point_plugin_contributes_route_table_nav_and_template(
    testplugin: str, client: HubClient, hub
) -> None:
    assert "hub_testplugin" not in " ".join(BUILTIN_PLUGINS)
    installed = hub.registry.installed["testplugin"]
    assert installed.source == "entrypoint" and installed.version == "0.1.0"
    assert hub.registry.is_active("testplugin")

    from hub_testplugin.tables import Note

    await Note.insert(Note(text="Bins go out on Tuesday")).run()
    page = await client.get("/testplugin/")
    assert page.status_code == 200
    assert "<h1>Test notes</h1>" in page.text and "Bins go out on Tuesday" in page.text
    assert 'href="/testplugin/"' in page.text  # its nav item, on its own page and elsewhere
    assert 'href="/testplugin/"' in (await client.get("/search")).text
    applied = await hub.engine.run_ddl("SELECT name FROM migration WHERE app_name = 'testplugin'")
    assert [row["name"] for row in applied] == ["2026-11-26T12:00:00:000000"]


async def test_disabling_hides_pages_and_keeps_data(testplugin: str, client: HubClient, hub) -> None:
    from hub_testplugin.tables import Note

    await Note.insert(Note(text="Kept while disabled")).run()
    await hub.set_plugin_enabled("testplugin", False)
    assert (await client.get("/testplugin/")).status_code == 404
    assert 'href="/testplugin/"' not in (await client.get("/search")).text
    assert await Note.count().run() == 1
    await hub.set_plugin_enabled("testplugin", True)
    page = await client.get("/testplugin/")
    assert page.status_code == 200 and "Kept while disabled" in page.text


async def test_not_enabled_plugin_is_not_loaded(testplugin: str, tmp_path: Path) -> None:
    app = create_app(Settings(hub_dir=tmp_path, plugins=(), strict_plugins=True, allowed_hosts=("testserver.local",)))
    hub = app.state.hub
    assert "testplugin" in hub.registry.installed
    assert "testplugin" not in hub.registry.loaded
    async with running(app) as client:
        assert (await client.get("/testplugin/")).status_code == 404


def _broken_plugin(install_plugin, tmp_path: Path, body: str) -> None:
    """Install a one-module plugin under a module name unique to this test (no sys.modules reuse)."""
    module = f"hub_broken_{tmp_path.name.replace('-', '_')}"
    source = tmp_path / "broken_src"
    source.mkdir()
    (source / f"{module}.py").write_text(body, encoding="utf-8")
    install_plugin("hub-broken", "0.0.1", {"broken": module}, source)


async def test_plugin_that_raises_on_import_is_reported_and_hub_serves(
    testplugin: str, install_plugin, tmp_path: Path
) -> None:
    _broken_plugin(install_plugin, tmp_path, "raise RuntimeError('kaboom at import')\n")
    settings = Settings(
        hub_dir=tmp_path, strict_plugins=False, plugins=("testplugin", "broken"), allowed_hosts=("testserver.local",)
    )
    app = create_app(settings)
    hub = app.state.hub
    failures = [f for f in hub.registry.failures if f.name == "broken"]
    assert failures and failures[0].stage == "import" and "kaboom at import" in failures[0].message
    async with running(app) as client:
        assert (await client.get("/-/health")).status_code == 200
        assert (await client.get("/testplugin/")).status_code == 200


def test_strict_mode_makes_a_broken_plugin_fatal(testplugin: str, install_plugin, tmp_path: Path) -> None:
    _broken_plugin(install_plugin, tmp_path, "raise RuntimeError('kaboom')\n")
    with pytest.raises(PluginError, match="broken"):
        create_app(Settings(hub_dir=tmp_path, strict_plugins=True, plugins=("broken",)))


def test_misspelt_hook_is_caught(install_plugin, tmp_path: Path) -> None:
    body = (
        "from hub import PluginInfo, hookimpl\n"
        "PLUGIN = PluginInfo(slug='broken', name='Broken')\n"
        "@hookimpl\n"
        "def nav_itmes(hub, request, actor):\n"
        "    return []\n"
    )
    _broken_plugin(install_plugin, tmp_path, body)
    app = create_app(Settings(hub_dir=tmp_path, strict_plugins=False, plugins=("broken",)))
    failures = [f for f in app.state.hub.registry.failures if f.name == "broken"]
    assert failures and "nav_itmes" in failures[0].message
    assert "broken" not in app.state.hub.registry.loaded


def test_plugin_needing_a_newer_hub_is_refused(install_plugin, tmp_path: Path) -> None:
    body = "from hub import PluginInfo\nPLUGIN = PluginInfo(slug='broken', name='Broken', requires_hub='>=2')\n"
    _broken_plugin(install_plugin, tmp_path, body)
    app = create_app(Settings(hub_dir=tmp_path, strict_plugins=False, plugins=("broken",)))
    failures = [f for f in app.state.hub.registry.failures if f.name == "broken"]
    assert failures and "needs hub plugin API >=2" in failures[0].message


async def test_plugin_whose_startup_raises_is_left_out(install_plugin, tmp_path: Path) -> None:
    body = (
        "from hub import PluginInfo, hookimpl\n"
        "PLUGIN = PluginInfo(slug='broken', name='Broken')\n"
        "@hookimpl\n"
        "async def startup(hub):\n"
        "    raise RuntimeError('no database for me')\n"
    )
    _broken_plugin(install_plugin, tmp_path, body)
    app = create_app(
        Settings(hub_dir=tmp_path, strict_plugins=False, plugins=("broken",), allowed_hosts=("testserver.local",))
    )
    async with running(app) as client:
        hub = app.state.hub
        assert not hub.registry.is_active("broken")
        assert any(f.stage == "hook:startup" for f in hub.registry.failures)
        await hub.refresh_state(force=True)
        assert not hub.registry.is_active("broken")
        assert (await client.get("/-/health")).status_code == 200


async def test_hook_raising_during_a_request_is_isolated(tmp_path: Path) -> None:
    class Flaky:
        from hub import NavItem, PluginInfo, hookimpl

        PLUGIN = PluginInfo(slug="flaky", name="Flaky")

        @staticmethod
        @hookimpl
        def nav_items(hub, request, actor):  # type: ignore[no-untyped-def]
            raise ValueError("nav is broken")

    app = create_app(Settings(hub_dir=tmp_path, plugins=(), allowed_hosts=("testserver.local",)), plugins=[Flaky])
    async with running(app) as client:
        response = await client.get("/account/login")
        assert response.status_code == 200
        failures = app.state.hub.registry.failures
        assert any(f.name == "flaky" and f.stage == "hook:nav_items" for f in failures)


async def test_instance_templates_override_and_extend_the_original(tmp_path: Path) -> None:
    hub_dir = tmp_path / "hub"
    (hub_dir / "templates" / "account").mkdir(parents=True)
    (hub_dir / "templates" / "account" / "login.html").write_text(
        '{% extends "original:account/login.html" %}\n'
        "{% block content %}<p>Elm Street Tenants welcome you.</p>{{ super() }}{% endblock %}\n",
        encoding="utf-8",
    )
    app = create_app(Settings(hub_dir=hub_dir, plugins=(), allowed_hosts=("testserver.local",)))
    async with running(app) as client:
        page = (await client.get("/account/login")).text
        assert "Elm Street Tenants welcome you." in page
        assert "<h1>Sign in</h1>" in page
