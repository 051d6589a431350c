"""Server-rendered SVG bar charts: no JavaScript, titled and described for screen readers.

Each chart is ``role="img"`` with ``aria-labelledby`` pointing at its ``<title>`` and ``<desc>``;
the page puts a data table beside it with the same figures.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

__all__ = ["bar_chart"]

WIDTH, BAR_AREA, ROW = 640, 420, 28


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if value % 1 else str(int(value))


def bar_chart(chart_id: str, title: str, description: str, rows: Sequence[tuple[str, float]], unit: str = "") -> Markup:
    """A horizontal bar chart (labels on the left, value written at the end of each bar)."""
    peak = max((value for _label, value in rows), default=0) or 1
    height = max(ROW * len(rows) + 16, 48)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="skillswap-chart" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>',
    ]
    if not rows:
        parts.append(f'<text x="8" y="28" fill="currentColor">{escape(description)}</text>')
    for index, (label, value) in enumerate(rows):
        y = 8 + index * ROW
        width = 0 if value <= 0 else max(2, int(BAR_AREA * value / peak))
        name, amount = escape(str(label)[:22]), escape(_fmt(value) + unit)
        parts.append(
            f'<text x="150" y="{y + 18}" text-anchor="end" font-size="13" fill="currentColor">{name}</text>'
            f'<rect x="158" y="{y + 4}" width="{width}" height="18" fill="currentColor" opacity="0.7"></rect>'
            f'<text x="{164 + width}" y="{y + 18}" font-size="13" fill="currentColor">{amount}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every interpolated value is escaped above
