"""Switching plugins on and off from the browser: pages go, data stays, every worker follows."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar

from hub.core.admin.tables import AuditEvent
from hub.core.facade import STATE_TTL_SECONDS
from hub.core.plugins import PluginFailure
from hub.core.settings import Settings
from hub.testing import HubClient, TestMember


@pytest.fixture
def enabled_plugins() -> tuple[str, ...]:
    return ("testplugin",)


@pytest.fixture
def load_entrypoints(testplugin: str) -> bool:
    """Install the test plugin (through its entry point) before the app is built."""
    return True


@pytest.fixture
async def second_worker(hub_settings: Settings, app: Litestar, client: HubClient) -> AsyncIterator[HubClient]:
    """A second app on the same database, as a second worker would be: its own plugin registry,
    site state and caches. Piccolo binds table classes to one engine per process, so in one
    process the two apps share the engine (``test_a_separate_process_follows`` uses a real
    second process with its own engine)."""
    from hub.core.app import create_app
    from hub.core.db import bind_tables

    first = app.state.hub
    other = create_app(hub_settings, load_entrypoints=True)
    other.state.hub.engine = first.engine
    other.state.hub.limiter = first.limiter
    other.state.hub.db_apps = first.db_apps
    bind_tables(first.engine, first.db_apps)
    async with HubClient(app=other, base_url="http://testserver.local") as other_client:
        other_client.follow_redirects = False
        yield other_client


async def _add_note(text: str) -> None:
    from hub_testplugin.tables import Note

    await Note.insert(Note(text=text)).run()


def _age_state(app: Litestar) -> None:
    """Pretend the state TTL has passed, as it will a few seconds later in a real worker."""
    app.state.hub.site_state.loaded_at -= STATE_TTL_SECONDS + 1


async def test_plugins_page_lists_plugins_and_failures(client: HubClient, admin: TestMember, hub: Any) -> None:
    hub.registry.failures.append(PluginFailure("brokenplugin", "import", "ImportError: no module named foo"))
    await client.login(admin)
    page = await client.get("/admin/plugins")
    assert page.status_code == 200
    text = page.text
    assert "Test plugin" in text and "For the test suite." in text and "Version 0.1.0" in text
    assert "Installed package" in text and "Switch off Test plugin" in text
    assert "brokenplugin" in text and "ImportError: no module named foo" in text


@pytest.mark.all_databases
async def test_disable_hides_pages_and_enable_brings_data_back(
    client: HubClient, anon_client: Any, admin: TestMember, hub: Any
) -> None:
    await _add_note("Bins go out on Tuesday")
    assert "Bins go out on Tuesday" in (await anon_client.get("/testplugin/")).text
    await client.login(admin)

    off = await client.post_form("/admin/plugins/testplugin/disable")
    assert off.status_code == 303
    assert (await anon_client.get("/testplugin/")).status_code == 404
    page = await client.get("/admin/plugins")
    assert "Switch on Test plugin" in page.text and "switched off" in page.text

    on = await client.post_form("/admin/plugins/testplugin/enable")
    assert on.status_code == 303
    back = await anon_client.get("/testplugin/")
    assert back.status_code == 200 and "Bins go out on Tuesday" in back.text

    events = await AuditEvent.select(AuditEvent.event, AuditEvent.detail).order_by(AuditEvent.id).run()
    names = [e["event"] for e in events]
    assert "core.plugin_disabled" in names and "core.plugin_enabled" in names
    assert all("testplugin" in e["detail"] for e in events if e["event"].startswith("core.plugin_"))


async def test_switching_applies_in_another_worker(
    client: HubClient, app: Litestar, second_worker: HubClient, admin: TestMember
) -> None:
    await _add_note("Shared note")
    assert (await second_worker.get("/testplugin/")).status_code == 200
    await client.login(admin)
    assert (await client.post_form("/admin/plugins/testplugin/disable")).status_code == 303

    other_hub = second_worker.app.state.hub
    await other_hub.refresh_state(force=True)
    assert not other_hub.registry.is_active("testplugin")
    assert (await second_worker.get("/testplugin/")).status_code == 404

    # Switched back on in the second worker: the first one follows once its state is older than the TTL.
    await second_worker.login(admin)
    assert (await second_worker.post_form("/admin/plugins/testplugin/enable")).status_code == 303
    _age_state(app)
    page = await client.get("/testplugin/")
    assert page.status_code == 200 and "Shared note" in page.text


async def test_disable_in_one_worker_reaches_the_other_after_the_ttl(
    client: HubClient, second_worker: HubClient, admin: TestMember
) -> None:
    await client.login(admin)
    assert (await second_worker.get("/testplugin/")).status_code == 200
    assert (await client.post_form("/admin/plugins/testplugin/disable")).status_code == 303
    _age_state(second_worker.app)
    assert (await second_worker.get("/testplugin/")).status_code == 404


async def test_enabling_applies_pending_migrations(client: HubClient, admin: TestMember, hub: Any) -> None:
    from piccolo.apps.migrations.tables import Migration

    await client.login(admin)
    assert (await client.post_form("/admin/plugins/testplugin/disable")).status_code == 303
    # The plugin's migrations are pending again (as after an upgrade while it was off).
    await Migration.delete().where(Migration.app_name == "testplugin").run()
    await hub.engine.run_ddl("DROP TABLE testplugin_note")
    assert (await client.post_form("/admin/plugins/testplugin/enable")).status_code == 303
    assert await Migration.count().where(Migration.app_name == "testplugin").run() == 1
    await _add_note("After the upgrade")
    assert "After the upgrade" in (await client.get("/testplugin/")).text


async def test_unknown_plugin_is_404_and_nothing_changes(client: HubClient, admin: TestMember, hub: Any) -> None:
    await client.login(admin)
    for url in ("/admin/plugins/nosuch/disable", "/admin/plugins/nosuch/enable", "/admin/plugins/..%2F/disable"):
        assert (await client.post_form(url)).status_code == 404
    await hub.refresh_state(force=True)
    assert hub.site_state.disabled_plugins == frozenset()


WORKER = """
import sys
from pathlib import Path
from litestar.testing import TestClient
from hub.core.app import create_app
from hub.core.facade import STATE_TTL_SECONDS
from hub.core.settings import Settings

settings = Settings(hub_dir=Path(sys.argv[1]), secret_key=sys.argv[2], plugins=("testplugin",),
                    strict_plugins=True, allowed_hosts=("testserver.local",), rate_limit_per_minute=100000)
app = create_app(settings)
with TestClient(app, base_url="http://testserver.local") as worker:
    print(worker.get("/testplugin/").status_code, flush=True)
    sys.stdin.readline()
    app.state.hub.site_state.loaded_at -= STATE_TTL_SECONDS + 1
    print(worker.get("/testplugin/").status_code, flush=True)
"""


async def test_a_separate_process_follows(
    client: HubClient, admin: TestMember, hub_settings: Settings, tmp_path: Path
) -> None:
    """A real second worker process with its own engine on the same SQLite file."""
    from tests.conftest import FIXTURES

    paths = [str(tmp_path / "site-packages"), str(FIXTURES / "hub_testplugin"), os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}
    with (tmp_path / "worker.log").open("wb") as log:
        worker = await asyncio.create_subprocess_exec(
            sys.executable, "-c", WORKER, str(hub_settings.hub_dir), hub_settings.secret_key,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=log, env=env,
        )  # fmt: skip
        assert worker.stdin is not None and worker.stdout is not None
        try:
            first = await asyncio.wait_for(worker.stdout.readline(), 120)
            assert first.strip() == b"200", (tmp_path / "worker.log").read_text()
            await client.login(admin)
            assert (await client.post_form("/admin/plugins/testplugin/disable")).status_code == 303
            worker.stdin.write(b"go\n")
            await worker.stdin.drain()
            second = await asyncio.wait_for(worker.stdout.readline(), 120)
            assert second.strip() == b"404", (tmp_path / "worker.log").read_text()
        finally:
            if worker.returncode is None:
                worker.kill()
            await worker.wait()
