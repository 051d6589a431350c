"""The ``hub`` command, run as organisers run it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from hub.core.cli import main

PLUGINLESS = {"HUB_PLUGINS": ""}


@pytest.fixture
def hub_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "elm-street"
    result = CliRunner().invoke(main, ["init", str(folder), "--name", "Elm Street Tenants"])
    assert result.exit_code == 0, result.output
    monkeypatch.setenv("HUB_DIR", str(folder))
    monkeypatch.setenv("HUB_PLUGINS", "")
    return folder


def test_init_creates_a_hub_folder(hub_dir: Path) -> None:
    config = (hub_dir / "hub.toml").read_text(encoding="utf-8")
    assert 'hub_name = "Elm Street Tenants"' in config
    assert "insecure-development-secret" not in config
    assert (hub_dir / "templates").is_dir() and (hub_dir / "data").is_dir()
    again = CliRunner().invoke(main, ["init", str(hub_dir)])
    assert again.exit_code != 0 and "already exists" in again.output


def test_migrate_then_up_to_date(hub_dir: Path) -> None:
    first = CliRunner().invoke(main, ["migrate"])
    assert first.exit_code == 0, first.output
    assert "applied core:" in first.output
    second = CliRunner().invoke(main, ["migrate"])
    assert "up to date" in second.output
    assert (hub_dir / "data" / "hub.sqlite3").exists()


def test_createadmin_from_stdin(hub_dir: Path) -> None:
    result = CliRunner().invoke(
        main, ["createadmin", "--email", "Chair@Example.org", "--password-stdin"], input="a long passphrase\n"
    )
    assert result.exit_code == 0, result.output
    assert "chair@example.org" in result.output
    weak = CliRunner().invoke(main, ["createadmin", "--email", "b@example.org", "--password-stdin"], input="password\n")
    assert weak.exit_code != 0 and "password" in weak.output
    twice = CliRunner().invoke(
        main, ["createadmin", "--email", "chair@example.org", "--password-stdin"], input="another long one\n"
    )
    assert twice.exit_code != 0 and "already exists" in twice.output


def test_check_reports_problems_with_fixes(hub_dir: Path) -> None:
    pending = CliRunner().invoke(main, ["check"])
    assert pending.exit_code == 1 and "pending: run `hub migrate`" in pending.output
    CliRunner().invoke(main, ["migrate"])
    ok = CliRunner().invoke(main, ["check"])
    assert ok.exit_code == 0, ok.output
    deploy = CliRunner().invoke(main, ["check", "--deploy"])
    assert deploy.exit_code == 1
    assert "secure_cookies" in deploy.output and "allowed_hosts" in deploy.output


def test_check_refuses_the_default_secret(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUB_DIR", str(tmp_path))
    monkeypatch.setenv("HUB_PLUGINS", "")
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 1 and "secret_key" in result.output


def test_bad_setting_is_one_clear_sentence(hub_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUB_REGISTRATION", "everyone")
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code != 0
    assert "registration" in result.output and "Traceback" not in result.output


def test_demo_data_small(hub_dir: Path) -> None:
    result = CliRunner().invoke(main, ["demo-data", "--scale", "small"])
    assert result.exit_code == 0, result.output
    import asyncio

    from hub.core.cli import open_hub
    from hub.core.members.tables import Member

    async def count() -> tuple[int, int]:
        async with open_hub():
            total = await Member.count().run()
            languages = await Member.select(Member.language).distinct().run()
            return total, len(languages)

    total, languages = asyncio.run(count())
    assert total == 200 and languages >= 3


def test_plugins_list_enable_disable(hub_dir: Path, testplugin: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUB_PLUGINS", "testplugin")
    listing = CliRunner().invoke(main, ["plugins"])
    assert listing.exit_code == 0, listing.output
    assert "testplugin" in listing.output and "enabled" in listing.output
    off = CliRunner().invoke(main, ["plugins", "disable", "testplugin"])
    assert off.exit_code == 0 and "disabled" in off.output
    assert "disabled" in CliRunner().invoke(main, ["plugins"]).output
    on = CliRunner().invoke(main, ["plugins", "enable", "testplugin"])
    assert on.exit_code == 0
    unknown = CliRunner().invoke(main, ["plugins", "enable", "nosuch"])
    assert unknown.exit_code != 0 and "No loaded plugin" in unknown.output


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_with_no_configuration_answers(tmp_path: Path) -> None:
    """`hub serve` in an empty folder: SQLite created, migrations applied, pages answer."""
    port = _free_port()
    env = {**os.environ, "HUB_DIR": str(tmp_path), **PLUGINLESS}
    process = subprocess.Popen(
        [sys.executable, "-m", "hub", "serve", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        health = None
        while time.monotonic() < deadline:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/-/health", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert health is not None and health.status_code == 200, "hub serve did not answer"
        assert health.json()["database"] == "ok"
        home = httpx.get(f"http://127.0.0.1:{port}/", follow_redirects=True, timeout=5)
        assert home.status_code == 200 and "Set up your hub" in home.text
        assert (tmp_path / "data" / "hub.sqlite3").exists()
    finally:
        process.terminate()
        output = process.communicate(timeout=15)[0]
    assert "/setup/?token=" in output
