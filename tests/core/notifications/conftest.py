from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from tests.core.notifications.plugins.garden import plugin as garden
from tests.core.notifications.plugins.repairs import plugin as repairs


@pytest.fixture
def hub_plugins() -> Sequence[Any]:
    return (garden, repairs)
