"""Organisers: entries for people who are not online, conversion to accounts, exports, badges."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest

from hub.core.members.tables import Member
from hub.plugins.directory.tables import DirectoryProfile
from hub.testing import HubClient, Outbox

from .helpers import OPEN, make_profile

ENTRY = {
    "preferred_name": "Vera Offline",
    **OPEN,
    "area": "Homerton",
    "skills": "Knitting, Baking",
    "contact_note": "Through the café, Tuesdays",
    "consent_note": "Agreed at the coffee morning to be listed with name, area and skills.",
    "listed": "on",
}


async def _create_entry(client: HubClient, moderator) -> int:
    await client.login(moderator)
    created = await client.post_form("/directory/manage/new", ENTRY)
    assert created.status_code == 303, created.text[:1000]
    await client.logout()
    return int(created.headers["location"].rsplit("/", 1)[1])


@pytest.mark.all_databases
async def test_organiser_entry_is_marked_with_its_consent_record(client: HubClient, make_member, moderator) -> None:
    await client.login(moderator)
    missing = await client.post_form("/directory/manage/new", {**ENTRY, "consent_note": ""})
    assert missing.status_code == 400 and await DirectoryProfile.count().run() == 0
    await client.logout()
    entry_id = await _create_entry(client, moderator)
    row = await DirectoryProfile.select().where(DirectoryProfile.id == entry_id).first().run()
    assert row["by_organiser"] and row["member"] is None and row["consent_by"] == moderator.id
    assert row["consent_at"] is not None

    await client.login(moderator)
    as_organiser = await client.get(f"/directory/{entry_id}")
    assert "Entry made by an organiser" in as_organiser.text
    assert ENTRY["consent_note"] in as_organiser.text and moderator.display_name in as_organiser.text
    assert "Through the café" in as_organiser.text
    assert "Vera Offline" in (await client.get("/directory/manage/")).text
    await client.logout()

    await client.login(await make_member())
    as_member = await client.get(f"/directory/{entry_id}")
    assert "Entry made by an organiser" in as_member.text and "Knitting" in as_member.text
    assert ENTRY["consent_note"] not in as_member.text and "Through the café" not in as_member.text


@pytest.mark.all_databases
async def test_entry_converts_into_an_account(client: HubClient, hub, make_member, moderator, outbox: Outbox) -> None:
    entry_id = await _create_entry(client, moderator)
    await client.login(moderator)
    page = await client.get(f"/directory/manage/{entry_id}/convert")
    assert page.status_code == 200
    taken = await make_member(email_address="taken@example.org")
    refused = await client.post_form(f"/directory/manage/{entry_id}/convert", {"email": taken.email})
    assert refused.status_code == 400 and "already belongs" in refused.text
    bad = await client.post_form(f"/directory/manage/{entry_id}/convert", {"email": "not an email"})
    assert bad.status_code == 400
    assert (
        await DirectoryProfile.select(DirectoryProfile.member).where(DirectoryProfile.id == entry_id).first().run()
    )["member"] is None

    sent = await client.post_form(f"/directory/manage/{entry_id}/convert", {"email": "Vera@Example.org"})
    assert sent.status_code == 303
    member = await Member.select().where(Member.email == "vera@example.org").first().run()
    assert member is not None and member["display_name"] == "Vera Offline"
    row = await DirectoryProfile.select().where(DirectoryProfile.id == entry_id).first().run()
    assert row["member"] == member["id"] and row["invite_hash"]
    mails = outbox.to("vera@example.org")
    assert len(mails) == 1
    link = next(url for url in Outbox.links(mails[0]) if "/directory/join/" in url)
    token = link.rsplit("/", 1)[1]
    assert token not in str(row["invite_hash"])
    await client.logout()

    # Before joining there is no password: signing in fails.
    assert (await client.post_form("/account/login", {"email": "vera@example.org", "password": ""})).status_code == 400
    assert (await client.get("/directory/join/not-the-token")).status_code == 404
    join = await client.get(f"/directory/join/{token}")
    assert join.status_code == 200 and "Welcome, Vera Offline" in join.text
    weak = await client.post_form(f"/directory/join/{token}", {"password": "short"})
    assert weak.status_code == 400
    joined = await client.post_form(f"/directory/join/{token}", {"password": "a long enough passphrase 42"})
    assert joined.status_code == 303 and joined.headers["location"] == "/directory/me"
    me = await client.get("/directory/me")
    assert me.status_code == 200 and 'value="Vera Offline"' in me.text and "Knitting" in me.text
    row = await DirectoryProfile.select().where(DirectoryProfile.id == entry_id).first().run()
    assert row["invite_hash"] is None and row["member"] == member["id"] and not row["by_organiser"]
    assert row["consent_note"] == ENTRY["consent_note"]
    assert "Entry made by an organiser" not in (await client.get(f"/directory/{entry_id}")).text
    await client.logout()
    assert (await client.get(f"/directory/join/{token}")).status_code == 404
    await client.login("vera@example.org", "a long enough passphrase 42")


async def test_exports_hold_only_listed_people_and_organiser_visible_fields(
    client: HubClient, make_member, moderator
) -> None:
    wendy = await make_member(name="Wendy Shared")
    xavier = await make_member(name="Xavier Private")
    yusuf = await make_member(name="Yusuf Unlisted")
    await make_profile(client, wendy, vis_email="2", area="E5", vis_area="2", languages="English, Somali",
                       access_needs="Large print", vis_access="2")  # fmt: skip
    await make_profile(client, xavier, vis_email="3", area="N16", vis_area="3", languages="Polski",
                       vis_languages="3", access_needs="Hearing loop", vis_access="3")  # fmt: skip
    await make_profile(client, yusuf, listed=False, vis_email="2")
    await _create_entry(client, moderator)
    await client.login(moderator)
    response = await client.get("/directory/manage/export.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = {row["name"]: row for row in csv.DictReader(io.StringIO(response.text))}
    assert set(rows) == {"Wendy Shared", "Xavier Private", "Vera Offline"}
    assert rows["Wendy Shared"]["email"] == wendy.email and rows["Wendy Shared"]["area"] == "E5"
    assert (
        rows["Wendy Shared"]["languages"] == "English, Somali" and rows["Wendy Shared"]["access_needs"] == "Large print"
    )
    assert rows["Xavier Private"] == {
        **rows["Xavier Private"],
        "email": "",
        "area": "",
        "languages": "",
        "access_needs": "",
    }
    assert xavier.email not in response.text and "N16" not in response.text and "Hearing loop" not in response.text
    assert yusuf.email not in response.text
    assert rows["Vera Offline"]["contact_note"] == "Through the café, Tuesdays"

    printable = await client.get("/directory/manage/print")
    assert printable.status_code == 200 and "Wendy Shared" in printable.text and wendy.email in printable.text
    assert "N16" not in printable.text and "Yusuf" not in printable.text
    assert printable.text.count("<h1") == 1


async def test_csv_cells_cannot_become_formulas(client: HubClient, make_member, moderator) -> None:
    zed = await make_member(name="Zed")
    await make_profile(client, zed, preferred_name="=HYPERLINK(1)", vis_area="2", area="Dalston")
    await client.login(moderator)
    text = (await client.get("/directory/manage/export.csv")).text
    assert "'=HYPERLINK(1)" in text


async def test_trust_badges(client: HubClient, make_member, moderator, admin) -> None:
    amy = await make_member(name="Amy Known")
    await (
        Member.update({Member.known_by: moderator.id, Member.known_at: datetime(2026, 3, 5, tzinfo=UTC)})
        .where(Member.id == amy.id)
        .run()
    )
    amy_id = await make_profile(client, amy)
    organiser_id = await make_profile(client, moderator)
    admin_id = await make_profile(client, admin)
    await client.login(await make_member())
    known = await client.get(f"/directory/{amy_id}")
    assert "Known to an organiser" in known.text and moderator.display_name in known.text and "2026" in known.text
    assert 'class="badge">Organiser<' in (await client.get(f"/directory/{organiser_id}")).text
    assert 'class="badge">Admin<' in (await client.get(f"/directory/{admin_id}")).text
    listing = await client.get("/directory/")
    assert "Known to an organiser" in listing.text and 'class="badge">Organiser<' in listing.text


async def test_organiser_can_edit_and_delete_an_entry(client: HubClient, moderator) -> None:
    entry_id = await _create_entry(client, moderator)
    await client.login(moderator)
    form = await client.get(f"/directory/manage/{entry_id}/edit")
    assert form.status_code == 200 and "Knitting, Baking" in form.text
    saved = await client.post_form(f"/directory/manage/{entry_id}/edit", {**ENTRY, "preferred_name": "Vera O."})
    assert saved.status_code == 303
    assert (await client.get(f"/directory/manage/{entry_id}/delete")).status_code == 200
    assert (await client.post_form(f"/directory/manage/{entry_id}/delete")).status_code == 303
    assert await DirectoryProfile.count().run() == 0
