"""Expiry per category, "no expiry", renewal, "My notices", and the reminder job with chosen times."""

from __future__ import annotations

from datetime import timedelta

from hub.core.notifications.tables import Notification
from hub.plugins.noticeboard import plugin
from hub.plugins.noticeboard.jobs import send_expiry_reminders
from hub.plugins.noticeboard.service import now
from hub.plugins.noticeboard.tables import Category, Post


async def test_expired_notices_leave_the_board_but_not_my_notices(client, member, make_post) -> None:
    gone = await make_post(member.id, "Old jumble sale", expires_at=now() - timedelta(hours=1))
    await make_post(member.id, "Standing notice", expires_at=None)
    board = await client.get("/noticeboard/")
    assert "Old jumble sale" not in board.text and "Standing notice" in board.text
    await client.login(member)
    mine = await client.get("/noticeboard/mine")
    assert "Old jumble sale" in mine.text and "Expired" in mine.text and "Renew" in mine.text
    renewed = await client.post_form(f"/noticeboard/{gone}/extend")
    assert renewed.status_code == 303
    row = await Post.select(Post.expires_at).where(Post.id == gone).first().run()
    assert timedelta(days=29) < row["expires_at"] - now() <= timedelta(days=30)
    assert "Old jumble sale" in (await client.get("/noticeboard/")).text


async def test_no_expiry_choice_and_category_default(client, hub, member) -> None:
    category = await Category.select().where(Category.slug == "urgent").first().run()
    await client.login(member)
    base = {"title": "Road closed", "category": str(category["id"]), "body": "Detour", "area": "",
            "audience": "public", "image_alt": "", "action": "save"}  # fmt: skip
    first = await client.post_form("/noticeboard/new", {**base, "expiry": "default"})
    second = await client.post_form("/noticeboard/new", {**base, "expiry": "none"})
    ids = [int(r.headers["location"].rsplit("/", 1)[1]) for r in (first, second)]
    rows = {r["id"]: r for r in await Post.select().where(Post.id.is_in(ids)).run()}
    assert timedelta(days=6) < rows[ids[0]]["expires_at"] - now() <= timedelta(days=7)
    assert rows[ids[1]]["expires_at"] is None


async def test_organisers_set_category_expiry(client, anon_client, moderator, member) -> None:
    await anon_client.login(member)
    assert (await anon_client.get("/noticeboard/categories")).status_code == 403
    assert (
        await anon_client.post_form("/noticeboard/categories", {"name": "Pets", "default_expiry_days": "5"})
    ).status_code == 403
    await client.login(moderator)
    page = await client.get("/noticeboard/categories")
    assert page.status_code == 200 and "Free to a good home" in page.text
    added = await client.post_form("/noticeboard/categories", {"name": "Pets", "default_expiry_days": "5"})
    assert added.status_code == 303
    pets = await Category.select().where(Category.slug == "pets").first().run()
    assert pets["default_expiry_days"] == 5
    bad = await client.post_form("/noticeboard/categories", {"name": "Pets", "default_expiry_days": "-1"})
    assert bad.status_code == 400 and await Category.count().run() == 7
    renamed = await client.post_form(
        f"/noticeboard/categories/{pets['id']}", {"name": "Pets & animals", "default_expiry_days": "0"}
    )
    assert renamed.status_code == 303
    pets = await Category.select().where(Category.id == pets["id"]).first().run()
    assert pets["name"] == "Pets & animals" and pets["default_expiry_days"] == 0


async def test_reminder_job_is_idempotent_and_follows_extensions(hub, member, make_post) -> None:
    at = now()
    due = await make_post(member.id, "Ladder to lend", expires_at=at + timedelta(days=1))
    await make_post(member.id, "Far away", expires_at=at + timedelta(days=20))
    await make_post(member.id, "Already gone", expires_at=at - timedelta(days=1))
    await make_post(member.id, "Standing", expires_at=None)
    await make_post(None, "Former member's", expires_at=at + timedelta(days=1))
    await make_post(member.id, "Closed", expires_at=at + timedelta(days=1), status="done")

    assert await send_expiry_reminders(hub, at) == 1
    assert await send_expiry_reminders(hub, at) == 0
    assert await send_expiry_reminders(hub, at + timedelta(hours=3)) == 0
    notes = await Notification.select().where(Notification.type == "noticeboard.expiring").run()
    assert len(notes) == 1 and notes[0]["member"] == member.id and notes[0]["url"] == f"/noticeboard/{due}"

    async with hub.write():
        await Post.update({Post.expires_at: at + timedelta(days=10)}).where(Post.id == due).run()
    assert await send_expiry_reminders(hub, at) == 0
    assert await send_expiry_reminders(hub, at + timedelta(days=9)) == 1
    assert await Notification.count().where(Notification.type == "noticeboard.expiring").run() == 2


async def test_reminder_is_emailed_by_default(hub, member, make_post, outbox) -> None:
    await make_post(member.id, "Bike pump", expires_at=now() + timedelta(hours=5))
    await send_expiry_reminders(hub, now())
    mails = outbox.to(member.email)
    from email.header import decode_header, make_header

    assert len(mails) == 1 and "Bike pump" in str(make_header(decode_header(mails[0]["Subject"])))


def test_job_and_notification_types_are_declared(hub) -> None:
    jobs = plugin.register_jobs(hub=hub)
    assert [j.name for j in jobs] == ["noticeboard.expiry_reminders"] and jobs[0].every == timedelta(hours=1)
    types = {t.key: t.default_delivery for t in plugin.notification_types(hub=hub)}
    assert types == {"noticeboard.reply": "digest", "noticeboard.expiring": "email"}
