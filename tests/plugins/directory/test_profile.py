"""Your own profile: opt-in listing, validation, leaving the directory, other people's data."""

from __future__ import annotations

import pytest

from hub.core.members.tables import Member
from hub.plugins.directory.tables import DirectoryProfile, DirectoryTag
from hub.testing import HubClient

from .helpers import OPEN, make_profile, results


async def _counts() -> tuple[int, int]:
    return await DirectoryProfile.count().run(), await DirectoryTag.count().run()


@pytest.mark.all_databases
async def test_joining_does_not_list_you_and_leaving_keeps_membership(client: HubClient, make_member) -> None:
    gil = await make_member(name="Gil Newcomer")
    await client.login(gil)
    page = await client.get("/directory/")
    assert "Gil Newcomer" not in results(page.text) and "Be the first: create your profile" in page.text
    form = await client.get("/directory/me")
    assert form.status_code == 200 and 'value="Gil Newcomer"' in form.text and "<h1>" in form.text
    await client.logout()

    profile_id = await make_profile(client, gil, listed=False, skills="Carpentry")
    await client.login(gil)
    assert "Gil Newcomer" not in results((await client.get("/directory/")).text)
    assert (await client.post_form("/directory/me/listing", {"listed": "yes"})).status_code == 303
    assert "Gil Newcomer" in results((await client.get("/directory/")).text)
    assert (await client.post_form("/directory/me/listing", {"listed": "no"})).status_code == 303
    assert "Gil Newcomer" not in results((await client.get("/directory/")).text)
    assert await DirectoryProfile.exists().where(DirectoryProfile.id == profile_id).run()

    confirm = await client.get("/directory/me/delete")
    assert confirm.status_code == 200 and "Yes, delete my profile" in confirm.text
    assert (await client.post_form("/directory/me/delete")).status_code == 303
    assert await _counts() == (0, 0)
    member = await Member.select(Member.status).where(Member.id == gil.id).first().run()
    assert member["status"] == "active"


@pytest.mark.parametrize(
    "area",
    ["12 Acacia Road", "Flat 3, 21 Mare Street", "221b Baker St", "E8 3QQ", "Calle Mayor 5", "4 Elm Grove"],
)
async def test_full_addresses_are_refused(client: HubClient, member, area: str) -> None:
    await client.login(member)
    response = await client.post_form("/directory/me", {"preferred_name": "Hana", **OPEN, "area": area})
    assert response.status_code == 400
    assert "not your address" in response.text or "full postcode" in response.text
    assert await _counts() == (0, 0)


@pytest.mark.parametrize("area", ["E8", "Dalston", "Stoke Newington", "N16", "SW1A"])
async def test_neighbourhoods_and_districts_are_accepted(client: HubClient, member, area: str) -> None:
    await client.login(member)
    response = await client.post_form("/directory/me", {"preferred_name": "Hana", **OPEN, "area": area})
    assert response.status_code == 303
    row = await DirectoryProfile.select(DirectoryProfile.area).first().run()
    assert row["area"] == area


async def test_bad_input_writes_nothing(client: HubClient, member) -> None:
    await client.login(member)
    cases = [
        {"preferred_name": "", **OPEN},
        {"preferred_name": "x" * 101, **OPEN},
        {"preferred_name": "Hana", **OPEN, "vis_area": "7"},
        {"preferred_name": "Hana", **OPEN, "vis_email": "0"},
        {"preferred_name": "Hana", **OPEN, "skills": ",".join(f"skill{i}" for i in range(13))},
        {"preferred_name": "Hana", **OPEN, "skills": "<script>alert(1)</script>"},
        {"preferred_name": "Hana", **OPEN, "bio": "x" * 2001},
    ]
    for data in cases:
        response = await client.post_form("/directory/me", data)
        assert response.status_code == 400, data
        assert 'class="form-errors"' in response.text
    assert await _counts() == (0, 0)
    forged = await client.post("/directory/me", data={"preferred_name": "Hana", **OPEN})
    assert forged.status_code == 403
    assert await _counts() == (0, 0)
    assert (await client.post_form("/directory/me/listing", {"listed": "maybe"})).status_code == 404


async def test_bio_markdown_is_sanitised(client: HubClient, make_member) -> None:
    ivy = await make_member(name="Ivy")
    bio = "Hello <script>alert(1)</script> [click](javascript:alert(2)) <img src=x onerror=alert(3)>"
    profile_id = await make_profile(client, ivy, bio=bio)
    await client.login(ivy)
    page = await client.get(f"/directory/{profile_id}")
    assert "<script>alert" not in page.text and 'href="javascript' not in page.text and "<img src=x" not in page.text
    assert "&lt;script&gt;" in page.text


async def test_new_profiles_start_from_the_organisers_defaults(client: HubClient, member, moderator) -> None:
    await client.login(moderator)
    defaults = {**OPEN, "vis_area": "2", "vis_bio": "0"}
    assert (await client.post_form("/directory/manage/defaults", defaults)).status_code == 303
    await client.logout()
    await client.login(member)
    form = await client.get("/directory/me")
    assert (
        '<option value="2" selected>Organisers</option>' in form.text.split('id="f-vis_area"')[1].split("</select>")[0]
    )
    assert '<option value="0" selected>' in form.text.split('id="f-vis_bio"')[1].split("</select>")[0]


async def test_members_cannot_reach_organiser_pages_or_change_others(client: HubClient, make_member, moderator) -> None:
    await client.login(moderator)
    created = await client.post_form(
        "/directory/manage/new",
        {"preferred_name": "Jo Offline", **OPEN, "consent_note": "Agreed at the coffee morning.", "listed": "on"},
    )
    assert created.status_code == 303
    entry_id = int(created.headers["location"].rsplit("/", 1)[1])
    await client.logout()

    mallory = await make_member(name="Mallory")
    await client.login(mallory)
    before = await DirectoryProfile.select().where(DirectoryProfile.id == entry_id).first().run()
    for url in ("/directory/manage/", "/directory/manage/new", f"/directory/manage/{entry_id}/edit"):
        assert (await client.get(url)).status_code == 403, url
    for url, data in (
        (f"/directory/manage/{entry_id}/edit", {"preferred_name": "Hacked", **OPEN, "consent_note": "xxxxxxxxxxxx"}),
        (f"/directory/manage/{entry_id}/delete", {}),
        (f"/directory/manage/{entry_id}/convert", {"email": "mallory2@example.org"}),
        ("/directory/manage/defaults", OPEN),
    ):
        assert (await client.post_form(url, data)).status_code == 403, url
    after = await DirectoryProfile.select().where(DirectoryProfile.id == entry_id).first().run()
    assert after == before
    # Nobody's profile can be edited by id: /me is always the signed-in member's own.
    await client.post_form("/directory/me", {"preferred_name": "Mallory", **OPEN})
    assert (await DirectoryProfile.select().where(DirectoryProfile.id == entry_id).first().run()) == before


def test_tags_split_on_arabic_and_latin_commas() -> None:
    from hub.plugins.directory.forms import parse_tags

    pairs, error = parse_tags("خياطة، طبخ, gardening")
    assert error is None
    assert [label for _key, label in pairs] == ["خياطة", "طبخ", "gardening"]
