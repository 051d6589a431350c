"""Picture uploads: only real JPEG/PNG/WebP, re-encoded, resized, stripped, served safely; the rest refused."""

from __future__ import annotations

import io
import os

from PIL import Image

from hub.plugins.noticeboard.images import image_dir, safe_image_path
from hub.plugins.noticeboard.tables import Category, Post


def _picture(kind: str = "PNG", size: tuple[int, int] = (40, 30), exif: bool = False) -> bytes:
    out = io.BytesIO()
    picture = Image.new("RGB", size, (200, 80, 40))
    if exif:
        data = Image.Exif()
        data[0x010F] = "SecretCam"  # Make
        data[0x8825] = {2: (51.0, 30.0, 0.0)}  # GPS latitude
        picture.save(out, kind, exif=data.tobytes())
    else:
        picture.save(out, kind)
    return out.getvalue()


async def _form() -> dict:
    row = await Category.select(Category.id).where(Category.slug == "free").first().run()
    return {"title": "Free armchair", "category": str(row["id"]), "body": "Comfy", "area": "", "audience": "public",
            "expiry": "default", "image_alt": "A red armchair", "action": "save"}  # fmt: skip


async def _upload(client, name: str, data: bytes, content_type: str = "image/png", **extra):
    form = {**(await _form()), **extra}
    return await client.post_form("/noticeboard/new", form, files={"image": (name, data, content_type)})


def _stored(hub) -> list[str]:
    folder = image_dir(hub.settings.resolved_data_dir)
    return sorted(os.listdir(folder)) if folder.exists() else []


async def test_real_picture_is_reencoded_resized_and_served_safely(client, hub, member) -> None:
    await client.login(member)
    response = await _upload(client, "../../evil.jpg", _picture("JPEG", (3200, 1000), exif=True), "image/jpeg")
    assert response.status_code == 303, response.text
    row = await Post.select().first().run()
    assert row["image_name"] and row["image_name"].endswith(".jpg") and "evil" not in row["image_name"]
    assert _stored(hub) == [row["image_name"]]
    served = await client.get(f"/noticeboard/{row['id']}/image")
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/jpeg"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert served.headers["content-disposition"].startswith("inline")
    picture = Image.open(io.BytesIO(served.content))
    assert max(picture.size) == 1600 and picture.size == (1600, 500)
    assert not picture.getexif() and "exif" not in picture.info
    page = await client.get(f"/noticeboard/{row['id']}")
    assert 'alt="A red armchair"' in page.text


async def test_png_and_webp_are_accepted(client, hub, member) -> None:
    await client.login(member)
    assert (await _upload(client, "a.png", _picture("PNG"))).status_code == 303
    assert (await _upload(client, "b.webp", _picture("WEBP"), "image/webp")).status_code == 303
    assert sorted(name.rsplit(".", 1)[1] for name in _stored(hub)) == ["png", "webp"]


async def test_fakes_and_bombs_are_refused(client, hub, member) -> None:
    await client.login(member)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'
    html = b"<html><script>alert(1)</script></html>"
    gif = io.BytesIO()
    Image.new("RGB", (4, 4)).save(gif, "GIF")
    bomb = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(bomb, "PNG")  # tiny file, 400 million pixels
    huge = _picture("PNG", (10, 10)) + b"\0" * (6 * 1024 * 1024)
    cases = {
        "html renamed .png": ("photo.png", html, "image/png"),
        "svg": ("drawing.svg", svg, "image/svg+xml"),
        "svg renamed .png": ("drawing.png", svg, "image/png"),
        "gif": ("anim.gif", gif.getvalue(), "image/gif"),
        "decompression bomb": ("bomb.png", bomb.getvalue(), "image/png"),
        "oversized": ("big.png", huge, "image/png"),
    }
    for label, (name, data, content_type) in cases.items():
        response = await _upload(client, name, data, content_type)
        assert response.status_code in (400, 413), label
        if response.status_code == 400:
            assert 'id="f-image-error"' in response.text, label
    assert await Post.count().run() == 0
    assert _stored(hub) == []


async def test_picture_needs_a_description(client, hub, member) -> None:
    await client.login(member)
    response = await _upload(client, "a.png", _picture(), image_alt="")
    assert response.status_code == 400 and "Describe the picture" in response.text
    assert await Post.count().run() == 0 and _stored(hub) == []


async def test_members_only_picture_is_not_served_to_visitors(client, anon_client, hub, member) -> None:
    await client.login(member)
    assert (await _upload(client, "a.png", _picture(), audience="members")).status_code == 303
    row = await Post.select().first().run()
    assert (await anon_client.get(f"/noticeboard/{row['id']}/image")).status_code == 404
    assert (await client.get(f"/noticeboard/{row['id']}/image")).status_code == 200


def test_only_server_made_names_map_to_files(tmp_path) -> None:
    assert safe_image_path(tmp_path, "../../hub.sqlite3") is None
    assert safe_image_path(tmp_path, "a" * 32 + ".svg") is None
    assert safe_image_path(tmp_path, "0" * 32 + ".png") == image_dir(tmp_path) / ("0" * 32 + ".png")


async def test_deleting_a_notice_removes_its_picture(client, hub, member) -> None:
    await client.login(member)
    await _upload(client, "a.png", _picture())
    row = await Post.select().first().run()
    assert (await client.post_form(f"/noticeboard/{row['id']}/delete")).status_code == 303
    assert _stored(hub) == []


def test_size_limit_comes_from_settings() -> None:
    import pytest

    from hub.plugins.noticeboard.images import ImageRejected, process_image
    from hub.plugins.noticeboard.settings import BoardSettings

    data = _picture()
    assert process_image(data, BoardSettings().max_image_bytes)[1] == "png"
    with pytest.raises(ImageRejected, match="too large"):
        process_image(data, len(data) - 1)
