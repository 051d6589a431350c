"""The task queue through its public surface: hub.enqueue, the register_task_types hook, the worker."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from click.testing import CliRunner

from hub.core.tasks.queue import run_next_task
from hub.core.tasks.tables import Task
from hub.testing import run_due_tasks
from tests.core.tasks import chores_plugin
from tests.core.tasks.chores_plugin import runs

T0 = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def hub_plugins() -> Sequence[Any]:
    return (chores_plugin,)


async def _tasks() -> list[dict[str, Any]]:
    return await Task.select().order_by(Task.id).run()


@pytest.mark.all_databases
async def test_a_task_runs_once_and_only_if_its_transaction_commits(hub) -> None:
    class Oops(Exception):
        pass

    with pytest.raises(Oops):
        async with hub.write():
            await hub.enqueue("chores.record", {"n": 1})
            raise Oops()
    async with hub.write():
        task_id = await hub.enqueue("chores.record", {"n": 2})
    assert [row["id"] for row in await _tasks()] == [task_id]
    assert await run_due_tasks(hub) == 1
    assert await run_due_tasks(hub) == 0
    assert runs(hub) == [{"n": 2}]
    (row,) = await _tasks()
    assert row["status"] == "done" and row["attempts"] == 1 and row["finished_at"] is not None


async def test_unknown_types_are_refused_and_keys_enqueue_once(hub) -> None:
    with pytest.raises(ValueError, match="register_task_types"):
        await hub.enqueue("chores.nope", {})
    first = await hub.enqueue("chores.record", {"n": 1}, key="weekly-report:2026-22")
    again = await hub.enqueue("chores.record", {"n": 1}, key="weekly-report:2026-22")
    assert first is not None and again is None
    assert len(await _tasks()) == 1


async def test_a_failing_task_is_retried_with_back_off_then_given_up(hub) -> None:
    with time_machine.travel(T0, tick=False):
        await hub.enqueue("chores.flaky", {"fail_times": 5})
        assert (await run_next_task(hub)).status == "retried"
    (row,) = await _tasks()
    assert row["run_at"] == T0 + timedelta(seconds=10) and "printer is on fire" in row["last_error"]
    with time_machine.travel(T0 + timedelta(seconds=9), tick=False):
        assert await run_next_task(hub) is None  # still waiting
    with time_machine.travel(T0 + timedelta(seconds=10), tick=False):
        assert (await run_next_task(hub)).status == "retried"
    (row,) = await _tasks()
    assert row["run_at"] == T0 + timedelta(seconds=30)  # the wait doubled
    with time_machine.travel(T0 + timedelta(seconds=30), tick=False):
        assert (await run_next_task(hub)).status == "failed"
    (row,) = await _tasks()
    assert row["status"] == "failed" and row["attempts"] == 3 and len(runs(hub)) == 3


async def test_a_flaky_task_succeeds_on_retry(hub) -> None:
    with time_machine.travel(T0, tick=False):
        await hub.enqueue("chores.flaky", {"fail_times": 1})
        assert (await run_next_task(hub)).status == "retried"
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        assert (await run_next_task(hub)).status == "done"
    assert [row["status"] for row in await _tasks()] == ["done"]


async def test_a_task_abandoned_by_a_dead_worker_is_taken_over_and_completed_once(hub) -> None:
    """The first worker claims the task and stops answering (kill -9, a frozen VM): once its
    lease expires another worker runs it; the first one's late finish is not recorded."""
    gate = asyncio.Event()
    hub.__dict__["chore_gate"] = gate
    lease = timedelta(seconds=hub.settings.worker_lease_seconds)
    with time_machine.travel(T0, tick=False):
        await hub.enqueue("chores.slow", {"n": 1})
        zombie = asyncio.create_task(run_next_task(hub, now=T0))
        while not runs(hub):
            await asyncio.sleep(0.01)
        assert await run_next_task(hub, now=T0 + lease / 2) is None  # held by its lease
    hub.__dict__["chore_gate"] = None
    taken_over = await run_next_task(hub, now=T0 + lease + timedelta(seconds=1))
    assert taken_over is not None and taken_over.status == "done"
    gate.set()
    late = await zombie
    assert late is not None and late.status == "lost"
    (row,) = await _tasks()
    assert row["status"] == "done" and row["attempts"] == 2 and len(runs(hub)) == 2


def test_hub_worker_burst_runs_jobs_mail_and_tasks(tmp_path, monkeypatch) -> None:
    from hub.core.cli import main

    monkeypatch.setenv("HUB_DIR", str(tmp_path))
    monkeypatch.setenv("HUB_PLUGINS", "")
    monkeypatch.setenv("HUB_SECRET_KEY", "cli-secret-" + "w" * 40)
    runner = CliRunner()
    assert runner.invoke(main, ["migrate"]).exit_code == 0
    outcome = runner.invoke(main, ["worker", "--burst"])
    assert outcome.exit_code == 0, outcome.output
    assert "mail: 0 sent" in outcome.output and "tasks: 0" in outcome.output
    assert "jobs: 0" not in outcome.output  # the core's jobs ran (first time: all due)
    again = runner.invoke(main, ["worker", "--burst"])
    assert "jobs: 0" in again.output  # periodic jobs still run once per period


def test_hub_worker_refuses_to_start_with_pending_migrations(tmp_path, monkeypatch) -> None:
    from hub.core.cli import main

    monkeypatch.setenv("HUB_DIR", str(tmp_path))
    monkeypatch.setenv("HUB_PLUGINS", "")
    monkeypatch.setenv("HUB_SECRET_KEY", "cli-secret-" + "w" * 40)
    outcome = CliRunner().invoke(main, ["worker", "--burst"])
    assert outcome.exit_code != 0 and "hub migrate" in outcome.output
