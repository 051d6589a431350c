"""Profile photos: only real JPEG/PNG/WebP, re-encoded to a 512 px square JPEG without metadata.

Uploads are decoded by Pillow off the event loop; anything that is not one of the allowed image
formats (HTML renamed ``.png``, SVG, GIF), too large a file, or too many pixels (a decompression
bomb) is refused before a byte is stored. Stored names are random and made by the server.
"""

from __future__ import annotations

import contextlib
import io
import re
import secrets
import warnings
from pathlib import Path

import anyio.to_thread

from hub import gettext as _

__all__ = ["PhotoRejected", "delete_photo", "photo_dir", "photo_path", "process_photo", "store_photo"]

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_PIXELS = 40_000_000
SIDE = 512
_NAME = re.compile(r"^[0-9a-f]{32}\.jpg$")


class PhotoRejected(ValueError):
    """The upload is not an acceptable photo; ``str(error)`` is a sentence for the member."""


def photo_dir(data_dir: Path) -> Path:
    return data_dir / "uploads" / "directory"


def photo_path(data_dir: Path, name: str) -> Path | None:
    """The file for a stored name, or ``None`` for anything that is not a name we made."""
    if not _NAME.fullmatch(name):
        return None
    return photo_dir(data_dir) / name


def _process(data: bytes) -> bytes:
    # Pillow is loaded on first use, not in every server process.
    from PIL import Image, ImageOps, UnidentifiedImageError

    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in ALLOWED_FORMATS:
                    raise PhotoRejected(_("Upload a JPEG, PNG or WebP photo."))
                width, height = probe.size
                if width * height > MAX_PIXELS or width < 1 or height < 1:
                    raise PhotoRejected(_("That image has too many pixels. Use a smaller photo."))
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                picture = ImageOps.exif_transpose(image)
                if picture.mode in ("RGBA", "LA", "P"):
                    picture = picture.convert("RGBA")
                    background = Image.new("RGB", picture.size, (255, 255, 255))
                    background.paste(picture, mask=picture.split()[-1])
                    picture = background
                else:
                    picture = picture.convert("RGB")
                square = ImageOps.fit(picture, (SIDE, SIDE), method=Image.Resampling.LANCZOS)
        except PhotoRejected:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise PhotoRejected(_("That image has too many pixels. Use a smaller photo.")) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise PhotoRejected(_("That file is not a photo we can use. Upload a JPEG, PNG or WebP image.")) from None
    out = io.BytesIO()
    square.save(out, format="JPEG", quality=85, optimize=True)  # no exif= argument: metadata is dropped
    return out.getvalue()


async def process_photo(data: bytes, max_bytes: int) -> bytes:
    """Validate and re-encode an upload; raises :class:`PhotoRejected`."""
    if len(data) > max_bytes:
        raise PhotoRejected(
            _("That photo is too large. Use one under %(size)s MB.", size=round(max_bytes / 1_000_000, 1))
        )
    if not data:
        raise PhotoRejected(_("That file is empty."))
    return await anyio.to_thread.run_sync(_process, data)


def store_photo(data_dir: Path, encoded: bytes) -> str:
    folder = photo_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.jpg"
    (folder / name).write_bytes(encoded)
    return name


def delete_photo(data_dir: Path, name: str) -> None:
    path = photo_path(data_dir, name) if name else None
    if path is not None:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
