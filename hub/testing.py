"""Test fixtures for the hub and its plugins, shipped as a pytest plugin (``pytest11`` entry point).

Plugin authors get the same fixtures the core uses::

    async def test_my_page(client, member):
        await client.login(member)
        response = await client.get("/myplugin/")
        assert response.status_code == 200

Fixtures: ``database_url`` (SQLite file by default; a fresh PostgreSQL database for tests marked
``@pytest.mark.all_databases``), ``hub_settings``, ``hub_plugins`` (override to add plugin
modules), ``app``, ``client`` (a :class:`HubClient`), ``hub``, ``make_member``, ``member``,
``moderator``, ``admin``, ``outbox``; and ``set_plugin_settings(hub, slug, **changes)`` to change a
plugin's ``[plugins.<slug>]`` settings within a test (checked by its settings type, as at start).

Time: a test whose outcome depends on the date never reads the real clock. ``pinned_now`` pins
it (``time-machine``, ticking) to one fixed moment; ``calendar_moment`` runs the test once at each of
:data:`CALENDAR_MOMENTS` (winter, both eves of a daylight-saving change, December, a leap day).
Request either with ``@pytest.mark.usefixtures(...)`` so the clock is pinned before the hub starts
and members sign in.

Environment: ``HUB_TEST_POSTGRES_URL`` and ``HUB_TEST_REDIS_URL`` point at real servers;
``HUB_TEST_REQUIRE_SERVICES=1`` turns "service missing" skips into failures (CI).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import email
import itertools
import os
import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

import pytest
from httpx import ASGITransport, AsyncClient
from litestar import Litestar

from hub.core.settings import Settings

__all__ = [
    "CALENDAR_MOMENTS",
    "PINNED_NOW",
    "HubClient",
    "Outbox",
    "TestMember",
    "need_service",
    "postgres_database",
    "run_due_tasks",
    "running",
    "set_plugin_settings",
]

PASSWORD = "correct horse battery staple"  # noqa: S105 - test accounts
_counter = itertools.count(1)


PINNED_NOW = datetime(2026, 6, 10, 9, 30, tzinfo=UTC)
"""The moment ``pinned_now`` pins the clock to: a Wednesday morning, far from any clock change."""

CALENDAR_MOMENTS: dict[str, datetime] = {
    "mid-january": datetime(2027, 1, 14, 10, 0, tzinfo=UTC),
    # Europe/London and most of Europe move to summer time at 01:00 UTC on 29 March 2026.
    "eve-of-spring-clock-change": datetime(2026, 3, 28, 21, 45, tzinfo=UTC),
    # ... and back at 01:00 UTC on 25 October 2026.
    "eve-of-autumn-clock-change": datetime(2026, 10, 24, 21, 45, tzinfo=UTC),
    "early-december": datetime(2026, 12, 4, 9, 0, tzinfo=UTC),
    "leap-day": datetime(2028, 2, 29, 12, 0, tzinfo=UTC),
}
"""Fixed moments across the year at which date-sensitive tests run (``calendar_moment``)."""


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "all_databases: run this test on SQLite and on PostgreSQL")
    config.addinivalue_line("markers", "postgres: needs the PostgreSQL test server")
    config.addinivalue_line("markers", "redis: needs the Redis test server")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "database_url" in metafunc.fixturenames and metafunc.definition.get_closest_marker("all_databases"):
        metafunc.parametrize("database_kind", ["sqlite", "postgres"], indirect=True)


def need_service(variable: str, what: str) -> str:
    """The URL in ``variable``; skip (or fail under HUB_TEST_REQUIRE_SERVICES=1) when it is unset."""
    value = os.environ.get(variable)
    if value:
        return value
    message = f"{what} not available: set {variable} to run this test"
    if os.environ.get("HUB_TEST_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{message} (HUB_TEST_REQUIRE_SERVICES=1 forbids skipping)")
    pytest.skip(message)


async def _admin_execute(server_url: str, statement: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(server_url)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@pytest.fixture
def pinned_now(request: pytest.FixtureRequest) -> Iterator[datetime]:
    """Pin the clock (ticking) to :data:`PINNED_NOW` for the whole test.

    A test that also runs at each of the ``calendar_moment`` moments keeps that moment instead.
    """
    import time_machine

    if "calendar_moment" in request.fixturenames:
        yield request.getfixturevalue("calendar_moment")
        return
    with time_machine.travel(PINNED_NOW, tick=True):
        yield PINNED_NOW


@pytest.fixture(params=list(CALENDAR_MOMENTS))
def calendar_moment(request: pytest.FixtureRequest) -> Iterator[datetime]:
    """Run the test once at each of :data:`CALENDAR_MOMENTS`, the clock pinned (ticking) there."""
    import time_machine

    moment = CALENDAR_MOMENTS[request.param]
    with time_machine.travel(moment, tick=True):
        yield moment


@pytest.fixture
def database_kind(request: pytest.FixtureRequest) -> str:
    return getattr(request, "param", "sqlite")


def postgres_database() -> Iterator[str]:
    """Create a fresh, uniquely named PostgreSQL database; drop it afterwards."""
    base = need_service("HUB_TEST_POSTGRES_URL", "PostgreSQL")
    name = f"hubtest_{os.getpid()}_{uuid.uuid4().hex[:10]}"
    parsed = urlparse(base)
    asyncio.run(_admin_execute(base, f'CREATE DATABASE "{name}"'))
    try:
        yield urlunparse(parsed._replace(path=f"/{name}"))
    finally:
        asyncio.run(_admin_execute(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def database_url(database_kind: str, tmp_path: Path) -> Iterator[str | None]:
    """``None`` (a SQLite file in the hub's data folder) or a fresh PostgreSQL database URL."""
    if database_kind == "postgres":
        yield from postgres_database()
    else:
        yield None


@pytest.fixture
def redis_url() -> str:
    return need_service("HUB_TEST_REDIS_URL", "Redis")


@pytest.fixture
def hub_plugins() -> Sequence[Any]:
    """Extra plugin modules registered directly (override in a plugin's conftest)."""
    return ()


@pytest.fixture
def enabled_plugins() -> tuple[str, ...] | None:
    """Installed plugins to load (``None`` = all). Override to test a plugin alone."""
    return None


@pytest.fixture
def hub_settings(tmp_path: Path, database_url: str | None, enabled_plugins: tuple[str, ...] | None) -> Settings:
    hub_dir = tmp_path / "hub"
    hub_dir.mkdir(exist_ok=True)
    return Settings(
        hub_dir=hub_dir,
        database_url=database_url,
        secret_key="test-secret-" + "x" * 40,
        plugins=enabled_plugins,
        strict_plugins=True,
        registration="open",
        languages=("en", "es", "ar"),
        rate_limit_per_minute=100_000,
        redis_namespace=f"hubtest-{uuid.uuid4().hex[:12]}",
        allowed_hosts=("testserver.local", "127.0.0.1", "localhost"),
        worker_in_process=False,
    )


@pytest.fixture
def load_entrypoints() -> bool:
    return True


@pytest.fixture
def app(hub_settings: Settings, hub_plugins: Sequence[Any], load_entrypoints: bool) -> Litestar:
    from hub.core.app import create_app

    return create_app(hub_settings, plugins=hub_plugins, load_entrypoints=load_entrypoints)


@dataclass(frozen=True, slots=True)
class TestMember:
    __test__ = False

    id: int
    email: str
    display_name: str
    password: str
    role: str


class HubClient(AsyncClient):
    """An in-process client that knows the hub's CSRF and sign-in dance.

    It calls the app in the test's own event loop (httpx's ASGI transport), so a test can also use
    the hub's engine directly — unlike Litestar's test client, which runs the app on another loop.
    Redirects are not followed: tests assert them.

    After each request it runs the background tasks that are due (``hub.enqueue``), as a worker
    would a moment later, so a test sees their effects (a reset link in ``outbox``) at once. Set
    ``run_tasks = False`` to leave them queued. Mail is not delivered (see ``Outbox.drain``).
    """

    __test__ = False

    def __init__(self, app: Litestar, base_url: str = "http://testserver.local", *, run_tasks: bool = True) -> None:
        super().__init__(transport=ASGITransport(app=app), base_url=base_url, follow_redirects=False)  # type: ignore[arg-type]
        self.app = app
        self.run_tasks = run_tasks

    async def request(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        response = await super().request(*args, **kwargs)
        if self.run_tasks:
            # In a context of its own, as a worker's: a test's count_queries() sees only the request.
            await asyncio.create_task(run_due_tasks(self.app.state.hub), context=contextvars.Context())
        return response

    async def csrf_token(self) -> str:
        name = "hub_csrf"
        if name not in self.cookies:
            await self.get("/-/plugins")
        return str(self.cookies.get(name, ""))

    async def post_form(
        self, url: str, data: dict[str, Any] | None = None, *, htmx: bool = False, **kwargs: Any
    ) -> Any:
        """POST a form with a valid CSRF token (as a real browser form would carry)."""
        form = dict(data or {})
        token = await self.csrf_token()
        headers = dict(kwargs.pop("headers", {}) or {})
        if htmx:
            headers.update({"HX-Request": "true", "x-csrftoken": token})
        else:
            form.setdefault("_csrf_token", token)
        return await self.post(url, data=form, headers=headers, **kwargs)

    async def login(self, member: TestMember | str, password: str | None = None) -> Any:
        email_address = member if isinstance(member, str) else member.email
        secret = password or (member.password if isinstance(member, TestMember) else PASSWORD)
        response = await self.post_form("/account/login", {"email": email_address, "password": secret})
        assert response.status_code in (302, 303), f"login failed: {response.status_code} {response.text[:500]}"
        return response

    async def logout(self) -> Any:
        return await self.post_form("/account/logout")

    async def in_app(self, function: Callable[..., Awaitable[Any]], *args: Any, **kwargs: Any) -> Any:
        """``await function(*args, **kwargs)``; the app runs on the test's own loop, so this is direct."""
        return await function(*args, **kwargs)


async def run_due_tasks(hub: Any) -> int:
    """Run every background task due now, one after another (what a worker would do); returns how many."""
    from hub.core.tasks.queue import run_next_task

    ran = 0
    while await run_next_task(hub) is not None:
        ran += 1
    return ran


def set_plugin_settings(hub: Any, slug: str, **changes: Any) -> Any:
    """Change some of a plugin's settings for the rest of a test, as if ``[plugins.<slug>]`` in
    hub.toml said so: checked and converted by the plugin's settings type, like at start.

    ``set_plugin_settings(hub, "skillswap", time_credits=True)``; returns the new settings.
    """
    import msgspec

    from hub.core import plugin_settings

    plugin = hub.registry.loaded[slug]
    current = plugin.config
    table = dict(current) if isinstance(current, Mapping) else msgspec.to_builtins(current)
    plugin.config = plugin_settings.load(plugin.info, {**table, **changes})
    return plugin.config


@contextlib.asynccontextmanager
async def running(app: Litestar) -> AsyncIterator[HubClient]:
    """Start the app's lifespan (migrations, startup hooks) and give a client for it.

    The lifespan runs in its own task, entered and exited there (anyio's cancel scopes require
    that), while requests run in the caller's event loop.
    """
    started, stop = asyncio.Event(), asyncio.Event()
    failure: list[BaseException] = []

    async def hold_lifespan() -> None:
        try:
            async with app.lifespan():
                started.set()
                await stop.wait()
        except BaseException as error:
            failure.append(error)
            started.set()
            raise

    task = asyncio.create_task(hold_lifespan())
    await started.wait()
    if failure:
        await asyncio.gather(task, return_exceptions=True)
        raise failure[0]
    try:
        async with HubClient(app) as test_client:
            yield test_client
    finally:
        stop.set()
        await task


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[HubClient]:
    async with running(app) as test_client:
        yield test_client


@pytest.fixture
async def anon_client(app: Litestar, client: HubClient) -> AsyncIterator[HubClient]:
    """A second, independent browser (own cookies) on the same running app."""
    async with HubClient(app) as other:
        yield other


@pytest.fixture
def in_app(client: HubClient) -> Callable[..., Awaitable[Any]]:
    """``await in_app(coroutine_function, *args)``: database work from a test (same loop as the app)."""
    return client.in_app


@pytest.fixture
def hub(app: Litestar, client: HubClient) -> Any:
    """The running hub's façade (its app is started by ``client``)."""
    return app.state.hub


MakeMember = Callable[..., Awaitable[TestMember]]


@pytest.fixture
def make_member(hub: Any, client: HubClient) -> MakeMember:
    """``await make_member(role="moderator", status="active", name=..., email=...)``."""
    from hub.core.members.service import create_member

    async def make(
        role: str = "member",
        status: str = "active",
        name: str | None = None,
        email_address: str | None = None,
        password: str = PASSWORD,
        language: str | None = None,
    ) -> TestMember:
        number = next(_counter)
        address = email_address or f"person{number}@example.org"
        display = name or f"Test Person {number}"

        async def insert() -> int:
            async with hub.write():
                return await create_member(
                    address, display, password, role=role, status=status, language=language, email_verified=True
                )

        member_id = await client.in_app(insert)
        return TestMember(id=member_id, email=address.lower(), display_name=display, password=password, role=role)

    return make


@pytest.fixture
async def member(make_member: MakeMember) -> TestMember:
    return await make_member()


@pytest.fixture
async def moderator(make_member: MakeMember) -> TestMember:
    return await make_member(role="moderator")


@pytest.fixture
async def admin(make_member: MakeMember) -> TestMember:
    return await make_member(role="admin")


class Outbox:
    """The mail the hub has queued (its durable outbox), readable without awaiting anything.

    ``outbox.to(address)``, ``messages()`` and ``last_link(address, "/path/")`` read every message
    queued so far, in the order queued, whether or not a worker has delivered it yet: a test sees
    the mail as soon as the change that caused it committed. ``await outbox.drain()`` runs real
    delivery (the outbox folder, or the SMTP server the test configured) for everything due, and
    ``delivered()`` reads what delivery wrote to the folder. ``Outbox(folder)`` reads only the
    folder (a hub running in another process).
    """

    def __init__(self, folder: Path, hub: Any = None) -> None:
        self.folder = folder
        self.hub = hub

    @classmethod
    def of(cls, hub: Any) -> Outbox:
        return cls(hub.settings.resolved_data_dir / "outbox", hub)

    def messages(self) -> list[Message]:
        if self.hub is None:
            return self.delivered()
        return [_as_message(row) for row in _queued_rows(self.hub.settings)]

    def delivered(self) -> list[Message]:
        """Messages delivery wrote to the outbox folder, oldest first."""
        if not self.folder.exists():
            return []
        return [email.message_from_bytes(p.read_bytes()) for p in sorted(self.folder.glob("*.eml"))]

    async def drain(self) -> Any:
        """Deliver every message due now, as a worker would; returns the pass's counts."""
        from hub.core.mail.outbox import drain

        assert self.hub is not None, "Outbox(folder) reads another process's folder; it cannot deliver"
        return await drain(self.hub)

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages() if address.lower() in str(m["To"]).lower()]

    @staticmethod
    def text(message: Message) -> str:
        for part in message.walk():
            if part.get_content_type() == "text/plain":
                payload = part.get_payload(decode=True)
                return payload.decode(part.get_content_charset() or "utf-8") if isinstance(payload, bytes) else ""
        return ""

    @staticmethod
    def links(message: Message) -> list[str]:
        return re.findall(r"https?://\S+", Outbox.text(message))

    def last_link(self, address: str, contains: str = "") -> str:
        """The path of the newest link containing ``contains`` mailed to ``address`` (fails if none)."""
        for message in reversed(self.to(address)):
            for link in self.links(message):
                if contains in link:
                    parsed = urlparse(link)
                    return parsed.path + (f"?{parsed.query}" if parsed.query else "")
        raise AssertionError(f"no link containing {contains!r} was mailed to {address}")


_MAIL_COLUMNS = "id, message_id, sender, to_address, subject, text, html, reply_to, headers, created_at"


def _queued_rows(settings: Settings) -> list[dict[str, Any]]:
    """Every ``hub_mail`` row, read on a connection of its own (tests call this without awaiting)."""
    query = f"SELECT {_MAIL_COLUMNS} FROM hub_mail ORDER BY id"  # noqa: S608 - constant text
    if settings.is_postgres:
        import concurrent.futures

        async def fetch() -> list[dict[str, Any]]:
            import asyncpg

            connection = await asyncpg.connect(settings.database_url)
            try:
                return [dict(row) for row in await connection.fetch(query)]
            finally:
                await connection.close()

        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(asyncio.run, fetch()).result()
    import sqlite3

    url = settings.database_url
    path = url.removeprefix("sqlite:///") if url else str(settings.sqlite_path)
    if not Path(path).exists():
        return []
    with contextlib.closing(sqlite3.connect(path, timeout=10)) as connection:
        connection.row_factory = sqlite3.Row
        try:
            rows = connection.execute(query).fetchall()
        except sqlite3.OperationalError:  # not migrated yet
            return []
    return [dict(row) for row in rows]


def _as_message(row: dict[str, Any]) -> Message:
    from datetime import datetime

    from hub.core.mail.message import build_message

    created = row["created_at"]
    if isinstance(created, str):
        created = datetime.fromisoformat(created)
    built = build_message({**row, "created_at": created})
    return email.message_from_bytes(bytes(built))


@pytest.fixture
def outbox(hub: Any) -> Outbox:
    return Outbox.of(hub)
