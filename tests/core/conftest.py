"""Core tests run a hub with no plugins unless a test asks for some: the core must stand alone."""

from __future__ import annotations

import pytest


@pytest.fixture
def enabled_plugins() -> tuple[str, ...] | None:
    return ()
