"""Browsing: filters without JS, the htmx fragment, keyset pages, bounded queries, scraping limits."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from hub.core.db import count_queries
from hub.core.members.tables import Member
from hub.plugins.directory.tables import DirectoryProfile, DirectoryTag
from hub.testing import HubClient

from .helpers import make_profile, results

pytestmark = pytest.mark.usefixtures("pinned_now")


async def _bulk_profiles(count: int, prefix: str = "Person") -> None:
    """Insert listed members with profiles and tags directly (fast setup for big lists)."""
    now = datetime.now(UTC)
    start = await Member.count().run()
    await Member.insert(
        *[
            Member(email=f"{prefix.lower()}{start + i}@bulk.example.org", display_name=f"{prefix} {i:03d}",
                   status="active", role="moderator" if i % 7 == 0 else "member", created_at=now)
            for i in range(count)
        ]
    ).run()  # fmt: skip
    members = (
        await Member.select(Member.id, Member.display_name)
        .where(Member.email.like(f"{prefix.lower()}%@bulk.example.org"))
        .run()
    )
    await DirectoryProfile.insert(
        *[
            DirectoryProfile(member=m["id"], preferred_name=m["display_name"], sort_name=m["display_name"].casefold(),
                             listed=True, area="E8", area_key="e8")
            for m in members
        ]
    ).run()  # fmt: skip
    profiles = (
        await DirectoryProfile.select(DirectoryProfile.id)
        .where(DirectoryProfile.member.is_in([m["id"] for m in members]))
        .run()
    )
    await DirectoryTag.insert(
        *[
            DirectoryTag(profile=p["id"], kind=kind, key=label.casefold(), label=label)
            for p in profiles
            for kind, label in (("skill", "Cooking"), ("interest", "Chess"), ("language", "English"))
        ]
    ).run()


@pytest.mark.all_databases
async def test_list_page_query_count_is_bounded(client: HubClient, member) -> None:
    await _bulk_profiles(3)
    await client.login(member)
    await client.get("/directory/")
    with count_queries() as few:
        small = await client.get("/directory/")
    await _bulk_profiles(40, prefix="More")
    with count_queries() as many:
        big = await client.get("/directory/")
    assert small.status_code == big.status_code == 200
    assert results(big.text).count('class="directory-card"') == 24

    # The directory's own queries do not grow with the number of people shown (no N+1); the core's
    # bookkeeping (session touch, rate counter) may add a statement now and then.
    def ours(statements: list[str]) -> list[str]:
        return [sql for sql in statements if '"directory_' in sql]

    assert len(ours(many.statements)) == len(ours(few.statements)) == 3, many.statements
    print(f"directory list page: {many.count} queries")
    assert many.count <= 10, many.statements
    profile_id = (await DirectoryProfile.select(DirectoryProfile.id).first().run())["id"]
    with count_queries() as one:
        assert (await client.get(f"/directory/{profile_id}")).status_code == 200
    print(f"directory profile page: {one.count} queries")
    assert one.count <= 10, one.statements


async def test_htmx_search_returns_only_the_results_block(client: HubClient, make_member) -> None:
    bea = await make_member(name="Bea Baker")
    await make_profile(client, bea, skills="Baking")
    await client.login(await make_member())
    full = await client.get("/directory/", params={"q": "bea"})
    assert 'aria-live="polite"' in full.text and "<h1>" in full.text
    fragment = await client.get("/directory/", params={"q": "bea"}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "Bea Baker" in fragment.text
    assert "<html" not in fragment.text and "<h1" not in fragment.text and "<form" not in fragment.text
    assert "HX-Request" in fragment.headers["vary"]
    none = await client.get("/directory/", params={"q": "zzz"}, headers={"HX-Request": "true"})
    assert "Nobody matches that search" in none.text


async def test_filters_work_as_a_plain_get_form(client: HubClient, make_member) -> None:
    cy = await make_member(name="Cy Cook")
    di = await make_member(name="Di Driver")
    await make_profile(client, cy, skills="Cooking", languages="Polski", area="Dalston")
    await make_profile(client, di, interests="Chess", languages="English", area="E5")
    await client.login(await make_member())
    for params, expected in (
        ({"tag": "cooking"}, {"Cy Cook"}),
        ({"tag": "CHESS"}, {"Di Driver"}),
        ({"language": "polski"}, {"Cy Cook"}),
        ({"area": "e5"}, {"Di Driver"}),
        ({"area": "dal"}, {"Cy Cook"}),
        ({"q": "driver"}, {"Di Driver"}),
        ({"q": "cook"}, {"Cy Cook"}),
        ({"q": "%"}, {"Cy Cook", "Di Driver"}),
        ({"tag": "cooking", "area": "e5"}, set()),
    ):
        page = await client.get("/directory/", params=params)
        assert page.status_code == 200
        found = set(re.findall(r'<a href="/directory/\d+">([^<]+)</a>', results(page.text)))
        assert found == expected, params


class TestPages:
    @pytest.fixture
    def directory_config(self) -> dict[str, object]:
        return {"page_size": 5}

    async def test_keyset_pages_cover_everyone_once(self, client: HubClient, member) -> None:
        await _bulk_profiles(12)
        await client.login(member)
        seen: list[str] = []
        url: str | None = "/directory/"
        pages = 0
        while url:
            page = await client.get(url)
            names = re.findall(r'<a href="/directory/\d+">([^<]+)</a>', results(page.text))
            assert len(names) <= 5
            seen += names
            match = re.search(r'<a href="([^"]+)" rel="next">', page.text)
            url = match.group(1).replace("&amp;", "&") if match else None
            pages += 1
        assert pages == 3 and len(seen) == 12 and len(set(seen)) == 12 and seen == sorted(seen)
        assert (await client.get("/directory/", params={"after": "nonsense"})).status_code == 200


class TestScraping:
    @pytest.fixture
    def directory_config(self) -> dict[str, object]:
        return {"browse_limit": 3}

    async def test_browsing_is_rate_limited_per_member(self, client: HubClient, make_member) -> None:
        first, second = await make_member(), await make_member()
        await client.login(first)
        for _ in range(3):
            assert (await client.get("/directory/")).status_code == 200
        limited = await client.get("/directory/", params={"q": "a"})
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0
        assert "a lot of the directory" in limited.text
        assert (await client.get("/directory/1")).status_code == 429
        await client.logout()
        await client.login(second)
        assert (await client.get("/directory/")).status_code == 200
