"""The worker: delivers queued mail, runs queued tasks and ticks the periodic jobs.

Any number of workers may run, in any number of processes on any number of hosts: every piece of
work is claimed from the database first (leases, :mod:`hub.core.tasks.leases`; the jobs' own
claim, :mod:`hub.core.jobs.service`). ``hub serve`` runs one inside each server process unless
``worker_in_process = false`` (or ``--no-worker``); ``hub worker`` runs one without serving pages;
``hub worker --burst`` does what is due and exits (cron).

Three loops share the process: mail, tasks and jobs, so a long task never holds up mail. Mail
and task loops look for work every ``worker_poll_seconds`` and at once when this process queues
something; the job loop ticks every minute.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from hub.core.jobs.service import run_due
from hub.core.mail.outbox import deliver_due
from hub.core.tasks.queue import run_next_task

if TYPE_CHECKING:
    from litestar import Litestar

    from hub.core.facade import Hub

__all__ = ["TICK_SECONDS", "BurstSummary", "Worker", "worker_lifespan"]

log = logging.getLogger("hub.worker")

TICK_SECONDS = 60.0
"""How often the job loop looks for due periodic jobs."""
ERROR_PAUSE_SECONDS = 5.0
"""After an unexpected error (the database away), a loop waits this long before trying again."""
STOP_GRACE_SECONDS = 10.0
"""On stop, how long a loop may take to finish the batch or task in hand before it is cancelled."""


@dataclass(frozen=True, slots=True)
class BurstSummary:
    mail_sent: int
    mail_retried: int
    mail_failed: int
    tasks: int
    jobs: int


class Worker:
    """Background work for one hub in this process; ``start()`` it and ``await stop()`` it."""

    def __init__(self, hub: Hub, tick_seconds: float = TICK_SECONDS) -> None:
        self.hub = hub
        self.tick_seconds = tick_seconds
        self.poll_seconds = hub.settings.worker_poll_seconds
        self.loops: list[asyncio.Task[None]] = []
        self.ticks = 0
        self._events: list[asyncio.Event] = []
        self._stopping = asyncio.Event()

    @property
    def running(self) -> bool:
        return any(not loop.done() for loop in self.loops)

    def start(self) -> None:
        self.loops = [
            asyncio.create_task(self._forever(self._jobs_pass, None), name="hub-worker-jobs"),
            asyncio.create_task(self._forever(self._mail_pass, self.hub.mail.waiter()), name="hub-worker-mail"),
            asyncio.create_task(self._forever(self._task_pass, self.hub.mail.waiter()), name="hub-worker-tasks"),
        ]

    async def stop(self, grace_seconds: float = STOP_GRACE_SECONDS) -> None:
        """Let each loop finish the batch or task in hand, then stop; past ``grace_seconds`` cancel it.

        Stopping is cooperative first: on Python 3.11 a cancellation that arrives as an awaited
        network read completes can be swallowed (``asyncio.wait_for``), so a loop must not depend
        on it. Work cancelled mid-way is abandoned to its lease (nothing half-recorded).
        """
        self._stopping.set()
        for event in self._events:
            event.set()
        pending = {loop for loop in self.loops if not loop.done()}
        if pending:
            _done, pending = await asyncio.wait(pending, timeout=grace_seconds)
        while pending:
            for loop in pending:
                loop.cancel()
            _done, pending = await asyncio.wait(pending, timeout=1.0)
        for loop in self.loops:
            if not loop.cancelled() and loop.exception() is not None:
                log.error("a worker loop ended with an error", exc_info=loop.exception())
        for event in self._events:
            self.hub.mail.forget(event)
        self._events.clear()

    async def tick(self) -> int:
        """Run every due periodic job once; returns how many ran."""
        try:
            outcomes = await run_due(self.hub, datetime.now(UTC))
        except Exception:  # the loop must survive anything a tick throws
            log.exception("the job tick failed; trying again next tick")
            outcomes = []
        self.ticks += 1
        return sum(outcome.status == "ran" for outcome in outcomes)

    async def _jobs_pass(self) -> bool:
        await self.hub.refresh_state()
        await self.tick()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self.tick_seconds):
                await self._stopping.wait()
        return True

    async def _mail_pass(self) -> bool:
        await self.hub.refresh_state()
        return bool((await deliver_due(self.hub)).claimed)

    async def _task_pass(self) -> bool:
        await self.hub.refresh_state()
        return await run_next_task(self.hub) is not None

    async def _forever(self, one_pass: Callable[[], Awaitable[bool]], wake: asyncio.Event | None) -> None:
        """Run passes back to back while they find work; otherwise wait for a wake-up or the poll."""
        if wake is not None:
            self._events.append(wake)
        while not self._stopping.is_set():
            try:
                busy = await one_pass()
            except Exception:
                log.exception("background work failed; trying again in %s s", ERROR_PAUSE_SECONDS)
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(ERROR_PAUSE_SECONDS):
                        await self._stopping.wait()
                continue
            if busy or wake is None:
                continue
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.poll_seconds):
                    await wake.wait()
            wake.clear()

    async def run_burst(self) -> BurstSummary:
        """Everything due now: the due jobs, then mail and tasks until none is left (cron, tests)."""
        await self.hub.refresh_state()
        jobs = await self.tick()
        sent = retried = failed = tasks = 0
        while True:
            mail = await deliver_due(self.hub)
            sent, retried, failed = sent + mail.sent, retried + mail.retried, failed + mail.failed
            task = await run_next_task(self.hub)
            tasks += task is not None
            if not mail.claimed and task is None:
                return BurstSummary(sent, retried, failed, tasks, jobs)


@contextlib.asynccontextmanager
async def worker_lifespan(app: Litestar) -> AsyncIterator[None]:
    """Start the in-process worker after the app's own start-up, stop it before the engine closes."""
    hub: Any = app.state.hub
    worker: Worker | None = None
    if hub.settings.worker_in_process:
        worker = Worker(hub)
        worker.start()
    app.state.worker = worker
    try:
        yield
    finally:
        if worker is not None:
            await worker.stop()
