"""The periodic jobs runner: once per period across workers, catch-up, failures, cron, lifespan."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from hub.core.auth.tables import RateCounter, Session
from hub.core.jobs.service import claim, declared_jobs, run_due, run_job
from hub.core.jobs.tables import JobRun
from hub.core.notifications.tables import Notification
from hub.core.types import Job

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@pytest.fixture
async def loop_hub(hub_settings: Any, hub_plugins: Any) -> AsyncIterator[Any]:
    """A hub whose engine lives on the test's own event loop.

    The ``client`` fixture starts the app in a portal thread with its own loop; asyncpg's pool is
    bound to that loop, so concurrent PostgreSQL work from the test needs a hub of its own.
    """
    from hub.core.app import build_hub
    from hub.core.db import run_migrations

    hub = build_hub(hub_settings, plugins=hub_plugins)
    await hub.engine.prepare()
    try:
        await run_migrations(hub.engine, hub.db_apps)
        yield hub
    finally:
        await hub.engine.close()


def _job(name: str = "test.job", every: timedelta = timedelta(hours=1), calls: list[datetime] | None = None) -> Job:
    async def run(hub: Any, now: datetime) -> None:
        if calls is not None:
            calls.append(now)

    return Job(name, every, run)


async def test_declared_jobs_include_core_and_plugins(hub) -> None:
    assert {"core.digest", "core.cleanup", "repairs.remind"} <= set(await declared_jobs(hub))


@pytest.mark.all_databases
async def test_concurrent_claims_give_the_job_to_exactly_one(loop_hub) -> None:
    hub = loop_hub
    job = _job()
    results = await asyncio.gather(*(claim(hub, job, T0) for _ in range(6)))
    assert sorted(results) == [False] * 5 + [True]
    # Held by a lease: nobody else gets it, even when forced.
    assert await claim(hub, job, T0 + timedelta(minutes=1), force=True) is False
    # A crashed holder's lease expires, then the job can be claimed again.
    assert await claim(hub, job, T0 + timedelta(hours=2)) is True


@pytest.mark.all_databases
async def test_runs_once_per_period_and_catches_up_once(loop_hub) -> None:
    hub = loop_hub
    calls: list[datetime] = []
    job = _job(calls=calls)
    outcomes = await asyncio.gather(run_job(hub, job, T0), run_job(hub, job, T0))
    assert sorted(o.status for o in outcomes) == ["ran", "skipped"]
    assert (await run_job(hub, job, T0 + timedelta(minutes=59))).status == "skipped"
    assert (await run_job(hub, job, T0 + timedelta(hours=1))).status == "ran"
    # Down for ten hours: the job runs once when it comes back, not ten times.
    later = T0 + timedelta(hours=11)
    assert [(await run_job(hub, job, later)).status for _ in range(3)] == ["ran", "skipped", "skipped"]
    assert calls == [T0, T0 + timedelta(hours=1), later]
    row = await JobRun.select().where(JobRun.name == job.name).first().run()
    assert row["last_run_at"] == later and row["running_until"] is None


async def test_a_failing_job_is_recorded_and_retried_next_tick(hub) -> None:
    attempts: list[datetime] = []

    async def flaky(hub: Any, now: datetime) -> None:
        attempts.append(now)
        if len(attempts) == 1:
            raise RuntimeError("the printer is on fire")

    job = Job("test.flaky", timedelta(days=1), flaky)
    failed = await run_job(hub, job, T0)
    assert failed.status == "failed" and "printer is on fire" in failed.error
    row = await JobRun.select().where(JobRun.name == job.name).first().run()
    assert row["last_run_at"] is None and "printer is on fire" in row["last_error"] and row["running_until"] is None
    assert (await run_job(hub, job, T0 + timedelta(minutes=1))).status == "ran"
    row = await JobRun.select().where(JobRun.name == job.name).first().run()
    assert row["last_error"] == "" and row["last_run_at"] == T0 + timedelta(minutes=1)


async def test_a_plugin_job_never_notifies_twice(hub, make_member) -> None:
    people = [await make_member(), await make_member()]
    await run_due(hub, T0, only="repairs.remind")
    await run_due(hub, T0 + timedelta(hours=1), only="repairs.remind", force=True)
    for person in people:
        assert await Notification.count().where(Notification.member == person.id).run() == 1


@pytest.mark.usefixtures("pinned_now")
async def test_cleanup_removes_only_what_expired(hub, make_member) -> None:
    now = datetime.now(UTC)
    async with hub.write():
        await Session.insert(
            Session(id="old", expires_at=now - timedelta(days=1)),
            Session(id="live", expires_at=now + timedelta(days=1)),
        ).run()
        await RateCounter.insert(
            RateCounter(key="old", window_start=now - timedelta(days=3), hits=1),
            RateCounter(key="live", window_start=now, hits=1),
        ).run()
    await run_due(hub, now, only="core.cleanup")
    assert "old" not in {r["id"] for r in await Session.select(Session.id).run()}
    assert {r["key"] for r in await RateCounter.select(RateCounter.key).run()} == {"live"}


def test_cli_lists_and_runs_jobs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from hub.core.cli import main

    monkeypatch.setenv("HUB_DIR", str(tmp_path))
    monkeypatch.setenv("HUB_PLUGINS", "")
    monkeypatch.setenv("HUB_SECRET_KEY", "cli-secret-" + "z" * 40)
    runner = CliRunner()
    listed = runner.invoke(main, ["jobs", "list"])
    assert listed.exit_code == 0, listed.output
    assert "core.digest" in listed.output and "never" in listed.output
    first = runner.invoke(main, ["jobs", "run"])
    assert first.exit_code == 0 and "core.digest: ran" in first.output and "core.cleanup: ran" in first.output
    second = runner.invoke(main, ["jobs", "run", "core.cleanup"])
    assert second.exit_code == 0 and "core.cleanup: skipped" in second.output
    unknown = runner.invoke(main, ["jobs", "run", "nope"])
    assert unknown.exit_code != 0 and "known jobs" in unknown.output


async def test_serve_runs_the_worker_in_process_and_stops_it(hub_settings, hub_plugins) -> None:
    from litestar.testing import AsyncTestClient

    from hub.core.app import create_app

    app = create_app(hub_settings.with_overrides(worker_in_process=True), plugins=hub_plugins)
    async with AsyncTestClient(app):
        worker = app.state.worker
        assert worker is not None and worker.running
        for _ in range(400):  # wait for the first tick (an event, not a timing assertion)
            if worker.ticks:
                break
            await asyncio.sleep(0.025)
        assert worker.ticks >= 1
        names = {row["name"] for row in await JobRun.select(JobRun.name).run()}
        assert {"core.digest", "core.cleanup"} <= names
    assert not worker.running and all(loop.done() for loop in worker.loops)


async def test_no_worker_mode_starts_none(app) -> None:
    from litestar.testing import AsyncTestClient

    async with AsyncTestClient(app):
        assert app.state.worker is None


@pytest.mark.all_databases
async def test_racing_digest_runs_send_one_email_per_member(loop_hub) -> None:
    from hub.core.members.service import create_member
    from hub.core.notifications.digest import run_digest
    from hub.testing import Outbox

    hub = loop_hub
    ids = []
    for number in range(3):
        async with hub.write():
            ids.append(await create_member(f"race{number}@example.org", f"Racer {number}", "pw-" + "q" * 20))
    for member_id in ids:
        await hub.notify(member_id, "garden.harvest", "Pears", url="/garden/")
        await hub.notify(member_id, "repairs.request", "Tap", url="/repairs/")
    sent = await asyncio.gather(*(run_digest(hub, T0) for _ in range(4)))
    assert sum(sent) == 3
    outbox = Outbox.of(hub)
    for number in range(3):
        assert len(outbox.to(f"race{number}@example.org")) == 1
