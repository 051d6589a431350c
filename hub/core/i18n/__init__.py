"""Translations: Babel catalogues for the core and every plugin, chosen per request.

Catalogues are ``.po`` files compiled in memory at start-up (no compiled ``.mo`` files in the
repository, no build step). The active translation lives in a context variable so ``_()`` works
the same in Python code and in Jinja templates, request by request.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeAlias

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import LazyProxy, NullTranslations, Translations

__all__ = [
    "RTL_LANGUAGES",
    "Catalogues",
    "Text",
    "activate",
    "current_locale",
    "gettext",
    "lazy_gettext",
    "lazy_text",
    "negotiate",
    "ngettext",
    "translate",
    "translate_plural",
]

CORE_LOCALE_DIR = Path(__file__).parent / "locale"
RTL_LANGUAGES = frozenset({"ar", "he", "fa", "ur", "yi", "ps", "ckb"})

Text: TypeAlias = "str | LazyProxy"
"""Text shown to people: a ``str``, or ``lazy_gettext("…")`` that is translated each time it is shown.
Labels made at import time (plugin names, permission and job descriptions) must stay lazy:
``str()`` there would translate once, in whatever language was active, and freeze it."""

_active: contextvars.ContextVar[NullTranslations | None] = contextvars.ContextVar("hub_translations", default=None)
_active_locale: contextvars.ContextVar[str] = contextvars.ContextVar("hub_locale", default="en")


def translate(message: str) -> str:
    """The active language's text for ``message``, not yet formatted (templates format it)."""
    translations = _active.get()
    return translations.ugettext(message) if translations is not None else message


def translate_plural(singular: str, plural: str, n: int) -> str:
    translations = _active.get()
    if translations is not None:
        return translations.ungettext(singular, plural, n)
    return singular if n == 1 else plural


def gettext(message: str, **variables: Any) -> str:
    text = translate(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n: int, **variables: Any) -> str:
    variables.setdefault("num", n)
    return translate_plural(singular, plural, n) % variables


def lazy_gettext(message: str, **variables: Any) -> Any:
    """For strings defined at import time (labels, categories): translated when shown.

    A ``babel.support.LazyProxy`` that behaves as the translated ``str`` wherever it is shown;
    fields typed :data:`Text` (``PluginInfo.name``, ``Permission.description``, ``Job.description``…)
    take it. Keep it lazy: ``str()`` of it at import time would freeze one language.
    """
    return LazyProxy(gettext, message, enable_cache=False, **variables)


def lazy_text(function: Callable[..., str], *args: Any, **kwargs: Any) -> Any:
    """Text made by ``function(*args, **kwargs)`` each time it is shown, in the language active
    then: for text built from several translated pieces (a list of lines, a joined summary)."""
    return LazyProxy(function, *args, enable_cache=False, **kwargs)


def current_locale() -> str:
    return _active_locale.get()


def _compile(po_path: Path, locale: str) -> Translations:
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(fp=buffer)


@dataclass
class Catalogues:
    """Every language this hub can speak, merged from the core and the loaded plugins."""

    languages: Sequence[str]
    default: str
    by_locale: dict[str, NullTranslations] = field(default_factory=dict)

    @classmethod
    def load(cls, languages: Sequence[str], default: str, extra_dirs: Iterable[Path] = ()) -> Catalogues:
        catalogues = cls(languages=list(languages), default=default)
        dirs = [CORE_LOCALE_DIR, *extra_dirs]
        for language in languages:
            merged: Translations | None = None
            for folder in dirs:
                po = folder / language / "LC_MESSAGES" / "messages.po"
                if not po.exists():
                    continue
                compiled = _compile(po, language)
                if merged is None:
                    merged = compiled
                else:
                    merged.merge(compiled)
            catalogues.by_locale[language] = merged or NullTranslations()
        return catalogues

    def activate(self, language: str) -> contextvars.Token[NullTranslations | None]:
        _active_locale.set(language if language in self.by_locale else self.default)
        return _active.set(self.by_locale.get(language) or self.by_locale.get(self.default))

    @contextlib.contextmanager
    def using(self, language: str | None) -> Iterator[str]:
        """Translate everything inside the block into ``language`` (the default when it is unknown
        or unset): an email in its recipient's language, seeded names in the hub's. Yields the
        language chosen; the one active before comes back afterwards."""
        chosen = language if language in self.by_locale else self.default
        locale_token = _active_locale.set(chosen)
        translations_token = _active.set(self.by_locale.get(chosen) or self.by_locale.get(self.default))
        try:
            yield chosen
        finally:
            _active.reset(translations_token)
            _active_locale.reset(locale_token)

    def language_name(self, language: str) -> str:
        return _autonym(language)


@functools.lru_cache(maxsize=64)
def _autonym(language: str) -> str:
    """A language's name in itself: the footer asks for every language on every page."""
    try:
        return Locale.parse(language).get_display_name(language) or language
    except (UnknownLocaleError, ValueError):
        return language


def activate(catalogues: Catalogues, language: str) -> None:
    catalogues.activate(language)


def negotiate(accept_language: str | None, available: Sequence[str], default: str) -> str:
    """Pick the best available language from an Accept-Language header."""
    if not accept_language:
        return default
    choices: list[tuple[float, str]] = []
    for part in accept_language.split(",")[:20]:
        piece = part.strip()
        if not piece:
            continue
        tag, _, params = piece.partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        choices.append((quality, tag.strip().lower()))
    choices.sort(key=lambda pair: -pair[0])
    lowered = {language.lower(): language for language in available}
    for quality, tag in choices:
        if quality <= 0:
            continue
        if tag in lowered:
            return lowered[tag]
        primary = tag.split("-")[0]
        if primary in lowered:
            return lowered[primary]
    return default


def text_direction(language: str) -> str:
    return "rtl" if language.split("-")[0] in RTL_LANGUAGES else "ltr"
