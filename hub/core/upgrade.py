"""Bringing a database up to the code: migrations, then every plugin's default rows. Once per run.

``hub migrate`` does this, and ``hub serve`` does it before it starts any worker, so work that
writes at start-up never runs in each worker (where check-then-insert races once lost one worker
a whole plugin). Seeding runs the ``seed_defaults`` hook in load order (a plugin after the plugins
it requires) with the hub's default language active, so a seeded name is stored in that language.
Every implementation must be idempotent (``ON CONFLICT DO NOTHING``): this runs on every start,
and two machines may start at once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from hub.core import hooks
from hub.core.db import run_migrations
from hub.core.languages import default_language
from hub.core.plugins import PluginFailure

if TYPE_CHECKING:
    from hub.core.facade import Hub

__all__ = ["Upgrade", "migrate_and_seed", "seed_defaults"]

log = logging.getLogger("hub.db")


@dataclass
class Upgrade:
    """What one run did: migrations applied (``(app, id)``) and plugins whose seeding failed."""

    applied: list[tuple[str, str]] = field(default_factory=list)
    seed_failures: list[PluginFailure] = field(default_factory=list)


async def seed_defaults(hub: Hub) -> list[PluginFailure]:
    """Run every loaded plugin's ``seed_defaults`` hook, switched off or not (like migrations), so a
    plugin switched on later finds its defaults; returns the failures it recorded."""
    before = len(hub.registry.failures)
    with hub.catalogues.using(default_language(hub)):
        await hooks.gather_hook(hub.registry, "seed_defaults", load_order=True, include_disabled=True, hub=hub)
    failures = [f for f in hub.registry.failures[before:] if f.stage == "hook:seed_defaults"]
    for failure in failures:
        log.error("plugin %r could not seed its defaults: %s", failure.name, failure.message)
    return failures


async def migrate_and_seed(hub: Hub) -> Upgrade:
    """Apply pending migrations, re-read run-time settings, then seed every plugin's defaults."""
    applied = await run_migrations(hub.engine, hub.db_apps)
    await hub.refresh_state(force=True)
    return Upgrade(applied=applied, seed_failures=await seed_defaults(hub))
