"""Privacy: what each field's visibility allows, everywhere a profile can surface."""

from __future__ import annotations

import csv
import io

import pytest

from hub.core import hooks
from hub.plugins.directory.tables import DirectoryProfile
from hub.testing import HubClient

from .helpers import make_profile

SECRET_AREA = "Clapton"
SECRET_SKILL = "Lockpicking"
PRIVATE_PRONOUNS = "xe/xem"


async def _hub_search(client: HubClient, query: str) -> str:
    response = await client.get("/search", params={"q": query})
    assert response.status_code == 200
    return response.text


@pytest.mark.all_databases
async def test_organiser_only_fields_never_reach_members(client: HubClient, hub, make_member, moderator) -> None:
    alice = await make_member(name="Alice Okafor")
    profile_id = await make_profile(
        client,
        alice,
        area=SECRET_AREA,
        vis_area="2",
        skills=SECRET_SKILL,
        vis_tags="2",
        pronouns=PRIVATE_PRONOUNS,
        vis_pronouns="3",
        bio="Ask me about **sourdough**.",
    )
    bob = await make_member(name="Bob Mensah")
    await client.login(bob)

    pages = [
        await client.get("/directory/"),
        await client.get(f"/directory/{profile_id}"),
        await client.get("/directory/", params={"q": "alice"}, headers={"HX-Request": "true"}),
    ]
    for page in pages:
        assert page.status_code == 200
        assert "Alice Okafor" in page.text
        assert SECRET_AREA not in page.text and SECRET_SKILL not in page.text and PRIVATE_PRONOUNS not in page.text
    assert "<strong>sourdough</strong>" in pages[1].text

    # Filtering by a hidden value must not reveal who has it.
    for params in ({"area": SECRET_AREA}, {"tag": SECRET_SKILL.lower()}, {"q": SECRET_SKILL}):
        found = await client.get("/directory/", params=params)
        assert "Alice Okafor" not in found.text, params
    assert "Alice" not in await _hub_search(client, SECRET_SKILL)
    by_name = await _hub_search(client, "Alice")
    assert "Alice Okafor" in by_name and SECRET_AREA not in by_name and SECRET_SKILL not in by_name

    assert (await client.get("/directory/manage/export.csv")).status_code == 403
    assert (await client.get("/directory/manage/print")).status_code == 403
    await client.logout()

    # Organisers see "organisers" fields, never "only me" ones.
    await client.login(moderator)
    page = await client.get(f"/directory/{profile_id}")
    assert SECRET_AREA in page.text and SECRET_SKILL in page.text and PRIVATE_PRONOUNS not in page.text
    exported = await client.get("/directory/manage/export.csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [row["name"] for row in rows] == ["Alice Okafor"]
    assert rows[0]["area"] == SECRET_AREA and rows[0]["pronouns"] == "" and rows[0]["email"] == ""
    assert alice.email not in exported.text
    await client.logout()

    # The owner sees everything, including "only me".
    await client.login(alice)
    own = await client.get(f"/directory/{profile_id}")
    assert PRIVATE_PRONOUNS in own.text and SECRET_AREA in own.text


@pytest.mark.all_databases
async def test_unlisted_member_never_appears(client: HubClient, hub, make_member, moderator) -> None:
    carol = await make_member(name="Carol Unlisted")
    profile_id = await make_profile(client, carol, listed=False, skills="Knitting")
    dave = await make_member(name="Dave Listed")
    await make_profile(client, dave, skills="Knitting")
    for viewer in (await make_member(), moderator):
        await client.login(viewer)
        for url, params in (("/directory/", {}), ("/directory/", {"tag": "knitting"}), ("/search", {"q": "Carol"})):
            page = await client.get(url, params=params)
            assert "Carol Unlisted" not in page.text
        assert "Dave Listed" in (await client.get("/directory/", params={"tag": "knitting"})).text
        assert (await client.get(f"/directory/{profile_id}")).status_code == 404
        assert (await client.get(f"/directory/{profile_id}/avatar.svg")).status_code == 404
        assert (await client.get(f"/directory/{profile_id}/contact")).status_code == 404
        if viewer.role == "moderator":
            assert "Carol Unlisted" not in (await client.get("/directory/manage/export.csv")).text
        await client.logout()
    await client.login(carol)
    assert (await client.get(f"/directory/{profile_id}")).status_code == 200


async def test_visitors_get_the_login_redirect_by_default(client: HubClient, make_member, admin) -> None:
    erin = await make_member(name="Erin Public")
    await make_profile(client, erin, vis_area="0", area="Dalston")
    response = await client.get("/directory/")
    assert response.status_code in (302, 303) and "/account/login" in response.headers["location"]
    assert "Erin Public" not in await _hub_search(client, "Erin")
    home = await client.get("/")
    assert home.status_code == 200 and 'href="/directory/"' not in home.text


async def test_member_sees_nav_item_and_noindex_header(client: HubClient, member, admin) -> None:
    await client.login(member)
    home = await client.get("/")
    assert home.status_code == 200 and 'href="/directory/"' in home.text
    page = await client.get("/directory/")
    assert page.headers["x-robots-tag"] == "noindex"
    assert (await client.get("/directory/me")).headers["x-robots-tag"] == "noindex"


async def test_data_export_holds_only_your_own_profile(client: HubClient, hub, make_member) -> None:
    alice, bob = await make_member(name="Alice Export"), await make_member(name="Bob Export")
    await make_profile(client, alice, skills="Sewing", vis_access="3", access_needs="Quiet rooms")
    await make_profile(client, bob, skills="Plumbing")
    exported = await hooks.gather_hook_by_plugin(hub.registry, "member_data_export", hub=hub, member_id=alice.id)
    data = dict(exported)["directory"]
    text = repr(data)
    assert "Alice Export" in text and "Sewing" in text and "Quiet rooms" in text
    assert "Bob" not in text and "Plumbing" not in text
    assert "invite_hash" not in data["profile"]
    none = await hooks.gather_hook_by_plugin(hub.registry, "member_data_export", hub=hub, member_id=999999)
    assert "directory" not in dict(none)


class TestPublicListing:
    @pytest.fixture
    def directory_config(self) -> dict[str, object]:
        return {"public_listing": True}

    async def test_visitors_see_only_everyone_fields(self, client: HubClient, make_member) -> None:
        fay = await make_member(name="Fay Visible")
        profile_id = await make_profile(
            client, fay, area="Homerton", vis_area="0", skills="Choir", vis_tags="1", bio="Members only bio"
        )
        page = await client.get("/directory/")
        assert page.status_code == 200 and "Fay Visible" in page.text and "Homerton" in page.text
        assert "Choir" not in page.text
        profile = await client.get(f"/directory/{profile_id}")
        assert "Members only bio" not in profile.text and "Choir" not in profile.text
        assert "Send a message" not in profile.text
        assert (await client.get(f"/directory/{profile_id}/contact")).status_code in (302, 303)
        assert "Choir" not in (await client.get("/directory/", params={"tag": "choir"})).text
        assert await DirectoryProfile.count().run() == 1
