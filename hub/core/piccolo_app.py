"""The core's Piccolo app: members, sessions, tokens, settings. Its migrations run first."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from hub.core.admin.tables import AuditEvent, SiteFile
from hub.core.auth.tables import AuthToken, RateCounter, Session, SiteSetting
from hub.core.jobs.tables import JobRun
from hub.core.mail.tables import OutboxMail
from hub.core.members.tables import Member
from hub.core.moderation.tables import ModerationAction, Report
from hub.core.notifications.tables import Notification, NotificationPreference, NotificationSettings
from hub.core.relay.tables import RelayMessage
from hub.core.tasks.tables import Task

CORE_TABLES = [
    Member,
    Session,
    AuthToken,
    RateCounter,
    SiteSetting,
    Notification,
    Report,
    ModerationAction,
    RelayMessage,
    AuditEvent,
    SiteFile,
    NotificationPreference,
    NotificationSettings,
    JobRun,
    OutboxMail,
    Task,
]

APP_CONFIG = AppConfig(
    app_name="core",
    migrations_folder_path=Path(__file__).parent / "piccolo_migrations",
    table_classes=CORE_TABLES,
)
