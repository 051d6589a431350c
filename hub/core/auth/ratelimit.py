"""Counters for sensitive actions (failed logins, sign-ups, resets, contact messages).

Counted in the shared database (or Redis), so every worker sees the same numbers. A fixed window
is enough here: the aim is to stop guessing, not to shape traffic.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from hub.core.auth.tables import RateCounter
from hub.core.db import write_transaction
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
        stamp = datetime.now(UTC)
        async with write_transaction(self.engine):
            row = await COUNTER.first(key=key)
            if row is None:
                await RateCounter.insert(RateCounter(key=key, window_start=stamp, hits=1)).run()
                return 1
            if stamp - row["window_start"] >= window:
                await (
                    RateCounter.update({RateCounter.window_start: stamp, RateCounter.hits: 1})
                    .where(RateCounter.key == key)
                    .run()
                )
                return 1
            await RateCounter.raw("UPDATE hub_rate_counter SET hits = hits + 1 WHERE key = {}", key).run()
            return int(row["hits"]) + 1

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
