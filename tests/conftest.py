"""Suite-wide fixtures. The hub's own fixtures come from the ``hub.testing`` pytest plugin."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


def write_distribution(site: Path, name: str, version: str, entry_points: dict[str, str]) -> None:
    """Install a distribution's metadata into ``site`` the way an installer does (``*.dist-info``)."""
    dist_info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    dist_info.mkdir(parents=True, exist_ok=True)
    (dist_info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8")
    lines = ["[community_hub.plugins]", *(f"{slug} = {target}" for slug, target in entry_points.items())]
    (dist_info / "entry_points.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


InstallPlugin = Callable[[str, str, dict[str, str], Path | None], Path]


@pytest.fixture
def install_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> InstallPlugin:
    """Make a plugin package importable and discoverable through the entry-point group."""
    site = tmp_path / "site-packages"
    site.mkdir(exist_ok=True)

    def install(name: str, version: str, entry_points: dict[str, str], source: Path | None = None) -> Path:
        write_distribution(site, name, version, entry_points)
        if source is not None:
            monkeypatch.syspath_prepend(str(source))
        monkeypatch.syspath_prepend(str(site))
        return site

    return install


@pytest.fixture
def testplugin(install_plugin: InstallPlugin) -> str:
    """The test plugin under tests/fixtures, installed through its entry point."""
    install_plugin("hub-testplugin", "0.1.0", {"testplugin": "hub_testplugin.plugin"}, FIXTURES / "hub_testplugin")
    return "testplugin"
