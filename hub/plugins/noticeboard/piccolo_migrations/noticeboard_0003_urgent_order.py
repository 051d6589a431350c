"""An index for the urgent-notice banner: (urgent, created_at).

Without it, finding "the newest urgent notices" walked the whole board in date order when there
were none (1.7 s at a million notices, on every page); with it, a handful of index entries.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-26T16:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "urgent banner index"

FORWARDS = ["CREATE INDEX IF NOT EXISTS noticeboard_post_urgent_order ON noticeboard_post (urgent, created_at)"]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="noticeboard", description=DESCRIPTION)

    async def run() -> None:
        engine = engine_finder()
        assert engine is not None
        for statement in FORWARDS:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager
