"""The durable mail outbox against a real SMTP server on 127.0.0.1 that accepts, hangs or refuses.

Requests only queue mail: whatever the mail server does, the change is saved and the page answers
at once. A worker (here ``deliver_due``/``Outbox.drain``, the same code ``hub worker`` runs)
delivers, retries with back-off, and records permanent failures where organisers see them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine

from hub.core.mail.outbox import deliver_due, drain
from hub.core.mail.tables import OutboxMail
from hub.core.members.tables import Member
from hub.core.tasks.leases import claim_due, new_token
from hub.testing import Outbox
from tests.core.mail.smtp import Listener, smtp_listener

T0 = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
PASSWORD = "a long and memorable passphrase"


@pytest.fixture
def listener() -> Iterator[Listener]:
    with smtp_listener() as running:
        yield running


@pytest.fixture
def hub_settings(hub_settings: Any, listener: Listener) -> Any:
    return hub_settings.with_overrides(
        smtp_host="127.0.0.1",
        smtp_port=listener.port,
        smtp_starttls=False,
        smtp_timeout_seconds=1.0,
        mail_from="hub@hub.example.org",
    )


async def _mail_rows(**where: Any) -> list[dict[str, Any]]:
    query = OutboxMail.select()
    for name, value in where.items():
        query = query.where(getattr(OutboxMail, name) == value)
    return await query.order_by(OutboxMail.id).run()


async def _register(client: Any, address: str) -> Any:
    return await client.post_form(
        "/account/register", {"display_name": "Robin Example", "email": address, "password": PASSWORD}
    )


@pytest.mark.all_databases
async def test_mail_commits_and_rolls_back_with_the_change(hub, listener: Listener) -> None:
    class Oops(Exception):
        pass

    with pytest.raises(Oops):
        async with hub.write():
            await hub.send_mail("lost@example.org", "Never sent", "The change failed.")
            raise Oops()
    async with hub.write():
        await hub.send_mail("kept@example.org", "Sent", "The change was saved.")
    rows = await _mail_rows()
    assert [row["to_address"] for row in rows] == ["kept@example.org"]
    assert rows[0]["status"] == "queued" and listener.contacts == 0  # queued, not sent, by the request

    assert (await drain(hub)).sent == 1
    (received,) = listener.received
    assert received["Message-ID"] == rows[0]["message_id"] and received["To"] == "kept@example.org"
    assert (await _mail_rows())[0]["status"] == "sent"


async def test_a_hanging_mail_server_never_slows_or_breaks_a_sign_up(client, hub, listener: Listener) -> None:
    listener.mode = "hang"
    response = await asyncio.wait_for(_register(client, "robin@example.org"), timeout=10)  # a guard, not a measure
    assert response.status_code == 303 and response.headers["location"] == "/account/register/sent"
    assert listener.contacts == 0  # the request never talked to the mail server
    assert await Member.exists().where(Member.email == "robin@example.org").run()
    (row,) = await _mail_rows()
    assert row["status"] == "queued" and row["category"] == "account"

    # The worker meets the hanging server: it gives up after smtp_timeout and schedules a retry.
    attempt = await deliver_due(hub)
    assert attempt.retried == 1 and listener.data_attempts == 1 and listener.received == []
    (row,) = await _mail_rows()
    assert row["status"] == "queued" and row["attempts"] == 1 and "Timeout" in row["last_error"]
    assert await deliver_due(hub) == type(attempt)()  # not due again until its back-off has passed

    listener.mode = "accept"
    with time_machine.travel(row["run_at"] + timedelta(seconds=1), tick=False):
        assert (await deliver_due(hub)).sent == 1
    assert listener.message_ids() == {row["message_id"]: 1}  # sent exactly once
    link = Outbox.links(listener.received[0])
    assert any("/account/verify/" in found for found in link)


@pytest.mark.all_databases
async def test_a_temporary_refusal_is_retried_with_back_off_and_sent_once(hub, listener: Listener) -> None:
    listener.mode, listener.failures = "tempfail", 2
    with time_machine.travel(T0, tick=False):
        await hub.send_mail("greylisted@example.org", "Hello", "Body")
        first = await deliver_due(hub)
    (row,) = await _mail_rows()
    assert first.retried == 1 and row["smtp_code"] == 451 and row["attempts"] == 1
    assert row["run_at"] == T0 + timedelta(seconds=hub.settings.mail_retry_seconds)

    with time_machine.travel(row["run_at"] - timedelta(seconds=1), tick=False):
        assert (await deliver_due(hub)).claimed == 0  # waits for its back-off
    with time_machine.travel(row["run_at"], tick=False):
        assert (await deliver_due(hub)).retried == 1
    (row,) = await _mail_rows()
    assert row["run_at"] == T0 + timedelta(seconds=3 * hub.settings.mail_retry_seconds)  # the wait doubled

    with time_machine.travel(row["run_at"], tick=False):
        assert (await deliver_due(hub)).sent == 1
    (row,) = await _mail_rows()
    assert row["status"] == "sent" and row["attempts"] == 3 and row["last_error"] == ""
    assert listener.data_attempts == 3 and listener.message_ids() == {row["message_id"]: 1}


async def test_a_permanent_refusal_is_recorded_and_shown_on_the_members_page(
    client, hub, listener: Listener, make_member, admin
) -> None:
    person = await make_member(name="Pat Bounce")
    listener.mode = "permfail"
    async with hub.write():
        await hub.send_mail(person.email, "Your weekly news", "Hello")
    assert (await deliver_due(hub)).failed == 1
    (row,) = await _mail_rows()
    assert row["status"] == "failed" and row["smtp_code"] == 550 and row["member"] == person.id
    assert "No such mailbox" in row["last_error"] and row["attempts"] == 1  # never retried
    listener.mode = "accept"
    with time_machine.travel(datetime.now(UTC) + timedelta(days=2)):
        assert (await deliver_due(hub)).claimed == 0
    assert listener.received == []

    await client.login(admin)
    page = await client.get(f"/admin/members/{person.id}")
    assert page.status_code == 200
    assert "Email delivery" in page.text and "Your weekly news" in page.text
    assert "Not delivered" in page.text and "550 5.1.1 No such mailbox here" in page.text
    clean = await client.get(f"/admin/members/{admin.id}")
    assert "No delivery problems" in clean.text


async def test_an_unreachable_server_is_retried_until_the_attempts_run_out(hub_settings, hub_plugins) -> None:
    from hub.core.app import build_hub
    from hub.core.db import run_migrations
    from tests.core.mail.smtp import free_port

    settings = hub_settings.with_overrides(smtp_port=free_port(), mail_max_attempts=3, mail_retry_seconds=10.0)
    hub = build_hub(settings, plugins=hub_plugins)
    await hub.engine.prepare()
    try:
        await run_migrations(hub.engine, hub.db_apps)
        with time_machine.travel(T0, tick=False):
            await hub.send_mail("nobody-home@example.org", "Hello", "Body")
        waits = []
        now = T0
        for _ in range(3):
            with time_machine.travel(now, tick=False):
                await deliver_due(hub)
            (row,) = await _mail_rows()
            waits.append(row["run_at"] - now)
            now = row["run_at"]
        assert row["status"] == "failed" and row["attempts"] == 3 and row["failed_at"] is not None
        assert "ConnectError" in row["last_error"] or "refused" in row["last_error"].lower()
        assert waits[:2] == [timedelta(seconds=10), timedelta(seconds=20)]
    finally:
        await hub.engine.close()


@pytest.mark.all_databases
async def test_concurrent_workers_never_send_a_message_twice(hub, listener: Listener) -> None:
    from hub.core.mail.message import OutgoingMail

    mails = [OutgoingMail(f"reader{n}@example.org", f"Issue {n}", "News") for n in range(45)]
    queued = await hub.mail.send_many(hub, mails)
    assert len(queued) == 45
    passes = await asyncio.gather(*(drain(hub) for _ in range(4)))
    assert sum(p.sent for p in passes) == 45
    ids = listener.message_ids()
    assert len(ids) == 45 and set(ids.values()) == {1}
    assert {row["message_id"] for row in await _mail_rows(status="sent")} == set(ids)


async def test_a_message_abandoned_mid_send_is_resent_with_the_same_message_id(hub, listener: Listener) -> None:
    """A worker claimed the message and died (perhaps after the server took it): the lease runs
    out, another worker sends it again, and it is recognisably the same message."""
    with time_machine.travel(T0, tick=False):
        await hub.send_mail("patient@example.org", "Minutes of the meeting", "Attached.")
        lease = timedelta(seconds=hub.settings.worker_lease_seconds)
        (claimed,) = await claim_due(hub, OutboxMail, now=T0, lease=lease, limit=5, token=new_token(), busy="sending")
        assert (await deliver_due(hub)).claimed == 0  # held by the dead worker's lease
    with time_machine.travel(T0 + lease + timedelta(seconds=1), tick=False):
        assert (await deliver_due(hub)).sent == 1
    (received,) = listener.received
    assert received["Message-ID"] == claimed["message_id"]
    assert received["Date"] == "Mon, 04 May 2026 09:00:00 +0000"  # fixed when queued
    (row,) = await _mail_rows()
    assert row["attempts"] == 2 and row["status"] == "sent"


@pytest.mark.all_databases
async def test_pacing_limits_messages_per_minute_across_workers(hub_settings, hub_plugins, listener) -> None:
    from hub.core.app import build_hub
    from hub.core.db import run_migrations
    from hub.core.mail.message import OutgoingMail

    hub = build_hub(hub_settings.with_overrides(mail_per_minute=5), plugins=hub_plugins)
    await hub.engine.prepare()
    try:
        await run_migrations(hub.engine, hub.db_apps)
        with time_machine.travel(T0, tick=False):
            await hub.mail.send_many(hub, [OutgoingMail(f"m{n}@example.org", "Hi", "x") for n in range(12)])
            passes = await asyncio.gather(*(drain(hub) for _ in range(3)))
            assert sum(p.sent for p in passes) == 5
        with time_machine.travel(T0 + timedelta(seconds=61), tick=False):
            assert (await drain(hub)).sent == 5
        with time_machine.travel(T0 + timedelta(seconds=122), tick=False):
            assert (await drain(hub)).sent == 2
        assert len(listener.received) == 12
    finally:
        await hub.engine.close()


async def test_notification_mail_carries_one_click_unsubscribe_headers(hub, make_member, listener) -> None:
    person = await make_member()
    async with hub.write():
        await hub.send_mail(
            person.email,
            "News",
            "Body",
            headers=(
                ("List-Unsubscribe", "<https://hub.example.org/notifications/unsubscribe/t>"),
                ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
            ),
            category="notification",
        )
    await drain(hub)
    (received,) = listener.received
    assert received["List-Unsubscribe"] == "<https://hub.example.org/notifications/unsubscribe/t>"
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert received["From"] == "Community Hub <hub@hub.example.org>"


async def test_erasing_a_member_erases_their_mail_and_old_mail_is_purged(hub, make_member, listener) -> None:
    from hub.core.account.data import erase_member
    from hub.core.jobs.service import run_due

    leaving, staying = await make_member(), await make_member()
    with time_machine.travel(T0, tick=False):
        for person in (leaving, staying):
            await hub.send_mail(person.email, "Hello", "Body")
        await drain(hub)
    await erase_member(hub, leaving.id)
    assert [row["to_address"] for row in await _mail_rows()] == [staying.email]
    await run_due(hub, T0 + timedelta(days=hub.settings.mail_keep_days + 1), only="core.cleanup", force=True)
    assert await _mail_rows() == []


async def test_the_file_backend_writes_each_message_once_even_when_delivered_twice(
    hub_settings, hub_plugins, tmp_path
) -> None:
    from hub.core.app import build_hub
    from hub.core.db import run_migrations

    hub = build_hub(hub_settings.with_overrides(smtp_host=None), plugins=hub_plugins)
    await hub.engine.prepare()
    try:
        await run_migrations(hub.engine, hub.db_apps)
        with time_machine.travel(T0, tick=False):
            await hub.send_mail("folder@example.org", "Kept in a folder", "No SMTP here.")
            lease = timedelta(seconds=hub.settings.worker_lease_seconds)
            (row,) = await claim_due(hub, OutboxMail, now=T0, lease=lease, limit=1, token="dead", busy="sending")
            async with hub.mail.backend.session() as session:  # the dead worker got as far as writing it
                from hub.core.mail.message import build_message

                await session.send(build_message(row), row)
        with time_machine.travel(T0 + lease * 2, tick=False):
            assert (await drain(hub)).sent == 1
        outbox = Outbox.of(hub)
        (delivered,) = outbox.delivered()
        assert delivered["Message-ID"] == row["message_id"]
        assert outbox.to("folder@example.org")[0]["Message-ID"] == row["message_id"]
    finally:
        await hub.engine.close()
