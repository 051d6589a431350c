"""SECURITY.md item 18: member Markdown renders without executable content, whatever it holds."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from hub.core.markdown import render_markdown

ATTACKS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "<svg onload=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src=//evil.example></iframe>",
    "[x](vbscript:msgbox(1))",
    "<style>body{display:none}</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "[x](&#106;avascript:alert(1))",
]

TAG = re.compile(r"<[a-zA-Z][^>]*>")


def assert_safe(html: str) -> None:
    lowered = html.lower()
    assert "<script" not in lowered and "<iframe" not in lowered and "<svg" not in lowered
    assert "<style" not in lowered
    for tag in TAG.findall(lowered):
        assert not re.search(r"\son\w+\s*=", tag), tag
        assert "javascript:" not in tag and "vbscript:" not in tag and "data:" not in tag, tag
        assert "style=" not in tag, tag


def test_known_attacks_are_neutralised() -> None:
    for attack in ATTACKS:
        assert_safe(render_markdown(attack))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(ATTACKS),
            st.text(max_size=30),
            st.sampled_from(["\n", "**", "[", "](", ")", "<", ">", '"', "`"]),
        ),
        max_size=12,
    )
)
def test_any_mix_of_markdown_and_attacks_is_safe(pieces: list[str]) -> None:
    assert_safe(render_markdown("".join(pieces)))


def test_ordinary_markdown_still_works() -> None:
    html = render_markdown("**Bring a ladder** to [the hall](https://example.org/hall)\n\n- tea\n- cake")
    assert "<strong>Bring a ladder</strong>" in html
    assert 'href="https://example.org/hall"' in html and 'rel="nofollow noopener ugc"' in html
    assert "<li>tea</li>" in html
