"""Atom feeds (all and per category) and the printable "this week on the board" page."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

from hub.plugins.noticeboard.service import now

ATOM = "{http://www.w3.org/2005/Atom}"


async def test_atom_feed_lists_public_notices(client, member, make_post) -> None:
    await make_post(member.id, "Sofa free", "A **comfy** sofa", category="free")
    await make_post(member.id, "Ladder wanted", category="wanted")
    await make_post(member.id, "Hidden one", hidden=True)
    await make_post(member.id, "Expired one", expires_at=now() - timedelta(days=1))
    response = await client.get("/noticeboard/feed.atom")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    titles = {entry.find(f"{ATOM}title").text for entry in feed.findall(f"{ATOM}entry")}
    assert titles == {"Sofa free", "Ladder wanted"}
    content = next(e for e in feed.findall(f"{ATOM}entry") if e.find(f"{ATOM}title").text == "Sofa free")
    assert "<strong>comfy</strong>" in content.find(f"{ATOM}content").text
    assert "http://127.0.0.1:8000/noticeboard/" in response.text


async def test_category_feed_and_unknown_category(client, member, make_post) -> None:
    await make_post(member.id, "Sofa free", category="free")
    await make_post(member.id, "Ladder wanted", category="wanted")
    response = await client.get("/noticeboard/category/free/feed.atom")
    feed = ET.fromstring(response.content)
    assert [e.find(f"{ATOM}title").text for e in feed.findall(f"{ATOM}entry")] == ["Sofa free"]
    assert (await client.get("/noticeboard/category/nope/feed.atom")).status_code == 404


async def test_print_page_shows_this_week_grouped(client, member, make_post) -> None:
    await make_post(member.id, "Fresh notice", category="free")
    await make_post(member.id, "Last month's notice", created_at=now() - timedelta(days=30))
    page = await client.get("/noticeboard/print")
    assert page.status_code == 200
    assert '<link rel="stylesheet" href="/static/noticeboard/noticeboard.css">' in page.text
    assert "<style" not in page.text  # the CSP allows no inline styles
    css = await client.get("/static/noticeboard/noticeboard.css")
    assert css.status_code == 200 and "size: A4" in css.text
    assert page.text.count("<h1") == 1
    assert "Fresh notice" in page.text and "Free to a good home" in page.text
    assert "Last month's notice" not in page.text


async def test_reply_errors_under_htmx_rerender_the_form(client, make_member, make_post) -> None:
    from hub.plugins.noticeboard.tables import Reply

    author, neighbour = await make_member(), await make_member()
    post_id = await make_post(author.id, "Sofa")
    await client.login(neighbour)
    response = await client.post_form(f"/noticeboard/{post_id}/replies", {"body": ""}, htmx=True)
    assert response.headers["hx-retarget"] == "#reply-form"
    assert 'id="reply-form"' in response.text and "This field is required" in response.text
    assert await Reply.count().run() == 0


async def test_standing_notice_has_nothing_to_extend(client, member, make_post) -> None:
    from hub.plugins.noticeboard.tables import Post

    post_id = await make_post(member.id, "Choir practice every Tuesday", expires_at=None)
    await client.login(member)
    assert (await client.post_form(f"/noticeboard/{post_id}/extend")).status_code == 303
    assert (await Post.select(Post.expires_at).where(Post.id == post_id).first().run())["expires_at"] is None
