"""The plugin author's contract: the ``hub`` re-exports, the API version check, deprecations."""

from __future__ import annotations

import types
import warnings

import pytest

import hub
from hub.core.deprecation import deprecated
from hub.core.plugins import PLUGIN_API_VERSION, PluginError, PluginRegistry


def test_public_surface_has_what_plugins_need() -> None:
    for name in (
        "hookimpl",
        "PluginInfo",
        "Permission",
        "NavItem",
        "Panel",
        "SearchHit",
        "Job",
        "NotificationType",
        "ReportedObject",
        "gettext",
        "lazy_gettext",
        "ngettext",
        "deprecated",
        "PLUGIN_API_VERSION",
    ):
        assert name in hub.__all__ and hasattr(hub, name), name
    assert hub.PLUGIN_API_VERSION == PLUGIN_API_VERSION


def _plugin(slug: str, requires_hub: str) -> types.ModuleType:
    module = types.ModuleType(f"fake_{slug}")
    module.PLUGIN = hub.PluginInfo(slug=slug, name=slug, requires_hub=requires_hub)  # type: ignore[attr-defined]
    return module


@pytest.mark.parametrize(
    ("requires", "loads"),
    [(">=1,<2", True), ("", True), (">=1.0", True), (">=2,<3", False), ("<1", False), ("not a version", False)],
)
def test_requires_hub_is_checked_against_the_plugin_api_version(requires: str, loads: bool) -> None:
    registry = PluginRegistry.create(strict=False)
    registry.load([], extra=[_plugin("sample", requires)])
    assert ("sample" in registry.loaded) is loads
    if not loads:
        (failure,) = registry.failures
        assert failure.name == "sample" and failure.stage == "metadata"


def test_incompatible_plugin_is_fatal_in_strict_mode() -> None:
    registry = PluginRegistry.create(strict=True)
    with pytest.raises(PluginError, match=f"this hub provides {PLUGIN_API_VERSION}"):
        registry.load([], extra=[_plugin("future", ">=2")])


def test_deprecated_function_warns_once_and_still_works() -> None:
    @deprecated(since="1.1", removal="1.2", alternative="new_helper()")
    def old_helper(x: int) -> int:
        return x * 2

    with pytest.warns(
        DeprecationWarning, match=r"old_helper is deprecated since Community Hub 1\.1.*removed in 1\.2.*new_helper\(\)"
    ):
        assert old_helper(2) == 4
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert old_helper(3) == 6  # a second call does not warn again
    assert "1.2" in old_helper.__deprecated__  # type: ignore[attr-defined]


def test_deprecated_class_warns_on_first_instance() -> None:
    @deprecated(since="1.1", removal="1.2")
    class OldThing:
        def __init__(self, value: int) -> None:
            self.value = value

    with pytest.warns(DeprecationWarning, match="OldThing is deprecated"):
        assert OldThing(1).value == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert OldThing(2).value == 2
