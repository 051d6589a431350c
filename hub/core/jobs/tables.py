"""One row per job: when it last ran, who holds it now (a lease), and its last error."""

from __future__ import annotations

from piccolo.columns import Text, Timestamptz, Varchar
from piccolo.table import Table

__all__ = ["JobRun"]


class JobRun(Table, tablename="hub_job_run"):
    name = Varchar(length=100, primary_key=True)
    last_run_at = Timestamptz(null=True, default=None)
    """The time of the last successful run; the job is due again ``every`` after it."""
    running_until = Timestamptz(null=True, default=None)
    """A worker's lease while it runs the job; a crashed worker's lease simply expires."""
    last_error = Text(default="")
    last_failed_at = Timestamptz(null=True, default=None)
