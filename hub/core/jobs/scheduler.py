"""The in-process scheduler ``hub serve`` runs: one asyncio task per worker, ticking every minute.

Every worker may run one; the database claim in :mod:`hub.core.jobs.service` makes sure each job
still runs once per period. Turn it off with ``jobs_in_process = false`` when cron runs
``hub jobs run`` instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from hub.core.jobs.service import run_due

if TYPE_CHECKING:
    from litestar import Litestar

    from hub.core.facade import Hub

__all__ = ["TICK_SECONDS", "Scheduler", "scheduler_lifespan"]

log = logging.getLogger("hub.jobs")

TICK_SECONDS = 60.0


class Scheduler:
    def __init__(self, hub: Hub, tick_seconds: float = TICK_SECONDS) -> None:
        self.hub = hub
        self.tick_seconds = tick_seconds
        self.task: asyncio.Task[None] | None = None
        self.ticks = 0

    def start(self) -> None:
        self.task = asyncio.create_task(self._loop(), name="hub-jobs")

    async def tick(self) -> None:
        try:
            await run_due(self.hub, datetime.now(UTC))
        except Exception:  # the loop must survive anything a tick throws
            log.exception("the job scheduler's tick failed; trying again next tick")
        self.ticks += 1

    async def _loop(self) -> None:
        while True:
            await self.tick()
            await asyncio.sleep(self.tick_seconds)

    async def stop(self) -> None:
        if self.task is None:
            return
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task


@contextlib.asynccontextmanager
async def scheduler_lifespan(app: Litestar) -> AsyncIterator[None]:
    """Start the scheduler after the app's own start-up, stop it before the engine closes."""
    hub: Any = app.state.hub
    scheduler: Scheduler | None = None
    if hub.settings.jobs_in_process:
        scheduler = Scheduler(hub)
        scheduler.start()
    app.state.scheduler = scheduler
    try:
        yield
    finally:
        if scheduler is not None:
            await scheduler.stop()
