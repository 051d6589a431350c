"""``hub i18n extract|init|update|compile`` on a freshly scaffolded plugin, in a temporary folder."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po, write_po
from click.testing import CliRunner

from hub.core.cli import main
from hub.core.i18n import Catalogues, gettext


def hub_cli(*arguments: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(arguments))
    return result.exit_code, result.output


def translate(po: Path, translations: dict[str, str]) -> None:
    with po.open("rb") as handle:
        catalogue = read_po(handle, locale="es")
    for message in catalogue:
        if message.id in translations:
            message.string = translations[message.id]
    with po.open("wb") as handle:
        write_po(handle, catalogue)


def test_a_plugin_author_translates_their_own_package(tmp_path: Path) -> None:
    assert hub_cli("new-plugin", "bike_repairs", "--directory", str(tmp_path))[0] == 0
    project = tmp_path / "bike_repairs"
    package = project / "hub_bike_repairs"

    code, output = hub_cli("i18n", "extract", str(project))  # the project folder: its one package is found
    assert code == 0, output
    template = (package / "locale" / "messages.pot").read_text(encoding="utf-8")
    for message in ('msgid "Bike repairs"', 'msgid "See Bike repairs"', 'msgid "Nothing here yet."'):
        assert message in template, message  # from plugin.py (lazy_gettext) and from the template

    code, output = hub_cli("i18n", "init", "es", str(package))
    assert code == 0, output
    spanish = package / "locale" / "es" / "LC_MESSAGES" / "messages.po"
    translate(spanish, {"Bike repairs": "Reparación de bicis", "Nothing here yet.": "Aún no hay nada."})
    again = hub_cli("i18n", "init", "es", str(package))
    assert again[0] == 1 and "already exists" in again[1]

    plugin = package / "plugin.py"
    plugin.write_text(plugin.read_text(encoding="utf-8") + '\nSPOKES = _l("Spokes and chains")\n', encoding="utf-8")
    assert hub_cli("i18n", "extract", str(package))[0] == 0
    code, output = hub_cli("i18n", "update", str(package))
    assert code == 0, output
    with spanish.open("rb") as handle:
        catalogue = read_po(handle, locale="es")
    assert catalogue["Bike repairs"].string == "Reparación de bicis"  # kept
    assert catalogue["Spokes and chains"] is not None and not catalogue["Spokes and chains"].string  # new, to do

    code, output = hub_cli("i18n", "compile", str(package))
    assert code == 0, output
    assert "es: 2 of 10 messages (20%) translated, 0 fuzzy" in output
    assert (package / "locale" / "es" / "LC_MESSAGES" / "messages.mo").is_file()

    catalogues = Catalogues.load(["en", "es"], "en", [package / "locale"])
    with catalogues.using("es"):
        assert gettext("Bike repairs") == "Reparación de bicis"  # how the hub will read the plugin's .po


def test_i18n_needs_a_plugin_package_and_an_extracted_template(tmp_path: Path) -> None:
    code, output = hub_cli("i18n", "extract", str(tmp_path))
    assert code == 1 and "No plugin package in" in output
    (tmp_path / "plugin.py").write_text("", encoding="utf-8")
    code, output = hub_cli("i18n", "update", str(tmp_path))
    assert code == 1 and "run `hub i18n extract` first" in output
    code, output = hub_cli("i18n", "compile", str(tmp_path))
    assert code == 1 and "run `hub i18n init LANGUAGE` first" in output
