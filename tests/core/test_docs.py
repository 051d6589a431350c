"""Docs stay true: every setting is documented."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

from hub.core.settings import _ENV_KEYS, Settings

DOCS = Path(__file__).parents[2] / "docs"


def test_every_setting_and_variable_is_documented() -> None:
    text = (DOCS / "configuration.md").read_text(encoding="utf-8")
    for field in fields(Settings):
        if field.name in ("hub_dir", "plugin_config"):
            continue
        assert f"`{field.name}`" in text or field.name in text, f"{field.name} missing from docs/configuration.md"
    for variable in _ENV_KEYS:
        assert variable in text, f"{variable} missing from docs/configuration.md"
