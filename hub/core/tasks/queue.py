"""The task queue: ``hub.enqueue(kind, payload)`` now, a worker on any host runs it soon after.

A task is a ``hub_task`` row, written in the caller's write transaction when there is one (the
work is queued if and only if the change that needs it commits). Workers claim one task at a
time with a lease (see :mod:`hub.core.tasks.leases`), keep it alive with a heartbeat while the
task runs, and record the outcome under their claim: ``done``; or, when ``run`` raised, queued
again after an exponential back-off, ``failed`` once the type's ``max_attempts`` are used.
A worker killed mid-task leaves the task to be claimed again when its lease expires; only one
claim can ever record it ``done``, so a task is never completed twice.

Task types are declared with the ``register_task_types`` hook (:class:`hub.TaskType`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from piccolo.query.functions.aggregate import Count

from hub.core import hooks
from hub.core.tasks.leases import any_due, backoff, claim_due, heartbeat, new_token
from hub.core.tasks.tables import Task
from hub.core.types import TaskType

if TYPE_CHECKING:
    from hub.core.facade import Hub

__all__ = ["TaskOutcome", "declared_task_types", "enqueue_task", "purge_tasks", "queue_depth", "run_next_task"]

log = logging.getLogger("hub.tasks")

UNKNOWN_TYPE_WAIT = timedelta(hours=1)
"""A task whose type is not declared (its plugin switched off) waits this long, then looks again."""
KEEP_DONE = timedelta(days=7)
KEEP_FAILED = timedelta(days=90)


@dataclass(frozen=True, slots=True)
class TaskOutcome:
    id: int
    kind: str
    status: str
    """``done``, ``retried``, ``failed``, ``waiting`` (type not declared) or ``lost`` (lease taken over)."""
    error: str = ""


async def declared_task_types(hub: Hub) -> dict[str, TaskType]:
    """Every task type the core and the active plugins declare, by name (duplicates reported and ignored)."""
    found: dict[str, TaskType] = {}
    for slug, result in await hooks.gather_hook_by_plugin(hub.registry, "register_task_types", hub=hub):
        for kind in result if isinstance(result, list | tuple) else [result]:
            if not isinstance(kind, TaskType) or kind.max_attempts < 1:
                hub.registry.fail(slug, "hook:register_task_types", TypeError(f"{kind!r} is not a hub.TaskType"))
                continue
            if kind.name in found:
                hub.registry.fail(slug, "hook:register_task_types", ValueError(f"duplicate task type {kind.name!r}"))
                continue
            found[kind.name] = kind
    return found


async def enqueue_task(
    hub: Hub,
    kind: str,
    payload: Mapping[str, Any] | None = None,
    *,
    delay: timedelta | None = None,
    key: str | None = None,
    now: datetime | None = None,
) -> int | None:
    """Queue a task (in the caller's write transaction, if any); ``None`` if ``key`` was queued before."""
    if kind not in await declared_task_types(hub):
        raise ValueError(f"Unknown task type {kind!r}: declare it in the register_task_types hook.")
    now = now or datetime.now(UTC)
    row = Task(kind=kind, payload=json.dumps(dict(payload or {})), key=key, run_at=now + (delay or timedelta()),
               created_at=now)  # fmt: skip
    async with hub.write():
        insert = Task.insert(row)
        if key is not None:
            insert = insert.on_conflict(action="DO NOTHING")
        rows = await insert.returning(Task.id).run()
    hub.mail.wake()
    return int(rows[0]["id"]) if rows else None


async def _record(hub: Hub, task_id: int, token: str, values: dict[Any, Any]) -> bool:
    async with hub.write():
        rows = await (
            Task.update({Task.lease_until: None, **values})
            .where((Task.id == task_id) & (Task.locked_by == token) & (Task.status == "running"))
            .returning(Task.id)
            .run()
        )
    return bool(rows)


async def run_next_task(hub: Hub, now: datetime | None = None) -> TaskOutcome | None:
    """Claim and run the oldest due task; ``None`` when there is nothing to do."""
    now = now or datetime.now(UTC)
    if not await any_due(Task, now):
        return None
    token = new_token()
    lease = timedelta(seconds=hub.settings.worker_lease_seconds)
    rows = await claim_due(hub, Task, now=now, lease=lease, limit=1, token=token)
    if not rows:
        return None
    row = rows[0]
    kind = (await declared_task_types(hub)).get(row["kind"])
    if kind is None:
        later = datetime.now(UTC) + UNKNOWN_TYPE_WAIT
        message = f"no task type {row['kind']!r} is declared (is its plugin switched off?)"
        values = {
            Task.status: "queued",
            Task.run_at: later,
            Task.attempts: row["attempts"] - 1,
            Task.last_error: message,
        }
        await _record(hub, row["id"], token, values)
        return TaskOutcome(row["id"], row["kind"], "waiting", message)
    held = {row["id"]}
    async with heartbeat(hub, Task, held, token, lease) as lost:
        try:
            await kind.run(hub, json.loads(row["payload"] or "{}"))
        except Exception as error:
            message = f"{type(error).__name__}: {error}"[:2000]
            log.exception("task %s (%s) failed on attempt %s", row["id"], row["kind"], row["attempts"])
            held.clear()
            if lost:
                return TaskOutcome(row["id"], row["kind"], "lost", message)
            finished = datetime.now(UTC)
            if row["attempts"] >= kind.max_attempts:
                values = {Task.status: "failed", Task.finished_at: finished, Task.last_error: message}
                status = "failed"
            else:
                wait = backoff(row["attempts"], kind.retry_seconds, kind.retry_seconds * 2**10)
                values = {Task.status: "queued", Task.run_at: finished + wait, Task.last_error: message}
                status = "retried"
            recorded = await _record(hub, row["id"], token, values)
            return TaskOutcome(row["id"], row["kind"], status if recorded else "lost", message)
        held.clear()
    if lost or not await _record(hub, row["id"], token, {Task.status: "done", Task.finished_at: datetime.now(UTC),
                                                        Task.last_error: ""}):  # fmt: skip
        log.warning("task %s (%s) finished after its lease was taken over; not recorded", row["id"], row["kind"])
        return TaskOutcome(row["id"], row["kind"], "lost")
    return TaskOutcome(row["id"], row["kind"], "done")


async def queue_depth() -> dict[str, int]:
    """Tasks waiting or running, by status (for ``hub worker`` status lines and metrics)."""
    rows = await Task.select(Task.status, Count(alias="n")).group_by(Task.status).run()
    return {row["status"]: int(row["n"]) for row in rows}


async def purge_tasks(hub: Hub, now: datetime) -> None:
    """Forget finished tasks: done ones after a week, failed ones after 90 days."""
    async with hub.write():
        await Task.delete().where((Task.status == "done") & (Task.finished_at < now - KEEP_DONE)).run()
        await Task.delete().where((Task.status == "failed") & (Task.finished_at < now - KEEP_FAILED)).run()
