"""Members-only notices never reach visitors; hidden ones reach only organisers and authors; export/erase."""

from __future__ import annotations

from hub.core import hooks
from hub.plugins.noticeboard import plugin
from hub.plugins.noticeboard.tables import Post, Reply

SECRET = "Spare keys under the blue pot"


async def _everywhere(client, post_id: int) -> dict[str, str]:
    pages = {}
    for url in (
        "/noticeboard/",
        "/noticeboard/?q=spare",
        "/noticeboard/?area=Riverside",
        "/noticeboard/?category=notices",
        "/noticeboard/print",
        "/noticeboard/archive",
        "/noticeboard/feed.atom",
        "/noticeboard/category/notices/feed.atom",
        "/search?q=spare",
        "/",
    ):
        pages[url] = (await client.get(url)).text
    pages["htmx"] = (await client.get("/noticeboard/?q=spare", headers={"HX-Request": "true"})).text
    return pages


async def test_members_only_notices_never_leak_to_visitors(client, hub, member, make_post, tmp_path) -> None:
    post_id = await make_post(member.id, SECRET, "Members only, please", audience="members", area="Riverside")
    await make_post(member.id, "Public jumble sale", "Everyone welcome", area="Riverside")
    done_id = await make_post(member.id, f"{SECRET} (closed)", audience="members", status="done")
    for url, text in (await _everywhere(client, post_id)).items():
        assert SECRET not in text, url
    assert "Public jumble sale" in (await client.get("/noticeboard/")).text
    for url in (f"/noticeboard/{post_id}", f"/noticeboard/{post_id}/image", f"/noticeboard/{done_id}"):
        assert (await client.get(url)).status_code == 404, url
    report = await client.get("/report/", params={"kind": "noticeboard.post", "id": post_id})
    assert report.status_code in (302, 303, 401, 404)

    assert await plugin.search(hub=hub, query="spare keys", actor=None, limit=10) == []
    panels = await plugin.home_panels(hub=hub, request=None, actor=None)
    assert all(SECRET not in str(p.body) for p in panels)
    sections = await plugin.profile_sections(hub=hub, member_id=member.id, viewer=None)
    assert all(SECRET not in str(p.body) for p in sections)
    assert await plugin.moderation_object(hub=hub, kind="noticeboard.post", object_id=post_id, viewer=None) is None

    await client.login(member)
    pages = await _everywhere(client, post_id)
    for url in ("/noticeboard/", "/noticeboard/?q=spare", "/noticeboard/print", "/search?q=spare", "htmx"):
        assert SECRET in pages[url], url
    assert SECRET not in pages["/noticeboard/feed.atom"]
    assert (await client.get(f"/noticeboard/{post_id}")).status_code == 200


async def test_hidden_notices_only_for_organisers_and_author(client, anon_client, hub, make_member, make_post) -> None:
    author, other, organiser = await make_member(), await make_member(), await make_member(role="moderator")
    post_id = await make_post(author.id, "Hidden thing", hidden=True)
    await anon_client.login(other)
    assert (await anon_client.get(f"/noticeboard/{post_id}")).status_code == 404
    assert "Hidden thing" not in (await anon_client.get("/noticeboard/")).text
    await client.login(author)
    own = await client.get(f"/noticeboard/{post_id}")
    assert own.status_code == 200 and "hidden by the organisers" in own.text
    assert "Hidden thing" in (await client.get("/noticeboard/mine")).text
    await anon_client.logout()
    await anon_client.login(organiser)
    assert (await anon_client.get(f"/noticeboard/{post_id}")).status_code == 200


async def test_export_and_erase(client, hub, make_member, make_post) -> None:
    leaver, neighbour = await make_member(name="Leaving Lou"), await make_member()
    lonely = await make_post(leaver.id, "Nobody answered")
    answered = await make_post(leaver.id, "Others replied")
    self_only = await make_post(leaver.id, "Only I replied")
    async with hub.write():
        await Reply.insert(
            Reply(post=answered, author=neighbour.id, body="I'd like it"),
            Reply(post=self_only, author=leaver.id, body="bump"),
            Reply(post=await make_post(neighbour.id, "Neighbour's"), author=leaver.id, body="Count me in"),
        ).run()
    exported = await plugin.member_data_export(hub=hub, member_id=leaver.id)
    assert {n["title"] for n in exported["notices"]} == {"Nobody answered", "Others replied", "Only I replied"}
    assert [r["body"] for r in exported["replies"]] == ["bump", "Count me in"]
    import json

    json.dumps(exported)

    await plugin.member_data_erase(hub=hub, member_id=leaver.id)
    remaining = {row["id"]: row for row in await Post.select().run()}
    assert lonely not in remaining and self_only not in remaining
    assert remaining[answered]["author"] is None and remaining[answered]["title"] == "Others replied"
    assert await Post.count().where(Post.author == leaver.id).run() == 0
    assert await Reply.count().where(Reply.author == leaver.id).run() == 0
    assert await Reply.count().where(Reply.body == "Count me in").run() == 1
    page = await client.get(f"/noticeboard/{answered}")
    assert "a former member" in page.text and "Leaving Lou" not in page.text


async def test_search_hook_and_panels_for_members(client, hub, member, make_post) -> None:
    from hub.core.types import Actor

    await make_post(member.id, "Repair café Sunday", "Bring broken toasters", audience="members")
    actor = Actor(id=member.id, display_name="x", email=member.email, role="member", status="active")
    hits = await plugin.search(hub=hub, query="toasters", actor=actor, limit=5)
    assert [h.title for h in hits] == ["Repair café Sunday"] and hits[0].href.startswith("/noticeboard/")
    panels = await plugin.profile_sections(hub=hub, member_id=member.id, viewer=actor)
    assert "Repair café Sunday" in str(panels[0].body)
    every = await hooks.gather_hook(hub.registry, "search", hub=hub, query="toasters", actor=None, limit=5)
    assert every == []
