"""Consistent backups of a running hub, and restoring them.

SQLite: the online backup API copies the database page by page while the hub keeps serving
(readers and writers carry on; the copy is a consistent snapshot). PostgreSQL: ``pg_dump`` in its
custom format. Uploads in the data folder are archived alongside. A restore refuses to overwrite
an existing database unless forced, and verifies the result (``PRAGMA integrity_check`` /
a query of the migrations table).
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import subprocess
import tarfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from hub.core.settings import Settings

__all__ = ["BackupError", "backup", "restore", "verify_sqlite"]

Progress = Callable[[int, int], None]


class BackupError(RuntimeError):
    """A backup or restore could not be done; the message says why and what to do."""


def _sqlite_path(settings: Settings) -> Path:
    url = settings.database_url
    return Path(url.removeprefix("sqlite:///")) if url and not settings.is_postgres else settings.sqlite_path


def verify_sqlite(path: Path) -> None:
    with contextlib.closing(sqlite3.connect(path)) as connection:
        result = connection.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise BackupError(f"{path} failed the integrity check: {result}")
        connection.execute("SELECT COUNT(*) FROM migration").fetchone()


def backup(settings: Settings, destination: Path | None = None, progress: Progress | None = None) -> Path:
    """Write ``hub-backup-<time>.tar.gz`` (database + uploads) and return its path."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    folder = destination or settings.resolved_data_dir / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    work = folder / f".hub-backup-{stamp}"
    work.mkdir()
    try:
        if settings.is_postgres:
            dump = work / "database.pgdump"
            _pg_dump(settings.database_url or "", dump)
            if progress:
                progress(1, 1)
        else:
            source = _sqlite_path(settings)
            if not source.exists():
                raise BackupError(f"No database at {source}: nothing to back up.")
            copy = work / "hub.sqlite3"
            with (
                contextlib.closing(sqlite3.connect(source, timeout=30)) as live,
                contextlib.closing(sqlite3.connect(copy)) as target,
            ):
                live.backup(
                    target,
                    pages=256,
                    progress=lambda _s, remaining, total: progress(total - remaining, total) if progress else None,
                )
            verify_sqlite(copy)
        uploads = settings.resolved_data_dir / "uploads"
        archive = folder / f"hub-backup-{stamp}.tar.gz"
        with tarfile.open(archive, "w:gz") as tar:
            for item in sorted(work.iterdir()):
                tar.add(item, arcname=item.name)
            if uploads.is_dir():
                tar.add(uploads, arcname="uploads")
        return archive
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _pg_dump(url: str, target: Path) -> None:
    if shutil.which("pg_dump") is None:
        raise BackupError(
            "pg_dump is not installed: install the PostgreSQL client tools (apt-get install postgresql-client)."
        )
    result = subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", f"--file={target}", url],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")


def restore(settings: Settings, archive: Path, force: bool = False) -> None:
    """Restore an archive made by :func:`backup` into this hub's database and data folder."""
    if not archive.is_file():
        raise BackupError(f"{archive} is not a file.")
    with tarfile.open(archive, "r:gz") as tar:
        names = tar.getnames()
        staging = settings.resolved_data_dir / f".restore-{datetime.now(UTC):%Y%m%dT%H%M%S%f}"
        staging.mkdir(parents=True)
        try:
            tar.extractall(staging, filter="data")
            if settings.is_postgres:
                if "database.pgdump" not in names:
                    raise BackupError("This archive holds a SQLite backup; the hub is configured for PostgreSQL.")
                _pg_restore(settings.database_url or "", staging / "database.pgdump", force)
            else:
                if "hub.sqlite3" not in names:
                    raise BackupError("This archive holds a PostgreSQL backup; the hub is configured for SQLite.")
                target = _sqlite_path(settings)
                if target.exists() and not force:
                    raise BackupError(f"{target} already exists. Stop the hub and add --force to replace it.")
                verify_sqlite(staging / "hub.sqlite3")
                target.parent.mkdir(parents=True, exist_ok=True)
                for suffix in ("-wal", "-shm"):
                    Path(f"{target}{suffix}").unlink(missing_ok=True)
                shutil.copyfile(staging / "hub.sqlite3", target)
                verify_sqlite(target)
            if (staging / "uploads").is_dir():
                uploads = settings.resolved_data_dir / "uploads"
                if uploads.exists():
                    shutil.rmtree(uploads)
                shutil.copytree(staging / "uploads", uploads)
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def _pg_restore(url: str, dump: Path, force: bool) -> None:
    if shutil.which("pg_restore") is None:
        raise BackupError("pg_restore is not installed: install the PostgreSQL client tools.")
    check = subprocess.run(
        ["psql", url, "-tAc", "SELECT to_regclass('public.migration') IS NOT NULL"],
        capture_output=True,
        text=True,
        check=False,
    )
    if check.stdout.strip() == "t" and not force:
        raise BackupError("The PostgreSQL database already holds a hub. Stop the hub and add --force to replace it.")
    command = ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={url}"]
    if force:
        command += ["--clean", "--if-exists"]
    result = subprocess.run([*command, str(dump)], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
    verify = subprocess.run(
        ["psql", url, "-tAc", "SELECT COUNT(*) FROM migration"], capture_output=True, text=True, check=False
    )
    if verify.returncode != 0:
        raise BackupError(f"The restored database does not answer: {verify.stderr.strip()}")
