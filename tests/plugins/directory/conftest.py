"""Directory tests run a hub with only the directory plugin enabled."""

from __future__ import annotations

from typing import Any

import pytest

from hub.core.settings import Settings


@pytest.fixture
def enabled_plugins() -> tuple[str, ...] | None:
    return ("directory",)


@pytest.fixture
def directory_config() -> dict[str, Any]:
    """Override to change ``[plugins.directory]`` for a test module."""
    return {}


@pytest.fixture
def hub_settings(hub_settings: Settings, directory_config: dict[str, Any]) -> Settings:
    if not directory_config:
        return hub_settings
    return hub_settings.with_overrides(plugin_config={"directory": directory_config})
