"""Typed hub settings: ``hub.toml`` in the hub's folder, then ``HUB_*`` environment overrides.

Every problem is reported as a :class:`SettingsError` whose message names the offending key and
says how to fix it, because the people reading it are organisers, not Python developers.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

__all__ = ["REGISTRATION_MODES", "Settings", "SettingsError", "load_settings"]

REGISTRATION_MODES = ("open", "approval", "invite")
CONFIG_FILE = "hub.toml"
DEV_SECRET = "insecure-development-secret-change-me"  # noqa: S105 - refused by `hub check`


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the key and the fix."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything a hub needs to start. Values organisers change at run time live in the database."""

    hub_dir: Path = field(default_factory=Path.cwd)
    """The hub's folder: ``hub.toml``, ``templates/`` overrides and (by default) ``data/``."""
    data_dir: Path | None = None
    """Where the SQLite file, uploads, the mail outbox and backups live (default ``hub_dir/data``)."""
    database_url: str | None = None
    """``postgresql://…`` for PostgreSQL; unset means a SQLite file in the data folder."""
    secret_key: str = DEV_SECRET
    """Signs CSRF tokens and unsubscribe links. Must be long and random in production."""
    redis_url: str | None = None
    """When set, sessions, rate limits and live updates go through Redis."""
    redis_namespace: str = "hub"
    """Prefix of every Redis key, so several hubs (or test runs) can share one Redis server."""
    plugins: tuple[str, ...] | None = None
    """Slugs of enabled plugins; ``None`` enables every installed plugin."""
    strict_plugins: bool = False
    """Make a plugin that fails to load or start a fatal error (tests and CI)."""
    debug: bool = False
    hub_name: str = "Community Hub"
    default_language: str = "en"
    languages: tuple[str, ...] = ("en",)
    registration: str = "approval"
    allowed_hosts: tuple[str, ...] = ("127.0.0.1", "localhost")
    secure_cookies: bool = False
    """Mark cookies Secure (set this when the hub is served over HTTPS)."""
    max_upload_bytes: int = 5 * 1024 * 1024
    base_url: str = "http://127.0.0.1:8000"
    """The address members use to reach the hub, for links in emails (e.g. https://hub.example.org)."""
    mail_from: str = "hub@localhost"
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = True
    smtp_timeout_seconds: float = 30.0
    """How long the worker waits for the mail server at each step before trying again later."""
    mail_max_attempts: int = 12
    """Delivery attempts before a message is given up as failed (a 5xx answer fails it at once)."""
    mail_retry_seconds: float = 60.0
    """The wait before the first retry; each further retry waits twice as long (up to the maximum)."""
    mail_retry_max_seconds: float = 6 * 3600.0
    mail_per_minute: int = 0
    """The most messages all workers together hand to the mail server per minute (0: no limit)."""
    mail_keep_days: int = 30
    """Sent messages are deleted this many days after sending (failed ones are kept three times as long)."""
    rate_limit_per_minute: int = 600
    """Requests a single address may make per minute (static files and health are exempt)."""
    worker_in_process: bool = True
    """Run a background worker (mail, tasks, periodic jobs) inside each ``hub serve`` process.

    Set false when separate ``hub worker`` processes (or cron with ``hub worker --burst``) do the work.
    """
    worker_poll_seconds: float = 1.0
    """How often an idle worker looks for new work in the database."""
    worker_lease_seconds: float = 60.0
    """How long a worker's claim on a message or task lasts without a heartbeat; a worker killed
    mid-task blocks the work at most this long before another worker takes it over."""
    plugin_config: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """``[plugins.<slug>]`` tables from ``hub.toml``, handed to each plugin."""

    @property
    def resolved_data_dir(self) -> Path:
        return self.data_dir if self.data_dir is not None else self.hub_dir / "data"

    @property
    def sqlite_path(self) -> Path:
        return self.resolved_data_dir / "hub.sqlite3"

    @property
    def is_postgres(self) -> bool:
        return bool(self.database_url) and self.database_url.startswith(("postgres://", "postgresql://"))  # type: ignore[union-attr]

    def with_overrides(self, **changes: Any) -> Settings:
        return replace(self, **changes)


_ENV_KEYS: dict[str, str] = {
    "HUB_DATA_DIR": "data_dir",
    "HUB_DATABASE_URL": "database_url",
    "HUB_SECRET_KEY": "secret_key",
    "HUB_REDIS_URL": "redis_url",
    "HUB_REDIS_NAMESPACE": "redis_namespace",
    "HUB_PLUGINS": "plugins",
    "HUB_STRICT_PLUGINS": "strict_plugins",
    "HUB_DEBUG": "debug",
    "HUB_NAME": "hub_name",
    "HUB_DEFAULT_LANGUAGE": "default_language",
    "HUB_LANGUAGES": "languages",
    "HUB_REGISTRATION": "registration",
    "HUB_ALLOWED_HOSTS": "allowed_hosts",
    "HUB_SECURE_COOKIES": "secure_cookies",
    "HUB_MAIL_FROM": "mail_from",
    "HUB_BASE_URL": "base_url",
    "HUB_SMTP_HOST": "smtp_host",
    "HUB_SMTP_PORT": "smtp_port",
    "HUB_SMTP_USERNAME": "smtp_username",
    "HUB_SMTP_PASSWORD": "smtp_password",
    "HUB_RATE_LIMIT_PER_MINUTE": "rate_limit_per_minute",
    "HUB_SMTP_TIMEOUT_SECONDS": "smtp_timeout_seconds",
    "HUB_MAIL_MAX_ATTEMPTS": "mail_max_attempts",
    "HUB_MAIL_RETRY_SECONDS": "mail_retry_seconds",
    "HUB_MAIL_RETRY_MAX_SECONDS": "mail_retry_max_seconds",
    "HUB_MAIL_PER_MINUTE": "mail_per_minute",
    "HUB_MAIL_KEEP_DAYS": "mail_keep_days",
    "HUB_WORKER_IN_PROCESS": "worker_in_process",
    "HUB_WORKER_POLL_SECONDS": "worker_poll_seconds",
    "HUB_WORKER_LEASE_SECONDS": "worker_lease_seconds",
}

_TOML_KEYS = {f.name for f in fields(Settings)} - {"hub_dir", "plugin_config"}
_RENAMED = {"jobs_in_process": "worker_in_process", "HUB_JOBS_IN_PROCESS": "worker_in_process"}
"""Old names still read (hub.toml and environment), so an upgrade never stops a running hub."""


def _coerce(key: str, name: str, value: Any) -> Any:
    """Turn a TOML or environment value into the field's type, or explain what was wrong."""
    kind = {f.name: str(f.type) for f in fields(Settings)}[name]
    if kind.startswith("bool"):
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in {"1", "true", "yes", "on"}:
            return True
        if text in {"0", "false", "no", "off", ""}:
            return False
        raise SettingsError(f"{key}: expected true or false, got {value!r}.")
    if kind.startswith("float"):
        try:
            real = float(value)
        except (TypeError, ValueError):
            raise SettingsError(f"{key}: expected a number, got {value!r}.") from None
        if not real >= 0 or real == float("inf"):
            raise SettingsError(f"{key}: must be a finite number, not negative, got {value!r}.")
        return real
    if kind.startswith("int"):
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise SettingsError(f"{key}: expected a whole number, got {value!r}.") from None
        if number < 0:
            raise SettingsError(f"{key}: must not be negative, got {number}.")
        return number
    if kind.startswith("tuple"):
        items = value if isinstance(value, list | tuple) else str(value).split(",")
        if not all(isinstance(item, str) for item in items):
            raise SettingsError(f"{key}: expected a list of names, got {value!r}.")
        return tuple(item.strip() for item in items if item.strip())
    if kind.startswith("Path"):
        if not isinstance(value, str | os.PathLike) or not str(value):
            raise SettingsError(f"{key}: expected a folder path, got {value!r}.")
        return Path(value).expanduser()
    if value is not None and not isinstance(value, str):
        raise SettingsError(f"{key}: expected text, got {value!r}.")
    return value


def _validate(settings: Settings) -> Settings:
    if settings.registration not in REGISTRATION_MODES:
        raise SettingsError(
            f"registration: must be one of {', '.join(REGISTRATION_MODES)}, got {settings.registration!r}."
        )
    if settings.database_url and not (settings.is_postgres or settings.database_url.startswith("sqlite:///")):
        raise SettingsError(
            "database_url (HUB_DATABASE_URL): use postgresql://user@host:port/name or "
            f"sqlite:///path/to/file.sqlite3, got {settings.database_url!r}."
        )
    if settings.redis_url and not settings.redis_url.startswith(("redis://", "rediss://", "unix://")):
        raise SettingsError(f"redis_url (HUB_REDIS_URL): expected redis://host:port/db, got {settings.redis_url!r}.")
    if settings.default_language not in settings.languages:
        settings = replace(settings, languages=(settings.default_language, *settings.languages))
    if not settings.base_url.startswith(("http://", "https://")):
        raise SettingsError(f"base_url (HUB_BASE_URL): expected https://your.hub.address, got {settings.base_url!r}.")
    for name in ("worker_poll_seconds", "worker_lease_seconds", "smtp_timeout_seconds", "mail_max_attempts"):
        if not getattr(settings, name) > 0:
            raise SettingsError(f"{name}: must be more than 0, got {getattr(settings, name)!r}.")
    if settings.mail_retry_max_seconds < settings.mail_retry_seconds:
        raise SettingsError(
            "mail_retry_max_seconds: must be at least mail_retry_seconds "
            f"({settings.mail_retry_seconds:g}), got {settings.mail_retry_max_seconds:g}."
        )
    if not settings.hub_name.strip():
        raise SettingsError("hub_name: the hub needs a name.")
    return settings


def load_settings(hub_dir: Path | str | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Read ``hub.toml`` from ``hub_dir`` (default: ``HUB_DIR`` or the current folder), then env overrides."""
    env = os.environ if env is None else env
    root = Path(hub_dir or env.get("HUB_DIR") or Path.cwd()).expanduser().resolve()
    values: dict[str, Any] = {"hub_dir": root}
    config_path = root / CONFIG_FILE
    if config_path.exists():
        try:
            document = tomllib.loads(config_path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as error:
            raise SettingsError(f"{config_path}: not valid TOML ({error}).") from None
        hub_table = document.get("hub", {})
        if not isinstance(hub_table, dict):
            raise SettingsError(f"{config_path}: [hub] must be a table.")
        for key, value in hub_table.items():
            if key in _RENAMED and _RENAMED[key] not in hub_table:
                values[_RENAMED[key]] = _coerce(f"hub.{key}", _RENAMED[key], value)
                continue
            if key not in _TOML_KEYS:
                raise SettingsError(
                    f"hub.{key}: unknown setting in {config_path}; known: {', '.join(sorted(_TOML_KEYS))}."
                )
            values[key] = _coerce(f"hub.{key}", key, value)
        plugin_tables = document.get("plugins", {})
        if not isinstance(plugin_tables, dict) or not all(isinstance(v, dict) for v in plugin_tables.values()):
            raise SettingsError(f"{config_path}: each [plugins.<slug>] must be a table.")
        values["plugin_config"] = plugin_tables
        if isinstance(values.get("data_dir"), Path) and not values["data_dir"].is_absolute():
            values["data_dir"] = root / values["data_dir"]
    for env_key, name in [*_ENV_KEYS.items(), ("HUB_JOBS_IN_PROCESS", _RENAMED["HUB_JOBS_IN_PROCESS"])]:
        if env_key in env and not (env_key == "HUB_JOBS_IN_PROCESS" and "HUB_WORKER_IN_PROCESS" in env):
            values[name] = _coerce(env_key, name, env[env_key])
    if values.get("plugins") is not None and "*" in values["plugins"]:
        values["plugins"] = None
    return _validate(Settings(**values))
