"""Forms of the noticeboard, built per request because categories are set by organisers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hub import Field, Form
from hub import gettext as _

__all__ = ["TITLE_MAX", "category_form", "message_form", "move_form", "outcome_form", "post_form", "reply_form"]

TITLE_MAX = 150
BODY_MAX = 10_000
REPLY_MAX = 4_000


def post_form(categories: Sequence[dict[str, Any]], organiser: bool) -> Form:
    fields = [
        Field("title", _("Title"), max_length=TITLE_MAX, min_length=3),
        Field(
            "category",
            _("Category"),
            kind="choice",
            choices=[(str(c["id"]), str(c["name"])) for c in categories],
        ),
        Field("body", _("Your notice"), kind="textarea", max_length=BODY_MAX, min_length=1),
        Field("area", _("Area"), required=False, max_length=80),
        Field(
            "audience",
            _("Who can see it"),
            kind="choice",
            choices=[("public", _("Anyone on the web")), ("members", _("Members only"))],
        ),
        Field(
            "expiry",
            _("How long it stays up"),
            kind="choice",
            choices=[("default", _("The category's usual time")), ("none", _("No expiry (a standing notice)"))],
        ),
        Field("image_alt", _("Describe the picture"), required=False, max_length=300),
    ]
    if organiser:
        fields.append(Field("on_behalf_of", _("Posting on behalf of"), required=False, max_length=100))
    return Form(fields)


def reply_form() -> Form:
    return Form([Field("body", _("Your reply"), kind="textarea", max_length=REPLY_MAX, min_length=1)])


def message_form() -> Form:
    return Form([Field("message", _("Your private message"), kind="textarea", max_length=REPLY_MAX, min_length=1)])


def outcome_form() -> Form:
    return Form(
        [
            Field(
                "outcome",
                _("What happened"),
                kind="choice",
                choices=[("done", _("Done")), ("found", _("Found")), ("taken", _("Taken"))],
            )
        ]
    )


def move_form(categories: Sequence[dict[str, Any]]) -> Form:
    return Form(
        [
            Field(
                "category", _("Category"), kind="choice", choices=[(str(c["id"]), str(c["name"])) for c in categories]
            ),
            Field("reason", _("Reason"), required=False, max_length=300),
        ]
    )


def category_form() -> Form:
    return Form(
        [
            Field("name", _("Name"), max_length=80, min_length=2),
            Field(
                "default_expiry_days",
                _("Days before notices expire (0 for never)"),
                kind="int",
                min_value=0,
                max_value=3650,
            ),
        ]
    )


def reason_form() -> Form:
    return Form([Field("reason", _("Reason"), required=False, max_length=300)])
