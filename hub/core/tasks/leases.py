"""Claiming rows of a work queue so that exactly one worker holds each, on any number of hosts.

A queue is a table with ``id``, ``status``, ``run_at``, ``lease_until``, ``locked_by`` and
``attempts`` columns (the mail outbox and the task table). A worker *claims* due rows in one
write transaction: on PostgreSQL it selects them ``FOR UPDATE SKIP LOCKED`` (two workers never
wait for, or take, each other's rows); on SQLite the IMMEDIATE write transaction serialises
claims across processes. A claim stamps the rows with a random ``locked_by`` token and a lease;
while the worker lives, a heartbeat extends the lease. A worker killed with ``kill -9`` simply
stops extending it: once the lease runs out, the rows are due again and another worker claims
them. Every outcome is recorded only ``WHERE locked_by = <token>``, so a worker that lost its
lease (paused past it) can never overwrite what the new holder did.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import AsyncIterator, Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from piccolo.table import Table

if TYPE_CHECKING:
    from hub.core.facade import Hub

__all__ = ["any_due", "backoff", "claim_due", "heartbeat", "new_token", "still_held"]

log = logging.getLogger("hub.tasks")


def new_token() -> str:
    """A claim's identity: unique per claim, so even one worker's two claims never mix."""
    return secrets.token_hex(16)


def backoff(attempt: int, first: float, most: float) -> timedelta:
    """The wait after the ``attempt``-th failure: ``first``, doubling each time, never above ``most``."""
    exponent = max(0, min(attempt - 1, 40))
    return timedelta(seconds=min(most, first * 2**exponent))


def _due(table: type[Table], now: datetime, ready: str, busy: str) -> Any:
    columns: Any = table
    waiting = (columns.status == ready) & (columns.run_at <= now)
    abandoned = (columns.status == busy) & (columns.lease_until < now)
    return waiting | abandoned


async def any_due(table: type[Table], now: datetime, ready: str = "queued", busy: str = "running") -> bool:
    """Whether a claim would find anything: one indexed read, so an idle worker never takes the write lock."""
    columns: Any = table
    return bool(await columns.exists().where(_due(table, now, ready, busy)).run())


async def claim_due(
    hub: Hub,
    table: type[Table],
    *,
    now: datetime,
    lease: timedelta,
    limit: int,
    token: str,
    ready: str = "queued",
    busy: str = "running",
    where: Any = None,
) -> list[dict[str, Any]]:
    """Claim up to ``limit`` due rows (oldest first) for ``token``; returns them, already stamped.

    Due means waiting with ``run_at`` passed, or held by a claim whose lease ran out (its worker
    died). ``attempts`` counts claims, so a row abandoned by a crash has used an attempt too.
    """
    if limit <= 0:
        return []
    columns: Any = table
    condition = _due(table, now, ready, busy)
    if where is not None:
        condition = condition & where
    async with hub.write():
        query = columns.select(columns.id).where(condition).order_by(columns.run_at, columns.id).limit(limit)
        if hub.settings.is_postgres:
            query = query.lock_rows("UPDATE", skip_locked=True)
        ids = [row["id"] for row in await query.run()]
        if not ids:
            return []
        rows: list[dict[str, Any]] = await (
            columns.update(
                {
                    columns.status: busy,
                    columns.lease_until: now + lease,
                    columns.locked_by: token,
                    columns.attempts: columns.attempts + 1,
                }
            )
            .where(columns.id.is_in(ids))
            .returning(*table._meta.columns)
            .run()
        )
    rows.sort(key=lambda row: (row["run_at"], row["id"]))
    return rows


async def still_held(hub: Hub, table: type[Table], ids: Iterable[int], token: str, until: datetime) -> set[int]:
    """Extend the lease of the rows ``token`` still holds to ``until``; returns their ids."""
    wanted = list(ids)
    if not wanted:
        return set()
    columns: Any = table
    async with hub.write():
        rows = await (
            columns.update({columns.lease_until: until})
            .where(columns.id.is_in(wanted) & (columns.locked_by == token))
            .returning(columns.id)
            .run()
        )
    return {row["id"] for row in rows}


@contextlib.asynccontextmanager
async def heartbeat(
    hub: Hub, table: type[Table], held: set[int], token: str, lease: timedelta
) -> AsyncIterator[set[int]]:
    """Keep extending the lease on ``held`` (a set the caller shrinks as rows finish) while the block runs.

    Yields the set of rows found lost (someone else holds them now): the caller skips those.
    """
    lost: set[int] = set()
    interval = max(lease.total_seconds() / 3, 0.05)

    async def beat() -> None:
        from datetime import UTC

        while True:
            await asyncio.sleep(interval)
            if not held:
                continue
            try:
                asking = set(held)
                kept = await still_held(hub, table, asking, token, datetime.now(UTC) + lease)
                lost.update(asking - kept)
            except Exception:  # a missed beat is survivable: the lease is three beats long
                log.exception("could not extend a lease on %s; trying again", table._meta.tablename)

    task = asyncio.create_task(beat(), name=f"hub-heartbeat-{table._meta.tablename}")
    try:
        yield lost
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
