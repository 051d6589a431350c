"""Organiser tools: pin, urgent banner (cached, no extra query), hide/restore, move; all logged."""

from __future__ import annotations

from hub.core.db import count_queries
from hub.core.moderation.tables import ModerationAction
from hub.plugins.noticeboard import banner
from hub.plugins.noticeboard.tables import Category, Post


async def test_pin_puts_a_notice_first_and_is_logged(client, moderator, member, make_post) -> None:
    first = await make_post(member.id, "First notice")
    await make_post(member.id, "Second notice")
    await client.login(moderator)
    assert (await client.post_form(f"/noticeboard/{first}/pin")).status_code == 303
    page = (await client.get("/noticeboard/")).text
    assert page.index("First notice") < page.index("Second notice")
    logged = await ModerationAction.select().where(ModerationAction.action == "noticeboard.pin").run()
    assert len(logged) == 1 and logged[0]["object_id"] == first and logged[0]["actor"] == moderator.id


async def test_urgent_banner_on_every_page(admin, client, anon_client, moderator, member, make_post) -> None:
    post_id = await make_post(member.id, "Water off tonight", category="urgent")
    await client.login(moderator)
    assert (await client.post_form(f"/noticeboard/{post_id}/urgent")).status_code == 303
    for url in ("/", "/noticeboard/", "/search", "/noticeboard/archive"):
        text = (await anon_client.get(url)).text
        assert '<div class="banner-urgent" role="alert">' in text, url
        assert f'href="/noticeboard/{post_id}">Water off tonight</a>' in text, url
    assert (await client.post_form(f"/noticeboard/{post_id}/urgent")).status_code == 303
    assert "banner-urgent" not in (await client.get("/")).text


async def test_members_only_urgent_banner_stays_with_members(admin, client, anon_client, moderator, make_post) -> None:
    await make_post(moderator.id, "Members: meeting moved", audience="members", urgent=True)
    assert "Members: meeting moved" not in (await anon_client.get("/")).text
    await client.login(moderator)
    assert "Members: meeting moved" in (await client.get("/")).text


async def test_banner_is_cached_and_adds_no_query(admin, client, hub, member, make_post) -> None:
    await make_post(member.id, "Storm warning", urgent=True)
    banner.forget(hub)
    with count_queries() as first:
        await client.get("/")
    assert sum('"urgent" =' in statement for statement in first.statements) == 1
    with count_queries() as counter:
        text = (await client.get("/")).text
    assert "Storm warning" in text
    assert not any('"urgent" =' in statement for statement in counter.statements), counter.statements


async def test_hide_restore_and_move_are_logged(client, anon_client, moderator, member, make_post) -> None:
    post_id = await make_post(member.id, "Dubious offer")
    await client.login(moderator)
    assert (await client.post_form(f"/noticeboard/{post_id}/hide", {"reason": "scam"})).status_code == 303
    assert (await anon_client.get(f"/noticeboard/{post_id}")).status_code == 404
    assert (await client.post_form(f"/noticeboard/{post_id}/restore")).status_code == 303
    assert (await anon_client.get(f"/noticeboard/{post_id}")).status_code == 200
    wanted = await Category.select().where(Category.slug == "wanted").first().run()
    moved = await client.post_form(f"/noticeboard/{post_id}/move", {"category": str(wanted["id"]), "reason": "tidy"})
    assert moved.status_code == 303
    assert (await Post.select(Post.category).where(Post.id == post_id).first().run())["category"] == wanted["id"]
    bad = await client.post_form(f"/noticeboard/{post_id}/move", {"category": "999"})
    assert bad.status_code == 400
    actions = [row["action"] for row in await ModerationAction.select().order_by(ModerationAction.id).run()]
    assert actions == ["hide", "restore", "noticeboard.move"]
    hidden_log = await ModerationAction.select().where(ModerationAction.action == "hide").first().run()
    assert hidden_log["reason"] == "scam" and hidden_log["subject"] == member.id


async def test_nav_item_and_permissions(admin, client, hub) -> None:
    page = await client.get("/")
    assert 'href="/noticeboard/"' in page.text and "Noticeboard" in page.text
    names = {p.name: p.roles for p in hub.permissions.all() if p.name.startswith("noticeboard.")}
    assert "anonymous" in names["noticeboard.view"]
    assert "anonymous" not in names["noticeboard.post"] and "anonymous" not in names["noticeboard.reply"]
    assert set(names["noticeboard.manage"]) == {"moderator", "admin"}
