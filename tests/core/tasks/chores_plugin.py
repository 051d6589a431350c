"""A tiny plugin for the task-queue tests: one task that records its runs, one that fails at first."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hub import PluginInfo, TaskType, hookimpl

PLUGIN = PluginInfo(slug="chores", name="Chores", description="Background chores for tests.")


def runs(hub: Any) -> list[dict[str, Any]]:
    return hub.__dict__.setdefault("chore_runs", [])


async def record(hub: Any, payload: Mapping[str, Any]) -> None:
    runs(hub).append(dict(payload))


async def flaky(hub: Any, payload: Mapping[str, Any]) -> None:
    runs(hub).append(dict(payload))
    if len(runs(hub)) <= int(payload.get("fail_times", 0)):
        raise RuntimeError("the printer is on fire")


async def slow(hub: Any, payload: Mapping[str, Any]) -> None:
    runs(hub).append(dict(payload))
    gate = hub.__dict__.get("chore_gate")
    if gate is not None:
        await gate.wait()


@hookimpl
def register_task_types(hub: Any) -> list[TaskType]:
    return [
        TaskType("chores.record", record),
        TaskType("chores.flaky", flaky, max_attempts=3, retry_seconds=10),
        TaskType("chores.slow", slow),
    ]
