"""Counters for sensitive actions (failed logins, sign-ups, resets, contact messages).

Counted in the shared database (or Redis), so every worker sees the same numbers. A fixed window
is enough here: the aim is to stop guessing, not to shape traffic.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from hub.core.auth.tables import RateCounter
from hub.core.prepared import Param, Prepared

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = ["RateLimiter", "RateVerdict"]

# Counted on every directory view and every sensitive form: built once.
COUNTER = Prepared(
    lambda: (
        RateCounter.select(RateCounter.window_start, RateCounter.hits).where(RateCounter.key == Param("key")).limit(1)
    )
)


@dataclass(frozen=True, slots=True)
class RateVerdict:
    allowed: bool
    retry_after: int = 0


EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def window_start(moment: datetime, window: timedelta) -> datetime:
    """The start of the fixed window ``moment`` falls in (windows are aligned to a fixed epoch)."""
    return EPOCH + ((moment - EPOCH) // window) * window


class RateLimiter:
    def __init__(self, engine: Any, redis: Redis | None = None, namespace: str = "hub") -> None:
        self.engine = engine
        self.redis = redis
        self.prefix = f"{namespace}:rate"

    async def check(self, key: str, limit: int, window: timedelta) -> RateVerdict:
        """Whether another attempt is allowed now, without counting one."""
        count, started = await self._read(key)
        if started is None or datetime.now(UTC) - started >= window:
            return RateVerdict(True)
        if count >= limit:
            remaining = window - (datetime.now(UTC) - started)
            return RateVerdict(False, max(1, int(remaining.total_seconds()) + 1))
        return RateVerdict(True)

    async def hit(self, key: str, window: timedelta) -> int:
        """Count one attempt; returns the count in the current window."""
        if self.redis is not None:
            name = f"{self.prefix}:{key}"
            count = int(await self.redis.incr(name))
            if count == 1:
                await self.redis.expire(name, int(window.total_seconds()))
                await self.redis.set(f"{name}:start", datetime.now(UTC).isoformat(), ex=int(window.total_seconds()))
            return count
        # One statement: windows are aligned to the epoch, so "same window" is an equality test the
        # database can make (SQLite compares stored timestamps as text), and a new window restarts at 1.
        rows = await RateCounter.raw(
            "INSERT INTO hub_rate_counter (key, window_start, hits) VALUES ({}, {}, 1) "
            "ON CONFLICT (key) DO UPDATE SET hits = CASE WHEN hub_rate_counter.window_start = "
            "excluded.window_start THEN hub_rate_counter.hits + 1 ELSE 1 END, window_start = excluded.window_start "
            "RETURNING hits",
            key,
            window_start(datetime.now(UTC), window),
        ).run()
        return int(rows[0]["hits"])

    async def reset(self, key: str) -> None:
        if self.redis is not None:
            await self.redis.delete(f"{self.prefix}:{key}", f"{self.prefix}:{key}:start")
            return
        await RateCounter.delete().where(RateCounter.key == key).run()

    async def _read(self, key: str) -> tuple[int, datetime | None]:
        if self.redis is not None:
            count = await self.redis.get(f"{self.prefix}:{key}")
            start = await self.redis.get(f"{self.prefix}:{key}:start")
            if count is None or start is None:
                return 0, None
            return int(count), datetime.fromisoformat(start.decode() if isinstance(start, bytes) else start)
        row = await COUNTER.first(key=key)
        if row is None:
            return 0, None
        return int(row["hits"]), row["window_start"]
