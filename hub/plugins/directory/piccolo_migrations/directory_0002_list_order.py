"""An index in the directory's list order: (listed, sort_name, id).

The list and its search walk this index in name order and stop at the page's end; before, SQLite
took every listed profile from the ``listed`` index and sorted them (35 ms at 40,000 profiles).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-26T16:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "directory list order index"

FORWARDS = ["CREATE INDEX IF NOT EXISTS directory_profile_list_order ON directory_profile (listed, sort_name, id)"]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="directory", description=DESCRIPTION)

    async def run() -> None:
        engine = engine_finder()
        assert engine is not None
        for statement in FORWARDS:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager
