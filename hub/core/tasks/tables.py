"""One-off background work: one row per task, claimed by any worker on any host."""

from __future__ import annotations

from piccolo.columns import Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

__all__ = ["TASK_STATUSES", "Task"]

TASK_STATUSES = ("queued", "running", "done", "failed")


class Task(Table, tablename="hub_task"):
    id = Serial(primary_key=True)
    kind = Varchar(length=100)
    """The declared :class:`hub.TaskType` name that runs it, e.g. ``core.password_reset``."""
    payload = Text(default="{}")
    """JSON arguments for the task's ``run``."""
    key = Varchar(length=200, null=True, default=None, unique=True)
    """Set to enqueue something at most once (a second enqueue with the same key does nothing)."""
    status = Varchar(length=10, default="queued")
    attempts = Integer(default=0)
    run_at = Timestamptz(default=TimestamptzNow())
    lease_until = Timestamptz(null=True, default=None)
    locked_by = Varchar(length=64, default="")
    last_error = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    finished_at = Timestamptz(null=True, default=None)
