"""Running declared jobs once per period across every worker and machine.

Each job has a row in ``hub_job_run``. A worker *claims* a due job with one conditional UPDATE
inside a write transaction (IMMEDIATE on SQLite, row-locked on PostgreSQL): it succeeds only if
the job's period has passed since its last successful run and nobody holds an unexpired lease.
Overdue jobs run once (not once per missed period); a failure is logged, recorded and retried on
the next tick because ``last_run_at`` only moves on success. While a job runs, a heartbeat
extends its lease, so a long job is never taken over by a second worker; a worker killed with
``kill -9`` stops the heartbeat and the job is claimed again once the lease expires (it did not
complete, so ``last_run_at`` never moved).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from hub.core import hooks
from hub.core.jobs.tables import JobRun
from hub.core.types import Job

if TYPE_CHECKING:
    from hub.core.facade import Hub

__all__ = ["LEASE", "JobOutcome", "claim", "declared_jobs", "job_states", "run_due", "run_job"]

log = logging.getLogger("hub.jobs")

LEASE = timedelta(minutes=15)
"""How long a claim holds a job without a heartbeat; a worker that dies mid-run blocks it at most this long."""
HEARTBEAT = LEASE / 3


@dataclass(frozen=True, slots=True)
class JobOutcome:
    name: str
    status: str
    """``ran``, ``failed`` or ``skipped`` (not due, or another worker holds it)."""
    error: str = ""


async def declared_jobs(hub: Hub) -> dict[str, Job]:
    """Every job the core and the active plugins declare, by name (duplicates reported and ignored)."""
    found: dict[str, Job] = {}
    for slug, result in await hooks.gather_hook_by_plugin(hub.registry, "register_jobs", hub=hub):
        for job in result if isinstance(result, list | tuple) else [result]:
            if not isinstance(job, Job) or job.every <= timedelta(0):
                hub.registry.fail(slug, "hook:register_jobs", TypeError(f"{job!r} is not a hub.Job with a period"))
                continue
            if job.name in found:
                hub.registry.fail(slug, "hook:register_jobs", ValueError(f"duplicate job name {job.name!r}"))
                continue
            found[job.name] = job
    return found


async def claim(hub: Hub, job: Job, now: datetime, force: bool = False) -> bool:
    """Take the job's lease if it is due (or ``force``) and free; ``True`` means run it now."""
    async with hub.write():
        await JobRun.insert(JobRun(name=job.name)).on_conflict(action="DO NOTHING").run()
        condition = (JobRun.name == job.name) & (JobRun.running_until.is_null() | (JobRun.running_until <= now))
        if not force:
            condition = condition & (JobRun.last_run_at.is_null() | (JobRun.last_run_at <= now - job.every))
        rows = await JobRun.update({JobRun.running_until: now + LEASE}).where(condition).returning(JobRun.name).run()
    return bool(rows)


@contextlib.asynccontextmanager
async def _heartbeat(hub: Hub, job: Job) -> AsyncIterator[None]:
    """Extend the job's lease every third of it while the block runs."""

    async def beat() -> None:
        while True:
            await asyncio.sleep(HEARTBEAT.total_seconds())
            try:
                async with hub.write():
                    await (
                        JobRun.update({JobRun.running_until: datetime.now(UTC) + LEASE})
                        .where((JobRun.name == job.name) & JobRun.running_until.is_not_null())
                        .run()
                    )
            except Exception:  # a missed beat is survivable: the lease is three beats long
                log.exception("could not extend the lease of job %s", job.name)

    task = asyncio.create_task(beat(), name=f"hub-job-heartbeat-{job.name}")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def run_job(hub: Hub, job: Job, now: datetime, force: bool = False) -> JobOutcome:
    """Claim, run and record one job."""
    if not await claim(hub, job, now, force):
        return JobOutcome(job.name, "skipped")
    try:
        async with _heartbeat(hub, job):
            await job.run(hub, now)
    except Exception as error:
        log.exception("job %s failed; it will be retried on the next tick", job.name)
        message = f"{type(error).__name__}: {error}"[:2000]
        async with hub.write():
            await (
                JobRun.update({JobRun.running_until: None, JobRun.last_error: message, JobRun.last_failed_at: now})
                .where(JobRun.name == job.name)
                .run()
            )
        return JobOutcome(job.name, "failed", message)
    async with hub.write():
        await (
            JobRun.update({JobRun.running_until: None, JobRun.last_run_at: now, JobRun.last_error: ""})
            .where(JobRun.name == job.name)
            .run()
        )
    log.info("job %s ran", job.name)
    return JobOutcome(job.name, "ran")


async def run_due(hub: Hub, now: datetime, only: str | None = None, force: bool = False) -> list[JobOutcome]:
    """Run every due job (or just ``only``), one after another; a failing job never stops the rest."""
    jobs = await declared_jobs(hub)
    if only is not None:
        if only not in jobs:
            raise KeyError(only)
        jobs = {only: jobs[only]}
    return [await run_job(hub, job, now, force) for job in jobs.values()]


async def job_states(hub: Hub) -> list[tuple[Job, dict[str, Any] | None]]:
    """Each declared job with its ``hub_job_run`` row (``None`` before its first run)."""
    jobs = await declared_jobs(hub)
    rows = {row["name"]: row for row in await JobRun.select().where(JobRun.name.is_in(list(jobs) or [""])).run()}
    return [(job, rows.get(name)) for name, job in sorted(jobs.items())]
