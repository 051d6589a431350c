"""SECURITY.md item 19: templates autoescape, and nothing marks member input as safe.

* no template applies ``|safe`` (member text goes through the sanitising ``markdown`` filter);
* every ``Markup(...)`` in Python either wraps a string literal (``Markup("<p>{}</p>").format(x)``
  escapes ``x``) or carries a ``noqa: S704`` comment saying why its input is already safe;
* every environment autoescapes HTML.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).parents[2]
SOURCES = [ROOT / "hub", ROOT / "plugins_contrib"]


def _files(pattern: str) -> list[Path]:
    return [p for base in SOURCES for p in base.rglob(pattern) if ".venv" not in p.parts]


def test_no_template_marks_output_safe() -> None:
    offenders = []
    for path in _files("*.html"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if re.search(r"\|\s*safe\b", line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


def test_markup_only_wraps_literals_or_justified_values() -> None:
    offenders = []
    for path in _files("*.py"):
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        for node in ast.walk(ast.parse(source)):
            if not (
                isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "Markup"
            ):
                continue
            argument = node.args[0] if node.args else None
            literal = argument is None or (isinstance(argument, ast.Constant) and isinstance(argument.value, str))
            justified = any(
                "noqa: S704" in lines[n - 1] for n in range(node.lineno, (node.end_lineno or node.lineno) + 1)
            )
            if not literal and not justified:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders, "Markup() over a non-literal without a stated reason:\n" + "\n".join(offenders)


async def test_the_environment_autoescapes(client, hub) -> None:
    template = hub.env.from_string("<p>{{ value }}</p>")
    assert template.render(value="<script>x</script>") == "<p>&lt;script&gt;x&lt;/script&gt;</p>"
    page = hub.env.get_template("errors/error.html")
    assert page.environment.autoescape
