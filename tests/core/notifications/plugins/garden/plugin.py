"""Garden: declares one digest type whose label is translated by the plugin's own catalogue."""

from __future__ import annotations

from typing import Any

from hub import PluginInfo, hookimpl
from hub.core.i18n import lazy_gettext as _l
from hub.core.types import NotificationType

PLUGIN = PluginInfo(slug="garden", name="Garden", requires_hub=">=1,<2")


@hookimpl
def notification_types(hub: Any) -> list[NotificationType]:
    return [NotificationType("garden.harvest", _l("Harvest news"), _l("When the shared beds have produce to pick."))]
