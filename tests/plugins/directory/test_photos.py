"""Photo uploads: only real images, re-encoded and stripped; served safely; the default avatar."""

from __future__ import annotations

import io
import random

import pytest
from PIL import Image

from hub.plugins.directory.photos import photo_dir
from hub.plugins.directory.tables import DirectoryProfile
from hub.testing import HubClient

from .helpers import OPEN, make_profile


def _png(size: tuple[int, int] = (900, 600), mode: str = "RGB", noise: bool = False) -> bytes:
    image = Image.new(mode, size, "white" if mode != "1" else 1)
    if noise:
        rng = random.Random(3)
        image.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(size[0] * size[1])])
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (640, 480), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x9003] = "2026:01:01 10:00:00"  # DateTimeOriginal
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


async def _upload(client: HubClient, filename: str, content: bytes, content_type: str = "image/png") -> object:
    token = await client.csrf_token()
    data = {"preferred_name": "Kim Photo", **OPEN, "_csrf_token": token}
    return await client.post("/directory/me", data=data, files={"photo": (filename, content, content_type)})


def _stored(hub) -> list[str]:
    folder = photo_dir(hub.settings.resolved_data_dir)
    return sorted(p.name for p in folder.glob("*")) if folder.exists() else []


async def test_a_real_photo_is_reencoded_square_and_stripped(client: HubClient, hub, make_member) -> None:
    kim = await make_member(name="Kim Photo")
    await client.login(kim)
    response = await _upload(client, "../../etc/passwd.jpg", _jpeg_with_exif(), "image/jpeg")
    assert response.status_code == 303, response.text[:1000]
    files = _stored(hub)
    assert len(files) == 1 and files[0].endswith(".jpg") and "passwd" not in files[0] and len(files[0]) == 36
    stored = (photo_dir(hub.settings.resolved_data_dir) / files[0]).read_bytes()
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG" and image.size == (512, 512)
        assert not image.getexif() and "exif" not in image.info
    assert b"SecretCam" not in stored

    row = await DirectoryProfile.select(DirectoryProfile.id).first().run()
    served = await client.get(f"/directory/{row['id']}/photo")
    assert served.status_code == 200 and served.content == stored
    assert served.headers["content-type"] == "image/jpeg"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert served.headers["content-disposition"].startswith("inline")

    # A new photo replaces the old file; removing it deletes the file.
    assert (await _upload(client, "again.png", _png())).status_code == 303
    assert len(_stored(hub)) == 1 and _stored(hub) != files
    assert (await client.post_form("/directory/me/photo/remove")).status_code == 303
    assert _stored(hub) == []


@pytest.mark.parametrize(
    ("filename", "content", "content_type"),
    [
        ("page.png", b"<!doctype html><html><script>alert(1)</script></html>", "image/png"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>', "image/svg+xml"),
        ("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "image/png"),
        (
            "anim.gif",
            b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"
            b"\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;",
            "image/gif",
        ),
        ("empty.png", b"", "image/png"),
        ("truncated.png", _png()[:200], "image/png"),
    ],
)
async def test_things_that_are_not_photos_are_refused(
    client: HubClient, hub, member, filename: str, content: bytes, content_type: str
) -> None:
    await client.login(member)
    response = await _upload(client, filename, content, content_type)
    assert response.status_code == 400
    assert 'id="f-photo-error"' in response.text
    assert await DirectoryProfile.count().run() == 0
    assert _stored(hub) == []


async def test_a_decompression_bomb_is_refused(client: HubClient, hub, member) -> None:
    bomb = _png((12_000, 12_000), mode="1")
    assert len(bomb) < 200_000
    await client.login(member)
    response = await _upload(client, "bomb.png", bomb)
    assert response.status_code == 400 and "too many pixels" in response.text
    assert await DirectoryProfile.count().run() == 0 and _stored(hub) == []


class TestSizeLimit:
    @pytest.fixture
    def directory_config(self) -> dict[str, object]:
        return {"max_photo_bytes": 100_000}

    async def test_an_oversized_file_is_refused(self, client: HubClient, hub, member) -> None:
        big = _png((300, 300), noise=True)
        assert len(big) > 100_000
        await client.login(member)
        response = await _upload(client, "big.png", big)
        assert response.status_code == 400 and "too large" in response.text
        assert await DirectoryProfile.count().run() == 0 and _stored(hub) == []


async def test_default_avatar_is_a_script_free_svg(client: HubClient, make_member) -> None:
    lee = await make_member(name='Lee "<script>" Ö')
    profile_id = await make_profile(client, lee)
    await client.login(lee)
    page = await client.get(f"/directory/{profile_id}")
    assert f"/directory/{profile_id}/avatar.svg" in page.text
    avatar = await client.get(f"/directory/{profile_id}/avatar.svg")
    assert avatar.status_code == 200
    assert avatar.headers["content-type"].startswith("image/svg+xml")
    assert avatar.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'none'" in avatar.headers["content-security-policy"]
    assert "<script" not in avatar.text and "onload" not in avatar.text and "&lt;" not in avatar.text
    assert ">LÖ</text>" in avatar.text
    assert (await client.get(f"/directory/{profile_id}/photo")).status_code == 404
