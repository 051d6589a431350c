"""Shared test helpers: make profiles through the real form."""

from __future__ import annotations

from typing import Any

from hub.plugins.directory.tables import DirectoryProfile
from hub.testing import HubClient, TestMember

OPEN = {
    "vis_photo": "1",
    "vis_bio": "1",
    "vis_tags": "1",
    "vis_languages": "1",
    "vis_area": "1",
    "vis_pronouns": "1",
    "vis_access": "2",
    "vis_email": "3",
}


async def make_profile(client: HubClient, member: TestMember, listed: bool = True, **fields: Any) -> int:
    """Sign in as ``member``, save a profile through /directory/me, list it; returns the profile id."""
    await client.login(member)
    data = {"preferred_name": member.display_name, **OPEN, **fields}
    response = await client.post_form("/directory/me", data)
    assert response.status_code == 303, response.text[:2000]
    if listed:
        response = await client.post_form("/directory/me/listing", {"listed": "yes"})
        assert response.status_code == 303
    row = await DirectoryProfile.select(DirectoryProfile.id).where(DirectoryProfile.member == member.id).first().run()
    await client.logout()
    return int(row["id"])


def results(page: str) -> str:
    """The part of the directory page that lists people (not flashes or the header)."""
    start = page.find('id="directory-results"')
    assert start >= 0, page[:500]
    return page[start:]
