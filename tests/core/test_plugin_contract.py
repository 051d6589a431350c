"""The contract is enforced when a plugin loads: each bad plugin is refused with one sentence.

Every rule gets a plugin that breaks it. Outside strict mode the plugin is recorded as failed (and
left out, with the plugins that require it) while the hub starts; in strict mode the same sentence
is the error that stops the start.
"""

from __future__ import annotations

import types
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import pytest
from msgspec import Meta
from piccolo.columns import ForeignKey, Varchar
from piccolo.conf.apps import AppConfig
from piccolo.table import Table

from hub import Permission, PluginInfo, hookimpl
from hub.core.app import build_hub, reserved_names
from hub.core.facade import Hub
from hub.core.plugins import PluginError
from hub.core.settings import Settings
from hub.plugins.noticeboard.tables import Post


def plugin(slug: str, **attributes: Any) -> types.ModuleType:
    """A plugin module: ``PLUGIN`` (``info=`` overrides its fields) plus the given hookimpls."""
    module = types.ModuleType(f"contract_{slug.replace('-', '_')}")
    info = {"slug": slug, "name": slug.title(), **attributes.pop("info", {})}
    module.PLUGIN = PluginInfo(**info)  # type: ignore[attr-defined]
    for name, value in attributes.items():
        setattr(module, name, value)
    return module


def start(
    tmp_path: Path,
    *modules: types.ModuleType,
    strict: bool = False,
    enabled: Sequence[str] = (),
    config: dict[str, dict[str, Any]] | None = None,
) -> Hub:
    settings = Settings(hub_dir=tmp_path, plugins=tuple(enabled), strict_plugins=strict, plugin_config=config or {})
    return build_hub(settings, plugins=modules)


def refusal(hub: Hub, slug: str) -> str:
    """The one failure recorded for ``slug``; the plugin must be left out."""
    failures = [f for f in hub.registry.failures if f.name == slug]
    assert len(failures) == 1, hub.registry.failures
    assert slug not in hub.registry.loaded
    assert "\n" not in failures[0].message
    return failures[0].message


# -- the slug --------------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", ["Bad", "has-dash", "9lives", "x", "under__score", "trailing_", "a" * 31])
def test_a_slug_outside_the_pattern_is_refused(tmp_path: Path, slug: str) -> None:
    hub = start(tmp_path, plugin(slug))
    assert refusal(hub, slug).startswith(f"slug {slug!r} must be 2 to 30 lowercase letters and digits")


@pytest.mark.parametrize("slug", ["admin", "account", "notifications", "messages", "setup", "search", "static", "core"])
def test_a_slug_the_core_uses_is_refused(tmp_path: Path, slug: str) -> None:
    hub = start(tmp_path, plugin(slug))
    assert refusal(hub, slug).startswith(f"slug {slug!r} is reserved (")


def test_reserved_names_come_from_the_core_routes() -> None:
    reserved = reserved_names()
    for prefix in ("admin", "account", "notifications", "messages", "setup", "search", "report", "code-of-conduct"):
        assert reserved[prefix] == f"the core's pages are at /{prefix}/"
    assert {"static", "core", "hub", "original"} <= set(reserved)


def test_good_slugs_load(tmp_path: Path) -> None:
    hub = start(tmp_path, plugin("lending_library"), plugin("repair2"))
    assert {"lending_library", "repair2"} <= set(hub.registry.loaded)
    assert not hub.registry.failures


# -- database apps and tables -----------------------------------------------------------------------


class Notes(Table, tablename="notes"):
    text = Varchar(length=100)


class LendingItem(Table, tablename="lending_item"):
    name = Varchar(length=100)


class LendingLoanOfPost(Table, tablename="lending_loan"):
    notice = ForeignKey(Post)


def apps_hook(*apps: AppConfig) -> Any:
    @hookimpl
    def register_db_apps(hub: Any) -> list[AppConfig]:
        return list(apps)

    return register_db_apps


def test_app_name_must_be_the_slug(tmp_path: Path) -> None:
    app = AppConfig(app_name="library", migrations_folder_path=str(tmp_path), table_classes=[LendingItem])
    hub = start(tmp_path, plugin("lending", register_db_apps=apps_hook(app)))
    assert refusal(hub, "lending") == "its Piccolo app is named 'library': use AppConfig(app_name='lending', ...)"
    assert "library" not in [a.app_name for a in hub.db_apps]


def test_tables_must_carry_the_slug_prefix(tmp_path: Path) -> None:
    app = AppConfig(app_name="lending", migrations_folder_path=str(tmp_path), table_classes=[LendingItem, Notes])
    hub = start(tmp_path, plugin("lending", register_db_apps=apps_hook(app)))
    assert refusal(hub, "lending") == (
        "its table 'notes' (Notes) must be named lending_<thing>, e.g. class Notes(Table, tablename=\"lending_notes\")"
    )
    assert all(a.app_name != "lending" for a in hub.db_apps)


def test_one_app_per_plugin(tmp_path: Path) -> None:
    app = AppConfig(app_name="lending", migrations_folder_path=str(tmp_path), table_classes=[LendingItem])
    hub = start(tmp_path, plugin("lending", register_db_apps=apps_hook(app, app)))
    assert refusal(hub, "lending").startswith("it declares 2 Piccolo apps; a plugin has one")


def test_a_foreign_key_into_another_plugin_needs_requires_plugins(tmp_path: Path) -> None:
    app = AppConfig(app_name="lending", migrations_folder_path=str(tmp_path), table_classes=[LendingLoanOfPost])
    hub = start(tmp_path, plugin("lending", register_db_apps=apps_hook(app)), enabled=("noticeboard",))
    assert refusal(hub, "lending") == (
        "its table 'lending_loan' refers to 'noticeboard_post' of plugin 'noticeboard': "
        "add 'noticeboard' to requires_plugins so that plugin loads and migrates first"
    )
    declared = start(
        tmp_path,
        plugin("lending", info={"requires_plugins": ("noticeboard",)}, register_db_apps=apps_hook(app)),
        enabled=("noticeboard",),
    )
    assert "lending" in declared.registry.loaded and not declared.registry.failures


def test_a_foreign_key_into_a_table_nobody_declares_is_refused(tmp_path: Path) -> None:
    app = AppConfig(app_name="lending", migrations_folder_path=str(tmp_path), table_classes=[LendingLoanOfPost])
    hub = start(tmp_path, plugin("lending", register_db_apps=apps_hook(app)))
    assert refusal(hub, "lending") == (
        "its table 'lending_loan' refers to 'noticeboard_post', which no loaded plugin declares"
    )


# -- permissions ------------------------------------------------------------------------------------


def test_permissions_stay_in_the_plugins_namespace(tmp_path: Path) -> None:
    @hookimpl
    def register_permissions(hub: Any) -> list[Permission]:
        return [Permission("lending.borrow", "Borrow things"), Permission("core.admin_lite", "Sneaky")]

    hub = start(tmp_path, plugin("lending", register_permissions=register_permissions))
    assert (
        refusal(hub, "lending") == "its permission 'core.admin_lite' is outside its namespace: name it lending.<verb>"
    )
    assert "lending.borrow" not in hub.permissions and "core.admin_lite" not in hub.permissions


# -- settings ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LendingSettings:
    loan_days: Annotated[int, Meta(ge=1)] = 14
    public: bool = False
    late_fee: float = 0.5


def test_settings_are_converted_once_and_typed(tmp_path: Path) -> None:
    hub = start(
        tmp_path,
        plugin("lending", info={"settings": LendingSettings}),
        config={"lending": {"loan_days": "21", "public": "true"}},
    )
    settings = hub.config("lending")
    assert settings == LendingSettings(loan_days=21, public=True, late_fee=0.5)
    assert start(tmp_path, plugin("lending", info={"settings": LendingSettings})).config("lending") == LendingSettings()


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"loan_dayz": 7}, "[plugins.lending] loan_dayz: unknown setting (known: late_fee, loan_days, public)"),
        ({"loan_days": "two weeks"}, "[plugins.lending] loan_days: expected `int`, got `str`"),
        ({"loan_days": 0}, "[plugins.lending] loan_days: expected `int` >= 1"),
        ({"public": "maybe"}, "[plugins.lending] public: expected `bool`, got `str`"),
    ],
)
def test_bad_settings_leave_the_plugin_out_with_a_sentence(tmp_path: Path, table: dict[str, Any], message: str) -> None:
    hub = start(tmp_path, plugin("lending", info={"settings": LendingSettings}), config={"lending": table})
    assert refusal(hub, "lending") == message
    assert hub.registry.failures[0].stage == "config"


def test_a_plugin_without_settings_refuses_any_key(tmp_path: Path) -> None:
    hub = start(tmp_path, plugin("lending"), config={"lending": {"loan_days": 7}})
    assert (
        refusal(hub, "lending")
        == "[plugins.lending] loan_days: unknown setting (known: none: this plugin has no settings)"
    )


def test_untyped_settings_defaults_still_work_for_one_release(tmp_path: Path) -> None:
    legacy = plugin("lending", info={"settings_defaults": {"loan_days": 14}})
    with pytest.warns(DeprecationWarning, match=r"settings_defaults.*PluginInfo\(settings="):
        hub = start(tmp_path, legacy, config={"lending": {"loan_days": 21}})
    assert hub.config("lending")["loan_days"] == 21


# -- wrappers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("marker", [{"hookwrapper": True}, {"wrapper": True}])
def test_wrapper_hookimpls_are_refused_at_registration(tmp_path: Path, marker: dict[str, bool]) -> None:
    @hookimpl(**marker)
    def nav_items(hub: Any, request: Any, actor: Any) -> Any:
        return (yield)

    hub = start(tmp_path, plugin("lending", nav_items=nav_items))
    message = refusal(hub, "lending")
    assert message.startswith("hookimpl(s) nav_items are wrappers (hookwrapper=True or wrapper=True)")
    assert hub.registry.pm.get_plugin("lending") is None


# -- requirements and strict mode ---------------------------------------------------------------------


def test_dependents_of_a_refused_plugin_are_left_out_too(tmp_path: Path) -> None:
    @hookimpl
    def register_permissions(hub: Any) -> list[Permission]:
        return [Permission("elsewhere.read", "Wrong namespace")]

    base = plugin("lending", register_permissions=register_permissions)
    dependent = plugin("overdue", info={"requires_plugins": ("lending",)})
    hub = start(tmp_path, base, dependent)
    assert refusal(hub, "overdue") == "needs plugin lending, which was left out"


def test_requirements_that_go_round_in_a_circle_are_refused(tmp_path: Path) -> None:
    hub = start(
        tmp_path,
        plugin("hens", info={"requires_plugins": ("eggs",)}),
        plugin("eggs", info={"requires_plugins": ("hens",)}),
    )
    assert refusal(hub, "hens") == "requires_plugins go round in a circle: hens, eggs"


def test_strict_mode_stops_the_start_with_the_sentence(tmp_path: Path) -> None:
    with pytest.raises(PluginError) as raised:
        start(tmp_path, plugin("admin"), strict=True)
    assert str(raised.value) == (
        "Plugin 'admin' failed at contract: slug 'admin' is reserved (the core's pages are at /admin/): choose another"
    )


def test_a_requirement_that_failed_to_load_is_named_as_such(tmp_path: Path) -> None:
    hub = start(tmp_path, plugin("admin"), plugin("overdue", info={"requires_plugins": ("admin", "shelving")}))
    assert refusal(hub, "overdue") == "needs plugin(s) admin (it failed to load), shelving (not enabled)"
