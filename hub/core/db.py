"""One database engine per hub, with the SQLite behaviour a busy hub needs, and the migrations runner.

Piccolo's stock SQLite engine opens a new connection (and thread) for every query outside a
transaction and starts DEFERRED transactions. Here statements outside a transaction share one
persistent connection, writes and transactions take turns on one kept write connection, every
connection runs WAL with a busy timeout and foreign keys on, and :func:`write_transaction` always
begins IMMEDIATE.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import importlib
import logging
import pkgutil
import sqlite3
import sys
import types
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import aiosqlite
from piccolo.apps.migrations.tables import Migration
from piccolo.conf.apps import AppConfig, AppRegistry
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType, dict_factory
from piccolo.query.base import Query
from piccolo.querystring import QueryString
from piccolo.table import Table

from hub.core.settings import Settings

__all__ = [
    "HubPostgresEngine",
    "HubSQLiteEngine",
    "QueryCounter",
    "bind_tables",
    "count_queries",
    "create_engine",
    "pending_migrations",
    "run_migrations",
    "write_transaction",
]

log = logging.getLogger("hub.db")

BUSY_TIMEOUT_MS = 10_000
CONF_MODULE = "hub_piccolo_conf"


@dataclass
class QueryCounter:
    """Counts SQL statements run in a context (a request, a test block)."""

    count: int = 0
    statements: list[str] = field(default_factory=list)


_query_counter: contextvars.ContextVar[QueryCounter | None] = contextvars.ContextVar("hub_query_counter", default=None)


def _note_query(sql: str) -> None:
    counter = _query_counter.get()
    if counter is not None:
        counter.count += 1
        counter.statements.append(sql)


@contextlib.contextmanager
def count_queries() -> Any:
    """Count every SQL statement the hub runs inside the block (used by tests and the benchmark)."""
    counter = QueryCounter()
    token = _query_counter.set(counter)
    try:
        yield counter
    finally:
        _query_counter.reset(token)


_READ_PREFIXES = ("SELECT", "PRAGMA", "EXPLAIN", "VALUES")


def _is_read(sql: str) -> bool:
    head = sql.lstrip().lstrip("(").lstrip()[:8].upper()
    return head.startswith(_READ_PREFIXES) or (
        head.startswith("WITH")
        and "SELECT" in sql.upper()
        and not any(word in sql.upper() for word in ("INSERT ", "UPDATE ", "DELETE "))
    )


async def _configure_sqlite(connection: aiosqlite.Connection) -> None:
    connection.row_factory = dict_factory  # type: ignore[assignment]
    await connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    await connection.execute("PRAGMA foreign_keys = ON")
    await connection.execute("PRAGMA synchronous = NORMAL")


class HubSQLiteTransaction(SQLiteTransaction):
    """A transaction on the write connection, handed back for the next writer rather than closed."""

    __slots__ = ()

    async def get_connection(self) -> aiosqlite.Connection:
        engine = self.engine
        assert isinstance(engine, HubSQLiteEngine)
        return await engine.acquire()

    async def begin(self) -> None:
        try:
            await super().begin()
        except BaseException:
            # __aexit__ never runs when entering fails: hand the connection back here.
            engine = self.engine
            assert isinstance(engine, HubSQLiteEngine)
            engine.release(self.connection, broken=True)
            raise

    async def __aexit__(self, exception_type: Any, exception: Any, traceback: Any) -> bool:
        if self._parent:
            return exception is None
        engine = self.engine
        assert isinstance(engine, HubSQLiteEngine)
        try:
            if exception:
                if not self._rolled_back:
                    await self.rollback()
            elif not self._committed and not self._rolled_back:
                await self.commit()
        except BaseException:
            engine.release(self.connection, broken=True)
            raise
        else:
            engine.release(self.connection)
        finally:
            engine.current_transaction.reset(self.context)
        return exception is None


class HubSQLiteEngine(SQLiteEngine):
    """SQLite with a persistent connection for reads and one, kept open, for writes.

    SQLite lets one connection write at a time, so this process's writers take turns here, on an
    asyncio semaphore, instead of each opening a connection (a thread and its own page cache)
    and contending for the file lock, where the losers sleep in SQLite's busy handler for up to
    tens of milliseconds after the lock is free. Fifty concurrent replies once meant fifty
    connections, 100 MB and a few replies a second. Other processes (a second worker, a CLI
    command) still meet the busy timeout; a writer waiting here longer than that gets the same
    "database is locked" error SQLite would give.
    """

    __slots__ = ("_closing", "_shared", "_shared_lock", "_writer", "_writers")

    def __init__(self, path: str, **kwargs: Any) -> None:
        super().__init__(path=path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False, **kwargs)
        self._shared: aiosqlite.Connection | None = None
        self._shared_lock = asyncio.Lock()
        self._writer: aiosqlite.Connection | None = None
        self._writers = asyncio.Semaphore(1)
        self._closing: set[asyncio.Future[None]] = set()

    async def prepare(self) -> None:
        """Create the file and switch it to WAL (the mode persists in the file)."""
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        with contextlib.closing(sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000)) as raw:
            raw.execute("PRAGMA journal_mode = WAL")

    async def get_connection(self) -> aiosqlite.Connection:
        connection = await aiosqlite.connect(**self.connection_kwargs)
        await _configure_sqlite(connection)
        return connection

    async def acquire(self) -> aiosqlite.Connection:
        """A write connection; every ``acquire`` is paired with one :meth:`release`."""
        try:
            # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation that
            # arrives as the semaphore is granted (a stopping job scheduler then never stops).
            async with asyncio.timeout(BUSY_TIMEOUT_MS / 1000):
                await self._writers.acquire()
        except TimeoutError as error:
            raise sqlite3.OperationalError("database is locked (waited for this process's other writers)") from error
        try:
            if self._writer is None:
                self._writer = await self.get_connection()
            return self._writer
        except BaseException:
            self._writers.release()
            raise

    def release(self, connection: aiosqlite.Connection, broken: bool = False) -> None:
        """The next writer's turn; a ``broken`` connection (an error mid-statement) is closed and replaced."""
        try:
            if broken or connection.in_transaction is not False:
                if self._writer is connection:
                    self._writer = None
                task = asyncio.ensure_future(connection.close())
                self._closing.add(task)
                task.add_done_callback(self._closing.discard)
        finally:
            self._writers.release()

    async def _shared_connection(self) -> aiosqlite.Connection:
        if self._shared is None:
            async with self._shared_lock:
                if self._shared is None:
                    self._shared = await self.get_connection()
        return self._shared

    async def close(self) -> None:
        if self._closing:
            await asyncio.gather(*self._closing, return_exceptions=True)
        connections = [c for c in (self._writer, self._shared) if c is not None]
        self._writer, self._shared = None, None
        for connection in connections:
            with contextlib.suppress(Exception):
                await connection.close()

    async def _run_in_new_connection(
        self,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: type[Table] | None = None,
    ) -> Any:
        """Statements outside a transaction: reads on the shared connection, writes on their own.

        A read runs and is fully fetched in one step of the connection's thread, so no cursor (and
        no read snapshot) stays open while another coroutine uses the connection. A write waits for
        the write connection and runs in its own IMMEDIATE transaction: writing through the shared connection
        could upgrade a stale read snapshot, which SQLite refuses at once ("database is locked")
        whatever the busy timeout.
        """
        if _is_read(query):
            connection = await self._shared_connection()
            return await connection.execute_fetchall(query, args or [])
        connection = await self.acquire()
        try:
            await connection.execute("BEGIN IMMEDIATE")
            try:
                rows = await connection.execute_fetchall(query, args or [])
            except BaseException:
                await connection.execute("ROLLBACK")
                raise
            await connection.execute("COMMIT")
        except BaseException:
            self.release(connection, broken=True)
            raise
        self.release(connection)
        return rows

    async def _run_in_existing_connection(
        self,
        connection: Any,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: type[Table] | None = None,
    ) -> Any:
        return await connection.execute_fetchall(query, args or [])

    async def run_querystring(self, querystring: QueryString, in_pool: bool = False) -> Any:
        _note_query(querystring.__str__() if _query_counter.get() is not None else "")
        return await super().run_querystring(querystring, in_pool=in_pool)

    async def run_ddl(self, ddl: str, in_pool: bool = False) -> Any:
        _note_query(ddl)
        return await super().run_ddl(ddl, in_pool=in_pool)

    def transaction(
        self, transaction_type: TransactionType = TransactionType.deferred, allow_nested: bool = True
    ) -> HubSQLiteTransaction:
        return HubSQLiteTransaction(engine=self, transaction_type=transaction_type, allow_nested=allow_nested)


class HubPostgresEngine(PostgresEngine):
    """PostgreSQL with a connection pool opened in the app's lifespan and query counting."""

    async def prepare(self) -> None:
        await self.start_connection_pool(min_size=1, max_size=10)

    async def close(self) -> None:
        await self.close_connection_pool()

    async def run_querystring(self, querystring: QueryString, in_pool: bool = True) -> Any:
        _note_query(querystring.__str__() if _query_counter.get() is not None else "")
        return await super().run_querystring(querystring, in_pool=in_pool)


HubEngine = HubSQLiteEngine | HubPostgresEngine


def create_engine(settings: Settings) -> HubEngine:
    """Build the hub's one engine from its settings (not yet connected: see ``prepare``)."""
    url = settings.database_url
    if url and settings.is_postgres:
        parsed = urlparse(url)
        config = {
            "host": parsed.hostname or "127.0.0.1",
            "port": parsed.port or 5432,
            "user": parsed.username or "postgres",
            "database": (parsed.path or "/postgres").lstrip("/") or "postgres",
        }
        if parsed.password:
            config["password"] = parsed.password
        return HubPostgresEngine(config=config)
    path = Path(url.removeprefix("sqlite:///")) if url else settings.sqlite_path
    return HubSQLiteEngine(path=str(path))


def install_conf_module(engine: Engine, apps: Sequence[AppConfig]) -> None:
    """Piccolo's migration machinery finds its engine through a conf module: build one in memory."""
    module = types.ModuleType(CONF_MODULE)
    registry = AppRegistry(apps=[])
    for app in apps:
        registry.app_configs[app.app_name] = app
    module.DB = engine  # type: ignore[attr-defined]
    module.APP_REGISTRY = registry  # type: ignore[attr-defined]
    sys.modules[CONF_MODULE] = module
    import os

    os.environ["PICCOLO_CONF"] = CONF_MODULE


def bind_tables(engine: Engine, apps: Iterable[AppConfig]) -> None:
    """Point every table of every app at this hub's engine (Piccolo caches engines per class)."""
    Migration._meta.db = engine
    for app in apps:
        for table in app.table_classes:
            table._meta.db = engine


def write_transaction(engine: Engine) -> Any:
    """A write transaction: IMMEDIATE on SQLite (no 'database is locked' on upgrade), plain on PostgreSQL."""
    if isinstance(engine, SQLiteEngine):
        return engine.transaction(transaction_type=TransactionType.immediate)
    return engine.transaction()


def _migration_modules(app: AppConfig) -> list[tuple[str, types.ModuleType]]:
    folder = Path(app.resolved_migrations_folder_path)
    package = _package_for(folder)
    found = []
    for info in pkgutil.iter_modules([str(folder)]):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package}.{info.name}")
        found.append((module.ID, module))
    return sorted(found, key=lambda pair: pair[0])


def _package_for(folder: Path) -> str:
    """The dotted module path of a migrations folder, found through sys.path."""
    resolved = folder.resolve()
    for entry in sorted((Path(p).resolve() for p in sys.path if p), key=lambda p: len(str(p)), reverse=True):
        with contextlib.suppress(ValueError):
            relative = resolved.relative_to(entry)
            return ".".join(relative.parts)
    raise RuntimeError(f"Migrations folder {folder} is not inside an importable package.")


async def _ensure_migration_table(engine: Engine) -> None:
    exists = await Migration.table_exists().run()
    if not exists:
        await Migration.create_table(if_not_exists=True).run()


async def pending_migrations(engine: Engine, apps: Sequence[AppConfig]) -> list[tuple[str, str]]:
    """(app, migration id) pairs not yet applied, in the order they would run."""
    await _ensure_migration_table(engine)
    pending: list[tuple[str, str]] = []
    for app in apps:
        done = set(await Migration.get_migrations_which_ran(app_name=app.app_name))
        pending.extend((app.app_name, mid) for mid, _ in _migration_modules(app) if mid not in done)
    return pending


async def run_migrations(engine: Engine, apps: Sequence[AppConfig]) -> list[tuple[str, str]]:
    """Apply every pending migration, app by app in the given order; returns what was applied."""
    install_conf_module(engine, apps)
    bind_tables(engine, apps)
    await _ensure_migration_table(engine)
    applied = []
    for app in apps:
        done = set(await Migration.get_migrations_which_ran(app_name=app.app_name))
        for migration_id, module in _migration_modules(app):
            if migration_id in done:
                continue
            manager = await module.forwards()
            await manager.run()
            await Migration.insert(Migration(name=migration_id, app_name=app.app_name)).run()
            log.info("applied migration %s:%s", app.app_name, migration_id)
            applied.append((app.app_name, migration_id))
    return applied


@contextlib.asynccontextmanager
async def engine_lifespan(engine: HubEngine) -> AsyncIterator[HubEngine]:
    await engine.prepare()
    try:
        yield engine
    finally:
        await engine.close()


def is_query(value: object) -> bool:
    return isinstance(value, Query)
