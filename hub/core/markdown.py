"""Member-written Markdown: rendered with markdown-it-py, then sanitised with nh3.

Raw HTML in the source is escaped by the renderer; the sanitiser then keeps only a small set of
tags and attributes and only http(s)/mailto links, so no script, event handler, ``javascript:``
or ``data:`` URL can survive.
"""

from __future__ import annotations

import functools

import nh3
from markdown_it import MarkdownIt

__all__ = ["count_links", "render_markdown"]

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["strikethrough", "table"]
)

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li",
    "h2", "h3", "h4", "h5", "h6", "a", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}


@functools.lru_cache(maxsize=4096)
def render_markdown(text: str) -> str:
    """Sanitised HTML for member Markdown. Cached: the same notices and replies are shown again
    and again, and rendering plus sanitising costs far more than a cache lookup."""
    html = _md.render(text)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener ugc",
        strip_comments=True,
    )


def count_links(text: str) -> int:
    """Links a post would show (for new-member limits), counted on the rendered output."""
    return render_markdown(text).count("<a ")
