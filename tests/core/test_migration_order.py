"""Migrations run in dependency order: a third-party plugin with foreign keys into a built-in's table
(and into another third-party plugin's) migrates after both on a fresh database.

`borrowing` sorts before `shelves` and its migration id is older than every other, so neither
entry-point order nor migration ids put it last: only its ``requires_plugins`` does. On PostgreSQL
the wrong order is an error (the referenced table does not exist yet), so the test would fail there.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from hub.testing import HubClient
from tests.conftest import FIXTURES

LENDING = FIXTURES / "hub_lending"


@pytest.fixture
def enabled_plugins() -> tuple[str, ...] | None:
    return ("noticeboard", "borrowing", "shelves")


@pytest.fixture
def lending_plugins(install_plugin: Callable[..., Path]) -> None:
    install_plugin("hub-shelves", "0.1.0", {"shelves": "hub_shelves.plugin"}, LENDING)
    install_plugin("hub-borrowing", "0.1.0", {"borrowing": "hub_borrowing.plugin"}, LENDING)


@pytest.fixture
def app(lending_plugins: None, hub_settings: Any, hub_plugins: Any, load_entrypoints: bool) -> Any:
    from hub.core.app import create_app

    return create_app(hub_settings, plugins=hub_plugins, load_entrypoints=load_entrypoints)


@pytest.mark.all_databases
async def test_a_plugin_migrates_after_the_plugins_it_requires(client: HubClient, hub: Any, member: Any) -> None:
    assert list(hub.registry.loaded) == ["noticeboard", "shelves", "borrowing"]
    assert [app.app_name for app in hub.db_apps] == ["core", "noticeboard", "shelves", "borrowing"]
    applied = await hub.engine.run_ddl("SELECT app_name FROM migration ORDER BY id")
    order = [row["app_name"] for row in applied]
    first = {name: order.index(name) for name in reversed(order)}
    assert first["core"] < first["noticeboard"] < first["shelves"] < first["borrowing"]

    from hub_borrowing.plugin import Loan
    from hub_shelves.plugin import Shelf

    from hub.plugins.noticeboard.tables import Category, Post

    category = await Category.select(Category.id).first().run()
    async with hub.write():
        post = (await Post.insert(Post(title="Ladder to lend", category=category["id"], author=member.id)).run())[0]
        shelf = (await Shelf.insert(Shelf(label="Garage")).run())[0]
        await Loan.insert(Loan(notice=post["id"], shelf=shelf["id"])).run()
    loan = await Loan.select(Loan.notice.title, Loan.shelf.label).first().run()
    assert loan == {"notice.title": "Ladder to lend", "shelf.label": "Garage"}


def test_without_its_requirement_the_plugin_is_left_out(lending_plugins: None, tmp_path: Path) -> None:
    from hub.core.app import build_hub
    from hub.core.settings import Settings

    hub = build_hub(Settings(hub_dir=tmp_path, plugins=("noticeboard", "borrowing"), strict_plugins=False))
    assert "borrowing" not in hub.registry.loaded
    (failure,) = [f for f in hub.registry.failures if f.name == "borrowing"]
    assert failure.message == "needs plugin(s) shelves (not enabled)"
    assert [app.app_name for app in hub.db_apps] == ["core", "noticeboard"]
