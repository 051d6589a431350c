"""Translations: complete catalogues, no untranslated text in templates, and language choice.

Language is chosen from the member's own setting, then the visitor's cookie, then the browser's
Accept-Language, then the hub's default; dates follow the chosen language (Babel).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path

import jinja2
import pytest
from babel.messages.pofile import read_po

from hub.core.i18n import Catalogues
from hub.core.web.templates import build_environment
from hub.testing import HubClient

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(
    [
        *ROOT.glob("hub/core/i18n/locale/*/LC_MESSAGES/messages.po"),
        *ROOT.glob("hub/plugins/*/locale/*/LC_MESSAGES/messages.po"),
        *(p for p in ROOT.glob("plugins_contrib/*/*/locale/*/LC_MESSAGES/messages.po") if p.parts[-3] != "en"),
    ]
)
TEMPLATES = sorted(
    [
        *ROOT.glob("hub/core/templates/**/*.html"),
        *ROOT.glob("hub/plugins/*/templates/**/*.html"),
        *ROOT.glob("plugins_contrib/*/**/templates/**/*.html"),
    ]
)
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
# Text that needs no translation: punctuation and separators only (checked after removing markup).
ALLOWED_TEXT = {"·", "—", "–", "…", "|", "/", "(", ")", ":", ","}
# Attributes whose values people read or hear.
TEXT_ATTRIBUTES = {"aria-label", "title", "alt", "placeholder", "aria-description", "aria-roledescription"}
MARK = "\x00"


def test_core_catalogues_exist() -> None:
    languages = {path.parts[-3] for path in CATALOGUES if "hub/core/" in path.as_posix()}
    assert {"es", "ar"} <= languages


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_is_complete(po_path: Path) -> None:
    language = po_path.parts[-3]
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    if language == "ar":
        assert catalog.num_plurals == 6
    problems = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        if message.fuzzy:
            problems.append(f"fuzzy: {ids[0]!r}")
        if not all(strings) or (message.pluralizable and len(strings) != catalog.num_plurals):
            problems.append(f"untranslated: {ids[0]!r}")
            continue
        expected = set(PLACEHOLDER.findall(" ".join(ids)))
        for text in strings:
            found = set(PLACEHOLDER.findall(text))
            # A plural form may leave out %(num)s (Arabic says "one problem" without the number).
            if found != expected and not (message.pluralizable and found == expected - {"num"}):
                problems.append(f"placeholders {sorted(found)} ≠ {sorted(expected)} in {ids[0]!r} → {text!r}")
    assert not problems, f"{po_path.relative_to(ROOT)}:\n" + "\n".join(problems)


def _strip_jinja(source: str) -> str:
    """The template with every Jinja tag replaced by a marker and {% trans %} blocks removed."""
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"])
    out: list[str] = []
    in_trans = False
    tag: list[str] = []
    for _lineno, kind, value in env.lex(source):
        if kind == "data" and not tag:
            if not in_trans:
                out.append(value)
            continue
        if kind.endswith("_begin"):
            tag = [kind]
            continue
        if kind.endswith("_end"):
            names = [v for k, v in tag[1:] if k == "name"] if len(tag) > 1 else []  # type: ignore[misc]
            first = names[0] if names else ""
            if tag[0] == "block_begin" and first == "trans":
                in_trans = True
            elif tag[0] == "block_begin" and first == "endtrans":
                in_trans = False
            out.append(MARK)
            tag = []
            continue
        tag.append((kind, value))  # type: ignore[arg-type]
    return "".join(out)


class _TextFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._skip += 1
        for name, value in attrs:
            if name in TEXT_ATTRIBUTES and value:
                self._check(value, f'{name}="{value}"')

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"} and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._check(data, data)

    def _check(self, text: str, shown: str) -> None:
        for piece in text.split(MARK):
            piece = piece.strip()
            if piece and piece not in ALLOWED_TEXT and any(ch.isalpha() for ch in piece):
                self.found.append(shown.replace(MARK, "{…}").strip())


def untranslated_text(source: str) -> list[str]:
    finder = _TextFinder()
    finder.feed(_strip_jinja(source))
    finder.close()
    return finder.found


def test_the_untranslated_text_check_finds_text() -> None:
    assert untranslated_text("<p>Hello {{ name }}</p>") == ["Hello {…}"]
    assert untranslated_text('<nav aria-label="Main"></nav>') == ['aria-label="Main"']
    assert untranslated_text("<p>{{ _('Hello') }} · {% trans %}Hi {{ x }}{% endtrans %}</p>") == []
    assert untranslated_text('<a href="/x" class="button">{{ _("Go") }}</a>') == []


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_have_no_untranslated_text(template: Path) -> None:
    found = untranslated_text(template.read_text(encoding="utf-8"))
    assert not found, f"{template.relative_to(ROOT)}: wrap this text in _() or {{% trans %}}: {found}"


# Choosing the language ----------------------------------------------------------------------


def _lang(html: str) -> str:
    match = re.search(r'<html lang="([^"]+)" dir="([^"]+)"', html)
    assert match, "no <html lang dir>"
    return f"{match.group(1)}/{match.group(2)}"


async def test_language_from_accept_language_then_default(client: HubClient) -> None:
    assert _lang((await client.get("/search")).text) == "en/ltr"
    spanish = await client.get("/search", headers={"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"})
    assert _lang(spanish.text) == "es/ltr"
    assert "<h1>Buscar</h1>" in spanish.text
    arabic = await client.get("/search", headers={"Accept-Language": "ar"})
    assert _lang(arabic.text) == "ar/rtl"
    unknown = await client.get("/search", headers={"Accept-Language": "de-DE, fr;q=0.8"})
    assert _lang(unknown.text) == "en/ltr"


async def test_cookie_beats_accept_language(client: HubClient) -> None:
    response = await client.post_form("/-/language", {"language": "ar", "next": "/search"})
    assert response.status_code in (302, 303)
    page = await client.get("/search", headers={"Accept-Language": "es"})
    assert _lang(page.text) == "ar/rtl"


async def test_members_own_language_comes_first(client: HubClient, make_member) -> None:
    member = await make_member(language="es")
    await client.login(member)
    page = await client.get("/search", headers={"Accept-Language": "ar"})
    assert _lang(page.text) == "es/ltr"
    assert "Cerrar sesión" in page.text


async def test_unknown_language_choice_is_refused(client: HubClient) -> None:
    response = await client.post_form("/-/language", {"language": "xx", "next": "/"})
    assert response.status_code == 400


def test_dates_follow_the_language() -> None:
    catalogues = Catalogues.load(["en", "es", "ar"], "en")
    env = build_environment(None, {})
    template = env.from_string("{{ day|date('long') }} | {{ moment|datetime('short') }}")
    values = {"day": date(2026, 11, 26), "moment": datetime(2026, 11, 26, 14, 5, tzinfo=UTC)}
    rendered = {}
    for language in ("en", "es", "ar"):
        catalogues.activate(language)
        rendered[language] = template.render(values)
    catalogues.activate("en")
    assert rendered["en"].startswith("November 26, 2026")
    assert rendered["es"].startswith("26 de noviembre de 2026")
    assert "نوفمبر" in rendered["ar"]


# The extraction script ----------------------------------------------------------------------


def _i18n_script():
    import importlib.util

    spec = importlib.util.spec_from_file_location("hub_i18n_script", ROOT / "scripts" / "i18n.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_extraction_finds_python_template_and_plural_messages(tmp_path: Path) -> None:
    script = _i18n_script()
    template = script.extract("core", ROOT / "hub" / "core")
    ids = {message.id if isinstance(message.id, str) else message.id[0] for message in template if message.id}
    assert "Sign in" in ids  # a template string
    assert "That email address is already in use." in ids  # a Python string
    assert "See the hub's pages" in ids  # a lazy_gettext label
    assert "Please correct the problem below." in ids  # ngettext in a macro
    assert any("%(join)s" in message_id for message_id in ids)  # a {% trans %} block
    script.update_language(template, tmp_path, "ar")
    with (tmp_path / "ar" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        created = read_po(handle, locale="ar")
    assert created.num_plurals == 6
    assert {m.id if isinstance(m.id, str) else m.id[0] for m in created if m.id} == ids


def test_templates_match_the_source_and_catalogues_hold_every_message() -> None:
    """A string added to the code without re-extracting (or a catalogue left behind) fails here:
    run `uv run python scripts/i18n.py` and translate what it adds."""
    import subprocess
    import sys

    from babel.messages.pofile import read_po

    check = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "i18n.py"), "--check"], capture_output=True, text=True, check=False
    )
    assert check.returncode == 0, check.stdout + check.stderr
    for po_path in CATALOGUES:
        pot_path = po_path.parents[2] / "messages.pot"
        with pot_path.open("rb") as pot_file, po_path.open("rb") as po_file:
            wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(pot_file) if m.id}
            have = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(po_file) if m.id}
        missing = wanted - have
        assert not missing, f"{po_path.relative_to(ROOT)} lacks {len(missing)} messages, e.g. {sorted(missing)[:3]}"
