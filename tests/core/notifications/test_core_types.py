"""The core's own notification types: members waiting for approval, and relayed messages."""

from __future__ import annotations

from hub.core.notifications.tables import Notification
from hub.testing import Outbox


async def test_organisers_hear_about_a_member_waiting_once(hub, make_member, outbox: Outbox) -> None:
    organiser, admin, member = await make_member(role="moderator"), await make_member(role="admin"), await make_member()
    newcomer = await make_member(status="pending", name="Nadia Newcomer")
    await hub.emit("core.member_waiting", newcomer.id, member_id=newcomer.id)
    await hub.emit("core.member_waiting", newcomer.id, member_id=newcomer.id)  # a retry sends nothing more
    rows = await Notification.select().where(Notification.type == "core.member_waiting").run()
    assert sorted(r["member"] for r in rows) == sorted([organiser.id, admin.id])
    assert all("Nadia Newcomer" in r["title"] and r["delivery"] == "digest" for r in rows)
    assert not await Notification.exists().where(Notification.member == member.id).run()
    assert outbox.messages() == []  # digest by default: no email storm from a wave of sign-ups


async def test_a_relayed_message_shows_in_the_hub_without_a_second_email(hub, make_member, outbox: Outbox) -> None:
    alice, bilal = await make_member(name="Alice Okafor"), await make_member()
    message_id = await hub.relay(alice.id, bilal.id, "Ladder", "Could I borrow it?")
    (row,) = await Notification.select().where(Notification.member == bilal.id).run()
    assert row["type"] == "core.message" and row["url"] == f"/messages/{message_id}"
    assert "Alice Okafor" in row["title"] and row["delivery"] == "hub"
    assert len(outbox.to(bilal.email)) == 1  # only the relay's own email


async def test_member_data_export_includes_notifications_and_choices(hub, member) -> None:
    from hub.core import hooks

    await hub.notify(member.id, "garden.harvest", "Figs", url="/garden/")
    results = dict(await hooks.gather_hook_by_plugin(hub.registry, "member_data_export", hub=hub, member_id=member.id))
    exported = results["core.notifications"]
    assert [n["title"] for n in exported["notifications"]] == ["Figs"]
    assert exported["digest"] == "daily" and exported["deliveries"] == {}
