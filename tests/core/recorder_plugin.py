"""A tiny plugin for core tests: records events and takes part in the account hooks."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from hub import Panel, PluginInfo, hookimpl

PLUGIN = PluginInfo(slug="recorder", name="Recorder", description="Records events for tests.")


def events(hub: Any) -> list[Any]:
    return hub.__dict__.setdefault("recorded_events", [])


def named(hub: Any, name: str) -> list[Any]:
    return [event for event in events(hub) if event.name == name]


@hookimpl
def on_event(hub: Any, event: Any) -> None:
    events(hub).append(event)


@hookimpl
def account_sections(hub: Any, request: Any, actor: Any) -> list[Panel]:
    return [
        Panel(title="Recorder settings", body=Markup("<p>Recorded for <strong>you</strong>.</p>"), order=5),
        Panel(title="Plain section", body="<b>escaped</b>", order=10),
    ]


@hookimpl
async def member_data_export(hub: Any, member_id: int) -> dict[str, Any]:
    return {"favourite_colour": "teal", "member_id": member_id}


@hookimpl
def member_data_erase(hub: Any, member_id: int) -> None:
    hub.__dict__.setdefault("erased_members", []).append(member_id)
