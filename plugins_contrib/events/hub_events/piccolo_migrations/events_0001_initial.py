"""Events: the first tables (hand-written in Piccolo's MigrationManager format)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import Boolean, Date, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

ID = "2026-11-26T12:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "events, occurrence changes, RSVPs, feed tokens"


class Member(Table, tablename="hub_member"):
    id = Serial(primary_key=True)


class EventRow(Table, tablename="events_event"):
    id = Serial(primary_key=True)


def _fk(references, on_delete, **extra):
    return {"references": references, "on_delete": on_delete, "on_update": OnUpdate.cascade, **extra}


TABLES = {
    "EventRow": ("events_event", [
        ("id", Serial, {"primary_key": True}),
        ("title", Varchar, {"length": 200, "default": ""}),
        ("description", Text, {"default": ""}),
        ("starts_at", Timestamptz, {"index": True}),
        ("ends_at", Timestamptz, {}),
        ("timezone", Varchar, {"length": 64, "default": "UTC"}),
        ("place", Varchar, {"length": 300, "default": ""}),
        ("online_url", Varchar, {"length": 500, "default": ""}),
        ("capacity", Integer, {"null": True, "default": None}),
        ("audience", Varchar, {"length": 10, "default": "public", "index": True}),
        ("recurrence", Varchar, {"length": 10, "default": "none", "index": True}),
        ("repeat_until", Date, {"null": True, "default": None}),
        ("organiser", ForeignKey, _fk(Member, OnDelete.set_null, null=True, default=None, index=True)),
        ("hidden", Boolean, {"default": False}),
        ("created_at", Timestamptz, {"default": TimestamptzNow()}),
    ]),
    "Change": ("events_change", [
        ("id", Serial, {"primary_key": True}),
        ("event", ForeignKey, _fk(EventRow, OnDelete.cascade, index=True)),
        ("occurrence", Varchar, {"length": 32, "default": ""}),
        ("cancelled", Boolean, {"default": False}),
        ("new_start", Timestamptz, {"null": True, "default": None}),
        ("new_end", Timestamptz, {"null": True, "default": None}),
    ]),
    "Rsvp": ("events_rsvp", [
        ("id", Serial, {"primary_key": True}),
        ("event", ForeignKey, _fk(EventRow, OnDelete.cascade, index=True)),
        ("occurrence", Varchar, {"length": 32, "default": "", "index": True}),
        ("member", ForeignKey, _fk(Member, OnDelete.cascade, index=True)),
        ("status", Varchar, {"length": 12, "default": ""}),
        ("created_at", Timestamptz, {"default": TimestamptzNow()}),
    ]),
    "FeedToken": ("events_feed_token", [
        ("id", Serial, {"primary_key": True}),
        ("member", ForeignKey, _fk(Member, OnDelete.cascade, unique=True)),
        ("token", Varchar, {"length": 64, "default": "", "unique": True}),
        ("created_at", Timestamptz, {"default": TimestamptzNow()}),
    ]),
}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="events", description=DESCRIPTION)
    for class_name, (tablename, columns) in TABLES.items():
        manager.add_table(class_name=class_name, tablename=tablename)
        for name, column_class, params in columns:
            manager.add_column(
                table_class_name=class_name,
                tablename=tablename,
                column_name=name,
                db_column_name=name,
                column_class_name=column_class.__name__,
                column_class=column_class,
                params=params,
            )
    return manager
