"""The board: order, keyset pages, filters, search, "new since my last visit", htmx fragments, query budget."""

from __future__ import annotations

from datetime import timedelta

from hub.core.db import count_queries
from hub.plugins.noticeboard.service import now
from hub.plugins.noticeboard.tables import Visit


async def test_pinned_first_then_newest(client, member, make_post) -> None:
    start = now() - timedelta(days=1)
    older = await make_post(member.id, "Older notice", created_at=start)
    pinned = await make_post(member.id, "Pinned notice", created_at=start - timedelta(hours=5), pinned=True)
    newer = await make_post(member.id, "Newer notice", created_at=start + timedelta(hours=1))
    page = await client.get("/noticeboard/")
    text = page.text
    assert text.index("Pinned notice") < text.index("Newer notice") < text.index("Older notice")
    assert {older, pinned, newer}


async def test_keyset_pages_walk_every_notice_once(client, member, make_post) -> None:
    base = now() - timedelta(days=2)
    titles = []
    for number in range(13):
        title = f"Notice number {number:02d}"
        titles.append(title)
        # two notices share a timestamp, to prove the id breaks ties
        await make_post(member.id, title, created_at=base + timedelta(minutes=number // 2), pinned=number in (3, 9))
    seen: list[str] = []
    url = "/noticeboard/?size=4"
    pages = 0
    while url:
        page = await client.get(url)
        assert page.status_code == 200
        assert "OFFSET" not in page.text
        found = [t for t in titles if t in page.text]
        seen.extend(sorted(found, key=page.text.index))
        pages += 1
        marker = 'rel="next"'
        if marker in page.text:
            href = page.text.split(marker)[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
            url = href if "size=" in href else href + "&size=4"
        else:
            url = ""
    assert pages == 4
    assert sorted(seen) == sorted(titles) and len(seen) == len(set(seen))
    assert seen[:2] == ["Notice number 09", "Notice number 03"]


async def test_bad_cursor_shows_the_first_page(client, member, make_post) -> None:
    await make_post(member.id, "Still here")
    page = await client.get("/noticeboard/", params={"after": "not-a-cursor!!"})
    assert page.status_code == 200 and "Still here" in page.text


async def test_filters_by_category_and_area(client, member, make_post) -> None:
    await make_post(member.id, "Ladder wanted", category="wanted", area="Riverside")
    await make_post(member.id, "Sofa free", category="free", area="Old Town")
    wanted = await client.get("/noticeboard/", params={"category": "wanted"})
    assert "Ladder wanted" in wanted.text and "Sofa free" not in wanted.text
    area = await client.get("/noticeboard/", params={"area": "old town"})
    assert "Sofa free" in area.text and "Ladder wanted" not in area.text


async def test_full_text_search_follows_edits_and_deletes(client, hub, member, make_post) -> None:
    from hub.plugins.noticeboard.tables import Post

    first = await make_post(member.id, "Tomato seedlings", "Moneymaker plants, bring a tray")
    await make_post(member.id, "Bicycle pump", "Lost near the school")
    found = await client.get("/noticeboard/", params={"q": "seedling"})
    assert "Tomato seedlings" in found.text and "Bicycle pump" not in found.text
    assert "Bicycle pump" in (await client.get("/noticeboard/", params={"q": "SCHOOL"})).text
    async with hub.write():
        await Post.update({Post.title: "Courgette plants"}).where(Post.id == first).run()
    assert "Courgette plants" in (await client.get("/noticeboard/", params={"q": "courgette"})).text
    assert "Courgette" not in (await client.get("/noticeboard/", params={"q": "tomato"})).text
    async with hub.write():
        await Post.delete().where(Post.id == first).run()
    assert "Courgette" not in (await client.get("/noticeboard/", params={"q": "courgette"})).text
    hostile = await client.get("/noticeboard/", params={"q": 'a" OR NEAR( * -- ) "'})
    assert hostile.status_code == 200


async def test_new_since_my_last_visit(client, hub, member, make_post) -> None:
    await make_post(member.id, "Seen before", created_at=now() - timedelta(days=3))
    await client.login(member)
    marked = await client.post_form("/noticeboard/seen")
    assert marked.status_code == 303
    assert await Visit.count().where(Visit.member == member.id).run() == 1
    await make_post(member.id, "Brand new", created_at=now() + timedelta(seconds=1))
    page = await client.get("/noticeboard/", params={"new": "1"})
    assert "Brand new" in page.text and "Seen before" not in page.text
    assert (await client.post_form("/noticeboard/seen")).status_code == 303
    assert await Visit.count().where(Visit.member == member.id).run() == 1


async def test_get_never_records_a_visit(client, member) -> None:
    await client.login(member)
    await client.get("/noticeboard/")
    assert await Visit.count().run() == 0


async def test_htmx_request_gets_only_the_results_block(client, member, make_post) -> None:
    await make_post(member.id, "Fragment notice")
    page = await client.get("/noticeboard/", params={"q": "fragment"}, headers={"HX-Request": "true"})
    assert page.status_code == 200
    assert page.text.lstrip().startswith('<div id="results"')
    assert "Fragment notice" in page.text and "<html" not in page.text and "<h1" not in page.text
    assert "HX-Request" in page.headers["vary"]
    full = await client.get("/noticeboard/")
    assert full.text.count("<h1") == 1 and "<title>Noticeboard" in full.text


async def test_list_page_runs_a_bounded_number_of_queries(client, hub, member, make_post) -> None:
    from hub.plugins.noticeboard.tables import Reply

    for number in range(40):
        post_id = await make_post(member.id, f"Busy notice {number}", area="Riverside")
        async with hub.write():
            await Reply.insert(Reply(post=post_id, author=member.id, body="reply")).run()
    await client.login(member)
    await client.get("/noticeboard/")  # warm the per-process caches (site state, banner)
    counts = {}
    for size in (1, 10, 40):
        with count_queries() as counter:
            page = await client.get(f"/noticeboard/?size={size}")
        assert page.status_code == 200
        counts[size] = counter.count
    assert counts[1] == counts[10] == counts[40], counts
    assert counts[40] <= 5, counter.statements
    anon = await client.logout()
    assert anon.status_code in (302, 303)
    await client.get("/noticeboard/")
    with count_queries() as counter:
        await client.get("/noticeboard/?size=40")
    assert counter.count <= 5, counter.statements
