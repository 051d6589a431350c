"""hub.cached_macro: an item is rendered again exactly when something it shows changes."""

from __future__ import annotations

from pathlib import Path

import jinja2

from hub import cached_macro
from hub.core.i18n import Catalogues, activate
from hub.core.web.templates import build_environment


def _environment(tmp_path: Path) -> jinja2.Environment:
    folder = tmp_path / "templates"
    (folder / "demo").mkdir(parents=True)
    (folder / "demo" / "_item.html").write_text(
        '{% macro item(row, is_new=false) %}<li>{{ row.title }} · {{ _("Sign in") if row.pinned }}'
        "{% if is_new %} new{% endif %}{% for tag in row.tags %} #{{ tag }}{% endfor %}</li>{% endmacro %}",
        encoding="utf-8",
    )
    return build_environment(folder, {})


def test_same_row_is_rendered_once_and_a_changed_row_again(tmp_path: Path) -> None:
    item = cached_macro(_environment(tmp_path), "demo/_item.html", "item")
    row = {"id": 1, "title": "Ladder <to lend>", "pinned": False, "tags": ["tools"]}
    first = item(row)
    assert str(first) == "<li>Ladder &lt;to lend&gt; ·  #tools</li>"
    assert item(dict(row)) == first
    assert item.cache_info().hits == 1  # type: ignore[attr-defined]

    assert "Step ladder" in item({**row, "title": "Step ladder"})
    assert "#garden" in item({**row, "tags": ["tools", "garden"]})
    assert item(row, is_new=True).endswith(" new #tools</li>")
    assert item.cache_info().misses == 4  # type: ignore[attr-defined]


def test_the_language_is_part_of_the_key(tmp_path: Path) -> None:
    item = cached_macro(_environment(tmp_path), "demo/_item.html", "item")
    catalogues = Catalogues.load(["en", "es"], "en")
    row = {"id": 1, "title": "Ladder", "pinned": True, "tags": []}
    activate(catalogues, "en")
    english = item(row)
    activate(catalogues, "es")
    spanish = item(row)
    activate(catalogues, "en")
    assert "Sign in" in english
    assert "Iniciar sesión" in spanish


def test_an_unhashable_value_renders_uncached(tmp_path: Path) -> None:
    item = cached_macro(_environment(tmp_path), "demo/_item.html", "item")
    row = {"id": 1, "title": "Ladder", "pinned": False, "tags": [{"not": "hashable", "x": set()}]}
    assert "Ladder" in item(row)
    assert item.cache_info().currsize == 0  # type: ignore[attr-defined]
