"""Colour arithmetic behind the contrast check and the dark-scheme variant."""

from __future__ import annotations

import pytest

from hub.core.admin.appearance import DARK_BACKGROUND, contrast_ratio, dark_variant, parse_colour, theme_css


def test_contrast_ratio_matches_wcag_reference_values() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio("#777777", "#ffffff") < 4.5


def test_parse_colour_accepts_only_six_hex_digits() -> None:
    assert parse_colour(" #1D5C96 ") == "#1d5c96"
    for bad in ("1d5c96", "#1d5c9", "#1d5c966", "red", "#12345g", "#fff;}body{display:none"):
        assert parse_colour(bad) is None


def test_dark_variant_reads_on_the_dark_background() -> None:
    for colour in ("#1d5c96", "#000000", "#7a3e9d", "#b3261e"):
        assert contrast_ratio(dark_variant(colour), DARK_BACKGROUND) >= 4.5


def test_theme_css_ignores_anything_but_colours() -> None:
    assert "--hub" not in theme_css(None, None)
    css = theme_css("#1d5c96", "red;}</style><script>")
    assert "--hub-accent" not in css and "<" not in css and "--hub-primary:#1d5c96;" in css
