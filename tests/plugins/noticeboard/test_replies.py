"""Replies (htmx and plain), turning replies off, done/archive, private replies through the relay, reports."""

from __future__ import annotations

from datetime import timedelta

from hub.core.moderation.tables import ModerationAction, Report
from hub.core.notifications.tables import Notification
from hub.core.relay.tables import RelayMessage
from hub.plugins.noticeboard import plugin
from hub.plugins.noticeboard.service import now
from hub.plugins.noticeboard.tables import Post, Reply


async def test_htmx_reply_returns_the_new_reply_only(client, make_member, make_post) -> None:
    author, neighbour = await make_member(name="Ana Author"), await make_member(name="Nel Neighbour")
    post_id = await make_post(author.id, "Sofa free")
    await client.login(neighbour)
    response = await client.post_form(f"/noticeboard/{post_id}/replies", {"body": "Can I come at six?"}, htmx=True)
    assert response.status_code == 200
    reply = await Reply.select().first().run()
    assert reply["author"] == neighbour.id and reply["post"] == post_id
    assert f'id="reply-{reply["id"]}"' in response.text and "autofocus" in response.text
    assert "Can I come at six?" in response.text and "<h1" not in response.text
    assert 'id="reply-form"' in response.text and 'hx-swap-oob="true"' in response.text
    notes = await Notification.select().where(Notification.type == "noticeboard.reply").run()
    assert len(notes) == 1 and notes[0]["member"] == author.id and notes[0]["delivery"] == "digest"


async def test_plain_reply_redirects_and_shows(client, make_member, make_post) -> None:
    author, neighbour = await make_member(), await make_member()
    post_id = await make_post(author.id, "Sofa free")
    await client.login(neighbour)
    response = await client.post_form(f"/noticeboard/{post_id}/replies", {"body": "Still there?"})
    assert response.status_code == 303 and "#reply-" in response.headers["location"]
    page = await client.get(f"/noticeboard/{post_id}")
    assert "Still there?" in page.text
    empty = await client.post_form(f"/noticeboard/{post_id}/replies", {"body": "  "})
    assert empty.status_code == 400 and await Reply.count().run() == 1


async def test_author_turns_replies_off(client, anon_client, make_member, make_post) -> None:
    author, neighbour = await make_member(), await make_member()
    post_id = await make_post(author.id, "Quiet notice")
    await client.login(author)
    assert (await client.post_form(f"/noticeboard/{post_id}/replies/toggle")).status_code == 303
    await anon_client.login(neighbour)
    refused = await anon_client.post_form(f"/noticeboard/{post_id}/replies", {"body": "hello"})
    assert refused.status_code == 409 and await Reply.count().run() == 0
    assert "Replies are closed." in (await anon_client.get(f"/noticeboard/{post_id}")).text


async def test_done_closes_replies_and_archives(client, anon_client, make_member, make_post) -> None:
    author, neighbour = await make_member(), await make_member()
    post_id = await make_post(author.id, "Lost: grey cat")
    await client.login(author)
    bad = await client.post_form(f"/noticeboard/{post_id}/done", {"outcome": "eaten"})
    assert bad.status_code == 400
    assert (await Post.select(Post.status).where(Post.id == post_id).first().run())["status"] == "open"
    done = await client.post_form(f"/noticeboard/{post_id}/done", {"outcome": "found"})
    assert done.status_code == 303
    assert "Lost: grey cat" not in (await client.get("/noticeboard/")).text
    assert "Lost: grey cat" in (await client.get("/noticeboard/archive")).text
    assert "Found!" in (await client.get(f"/noticeboard/{post_id}")).text
    await anon_client.login(neighbour)
    refused = await anon_client.post_form(f"/noticeboard/{post_id}/replies", {"body": "Yay"})
    assert refused.status_code == 409 and await Reply.count().run() == 0


async def test_expired_notice_takes_no_replies(client, make_member, make_post) -> None:
    author, neighbour = await make_member(), await make_member()
    post_id = await make_post(author.id, "Old", expires_at=now() - timedelta(minutes=1))
    await client.login(neighbour)
    assert (await client.post_form(f"/noticeboard/{post_id}/replies", {"body": "hi"})).status_code == 409


async def test_private_reply_goes_through_the_relay(client, make_member, make_post, outbox) -> None:
    author, neighbour = await make_member(), await make_member(name="Nel Neighbour")
    post_id = await make_post(author.id, "Ladder to lend")
    await client.login(neighbour)
    sent = await client.post_form(f"/noticeboard/{post_id}/message", {"message": "Could I borrow it Saturday?"})
    assert sent.status_code == 303
    message = await RelayMessage.select().first().run()
    assert message["sender"] == neighbour.id and message["recipient"] == author.id
    assert message["context_url"] == f"/noticeboard/{post_id}"
    mails = outbox.to(author.email)
    assert len(mails) == 1 and neighbour.email not in mails[0].as_string()
    assert await Reply.count().run() == 0


async def test_private_reply_limit_is_a_form_error(client, hub, make_member, make_post) -> None:
    from hub.core.relay.service import RELAY_LIMIT

    author, neighbour = await make_member(), await make_member()
    post_id = await make_post(author.id, "Ladder to lend")
    for number in range(RELAY_LIMIT):
        await hub.relay(neighbour.id, author.id, f"m{number}", "hi")
    await client.login(neighbour)
    refused = await client.post_form(f"/noticeboard/{post_id}/message", {"message": "One more"})
    assert refused.status_code == 400 and "wait a while" in refused.text
    assert await RelayMessage.count().run() == RELAY_LIMIT


async def test_report_and_moderate_posts_and_replies(client, hub, make_member, make_post) -> None:
    author, neighbour, organiser = await make_member(), await make_member(), await make_member(role="moderator")
    post_id = await make_post(author.id, "Cheap watches")
    async with hub.write():
        rows = await Reply.insert(Reply(post=post_id, author=author.id, body="Buy now!!!")).run()
    reply_id = rows[0]["id"]
    await client.login(neighbour)
    for kind, object_id in (("noticeboard.post", post_id), ("noticeboard.reply", reply_id)):
        form = await client.get("/report/", params={"kind": kind, "id": object_id})
        assert form.status_code == 200, kind
        sent = await client.post_form("/report/", {"kind": kind, "id": str(object_id), "reason": "spam"})
        assert sent.status_code == 303
    assert await Report.count().run() == 2

    from hub.core.types import Actor

    mod = Actor(id=organiser.id, display_name="o", email=organiser.email, role="moderator", status="active")
    assert await plugin.moderate(
        hub=hub, kind="noticeboard.reply", object_id=reply_id, action="hide", actor=mod, reason="spam"
    )
    assert "Buy now!!!" not in (await client.get(f"/noticeboard/{post_id}")).text
    assert await plugin.moderate(
        hub=hub, kind="noticeboard.post", object_id=post_id, action="hide", actor=mod, reason="spam"
    )
    assert (await client.get(f"/noticeboard/{post_id}")).status_code == 404
    seen = await plugin.moderation_object(hub=hub, kind="noticeboard.post", object_id=post_id, viewer=mod)
    assert seen is not None and seen.hidden and seen.author_id == author.id
    assert await plugin.moderate(
        hub=hub, kind="noticeboard.post", object_id=post_id, action="restore", actor=mod, reason=""
    )
    assert (await client.get(f"/noticeboard/{post_id}")).status_code == 200
    assert (
        await plugin.moderate(hub=hub, kind="other.thing", object_id=post_id, action="hide", actor=mod, reason="")
        is None
    )
    assert await ModerationAction.count().run() == 0  # the core logs moderate() decisions itself


async def test_long_conversations_page_from_the_latest_replies_back(client, make_member, make_post) -> None:
    author, neighbour = await make_member(), await make_member()
    post_id = await make_post(author.id, "Street party planning")
    await Reply.insert(
        *[Reply(post=post_id, author=neighbour.id, body=f"Message number {n:03d}") for n in range(1, 121)]
    ).run()
    ids = [row["id"] for row in await Reply.select(Reply.id).order_by(Reply.id).run()]

    latest = await client.get(f"/noticeboard/{post_id}")
    assert latest.status_code == 200
    assert "Message number 120" in latest.text and "Message number 071" in latest.text
    assert "Message number 070" not in latest.text
    assert latest.text.index("Message number 071") < latest.text.index("Message number 120")  # oldest first
    assert f"?before={ids[70]}" in latest.text and "Show the latest replies" not in latest.text

    middle = await client.get(f"/noticeboard/{post_id}?before={ids[70]}")
    assert "Message number 021" in middle.text and "Message number 070" in middle.text
    assert "Message number 071" not in middle.text and "Message number 020" not in middle.text
    assert f"?before={ids[20]}" in middle.text and "Show the latest replies" in middle.text

    first = await client.get(f"/noticeboard/{post_id}?before={ids[20]}")
    assert "Message number 001" in first.text and "Message number 020" in first.text
    assert "Show earlier replies" not in first.text

    for junk in ("abc", "-5", "9" * 40, ""):
        page = await client.get(f"/noticeboard/{post_id}?before={junk}")
        assert page.status_code == 200 and "Message number 120" in page.text
