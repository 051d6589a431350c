"""Composite indexes for the mail outbox and the task queue: a worker's claim finds due rows by
(status, run_at) without scanning sent mail or finished tasks. Written by hand, like the
notification indexes."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-04T16:45:15:000000"
VERSION = "1.38.0"
DESCRIPTION = "outbox and task queue indexes"

STATEMENTS = (
    "CREATE INDEX IF NOT EXISTS hub_mail_due ON hub_mail (status, run_at)",
    "CREATE INDEX IF NOT EXISTS hub_task_due ON hub_task (status, run_at)",
)
DROPS = (
    "DROP INDEX IF EXISTS hub_mail_due",
    "DROP INDEX IF EXISTS hub_task_due",
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
