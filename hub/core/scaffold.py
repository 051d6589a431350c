"""``hub new-plugin NAME``: write a separately installable plugin package to start from.

The templates live beside this module in ``scaffold_template/`` (package data): every ``*.tmpl``
file is filled in with :class:`string.Template` (``${slug}``, ``${package}``, …) and written
without the suffix; ``__package__`` and ``__slug__`` in paths become the package and the slug.
The result passes its own test out of the box (tests/test_<slug>.py, using ``hub.testing``).
"""

from __future__ import annotations

import keyword
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from string import Template

from hub.core import contract

__all__ = ["TEMPLATE_DIR", "Scaffold", "ScaffoldError", "scaffold_plugin", "slug_problem"]

TEMPLATE_DIR = Path(__file__).parent / "scaffold_template"


class ScaffoldError(ValueError):
    """The plugin cannot be created; the message says why and what to do."""


def slug_problem(slug: str) -> str | None:
    """Why ``slug`` cannot name a plugin (the rules the hub checks when a plugin loads), or ``None``."""
    from hub.core.app import reserved_names

    problem = contract.slug_problem(slug, reserved_names())
    if problem is None and keyword.iskeyword(slug):
        problem = f"slug {slug!r} is a Python keyword: choose another"
    return f"{problem[0].upper()}{problem[1:]} (e.g. bike_repairs)." if problem else None


@dataclass(frozen=True, slots=True)
class Scaffold:
    slug: str
    target: Path

    @property
    def package(self) -> str:
        return f"hub_{self.slug}"

    @property
    def dist(self) -> str:
        return f"community-hub-{self.slug.replace('_', '-')}"

    @property
    def title(self) -> str:
        return self.slug.replace("_", " ").capitalize()

    def variables(self, now: datetime) -> dict[str, str]:
        return {
            "slug": self.slug,
            "package": self.package,
            "dist": self.dist,
            "title": self.title,
            "migration_id": now.strftime("%Y-%m-%dT%H:%M:%S:%f"),
        }


def scaffold_plugin(slug: str, parent: Path, now: datetime | None = None) -> Scaffold:
    """Write the plugin ``slug`` into ``parent/slug``; refuses to touch an existing folder."""
    problem = slug_problem(slug)
    if problem:
        raise ScaffoldError(problem)
    scaffold = Scaffold(slug=slug, target=parent / slug)
    if scaffold.target.exists():
        raise ScaffoldError(f"{scaffold.target} already exists; choose another name or remove it first.")
    values = scaffold.variables(now or datetime.now(UTC))
    for source in sorted(TEMPLATE_DIR.rglob("*.tmpl")):
        relative = source.relative_to(TEMPLATE_DIR).as_posix()[: -len(".tmpl")]
        relative = relative.replace("__package__", scaffold.package).replace("__slug__", slug)
        destination = scaffold.target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        text = Template(source.read_text(encoding="utf-8")).substitute(values)
        destination.write_text(text, encoding="utf-8")
    return scaffold
