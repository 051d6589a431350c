"""`hub backup` while the hub serves, and `hub restore` that refuses to overwrite and verifies."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from hub.core.backup import BackupError, backup, restore
from hub.core.cli import main
from hub.core.settings import Settings
from hub.testing import HubClient


@pytest.fixture
def enabled_plugins() -> tuple[str, ...] | None:
    return ("testplugin",)


async def test_backup_while_serving_then_restore(testplugin: str, client: HubClient, hub, tmp_path: Path) -> None:
    from hub_testplugin.tables import Note

    await Note.insert(*[Note(text=f"note {i}") for i in range(300)]).run()
    uploads = hub.settings.resolved_data_dir / "uploads" / "noticeboard"
    uploads.mkdir(parents=True)
    (uploads / "photo.jpg").write_bytes(b"not really a photo")
    # Writes carry on while the backup runs.
    archive = backup(hub.settings, tmp_path / "backups")
    await Note.insert(Note(text="after the backup")).run()
    assert archive.exists() and archive.name.startswith("hub-backup-")

    fresh = Settings(hub_dir=tmp_path / "restored", plugins=("testplugin",))
    restore(fresh, archive)
    with sqlite3.connect(fresh.sqlite_path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert connection.execute("SELECT COUNT(*) FROM testplugin_note").fetchone()[0] == 300
    assert (fresh.resolved_data_dir / "uploads" / "noticeboard" / "photo.jpg").read_bytes() == b"not really a photo"

    with pytest.raises(BackupError, match="--force"):
        restore(fresh, archive)
    restore(fresh, archive, force=True)


def test_cli_backup_and_restore(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUB_DIR", str(tmp_path / "hub"))
    monkeypatch.setenv("HUB_PLUGINS", "")
    runner = CliRunner()
    assert runner.invoke(main, ["migrate"]).exit_code == 0
    made = runner.invoke(main, ["backup", "--to", str(tmp_path / "out")])
    assert made.exit_code == 0, made.output
    archive = next((tmp_path / "out").glob("hub-backup-*.tar.gz"))
    refused = runner.invoke(main, ["restore", str(archive)])
    assert refused.exit_code != 0 and "--force" in refused.output
    forced = runner.invoke(main, ["restore", str(archive), "--force"])
    assert forced.exit_code == 0 and "verified" in forced.output


def test_restore_refuses_a_corrupt_archive(tmp_path: Path) -> None:
    import tarfile

    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)
    archive = tmp_path / "hub-backup-bad.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(bad, arcname="hub.sqlite3")
    settings = Settings(hub_dir=tmp_path / "hub")
    with pytest.raises((BackupError, sqlite3.DatabaseError)):
        restore(settings, archive)
    assert not settings.sqlite_path.exists()


@pytest.mark.postgres
def test_postgres_backup_and_restore_round_trip(tmp_path: Path) -> None:
    import asyncio
    import shutil

    from hub.testing import postgres_database

    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump not installed")
    source = postgres_database()
    target = postgres_database()
    source_url, target_url = next(source), next(target)
    try:
        settings = Settings(hub_dir=tmp_path, database_url=source_url, plugins=())
        from hub.core.cli import open_hub
        from hub.core.members.tables import Member

        async def seed() -> None:
            async with open_hub(settings):
                await Member.insert(Member(email="kept@example.org", display_name="Kept")).run()

        asyncio.run(seed())
        archive = backup(settings, tmp_path / "out")
        restored = Settings(hub_dir=tmp_path, database_url=target_url, plugins=())
        restore(restored, archive)

        async def check() -> list[dict]:
            async with open_hub(restored, migrate=False):
                return await Member.select(Member.email).run()

        assert asyncio.run(check()) == [{"email": "kept@example.org"}]
        with pytest.raises(BackupError, match="--force"):
            restore(restored, archive)
    finally:
        for generator in (source, target):
            with __import__("contextlib").suppress(StopIteration):
                next(generator)
