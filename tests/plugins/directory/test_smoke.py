from __future__ import annotations

from hub.testing import HubClient

from .helpers import make_profile


async def test_member_creates_and_lists_profile(client: HubClient, make_member) -> None:
    alice = await make_member(name="Alice Okafor")
    profile_id = await make_profile(client, alice, skills="Cooking, Bike repair", area="E8", languages="English")
    bob = await make_member()
    await client.login(bob)
    page = await client.get("/directory/")
    assert page.status_code == 200, page.text
    assert "Alice Okafor" in page.text and "Bike repair" in page.text
    profile = await client.get(f"/directory/{profile_id}")
    assert profile.status_code == 200 and "E8" in profile.text
