"""The one digest: combined across plugins, per member settings and language, sent once."""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine

from hub.core.notifications import digest as digest_module
from hub.core.notifications.digest import DigestFailed, run_digest
from hub.core.notifications.preferences import save_choices
from hub.core.notifications.service import declared_types, unread_count
from hub.core.notifications.tables import Notification
from hub.testing import Outbox

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
REPO = Path(__file__).resolve().parents[3]


async def _fill(hub: Any, member_id: int) -> None:
    await hub.notify(member_id, "garden.harvest", "Courgettes are ready", "Bring a bag.", "/garden/beds/3")
    await hub.notify(member_id, "repairs.request", "Bike puncture", "Rear wheel, flat.", "/repairs/12")
    await hub.notify(member_id, "repairs.request", "Wobbly chair", "", "/repairs/13")


def _html(message: Any) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/html":
            return str(part.get_payload(decode=True).decode())
    return ""


async def test_digest_combines_plugins_grouped_by_label_with_links(hub, make_member, outbox: Outbox) -> None:
    alice = await make_member()
    await _fill(hub, alice.id)
    assert outbox.to(alice.email) == []  # digest items never mail at once

    assert await run_digest(hub, T0) == 1
    mails = outbox.to(alice.email)
    assert len(mails) == 1
    text = Outbox.text(mails[0])
    assert text.index("Harvest news") < text.index("Repair requests")  # grouped, sorted by label
    for title in ("Courgettes are ready", "Bike puncture", "Wobbly chair"):
        assert text.count(title) == 1
    assert f"{hub.base_url}/garden/beds/3" in text and f"{hub.base_url}/repairs/12" in text
    html = _html(mails[0])
    assert "<h2" in html and "Bike puncture" in html and 'href="http' in html
    unsubscribe = mails[0]["List-Unsubscribe"]
    assert unsubscribe.startswith("<http") and "/notifications/unsubscribe/" in unsubscribe
    assert mails[0]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert sum("/notifications/unsubscribe/" in link for link in Outbox.links(mails[0])) == 3  # 2 types + all

    # Items stay in the hub; the next run finds nothing to send.
    assert await unread_count(alice.id) == 3
    assert await run_digest(hub, T0 + timedelta(days=1)) == 0
    assert len(outbox.to(alice.email)) == 1


async def test_digest_is_in_the_members_language(hub, make_member, outbox: Outbox) -> None:
    rosa = await make_member(language="es")
    await _fill(hub, rosa.id)
    await run_digest(hub, T0)
    (mail,) = outbox.to(rosa.email)
    assert "Noticias de la cosecha" in Outbox.text(mail)
    assert "Harvest news" not in Outbox.text(mail)
    assert 'lang="es"' in _html(mail)
    assert "Novedades en" in str(mail["Subject"])


async def test_empty_digest_is_skipped(hub, make_member, outbox: Outbox, client) -> None:
    _quiet, reader = await make_member(), await make_member()
    await hub.notify(reader.id, "garden.harvest", "Beans", url="/garden/")
    await client.login(reader)
    await client.post_form("/notifications/read-all")
    assert await run_digest(hub, T0) == 0
    assert outbox.messages() == []


async def test_digest_respects_frequency_and_type_choices(hub, make_member, outbox: Outbox) -> None:
    weekly, daily = await make_member(), await make_member()
    types = await declared_types(hub)
    await save_choices(hub, weekly.id, types, {}, frequency="weekly")
    await save_choices(hub, daily.id, types, {"garden.harvest": "off", "repairs.request": "hub"})

    assert await hub.notify(daily.id, "garden.harvest", "Beans") is None  # off: not even stored
    assert await hub.notify(daily.id, "repairs.request", "Kettle") is not None  # hub only
    for day in range(3):
        await hub.notify(weekly.id, "garden.harvest", f"Harvest {day}", dedupe_key=f"h{day}")
    assert await run_digest(hub, T0) == 1  # the weekly member's first digest; nothing for "hub only"
    assert len(outbox.to(weekly.email)) == 1 and outbox.to(daily.email) == []

    await hub.notify(weekly.id, "garden.harvest", "Late plums")
    assert await run_digest(hub, T0 + timedelta(days=2)) == 0  # not a week yet
    assert await run_digest(hub, T0 + timedelta(days=7)) == 1
    assert "Late plums" in Outbox.text(outbox.to(weekly.email)[-1])

    # "no digest" keeps items in the hub only.
    await save_choices(hub, weekly.id, types, {}, frequency="off")
    await hub.notify(weekly.id, "garden.harvest", "Apples")
    assert await run_digest(hub, T0 + timedelta(days=30)) == 0


async def test_immediate_type_emails_at_once_with_its_unsubscribe_link(hub, make_member, outbox: Outbox) -> None:
    bob = await make_member()
    with time_machine.travel(T0, tick=False):
        await hub.notify(bob.id, "repairs.urgent", "Leak in the hall", "Water under the door", "/repairs/9")
    (mail,) = outbox.to(bob.email)
    assert mail["Subject"] == "Leak in the hall"
    assert "Water under the door" in Outbox.text(mail)
    assert "/notifications/unsubscribe/" in mail["List-Unsubscribe"]
    row = await Notification.select().where(Notification.member == bob.id).first().run()
    assert row["emailed_at"] == T0
    assert await run_digest(hub, T0 + timedelta(days=1)) == 0  # emailed items never reappear in a digest


async def test_a_crash_before_queueing_loses_nothing_and_never_sends_twice(
    hub, make_member, outbox: Outbox, monkeypatch
) -> None:
    carol = await make_member()
    await _fill(hub, carol.id)

    class Crash(BaseException):
        """The worker dies (killed, cancelled) between the claim and queueing the email."""

    async def crash(*args: Any, **kwargs: Any) -> None:
        raise Crash()

    monkeypatch.setattr(digest_module, "send_digest_mail", crash)
    with pytest.raises(Crash):
        await run_digest(hub, T0)
    monkeypatch.undo()
    assert outbox.to(carol.email) == []
    assert await unread_count(carol.id) == 3  # nothing lost: still in the hub, and still unclaimed
    # The claim rolled back with the crash, so the next run sends the digest, once.
    assert await run_digest(hub, T0 + timedelta(minutes=1)) == 1
    assert await run_digest(hub, T0 + timedelta(days=2)) == 0
    (mail,) = outbox.to(carol.email)
    assert Outbox.text(mail).count("Wobbly chair") == 1


async def test_a_failed_send_is_released_and_retried_once(hub, make_member, outbox: Outbox, monkeypatch) -> None:
    dan = await make_member()
    await _fill(hub, dan.id)

    async def smtp_down(*args: Any, **kwargs: Any) -> None:
        raise OSError("connection refused")

    monkeypatch.setattr(digest_module, "send_digest_mail", smtp_down)
    with pytest.raises(DigestFailed):
        await run_digest(hub, T0)
    monkeypatch.undo()
    assert await run_digest(hub, T0 + timedelta(minutes=1)) == 1
    assert await run_digest(hub, T0 + timedelta(minutes=2)) == 0
    (mail,) = outbox.to(dan.email)
    assert Outbox.text(mail).count("Bike puncture") == 1


WORKER = """
import asyncio, sys
from datetime import datetime
from pathlib import Path
from hub.core.app import build_hub
from hub.core.jobs.service import run_due
from hub.core.settings import Settings
from tests.core.notifications.plugins.garden import plugin as garden
from tests.core.notifications.plugins.repairs import plugin as repairs

async def main():
    settings = Settings(hub_dir=Path(sys.argv[1]), secret_key=sys.argv[2], plugins=(), languages=("en", "es", "ar"))
    hub = build_hub(settings, plugins=[garden, repairs], load_entrypoints=False)
    await hub.engine.prepare()
    try:
        outcomes = await run_due(hub, datetime.fromisoformat(sys.argv[3]), only="core.digest", force=True)
        print(outcomes[0].status)
    finally:
        await hub.engine.close()

asyncio.run(main())
"""


async def test_two_workers_send_one_digest_per_member(hub, make_member, outbox: Outbox) -> None:
    """Two separate processes on one SQLite file run the digest job at once (forced past the job lock)."""
    people = [await make_member() for _ in range(4)]
    for person in people:
        await _fill(hub, person.id)

    async def worker() -> str:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            WORKER,
            str(hub.settings.hub_dir),
            hub.settings.secret_key,
            T0.isoformat(),
            cwd=str(REPO),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await process.communicate()
        assert process.returncode == 0, err.decode()
        return out.decode().strip()

    statuses = await asyncio.gather(worker(), worker())
    assert statuses == ["ran", "ran"] or sorted(statuses) == ["ran", "skipped"]
    for person in people:
        assert len(outbox.to(person.email)) == 1
