"""A tiny plugin that adds a section to directory profiles (as skillswap or noticeboard would)."""

from __future__ import annotations

from typing import Any

from hub import Panel, PluginInfo, hookimpl

PLUGIN = PluginInfo(slug="sections", name="Sections test plugin", requires_hub=">=1,<2")


@hookimpl(optionalhook=True)
def profile_sections(hub: Any, member_id: int, viewer: Any) -> list[Panel]:
    if viewer is None:
        return []
    return [Panel(title="Offers from this member", body=f"<b>member {member_id}</b> offers ladders", order=10)]
