"""Composite indexes Piccolo cannot declare on columns: unique preference per member and type,
the bell's unread count, and the digest queue. Written by hand (raw SQL runs before table
creation inside one migration, so these live in their own)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-26T11:35:13:000000"
VERSION = "1.38.0"
DESCRIPTION = "notification indexes"

STATEMENTS = (
    "CREATE UNIQUE INDEX IF NOT EXISTS hub_notification_preference_member_type "
    "ON hub_notification_preference (member, type)",
    "CREATE INDEX IF NOT EXISTS hub_notification_unread ON hub_notification (member, read_at)",
    "CREATE INDEX IF NOT EXISTS hub_notification_digest_queue ON hub_notification (delivery, emailed_at)",
)
DROPS = (
    "DROP INDEX IF EXISTS hub_notification_preference_member_type",
    "DROP INDEX IF EXISTS hub_notification_unread",
    "DROP INDEX IF EXISTS hub_notification_digest_queue",
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="core", description=DESCRIPTION)

    async def create_indexes() -> None:
        engine = engine_finder()
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    async def drop_indexes() -> None:
        engine = engine_finder()
        for statement in DROPS:
            await engine.run_ddl(statement)

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
