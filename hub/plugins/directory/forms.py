"""The directory's forms and the small validators behind them (tags, areas)."""

from __future__ import annotations

import re
from typing import Any

from hub import Field, Form, clean_text, password_problem
from hub import gettext as _
from hub.plugins.directory.visibility import FIELDS, choices_for

__all__ = [
    "MAX_TAGS",
    "area_problem",
    "contact_form",
    "convert_form",
    "defaults_form",
    "join_form",
    "parse_tags",
    "profile_form",
]

MAX_TAGS = 12
TAG_LENGTH = 40
_TAG = re.compile(r"^[\w][\w '&+.-]*$")
_STREET_WORDS = (
    "street|st|road|rd|avenue|ave|lane|ln|close|drive|dr|way|court|ct|crescent|cres|place|pl|terrace|"
    "grove|gardens|gdns|square|sq|mews|hill|row|walk|park|parade|boulevard|blvd|flat|apartment|apt|"
    "calle|rue|strasse|straße|ulica|ul|via|avenida"
)
_ADDRESS = re.compile(rf"\b\d+[a-z]?\b[\s,]+(?:[\w'-]+\s+){{0,3}}(?:{_STREET_WORDS})\b", re.IGNORECASE)
_ADDRESS_REVERSED = re.compile(rf"\b(?:{_STREET_WORDS})\.?\s+(?:[\w'-]+\s+){{0,2}}\d+[a-z]?\b", re.IGNORECASE)
_FULL_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)


def area_problem(value: str) -> str | None:
    """An area is a neighbourhood or postcode district (``Hackney``, ``E8``), never a full address."""
    if _ADDRESS.search(value) or _ADDRESS_REVERSED.search(value) or value.lstrip().startswith(tuple("0123456789")):
        return _("Give your neighbourhood or postcode district only (like “Dalston” or “E8”), not your address.")
    if _FULL_POSTCODE.search(value):
        return _("Give only the first half of your postcode (like “E8”), not the full postcode.")
    return None


def parse_tags(raw: str) -> tuple[list[tuple[str, str]], str | None]:
    """Comma-separated tags → unique ``(key, label)`` pairs, or an error sentence."""
    pairs: list[tuple[str, str]] = []
    seen: set[str] = set()
    for part in raw.replace("،", ",").replace("、", ",").split(","):  # Arabic and CJK commas too
        label = clean_text(part)
        if not label:
            continue
        if len(label) > TAG_LENGTH:
            return [], _("Keep each entry under %(max)s characters.", max=TAG_LENGTH)
        if not _TAG.match(label):
            return [], _("Use letters, numbers and spaces in each entry, separated by commas.")
        key = label.casefold()
        if key not in seen:
            seen.add(key)
            pairs.append((key, label))
    if len(pairs) > MAX_TAGS:
        return [], _("Give at most %(max)s, separated by commas.", max=MAX_TAGS)
    return pairs, None


def _tags_check(value: Any) -> str | None:
    return parse_tags(str(value))[1]


def _visibility_fields(prefix: str = "vis_") -> list[Field]:
    return [
        Field(f"{prefix}{name}", str(spec[0]), kind="choice", choices=choices_for(name))
        for name, spec in FIELDS.items()
    ]


def profile_form(organiser_entry: bool = False) -> Form:
    fields = [
        Field("preferred_name", _("Name to show"), max_length=100),
        Field("pronouns", _("Pronouns"), required=False, max_length=40),
        Field("bio", _("About you"), kind="textarea", required=False, max_length=2000),
        Field("skills", _("Skills"), required=False, max_length=600, check=_tags_check),
        Field("interests", _("Interests"), required=False, max_length=600, check=_tags_check),
        Field("languages", _("Languages spoken"), required=False, max_length=600, check=_tags_check),
        Field("area", _("Area"), required=False, max_length=40, check=area_problem),
        Field("access_needs", _("Access needs"), kind="textarea", required=False, max_length=300),
        *_visibility_fields(),
    ]
    if organiser_entry:
        fields += [
            Field("contact_note", _("How organisers reach them"), required=False, max_length=300),
            Field("consent_note", _("What they agreed to"), kind="textarea", max_length=1000, min_length=10),
            Field("listed", _("Show this entry in the directory"), kind="bool", required=False),
        ]
    return Form(fields)


def defaults_form() -> Form:
    return Form(_visibility_fields())


def contact_form() -> Form:
    return Form(
        [
            Field("subject", _("Subject"), max_length=150),
            Field("body", _("Message"), kind="textarea", max_length=3000, min_length=2),
        ]
    )


def convert_form() -> Form:
    return Form([Field("email", _("Their email address"), kind="email", max_length=320)])


def join_form() -> Form:
    return Form([Field("password", _("Choose a password"), kind="password", check=lambda p: password_problem(p))])
