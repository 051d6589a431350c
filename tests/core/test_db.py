"""The data layer: migrations on SQLite and PostgreSQL, SQLite's pragmas, concurrency, query counts."""

from __future__ import annotations

import asyncio

import pytest

from hub.core.db import count_queries
from hub.core.members.tables import Member
from hub.testing import HubClient


@pytest.fixture
def enabled_plugins() -> tuple[str, ...] | None:
    return ("testplugin",)


@pytest.mark.all_databases
async def test_migrations_apply_once_on_both_databases(testplugin: str, client: HubClient, hub) -> None:
    from hub.core.db import pending_migrations, run_migrations

    assert await pending_migrations(hub.engine, hub.db_apps) == []
    assert await run_migrations(hub.engine, hub.db_apps) == []  # idempotent
    from hub_testplugin.tables import Note

    member_id = (await Member.insert(Member(email="a@example.org", display_name="A")).run())[0]["id"]
    await Note.insert(Note(text="hello", author=member_id)).run()
    rows = await Note.select(Note.text, Note.author.display_name).run()
    assert rows == [{"text": "hello", "author.display_name": "A"}]
    # The foreign key is enforced on both engines.
    with pytest.raises(Exception, match=r"(?i)foreign key"):
        await Note.insert(Note(text="orphan", author=999_999)).run()


@pytest.mark.all_databases
async def test_email_is_unique_case_insensitively(client: HubClient, hub, make_member) -> None:
    from hub.core.members.service import EmailTaken

    await make_member(email_address="Sam@Example.org")
    with pytest.raises(EmailTaken):
        await make_member(email_address="sam@example.ORG")


async def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(client: HubClient, hub) -> None:
    [mode] = await hub.engine.run_ddl("PRAGMA journal_mode")
    [timeout] = await hub.engine.run_ddl("PRAGMA busy_timeout")
    [keys] = await hub.engine.run_ddl("PRAGMA foreign_keys")
    assert mode["journal_mode"] == "wal"
    assert timeout["timeout"] >= 5000
    assert keys["foreign_keys"] == 1
    async with hub.write():
        [inside] = await hub.engine.run_ddl("PRAGMA busy_timeout")
        assert inside["timeout"] >= 5000


async def test_fifty_concurrent_read_then_write_requests_on_sqlite(testplugin: str, client: HubClient, hub) -> None:
    from hub_testplugin.tables import Note

    await client.csrf_token()
    responses = await asyncio.gather(*(client.post_form("/testplugin/notes", {"text": f"n{i}"}) for i in range(50)))
    assert [r.status_code for r in responses] == [303] * 50
    texts = [row["text"] for row in await Note.select(Note.text).run()]
    assert len(texts) == 50
    # Each write saw the count before it: the numbers 1..50 each appear exactly once.
    assert sorted(int(t.rsplit("#", 1)[1]) for t in texts) == list(range(1, 51))


async def test_count_queries_counts_a_page(testplugin: str, client: HubClient) -> None:
    await client.get("/testplugin/")
    with count_queries() as counter:
        response = await client.get("/testplugin/")
    assert response.status_code == 200
    assert 1 <= counter.count <= 3, counter.statements
