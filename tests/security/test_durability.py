"""kill -9 during a burst of writes: after restart the database is intact and holds every write
the server acknowledged. Runs a real `hub serve` on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import FIXTURES, write_distribution


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


def _environment(tmp_path: Path, database_url: str | None) -> dict[str, str]:
    site = tmp_path / "site"
    write_distribution(site, "hub-testplugin", "0.1.0", {"testplugin": "hub_testplugin.plugin"})
    hub_dir = tmp_path / "hub"
    hub_dir.mkdir()
    (hub_dir / "hub.toml").write_text(
        '[hub]\nsecret_key = "durability-test-secret-0123456789abcdef"\nrate_limit_per_minute = 1000000\n',
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "HUB_DIR": str(hub_dir),
        "HUB_PLUGINS": "testplugin",
        "PYTHONPATH": os.pathsep.join([str(site), str(FIXTURES / "hub_testplugin")]),
    }
    if database_url:
        env["HUB_DATABASE_URL"] = database_url
    return env


@contextlib.contextmanager
def _server(env: dict[str, str], port: int) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "hub", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"http://127.0.0.1:{port}/-/health", timeout=1).status_code == 200:
                    break
            time.sleep(0.1)
        else:
            raise AssertionError("hub serve did not start")
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


async def _burst(port: int, acknowledged: set[str], stop: asyncio.Event) -> None:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=5) as client:
        await client.get("/testplugin/")
        token = client.cookies.get("hub_csrf", "")

        async def writer(number: int) -> None:
            sequence = 0
            while not stop.is_set():
                sequence += 1
                text = f"w{number}-{sequence}"
                try:
                    response = await client.post("/testplugin/notes", data={"text": text, "_csrf_token": token})
                except httpx.TransportError:
                    return
                if response.status_code == 303:
                    acknowledged.add(text)

        await asyncio.gather(*(writer(n) for n in range(8)))


@pytest.mark.parametrize("database", ["sqlite", "postgres"], indirect=True)
def test_kill_minus_nine_loses_no_acknowledged_write(tmp_path: Path, database: str | None) -> None:
    env = _environment(tmp_path, database)
    port = _free_port()
    acknowledged: set[str] = set()
    with _server(env, port) as process:

        async def run() -> None:
            stop = asyncio.Event()
            burst = asyncio.create_task(_burst(port, acknowledged, stop))
            while len(acknowledged) < 150:
                await asyncio.sleep(0.02)
            os.kill(process.pid, signal.SIGKILL)
            stop.set()
            await burst

        asyncio.run(run())
    assert len(acknowledged) >= 150

    port = _free_port()
    with _server(env, port):
        if database is None:
            path = Path(env["HUB_DIR"]) / "data" / "hub.sqlite3"
            with contextlib.closing(sqlite3.connect(path)) as connection:
                assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
                stored = [row[0] for row in connection.execute("SELECT text FROM testplugin_note")]
        else:
            import asyncpg

            async def fetch() -> list[str]:
                connection = await asyncpg.connect(database)
                try:
                    return [row["text"] for row in await connection.fetch("SELECT text FROM testplugin_note")]
                finally:
                    await connection.close()

            stored = asyncio.run(fetch())
    prefixes = [text.rsplit(" #", 1)[0] for text in stored]
    missing = acknowledged - set(prefixes)
    assert not missing, f"{len(missing)} acknowledged writes lost, e.g. {sorted(missing)[:5]}"
    assert len(prefixes) == len(set(prefixes)), "a write was stored twice"
