"""The default avatar: initials on a colour chosen from the name, as a script-free SVG."""

from __future__ import annotations

import hashlib
from xml.sax.saxutils import escape

__all__ = ["avatar_svg", "initials"]

# Dark enough for white text at WCAG AA contrast.
PALETTE = ("#1d4e89", "#6b2d5c", "#1f6f50", "#8a3b12", "#4b3f8f", "#0f5e6e", "#7a2531", "#3d5a1e")


def initials(name: str) -> str:
    words = [word for word in name.split() if word[:1].isalnum()]
    letters = "".join(word[0] for word in words[:2]) or "?"
    return letters.upper()


def avatar_svg(name: str) -> str:
    colour = PALETTE[hashlib.sha256(name.encode()).digest()[0] % len(PALETTE)]
    text = escape(initials(name))
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" width="100" height="100" role="img">'
        f'<rect width="100" height="100" fill="{colour}"/>'
        '<text x="50" y="50" dy=".35em" text-anchor="middle" font-family="sans-serif" font-size="40" '
        f'fill="#ffffff">{text}</text></svg>'
    )
