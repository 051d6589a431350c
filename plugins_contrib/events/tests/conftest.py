"""Events tests run a hub with only this plugin, found through its entry point like any install."""

from __future__ import annotations

import pytest


@pytest.fixture
def enabled_plugins() -> tuple[str, ...] | None:
    return ("events",)
