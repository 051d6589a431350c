"""Real ``hub worker`` processes against a real SMTP server: kill -9 mid-send, and two at once.

Counted at the mail server, by Message-ID: no queued message is lost, none is received twice.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from hub.core.settings import Settings, load_settings
from tests.core.mail.smtp import Listener, smtp_listener

HUB_COMMAND = str(Path(sys.executable).with_name("hub"))


@pytest.fixture
def listener() -> Iterator[Listener]:
    with smtp_listener() as running:
        yield running


@pytest.fixture
def hub_folder(tmp_path: Path, database_url: str | None, listener: Listener) -> Path:
    return _folder(tmp_path, listener)


def _folder(tmp_path: Path, listener: Listener) -> Path:
    folder = tmp_path / "hub"
    folder.mkdir()
    (folder / "hub.toml").write_text(
        "[hub]\n"
        'secret_key = "worker-test-secret-0123456789abcdefghijkl"\n'
        "plugins = []\n"
        'smtp_host = "127.0.0.1"\n'
        f"smtp_port = {listener.port}\n"
        "smtp_starttls = false\n"
        "smtp_timeout_seconds = 60\n"  # a hanging server holds the worker until it is killed
        "worker_lease_seconds = 2\n"
        "worker_poll_seconds = 0.2\n"
        'mail_from = "hub@hub.example.org"\n',
        encoding="utf-8",
    )
    return folder


def _settings(folder: Path, database_url: str | None) -> Settings:
    env = {"HUB_DIR": str(folder)}
    if database_url:
        env["HUB_DATABASE_URL"] = database_url
    return load_settings(env=env)


def _environment(folder: Path, database_url: str | None) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("HUB_")}
    env["HUB_DIR"] = str(folder)
    if database_url:
        env["HUB_DATABASE_URL"] = database_url
    return env


@contextlib.asynccontextmanager
async def _hub(settings: Settings) -> AsyncIterator[Any]:
    from hub.core.app import build_hub
    from hub.core.db import run_migrations

    hub = build_hub(settings, load_entrypoints=False)
    await hub.engine.prepare()
    try:
        await run_migrations(hub.engine, hub.db_apps)
        await hub.refresh_state(force=True)
        yield hub
    finally:
        await hub.engine.close()


async def _queue(hub: Any, count: int) -> set[str]:
    from hub.core.mail.message import OutgoingMail
    from hub.core.mail.tables import OutboxMail

    ids = await hub.mail.send_many(hub, [OutgoingMail(f"m{n}@example.org", f"Letter {n}", "Hi") for n in range(count)])
    rows = await OutboxMail.select(OutboxMail.message_id).where(OutboxMail.id.is_in(ids)).run()
    return {row["message_id"] for row in rows}


def _start_worker(folder: Path, database_url: str | None) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [HUB_COMMAND, "worker"],
        env=_environment(folder, database_url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def _wait_all_sent(hub: Any, count: int, seconds: float = 60) -> list[dict[str, Any]]:
    import asyncio

    from hub.core.mail.tables import OutboxMail

    deadline = time.monotonic() + seconds
    while True:
        rows = await OutboxMail.select(OutboxMail.message_id, OutboxMail.status, OutboxMail.attempts).run()
        if sum(row["status"] == "sent" for row in rows) == count:
            return rows
        if time.monotonic() > deadline:
            raise AssertionError(f"not all sent: {sorted(row['status'] for row in rows)}")
        await asyncio.sleep(0.1)


@pytest.mark.all_databases
async def test_kill_9_mid_send_loses_nothing_and_sends_nothing_twice(
    hub_folder: Path, database_url: str | None, listener: Listener
) -> None:
    settings = _settings(hub_folder, database_url)
    async with _hub(settings) as hub:
        queued = await _queue(hub, 30)
        listener.mode, listener.accept_first = "accept_then_hang", 10
        first = _start_worker(hub_folder, database_url)
        try:
            # The server took ten messages and sits on the eleventh: the worker is mid-send.
            listener.wait_for(lambda s: len(s.received) == 10 and s.hanging == 1, what="first worker")
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
        finally:
            _stop(first)
        listener.mode = "accept"
        second = _start_worker(hub_folder, database_url)
        try:
            listener.wait_for(lambda s: len(s.received) == 30, seconds=60, what="second worker")
            rows = await _wait_all_sent(hub, 30)
        finally:
            _stop(second)
        received = listener.message_ids()
        assert set(received) == queued  # nothing lost
        assert set(received.values()) == {1}  # nothing twice
        assert sorted(row["attempts"] for row in rows)[-1] == 2  # the one in flight was taken over
        assert second.returncode == 0, second.stderr.read().decode()[-2000:] if second.stderr else ""


@pytest.fixture
def postgres_url() -> Iterator[str]:
    from hub.testing import postgres_database

    yield from postgres_database()


async def test_two_worker_processes_on_postgresql_share_the_queue_without_sending_twice(
    tmp_path: Path, postgres_url: str, listener: Listener
) -> None:
    database_url = postgres_url
    hub_folder = _folder(tmp_path, listener)
    settings = _settings(hub_folder, database_url)
    assert settings.is_postgres
    async with _hub(settings) as hub:
        queued = await _queue(hub, 120)
        listener.mode, listener.delay_seconds = "delay", 0.01  # sends overlap across the two
        workers = [_start_worker(hub_folder, database_url) for _ in range(2)]
        try:
            listener.wait_for(lambda s: len(s.received) == 120, seconds=90, what="two workers")
            await _wait_all_sent(hub, 120)
        finally:
            for process in workers:
                _stop(process)
        received = listener.message_ids()
        assert set(received) == queued and set(received.values()) == {1}
        assert all(process.returncode == 0 for process in workers)
