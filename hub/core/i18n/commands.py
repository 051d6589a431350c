"""``hub i18n``: translations for a plugin author's own package, by Babel's own commands.

``extract`` writes ``<package>/locale/messages.pot`` from the package's Python files and
templates (``_``, ``gettext``, ``ngettext``, ``_l``/``lazy_gettext``, ``{% trans %}``); ``init LANG``
starts ``locale/<LANG>/LC_MESSAGES/messages.po``; ``update`` merges a new template into every
language (new messages empty, changed ones fuzzy); ``compile`` checks each catalogue and writes
``messages.mo`` with statistics. The hub itself reads the ``.po`` files when it starts, so a
plugin needs no compiled files; ``compile`` is the check before a release.
"""

from __future__ import annotations

from pathlib import Path

import click

__all__ = ["find_package", "i18n"]

MAPPING = Path(__file__).parent / "plugin-babel.cfg"
KEYWORDS = ("_l", "lazy_gettext")


def find_package(path: Path) -> Path:
    """The plugin package at ``path``: the folder holding ``plugin.py``, or the one such folder in it."""
    path = path.resolve()
    if (path / "plugin.py").is_file():
        return path
    found = sorted(child for child in path.iterdir() if child.is_dir() and (child / "plugin.py").is_file())
    if len(found) == 1:
        return found[0]
    raise click.ClickException(
        f"No plugin package in {path}: point at the folder holding plugin.py"
        + (f" (found several: {', '.join(p.name for p in found)})" if found else "")
        + "."
    )


def _babel(command: str, *arguments: str, quiet: bool = True) -> int:
    """Run one of Babel's ``pybabel`` commands; its errors become the command's error."""
    from babel.messages.frontend import BaseError, CommandLineInterface

    try:
        result = CommandLineInterface().run(["pybabel", *(["-q"] if quiet else []), command, *arguments])
    except BaseError as error:
        raise click.ClickException(str(error)) from None
    except SystemExit as stop:  # optparse's way to refuse arguments (it printed why)
        if stop.code:
            raise click.ClickException(f"pybabel {command} refused its arguments.") from None
    return int(result or 0)


def _template(package: Path) -> Path:
    template = package / "locale" / "messages.pot"
    if not template.is_file():
        raise click.ClickException(f"No {template}: run `hub i18n extract` first.")
    return template


package_argument = click.argument(
    "path", type=click.Path(exists=True, file_okay=False, path_type=Path), default=".", required=False
)


@click.group()
def i18n() -> None:
    """Translate your plugin: extract its messages, start a language, update and check catalogues."""


@i18n.command()
@package_argument
def extract(path: Path) -> None:
    """Write locale/messages.pot from the plugin package's code and templates."""
    package = find_package(path)
    output = package / "locale" / "messages.pot"
    output.parent.mkdir(parents=True, exist_ok=True)
    keywords = [argument for keyword in KEYWORDS for argument in ("-k", keyword)]
    _babel("extract", "-F", str(MAPPING), *keywords, "--project", package.name, "-o", str(output), str(package))
    click.echo(f"Wrote {output}.")


@i18n.command()
@click.argument("language")
@package_argument
def init(language: str, path: Path) -> None:
    """Start a catalogue for LANGUAGE (e.g. es) from locale/messages.pot."""
    package = find_package(path)
    catalogue = package / "locale" / language / "LC_MESSAGES" / "messages.po"
    if catalogue.exists():
        raise click.ClickException(f"{catalogue} already exists: run `hub i18n update` to bring it up to date.")
    _babel("init", "-i", str(_template(package)), "-d", str(package / "locale"), "-l", language)
    click.echo(f"Wrote {catalogue}: translate its msgstr lines.")


@i18n.command()
@package_argument
def update(path: Path) -> None:
    """Merge locale/messages.pot into every language's catalogue."""
    package = find_package(path)
    _babel("update", "-i", str(_template(package)), "-d", str(package / "locale"))
    click.echo(f"Updated the catalogues in {package / 'locale'}: translate new and fuzzy messages.")


@i18n.command("compile")
@package_argument
def compile_catalogues(path: Path) -> None:
    """Check every catalogue, write its messages.mo, and say how much of each is translated."""
    from babel.messages.pofile import read_po

    package = find_package(path)
    catalogues = sorted((package / "locale").glob("*/LC_MESSAGES/messages.po"))
    if not catalogues:
        raise click.ClickException(f"No catalogues in {package / 'locale'}: run `hub i18n init LANGUAGE` first.")
    errors = _babel("compile", "-d", str(package / "locale"))
    for po in catalogues:
        language = po.parent.parent.name
        with po.open("rb") as handle:
            catalogue = read_po(handle, locale=language)
        messages = [m for m in catalogue if m.id]
        done = [m for m in messages if not m.fuzzy and all(m.string if isinstance(m.string, tuple) else [m.string])]
        fuzzy = sum(1 for m in messages if m.fuzzy)
        share = round(100 * len(done) / len(messages)) if messages else 100
        click.echo(f"{language}: {len(done)} of {len(messages)} messages ({share}%) translated, {fuzzy} fuzzy")
    if errors:
        raise click.ClickException(f"{errors} catalogue(s) could not be compiled.")
