"""Start-up work runs once, before workers: four `hub serve` workers on a fresh database all serve
every plugin.

Writing at start-up (seeding default categories and the like) happens once, in `hub migrate`,
which `hub serve` runs before it forks; each insert is idempotent (ON CONFLICT DO NOTHING). No
worker can lose a check-then-insert race against another and switch a plugin off for its whole
life. The four-worker test runs a real `hub serve --workers 4` on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

WORKERS = 4
ROUNDS = 60
"""Requests per page, each on a new connection so the kernel spreads them over the workers."""
PAGES = ("/noticeboard/", "/skillswap/", "/directory/", "/events/")
HUB_TOML = """[hub]
secret_key = "four-workers-test-secret-0123456789abcdef"
rate_limit_per_minute = 1000000
jobs_in_process = false

[plugins.directory]
public_listing = true

[plugins.skillswap]
public_listings = true
"""


@pytest.fixture
def enabled_plugins() -> tuple[str, ...] | None:
    return ("noticeboard", "skillswap")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def database(request: pytest.FixtureRequest) -> Iterator[str | None]:
    if request.param == "postgres":
        from hub.testing import postgres_database

        yield from postgres_database()
    else:
        yield None


def _wait_for_workers(log: Path, process: subprocess.Popen[bytes]) -> str:
    """Block until every worker finished its start-up (each logs one line), or fail with the log."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        text = log.read_text(encoding="utf-8", errors="replace")
        if text.count("Application startup complete") >= WORKERS:
            return text
        if process.poll() is not None:
            break
        time.sleep(0.1)
    raise AssertionError(f"{WORKERS} workers did not start:\n{log.read_text(encoding='utf-8', errors='replace')}")


@contextlib.contextmanager
def _serve(tmp_path: Path, database_url: str | None, port: int) -> Iterator[Path]:
    hub_dir = tmp_path / "hub"
    hub_dir.mkdir()
    (hub_dir / "hub.toml").write_text(HUB_TOML, encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if not key.startswith("HUB_")}
    env["HUB_DIR"] = str(hub_dir)
    if database_url:
        env["HUB_DATABASE_URL"] = database_url
    log = tmp_path / "serve.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "hub", "serve", "--workers", str(WORKERS), "--port", str(port)],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_for_workers(log, process)
            yield log
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


async def _hammer(port: int) -> dict[str, list[int]]:
    """Every page ``ROUNDS`` times, sixteen at a time, each request on a connection of its own."""
    statuses: dict[str, list[int]] = {path: [] for path in (*PAGES, "/-/plugins")}
    plugin_states: list[dict[str, bool]] = []
    limits = httpx.Limits(max_keepalive_connections=0, max_connections=16)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=30) as client:
        gate = asyncio.Semaphore(16)

        async def fetch(path: str) -> None:
            async with gate:
                response = await client.get(path)
            statuses[path].append(response.status_code)
            if path == "/-/plugins" and response.status_code == 200:
                plugin_states.append({row["slug"]: row["enabled"] for row in response.json()})

        await asyncio.gather(*(fetch(path) for _ in range(ROUNDS) for path in statuses))
    statuses["__off__"] = [1 for states in plugin_states if not all(states.values())]
    statuses["__plugins__"] = sorted({slug for states in plugin_states for slug in states})  # type: ignore[assignment]
    return statuses


@pytest.mark.parametrize("database", ["sqlite", "postgres"], indirect=True)
def test_four_workers_on_a_fresh_database_all_serve_every_plugin(tmp_path: Path, database: str | None) -> None:
    port = _free_port()
    with _serve(tmp_path, database, port) as log:
        statuses = asyncio.run(_hammer(port))
        output = log.read_text(encoding="utf-8", errors="replace")
    assert statuses.pop("__plugins__") == ["directory", "events", "noticeboard", "skillswap"]
    assert not statuses.pop("__off__"), "a worker reported a plugin switched off"
    for path, codes in statuses.items():
        assert codes == [200] * ROUNDS, f"{path}: {sorted(set(codes))} ({codes.count(404)} × 404)"
    assert "failed at" not in output, output
    assert output.count("Application startup complete") == WORKERS


def test_hub_migrate_seeds_the_defaults_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Seeding is `hub migrate`'s job (and so done before `hub serve` forks), not each worker's."""
    from click.testing import CliRunner

    from hub.core.cli import main

    monkeypatch.setenv("HUB_DIR", str(tmp_path))
    monkeypatch.setenv("HUB_PLUGINS", "noticeboard,skillswap")
    first = CliRunner().invoke(main, ["migrate"])
    assert first.exit_code == 0, first.output
    database = tmp_path / "data" / "hub.sqlite3"

    def categories() -> dict[str, list[str]]:
        with contextlib.closing(sqlite3.connect(database)) as connection:
            return {
                table: [row[0] for row in connection.execute(f"SELECT slug FROM {table}_category ORDER BY slug")]
                for table in ("noticeboard", "skillswap")
            }

    seeded = categories()
    assert "lost-found" in seeded["noticeboard"] and "garden" in seeded["skillswap"]
    again = CliRunner().invoke(main, ["migrate"])
    assert again.exit_code == 0 and "up to date" in again.output
    assert categories() == seeded


@pytest.mark.all_databases
async def test_seeding_from_several_processes_at_once_adds_each_default_once(app, client, hub, database_url) -> None:
    """Two machines starting together both run `hub migrate`: the database settles every clash."""
    from hub.core.upgrade import seed_defaults
    from hub.plugins.noticeboard.tables import Category as BoardCategory
    from hub.plugins.skillswap.tables import Category as SwapCategory

    await BoardCategory.delete(force=True).run()
    await SwapCategory.delete(force=True).run()
    # Open the pool's connections first (PostgreSQL), so the four runs really overlap.
    await asyncio.gather(*(BoardCategory.count().run() for _ in range(8)))
    outcomes = await asyncio.gather(*(seed_defaults(hub) for _ in range(4)))
    assert outcomes == [[], [], [], []]
    assert await BoardCategory.count().run() == 6
    assert await SwapCategory.count().run() == 10
    assert not [f for f in hub.registry.failures if f.stage == "hook:seed_defaults"]
