"""Image uploads: accept only real JPEG/PNG/WebP, re-encode them small and without metadata.

The bytes a member sends are never stored or served: Pillow decodes them (refusing decompression
bombs by pixel count before decoding), the picture is resized to at most 1600 px, re-encoded
without EXIF or other metadata, and saved under a random server-made name.
"""

from __future__ import annotations

import io
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from hub import gettext as _

__all__ = ["FORMATS", "MAX_PIXELS", "MAX_SIDE", "ImageRejected", "image_dir", "safe_image_path", "store_image"]

MAX_SIDE = 1600
MAX_PIXELS = 40_000_000
"""Refuse anything larger before decoding it (about 6,300 × 6,300): a decompression bomb guard."""
FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "WEBP": ("webp", "image/webp")}
MEDIA_TYPES = {ext: media for ext, media in FORMATS.values()}
_NAME = re.compile(r"^[0-9a-f]{32}\.(jpg|png|webp)$")


class ImageRejected(ValueError):
    """The upload is not an image we accept; ``str(error)`` is a sentence for the member."""


@dataclass(frozen=True, slots=True)
class StoredImage:
    name: str
    media_type: str


def image_dir(data_dir: Path) -> Path:
    return data_dir / "uploads" / "noticeboard"


def safe_image_path(data_dir: Path, name: str) -> Path | None:
    """The stored file for a server-made name, or ``None`` for anything else (no ``../`` tricks)."""
    if not _NAME.match(name):
        return None
    return image_dir(data_dir) / name


def media_type_for(name: str) -> str:
    return MEDIA_TYPES[name.rsplit(".", 1)[-1]]


def process_image(data: bytes, max_bytes: int) -> tuple[bytes, str]:
    """Validate and re-encode; returns (bytes, extension). Runs CPU work: call it off the loop."""
    # Pillow is loaded on first use, not in every server process.
    from PIL import Image, ImageOps, UnidentifiedImageError

    if not data:
        raise ImageRejected(_("The file is empty."))
    if len(data) > max_bytes:
        raise ImageRejected(
            _("The picture is too large: the limit is %(size)s MB.", size=round(max_bytes / 1024 / 1024, 1))
        )
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            width, height = probe.size
            if kind not in FORMATS:
                raise ImageRejected(_("Upload a JPEG, PNG or WebP picture."))
            if width * height > MAX_PIXELS or width <= 0 or height <= 0:
                raise ImageRejected(_("The picture has too many pixels. Use a smaller one."))
            probe.load()
            picture = ImageOps.exif_transpose(probe)
    except ImageRejected:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
        raise ImageRejected(_("That file is not a picture we can read. Upload a JPEG, PNG or WebP.")) from error
    assert kind is not None
    extension = FORMATS[kind][0]
    if kind == "JPEG" and picture.mode not in ("RGB", "L"):
        picture = picture.convert("RGB")
    elif picture.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        picture = picture.convert("RGBA")
    picture.thumbnail((MAX_SIDE, MAX_SIDE))
    picture.info = {}
    out = io.BytesIO()
    if kind == "JPEG":
        picture.save(out, "JPEG", quality=85, optimize=True)
    elif kind == "PNG":
        picture.save(out, "PNG", optimize=True)
    else:
        picture.save(out, "WEBP", quality=85)
    return out.getvalue(), extension


def store_image(data_dir: Path, data: bytes, max_bytes: int) -> StoredImage:
    """Validate, re-encode and save an upload; raises :class:`ImageRejected`."""
    encoded, extension = process_image(data, max_bytes)
    folder = image_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.{extension}"
    (folder / name).write_bytes(encoded)
    return StoredImage(name=name, media_type=MEDIA_TYPES[extension])


def delete_image(data_dir: Path, name: str | None) -> None:
    if not name:
        return
    path = safe_image_path(data_dir, name)
    if path is not None:
        path.unlink(missing_ok=True)
