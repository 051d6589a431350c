"""Colours and the logo: validated before they are stored, so an organiser cannot make the hub
unreadable or upload something that is not an image."""

from __future__ import annotations

import hashlib
import io
import re
import warnings
from dataclasses import dataclass

__all__ = [
    "MIN_CONTRAST",
    "ProcessedImage",
    "contrast_ratio",
    "dark_variant",
    "parse_colour",
    "process_logo",
    "theme_css",
    "theme_version",
]

MIN_CONTRAST = 4.5
"""WCAG 2.2 AA for normal text: the colours are used for white text on them and as link colour
on a white page, so both must reach it against white."""
WHITE = "#ffffff"
DARK_BACKGROUND = "#121417"
"""The dark scheme's page colour in hub.css; the dark variant of a colour must be readable on it."""

LOGO_MAX_SIDE = 512
LOGO_MAX_PIXELS = 40_000_000
"""Refuse images that decode to more than this many pixels (decompression bombs)."""
LOGO_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
_HEX = re.compile(r"#[0-9a-fA-F]{6}")


def parse_colour(value: str) -> str | None:
    """``#rrggbb`` lower-cased, or ``None`` when the text is not such a colour."""
    value = value.strip()
    return value.lower() if _HEX.fullmatch(value) else None


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _luminance(colour: str) -> float:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(first: str, second: str) -> float:
    """The WCAG contrast ratio of two ``#rrggbb`` colours (1 to 21)."""
    a, b = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def _mix(colour: str, other: str, amount: float) -> str:
    parts = []
    for i in (1, 3, 5):
        x, y = int(colour[i : i + 2], 16), int(other[i : i + 2], 16)
        parts.append(round(x + (y - x) * amount))
    return "#" + "".join(f"{p:02x}" for p in parts)


def dark_variant(colour: str) -> str:
    """The same hue lightened until it reads well on the dark scheme's background."""
    for step in range(21):
        candidate = _mix(colour, WHITE, step / 20)
        if contrast_ratio(candidate, DARK_BACKGROUND) >= MIN_CONTRAST + 0.5:
            return candidate
    return WHITE


def theme_version(primary: str | None, accent: str | None) -> str:
    """A short fingerprint of the colours, used as the stylesheet's cache-busting query string."""
    return hashlib.sha256(f"{primary}|{accent}".encode()).hexdigest()[:12]


def theme_css(primary: str | None, accent: str | None) -> str:
    """CSS custom properties for the community's colours, light and dark schemes."""
    light = []
    dark = []
    for name, value in (("--hub-primary", primary), ("--hub-accent", accent)):
        colour = parse_colour(value or "")
        if colour is None:
            continue
        light.append(f"{name}:{colour};")
        dark.append(f"{name}:{dark_variant(colour)};")
    if not light:
        return "/* The hub uses its default colours. */\n"
    return f":root{{{''.join(light)}}}\n@media (prefers-color-scheme: dark){{:root{{{''.join(dark)}}}}}\n"


@dataclass(frozen=True, slots=True)
class ProcessedImage:
    data: bytes
    content_type: str
    width: int
    height: int

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.data).hexdigest()[:16]


class ImageRefused(ValueError):
    """The upload is not an image we accept; ``str()`` is a sentence for the organiser."""


def process_logo(raw: bytes, refuse: dict[str, str]) -> ProcessedImage:
    """Check the bytes really are a PNG, JPEG or WebP image, then re-encode and shrink them.

    Re-encoding drops anything hidden in the file (metadata, trailing data, scripts). ``refuse``
    maps ``"format"``, ``"broken"`` and ``"size"`` to the sentences to raise with.
    """
    # Pillow is loaded on first use, not in every server process.
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw)) as probe:
                kind = probe.format
                width, height = probe.size
                if kind not in LOGO_FORMATS:
                    raise ImageRefused(refuse["format"])
                if width * height > LOGO_MAX_PIXELS:
                    raise ImageRefused(refuse["size"])
                probe.verify()
            with Image.open(io.BytesIO(raw)) as image:
                image.load()
                has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
                converted = image.convert("RGBA" if has_alpha else "RGB")
    except ImageRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRefused(refuse["size"]) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise ImageRefused(refuse["broken"]) from None
    converted.thumbnail((LOGO_MAX_SIDE, LOGO_MAX_SIDE))
    out = io.BytesIO()
    if has_alpha or kind == "PNG":
        converted.save(out, format="PNG", optimize=True)
        content_type = "image/png"
    else:
        converted.save(out, format="WEBP" if kind == "WEBP" else "JPEG", quality=85)
        content_type = LOGO_FORMATS[kind]
    return ProcessedImage(out.getvalue(), content_type, converted.width, converted.height)
