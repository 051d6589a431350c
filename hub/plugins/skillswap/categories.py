"""Listing categories: sensible defaults that organisers may rename, extend or mark as needing vetting."""

from __future__ import annotations

from typing import Any

from hub import Prepared
from hub import gettext as _
from hub import lazy_gettext as _l
from hub.plugins.skillswap.tables import Category

__all__ = ["DEFAULTS", "category_label", "list_categories", "seed_categories"]

DEFAULTS: list[tuple[str, Any, bool]] = [
    ("help-at-home", _l("Help at home"), False),
    ("garden", _l("Garden"), False),
    ("tech-help", _l("Tech help"), False),
    ("languages", _l("Languages"), False),
    ("lifts", _l("Lifts"), False),
    ("repairs", _l("Repairs"), False),
    ("childcare", _l("Childcare"), True),
    ("cooking", _l("Cooking"), False),
    ("company", _l("Company and a chat"), False),
    ("other", _l("Other"), False),
]
_DEFAULT_LABELS = {slug: label for slug, label, _vetted in DEFAULTS}


def category_label(row: dict[str, Any]) -> str:
    """An organiser's own name, else the translated default name (else the slug)."""
    if row.get("name"):
        return str(row["name"])
    label = _DEFAULT_LABELS.get(str(row.get("slug")))
    return str(label) if label is not None else str(row.get("slug", _("Other")))


async def seed_categories() -> None:
    """Add the built-in categories that are missing. Their ``name`` stays empty, so each reader
    sees the default name in their own language until an organiser renames one. Idempotent and
    race-free: the database skips a slug that exists (``ON CONFLICT DO NOTHING``), so organisers'
    changes (renamed, archived, marked as needing vetting) are never undone."""
    await (
        Category.insert(
            *[
                Category(slug=slug, name=None, needs_vetted=vetted, position=index * 10)
                for index, (slug, _label, vetted) in enumerate(DEFAULTS)
            ]
        )
        .on_conflict(target=Category.slug, action="DO NOTHING")
        .run()
    )


def _categories_query(include_archived: bool) -> Any:
    query = Category.select().order_by(Category.position).order_by(Category.id)
    return query if include_archived else query.where(Category.archived.eq(False))


# The browse page shows the categories on every visit.
CURRENT_CATEGORIES = Prepared(lambda: _categories_query(False))


async def list_categories(include_archived: bool = False) -> list[dict[str, Any]]:
    rows = await (_categories_query(True).run() if include_archived else CURRENT_CATEGORIES.rows())
    for row in rows:
        row["label"] = category_label(row)
    return rows
