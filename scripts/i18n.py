#!/usr/bin/env python3
"""Extract translatable messages and keep the Spanish and Arabic catalogues up to date.

    uv run python scripts/i18n.py                # the core, every built-in and every contrib plugin
    uv run python scripts/i18n.py core noticeboard
    uv run python scripts/i18n.py events         # a separately packaged plugin (plugins_contrib/events)
    uv run python scripts/i18n.py --check        # fail if a .pot file is out of date (CI, review)

For the core (hub/core) it writes hub/core/i18n/locale/messages.pot; for each plugin
(hub/plugins/<slug>) hub/plugins/<slug>/locale/messages.pot; for each separately packaged plugin
(plugins_contrib/<dist>/<package>/ with a locale/ folder, named <dist> on the command line)
plugins_contrib/<dist>/<package>/locale/messages.pot. Then, for every language in
LANGUAGES, it creates <locale>/<lang>/LC_MESSAGES/messages.po or merges the new template into it
(new strings appear untranslated, changed ones fuzzy; tests/core/test_i18n.py fails on both).
No compiled .mo files: the hub compiles the .po files in memory when it starts.

Which files are read, and how, comes from babel.cfg at the repository root.
"""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po
from babel.util import pathmatch

ROOT = Path(__file__).resolve().parents[1]
LANGUAGES = ("es", "ar")
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "_l": None,
    "lazy_gettext": None,
}
SKIP_DIRS = {"tests", "piccolo_migrations", "__pycache__", "static", "locale"}


def contrib_targets(contrib: Path | None = None) -> dict[str, tuple[Path, Path]]:
    """name → (package folder, locale folder) for each separately packaged plugin.

    A contrib plugin is a distribution folder plugins_contrib/<dist>/ holding a Python package
    (<dist>/<package>/__init__.py) with a locale/ folder. It is named after <dist> ("events" for
    plugins_contrib/events/hub_events); a distribution with several such packages names each
    one "<dist>/<package>".
    """
    contrib = ROOT / "plugins_contrib" if contrib is None else contrib
    found: dict[str, tuple[Path, Path]] = {}
    if not contrib.is_dir():
        return found
    for dist in sorted(p for p in contrib.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        packages = sorted(
            p for p in dist.iterdir() if p.is_dir() and (p / "__init__.py").exists() and (p / "locale").is_dir()
        )
        for package in packages:
            name = dist.name if len(packages) == 1 else f"{dist.name}/{package.name}"
            found[name] = (package, package / "locale")
    return found


def targets(names: list[str]) -> dict[str, tuple[Path, Path]]:
    """name → (source folder, locale folder) for the core, each built-in and each contrib plugin."""
    found = {"core": (ROOT / "hub" / "core", ROOT / "hub" / "core" / "i18n" / "locale")}
    plugins = ROOT / "hub" / "plugins"
    for folder in sorted(p for p in plugins.iterdir() if (p / "plugin.py").exists()):
        found[folder.name] = (folder, folder / "locale")
    for name, paths in contrib_targets().items():
        if name in found:
            raise SystemExit(f"i18n: plugins_contrib/{name} has the same name as {shown(found[name][0])}")
        found[name] = paths
    if not names:
        return found
    unknown = [name for name in names if name not in found]
    if unknown:
        raise SystemExit(f"i18n: no such part: {', '.join(unknown)} (known: {', '.join(found)})")
    return {name: found[name] for name in names}


def source_files(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not SKIP_DIRS.intersection(path.relative_to(folder).parts[:-1]):
            yield path


def extract(name: str, folder: Path) -> Catalog:
    with (ROOT / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    template = Catalog(project=f"Community Hub ({name})", msgid_bugs_address="", charset="utf-8", fuzzy=False)
    for path in source_files(folder):
        relative = path.relative_to(ROOT).as_posix()
        for pattern, method in method_map:
            if not pathmatch(pattern, relative):
                continue
            options = options_map.get(pattern, {})
            for lineno, message, comments, context in extract_from_file(
                method, str(path), keywords=KEYWORDS, options=options, strip_comment_tags=True
            ):
                template.add(message, None, [(relative, lineno)], auto_comments=comments, context=context)
            break
    return template


def shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def _without_dates(text: bytes) -> list[bytes]:
    return [line for line in text.splitlines() if not line.startswith((b'"POT-Creation-Date:', b'"PO-Revision-Date:'))]


def write(catalog: Catalog, path: Path) -> None:
    """Write a catalogue, leaving the file alone when only its dates would change (no merge noise)."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, omit_header=False, sort_output=False, include_lineno=False)
    content = buffer.getvalue()
    if path.exists() and _without_dates(path.read_bytes()) == _without_dates(content):
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


def _translated(string: str | tuple[str, ...] | list[str] | None) -> bool:
    """True when every form is filled in (a plural message's msgstr is a tuple of forms)."""
    forms = string if isinstance(string, tuple | list) else (string,)
    return all(forms)


def update_language(template: Catalog, locale_dir: Path, language: str) -> str:
    po_path = locale_dir / language / "LC_MESSAGES" / "messages.po"
    if po_path.exists():
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        catalog.update(template, update_header_comment=False)
        action = "updated"
    else:
        catalog = Catalog(locale=language, project=template.project, charset="utf-8", fuzzy=False)
        catalog.update(template)
        action = "created"
    write(catalog, po_path)
    missing = sum(1 for message in catalog if message.id and (message.fuzzy or not _translated(message.string)))
    return f"{action} {shown(po_path)} ({missing} to translate)"


def say(text: str, stream: TextIO = sys.stdout) -> None:
    stream.write(text + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("parts", nargs="*", help="core and/or plugin names, built-in or contrib (default: all)")
    parser.add_argument("--check", action="store_true", help="only report templates that are out of date")
    args = parser.parse_args(argv)
    stale = []
    for name, (folder, locale_dir) in targets(args.parts).items():
        template = extract(name, folder)
        pot = locale_dir / "messages.pot"
        if args.check:
            current: set[str] = set()
            if pot.exists():
                with pot.open("rb") as handle:
                    current = {str(m.id) for m in read_po(handle) if m.id}
            if current != {str(m.id) for m in template if m.id}:
                stale.append(name)
            continue
        if not len(template):
            say(f"{name}: no messages")
            continue
        write(template, pot)
        say(f"{name}: {len(template)} messages → {shown(pot)}")
        for language in LANGUAGES:
            say(f"  {update_language(template, locale_dir, language)}")
    if stale:
        say(f"out of date: {', '.join(stale)} (run: uv run python scripts/i18n.py)", sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
