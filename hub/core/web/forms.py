"""Small declarative form validation shared by the core and plugins.

A form is a list of fields; ``validate`` turns posted data into clean values and a dict of
translated, per-field error messages. Hostile input (control characters, bidi overrides,
oversized text, duplicated fields, wrong types) becomes an error message, never an exception.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from email_validator import EmailNotValidError, validate_email

from hub.core.i18n import Text
from hub.core.i18n import gettext as _

__all__ = ["Field", "Form", "FormResult", "clean_text"]

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069\ufeff]")


def clean_text(value: str, *, multiline: bool = False) -> str:
    """Normalise to NFC, drop control and bidi-override characters, unify newlines, trim."""
    value = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    value = _CONTROL.sub("", value)
    if not multiline:
        value = " ".join(value.split())
    return value.strip()


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    label: Text
    """Shown to people: ``lazy_gettext("…")`` for a form built at import time."""
    kind: str = "text"
    """``text``, ``textarea``, ``email``, ``password``, ``choice``, ``multichoice``, ``bool``, ``int``."""
    required: bool = True
    max_length: int = 200
    min_length: int = 0
    choices: Sequence[tuple[str, str]] = ()
    min_value: int | None = None
    max_value: int | None = None
    help: str = ""
    check: Callable[[Any], str | None] | None = None
    """Extra validation: return an error sentence or ``None``."""


@dataclass(slots=True)
class FormResult:
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    raw: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True, slots=True)
class Form:
    fields: Sequence[Field]

    def validate(self, data: Mapping[str, Any]) -> FormResult:
        result = FormResult()
        for spec in self.fields:
            raw_values = _getall(data, spec.name)
            if spec.kind == "multichoice":
                allowed = {value for value, _label in spec.choices}
                picked = [clean_text(str(v)) for v in raw_values if isinstance(v, str)]
                result.raw[spec.name] = ",".join(picked)
                bad = [v for v in picked if v not in allowed]
                if bad:
                    result.errors[spec.name] = _("Choose from the options given.")
                elif spec.required and not picked:
                    result.errors[spec.name] = _("Choose at least one option.")
                result.values[spec.name] = [v for v in picked if v in allowed]
                continue
            raw = raw_values[0] if raw_values else None
            if len(raw_values) > 1 and spec.kind != "bool":
                result.errors[spec.name] = _("This field was sent more than once.")
                continue
            if raw is not None and not isinstance(raw, str):
                result.errors[spec.name] = _("This field must be text.")
                continue
            text = raw or ""
            result.raw[spec.name] = text if spec.kind != "password" else ""
            error, value = _validate_field(spec, text)
            if error is None and spec.check is not None and value not in (None, ""):
                error = spec.check(value)
            if error:
                result.errors[spec.name] = error
            else:
                result.values[spec.name] = value
        return result


def _getall(data: Mapping[str, Any], name: str) -> list[Any]:
    getall = getattr(data, "getall", None)
    if getall is not None:
        try:
            return list(getall(name))
        except KeyError:
            return []
    value = data.get(name)
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _validate_field(spec: Field, text: str) -> tuple[str | None, Any]:
    if spec.kind == "bool":
        return None, text.lower() in {"1", "on", "true", "yes"}
    if spec.kind == "password":
        if spec.required and not text:
            return _("Enter a password."), None
        if len(text) > 1024:
            return _("That is too long."), None
        return None, text
    value = clean_text(text, multiline=spec.kind == "textarea")
    if not value:
        return (_("This field is required.") if spec.required else None), (None if spec.kind == "int" else "")
    if len(value) > spec.max_length:
        return _("Use at most %(max)s characters (you used %(used)s).", max=spec.max_length, used=len(value)), None
    if len(value) < spec.min_length:
        return _("Use at least %(min)s characters.", min=spec.min_length), None
    if spec.kind == "email":
        try:
            normalised = validate_email(value, check_deliverability=False).normalized
        except EmailNotValidError:
            return _("Enter an email address like name@example.org."), None
        return None, normalised.lower()
    if spec.kind == "choice":
        if value not in {choice for choice, _label in spec.choices}:
            return _("Choose from the options given."), None
        return None, value
    if spec.kind == "int":
        try:
            number = int(value)
        except ValueError:
            return _("Enter a whole number."), None
        if spec.min_value is not None and number < spec.min_value:
            return _("Enter a number no smaller than %(min)s.", min=spec.min_value), None
        if spec.max_value is not None and number > spec.max_value:
            return _("Enter a number no larger than %(max)s.", max=spec.max_value), None
        return None, number
    return None, value
