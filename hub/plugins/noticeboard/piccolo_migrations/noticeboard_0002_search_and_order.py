"""Full-text search and the board's keyset-ordering indexes.

SQLite: an external-content FTS5 table kept in sync by triggers. PostgreSQL: a GIN index on the
same ``to_tsvector('simple', …)`` expression the search query uses. Both: indexes in the order the
board pages through, (pinned, created_at, id), alone and after the category and area filters.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-26T11:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "search index and board order index"

SQLITE_FORWARDS = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS noticeboard_post_fts USING fts5("
    "title, body, area, content='noticeboard_post', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS noticeboard_post_fts_ai AFTER INSERT ON noticeboard_post BEGIN "
    "INSERT INTO noticeboard_post_fts(rowid, title, body, area) VALUES (new.id, new.title, new.body, new.area); END",
    "CREATE TRIGGER IF NOT EXISTS noticeboard_post_fts_ad AFTER DELETE ON noticeboard_post BEGIN "
    "INSERT INTO noticeboard_post_fts(noticeboard_post_fts, rowid, title, body, area) "
    "VALUES ('delete', old.id, old.title, old.body, old.area); END",
    "CREATE TRIGGER IF NOT EXISTS noticeboard_post_fts_au AFTER UPDATE OF title, body, area ON noticeboard_post BEGIN "
    "INSERT INTO noticeboard_post_fts(noticeboard_post_fts, rowid, title, body, area) "
    "VALUES ('delete', old.id, old.title, old.body, old.area); "
    "INSERT INTO noticeboard_post_fts(rowid, title, body, area) VALUES (new.id, new.title, new.body, new.area); END",
    "INSERT INTO noticeboard_post_fts(noticeboard_post_fts) VALUES ('rebuild')",
]
POSTGRES_FORWARDS = [
    "CREATE INDEX IF NOT EXISTS noticeboard_post_search ON noticeboard_post USING GIN ("
    "to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(body, '') || ' ' || coalesce(area, '')))",
]
COMMON_FORWARDS = [
    "CREATE INDEX IF NOT EXISTS noticeboard_post_board_order ON noticeboard_post (pinned, created_at, id)",
    "CREATE INDEX IF NOT EXISTS noticeboard_post_category_order ON noticeboard_post (category, pinned, created_at, id)",
    "CREATE INDEX IF NOT EXISTS noticeboard_post_area_order ON noticeboard_post (area_key, pinned, created_at, id)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="noticeboard", description=DESCRIPTION)

    async def run() -> None:
        engine = engine_finder()
        assert engine is not None
        statements = SQLITE_FORWARDS if engine.engine_type == "sqlite" else POSTGRES_FORWARDS
        for statement in [*statements, *COMMON_FORWARDS]:
            await engine.run_ddl(statement)

    manager.add_raw(run)
    return manager
