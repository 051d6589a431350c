"""Running workers: `hub serve --no-worker`, the settings (and the old `jobs_in_process` name), `hub check`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from hub.core.settings import SettingsError, load_settings


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {"HUB_DIR": str(tmp_path), **extra}


def test_worker_settings_read_numbers_and_the_old_name(tmp_path: Path) -> None:
    settings = load_settings(env=_env(tmp_path, HUB_WORKER_POLL_SECONDS="0.25", HUB_MAIL_PER_MINUTE="120"))
    assert settings.worker_poll_seconds == 0.25 and settings.mail_per_minute == 120
    assert settings.worker_in_process is True
    assert load_settings(env=_env(tmp_path, HUB_JOBS_IN_PROCESS="false")).worker_in_process is False
    (tmp_path / "hub.toml").write_text("[hub]\njobs_in_process = false\n", encoding="utf-8")
    assert load_settings(env=_env(tmp_path)).worker_in_process is False
    assert load_settings(env=_env(tmp_path, HUB_WORKER_IN_PROCESS="true")).worker_in_process is True
    for key, value, message in (
        ("HUB_WORKER_LEASE_SECONDS", "soon", "expected a number"),
        ("HUB_WORKER_POLL_SECONDS", "0", "more than 0"),
        ("HUB_MAIL_RETRY_MAX_SECONDS", "5", "at least mail_retry_seconds"),
    ):
        with pytest.raises(SettingsError, match=message):
            load_settings(env=_env(tmp_path, **{key: value}))


def test_serve_no_worker_turns_the_in_process_worker_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    from hub.core.cli import main

    seen: list[Any] = []
    monkeypatch.setenv("HUB_DIR", str(tmp_path))
    monkeypatch.setenv("HUB_PLUGINS", "")
    monkeypatch.setenv("HUB_SECRET_KEY", "cli-secret-" + "n" * 40)
    monkeypatch.setenv("HUB_WORKER_IN_PROCESS", "true")  # restored after the test
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: seen.append(load_settings().worker_in_process))
    outcome = CliRunner().invoke(main, ["serve", "--no-migrate", "--no-worker"])
    assert outcome.exit_code == 0, outcome.output
    assert seen == [False]  # what every server process's settings will say


async def test_check_reports_mail_that_no_worker_has_picked_up(tmp_path: Path, monkeypatch) -> None:
    from hub.core.cli import _queue_problems, open_hub
    from hub.core.mail.tables import OutboxMail

    monkeypatch.setenv("HUB_DIR", str(tmp_path))
    monkeypatch.setenv("HUB_PLUGINS", "")
    settings = load_settings()
    async with open_hub(settings) as hub:
        assert await _queue_problems() == []
        await hub.send_mail("waiting@example.org", "Hello", "Body")
        assert await _queue_problems() == []  # just queued: a worker has 15 minutes
        async with hub.write():
            await (
                OutboxMail.update({OutboxMail.run_at: datetime.now(UTC) - timedelta(minutes=20)})
                .where(OutboxMail.id > 0)
                .run()
            )
        (problem,) = await _queue_problems()
        assert "1 message(s)" in problem and "hub worker" in problem
