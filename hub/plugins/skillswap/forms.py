"""Form definitions for listings, exchanges, notes, and the coordinators' tools."""

from __future__ import annotations

from collections.abc import Sequence

from hub import Field, Form
from hub import lazy_gettext as _l
from hub.plugins.skillswap.listings import KINDS, MODES

__all__ = ["exchange_details_form", "listing_form"]


def listing_form(categories: Sequence[tuple[str, str]]) -> Form:
    return Form(
        [
            Field("kind", _l("Offer or request"), kind="choice", choices=[(k, str(v)) for k, v in KINDS.items()]),
            Field("category", _l("Category"), kind="choice", choices=categories),
            Field("title", _l("Title"), max_length=120, min_length=3),
            Field("body", _l("Details"), kind="textarea", required=False, max_length=4000),
            Field("tags", _l("Tags"), required=False, max_length=300),
            Field("availability", _l("When you are available"), required=False, max_length=200),
            Field("mode", _l("In person or remote"), kind="choice", choices=[(k, str(v)) for k, v in MODES.items()]),
            Field("area", _l("Area"), required=False, max_length=80),
        ]
    )


RESPOND_FORM = Form([Field("message", _l("Your message"), kind="textarea", max_length=2000, min_length=2)])
exchange_details_form = Form(
    [
        Field("when", _l("When"), required=False, max_length=200),
        Field("where", _l("Where"), required=False, max_length=200),
    ]
)
DONE_FORM = Form([Field("minutes", _l("How long did it take (minutes)?"), kind="int", min_value=5, max_value=24 * 60)])
CANCEL_FORM = Form([Field("reason", _l("Reason"), kind="textarea", max_length=1000, min_length=2)])
THANKS_FORM = Form([Field("body", _l("Your thank-you note"), kind="textarea", max_length=1000, min_length=2)])
CONCERN_FORM = Form([Field("reason", _l("What is worrying you?"), kind="textarea", max_length=2000, min_length=2)])
DONATE_FORM = Form([Field("minutes", _l("Minutes to give"), kind="int", min_value=15, max_value=100 * 60)])


def record_form(categories: Sequence[tuple[str, str]]) -> Form:
    return Form(
        [
            Field("provider", _l("Who gave the help (email)"), kind="email", max_length=320),
            Field("receiver", _l("Who was helped (email)"), kind="email", max_length=320),
            Field("category", _l("Category"), kind="choice", choices=categories),
            Field("date", _l("Date (YYYY-MM-DD)"), max_length=10),
            Field("minutes", _l("Minutes"), kind="int", min_value=5, max_value=24 * 60),
            Field("description", _l("What was done"), required=False, max_length=200),
        ]
    )


LIMIT_FORM = Form(
    [
        Field("member", _l("Member (email)"), kind="email", max_length=320),
        Field(
            "min_hours",
            _l("Lowest balance (hours, may be negative)"),
            kind="int",
            required=False,
            min_value=-10_000,
            max_value=10_000,
        ),
        Field(
            "max_hours",
            _l("Highest balance (hours)"),
            kind="int",
            required=False,
            min_value=-10_000,
            max_value=10_000,
        ),
    ]
)
GRANT_FORM = Form(
    [
        Field("member", _l("Member (email)"), kind="email", max_length=320),
        Field("minutes", _l("Minutes to grant"), kind="int", min_value=15, max_value=100 * 60),
        Field("memo", _l("Why"), max_length=200),
    ]
)
CATEGORY_FORM = Form(
    [
        Field("name", _l("Name"), max_length=80, min_length=2),
        Field("needs_vetted", _l("Needs a vetted helper"), kind="bool", required=False),
        Field("archived", _l("Archived (hidden from new listings)"), kind="bool", required=False),
    ]
)
