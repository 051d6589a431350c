"""The directory's hooks: profile sections, data export/erase, demo data, running without it."""

from __future__ import annotations

from typing import Any

import pytest

from hub.core import hooks
from hub.core.demo import create_demo_members
from hub.plugins.directory.photos import photo_dir
from hub.plugins.directory.tables import DirectoryProfile, DirectoryTag
from hub.testing import HubClient

from . import sections_plugin
from .helpers import make_profile
from .test_photos import _upload


class TestProfileSections:
    @pytest.fixture
    def hub_plugins(self) -> tuple[Any, ...]:
        return (sections_plugin,)

    async def test_other_plugins_add_sections_escaped(self, client: HubClient, make_member) -> None:
        ben = await make_member(name="Ben Ladder")
        profile_id = await make_profile(client, ben)
        await client.login(await make_member())
        page = await client.get(f"/directory/{profile_id}")
        assert "Offers from this member" in page.text
        assert f"&lt;b&gt;member {ben.id}&lt;/b&gt; offers ladders" in page.text


class TestWithoutDirectory:
    @pytest.fixture
    def enabled_plugins(self) -> tuple[str, ...]:
        return ()

    @pytest.fixture
    def hub_plugins(self) -> tuple[Any, ...]:
        return (sections_plugin,)

    async def test_hub_runs_without_the_directory(self, client: HubClient, hub, member, admin) -> None:
        assert "directory" not in hub.registry.loaded and "sections" in hub.registry.loaded
        assert not hub.registry.failures
        await client.login(member)
        assert (await client.get("/directory/")).status_code == 404
        home = await client.get("/")
        assert home.status_code == 200 and 'href="/directory/"' not in home.text


@pytest.mark.all_databases
async def test_erase_deletes_profile_tags_and_photo(client: HubClient, hub, make_member, moderator) -> None:
    cleo = await make_member(name="Cleo Erase")
    await client.login(cleo)
    assert (await _upload(client, "me.png", _small_png())).status_code == 303
    await client.post_form("/directory/me/listing", {"listed": "yes"})
    await client.logout()
    other = await make_member(name="Other Keeps")
    await make_profile(client, other, skills="Cooking")
    await client.login(moderator)
    await client.post_form(
        "/directory/manage/new",
        {"preferred_name": "Neighbour", "vis_photo": "1", "vis_bio": "1", "vis_tags": "1", "vis_languages": "1",
         "vis_area": "1", "vis_pronouns": "1", "vis_access": "2", "vis_email": "3", "consent_note": "Agreed on 1 May."},
    )  # fmt: skip
    assert len(list(photo_dir(hub.settings.resolved_data_dir).glob("*.jpg"))) == 1

    await hooks.gather_hook(hub.registry, "member_data_erase", hub=hub, member_id=cleo.id)
    await hooks.gather_hook(hub.registry, "member_data_erase", hub=hub, member_id=moderator.id)
    assert not await DirectoryProfile.exists().where(DirectoryProfile.member == cleo.id).run()
    assert list(photo_dir(hub.settings.resolved_data_dir).glob("*.jpg")) == []
    assert not await DirectoryProfile.exists().where(DirectoryProfile.consent_by == moderator.id).run()
    assert await DirectoryProfile.count().run() == 2  # the other member's profile and the entry stay
    assert await DirectoryTag.count().run() == 1


def _small_png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(out, format="PNG")
    return out.getvalue()


@pytest.mark.all_databases
async def test_demo_data_makes_varied_profiles(hub, client: HubClient) -> None:
    await create_demo_members("small", lambda *args, **kwargs: None)
    await hooks.gather_hook(hub.registry, "demo_data", hub=hub, scale="small", progress=lambda *a, **k: None)
    profiles = await DirectoryProfile.select().run()
    assert 40 <= len(profiles) <= 130
    assert len({p["area"] for p in profiles}) > 5
    assert len({p["vis_area"] for p in profiles}) > 1 and any(not p["listed"] for p in profiles)
    bios = " ".join(p["bio"] for p in profiles)
    assert "ć" in bios or "ł" in bios or "ó" in bios  # Polish
    assert any("\u0600" <= ch <= "\u06ff" for ch in bios)  # Arabic
    tags = await DirectoryTag.select(DirectoryTag.kind).run()
    assert {t["kind"] for t in tags} == {"skill", "interest", "language"}
    # Running it again adds nothing for members who already have a profile.
    before = len(profiles)
    await hooks.gather_hook(hub.registry, "demo_data", hub=hub, scale="small", progress=lambda *a, **k: None)
    assert await DirectoryProfile.count().run() == before
