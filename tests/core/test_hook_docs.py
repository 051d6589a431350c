"""The hook reference and the tests keep up with hub/core/hookspecs.py."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from hub.core.cli import main
from hub.core.hookdocs import hookspec_functions, render_hook_reference

ROOT = Path(__file__).resolve().parents[2]
HOOKS_MD = ROOT / "docs" / "plugins" / "hooks.md"
SPECS = [name for name, _ in hookspec_functions()]


def test_hookspecs_found() -> None:
    assert "register_routes" in SPECS and "notification_delivery" in SPECS
    assert len(SPECS) == len(set(SPECS))


def test_every_hook_documented_and_every_documented_hook_exists() -> None:
    documented = re.findall(r"^### (\w+)$", HOOKS_MD.read_text(encoding="utf-8"), flags=re.MULTILINE)
    missing = sorted(set(SPECS) - set(documented))
    unknown = sorted(set(documented) - set(SPECS))
    assert not missing, f"undocumented hooks {missing}: run `uv run hub hook-docs`"
    assert not unknown, f"docs/plugins/hooks.md documents hooks that do not exist: {unknown}"


def test_hook_reference_is_regenerated_from_the_docstrings() -> None:
    assert HOOKS_MD.read_text(encoding="utf-8") == render_hook_reference(), "run `uv run hub hook-docs`"
    result = CliRunner().invoke(main, ["hook-docs", "--check", "--output", str(HOOKS_MD)])
    assert result.exit_code == 0, result.output


def test_hook_docs_command_writes_the_page(tmp_path: Path) -> None:
    output = tmp_path / "hooks.md"
    stale = CliRunner().invoke(main, ["hook-docs", "--check", "--output", str(output)])
    assert stale.exit_code == 1 and "out of date" in stale.output
    assert CliRunner().invoke(main, ["hook-docs", "--output", str(output)]).exit_code == 0
    assert output.read_text(encoding="utf-8") == render_hook_reference()


def test_every_hook_has_a_test() -> None:
    """Each hookspec is implemented (``def name(`` or ``specname="name"``) in some test module."""
    sources = [
        path.read_text(encoding="utf-8") for path in (ROOT / "tests").rglob("*.py") if path.name != Path(__file__).name
    ]
    untested = [
        name
        for name in SPECS
        if not any(re.search(rf"def {name}\(|specname=[\"']{name}[\"']", text) for text in sources)
    ]
    assert not untested, f"hooks with no implementing test plugin: {untested} (add one to tests/core/hook_probe)"
