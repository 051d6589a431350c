"""``hub new-plugin``: the scaffold installs on its own, passes its tests and serves its page."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from hub.core.cli import main
from hub.core.scaffold import scaffold_plugin, slug_problem


@pytest.mark.parametrize("name", ["Bikes", "bike-repairs", "9lives", "x", "class", "core", "a" * 31, "bikes_"])
def test_bad_names_are_refused_with_a_reason(name: str, tmp_path: Path) -> None:
    assert slug_problem(name)
    result = CliRunner().invoke(main, ["new-plugin", name, "--directory", str(tmp_path)])
    assert result.exit_code == 1 and "Error:" in result.output
    assert not any(tmp_path.iterdir())


def test_scaffold_layout_and_no_overwrite(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["new-plugin", "bike_repairs", "--directory", str(tmp_path)])
    assert result.exit_code == 0, result.output
    root = tmp_path / "bike_repairs"
    expected = [
        "pyproject.toml",
        "hub_bike_repairs/plugin.py",
        "hub_bike_repairs/tables.py",
        "hub_bike_repairs/routes.py",
        "hub_bike_repairs/piccolo_migrations/bike_repairs_0001_initial.py",
        "hub_bike_repairs/templates/bike_repairs/index.html",
        "hub_bike_repairs/locale/en/LC_MESSAGES/messages.po",
        "tests/conftest.py",
        "tests/test_bike_repairs.py",
    ]
    for relative in expected:
        assert (root / relative).is_file(), relative
    pyproject = (root / "pyproject.toml").read_text()
    assert '[project.entry-points."community_hub.plugins"]' in pyproject
    assert 'bike_repairs = "hub_bike_repairs.plugin"' in pyproject
    plugin = (root / "hub_bike_repairs/plugin.py").read_text()
    assert 'requires_hub=">=1,<2"' in plugin
    for hook in ("register_db_apps", "register_permissions", "register_routes", "nav_items"):
        assert f"def {hook}(" in plugin
    assert "${" not in "".join(p.read_text() for p in root.rglob("*") if p.is_file())
    lint = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--isolated",
            "--line-length",
            "120",
            "--select",
            "E,F,W,B,UP",
            str(root),
        ],
        capture_output=True,
        text=True,
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr
    again = CliRunner().invoke(main, ["new-plugin", "bike_repairs", "--directory", str(tmp_path)])
    assert again.exit_code == 1 and "already exists" in again.output


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUB_", "PYTEST", "VIRTUAL_ENV", "UV_"))}
    env.update(extra)
    return env


@pytest.fixture
def plugin_env(tmp_path: Path) -> tuple[Path, Path]:
    """A new virtual environment holding the scaffolded plugin, installed from its folder.

    The hub and its dependencies come from this checkout's environment (added as a site dir), so
    the test needs no network; the plugin itself is built and installed like any distribution.
    """
    uv = shutil.which("uv")
    if uv is None:
        pytest.skip("uv is not on PATH, so no virtual environment can be made offline for this test")
    scaffold = scaffold_plugin("bike_repairs", tmp_path)
    venv = tmp_path / "venv"
    subprocess.run([uv, "venv", "-q", "--python", sys.executable, str(venv)], check=True, env=_clean_env())
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    here = sysconfig.get_paths()["purelib"]
    Path(purelib, "_community_hub_dev.pth").write_text(f"import site; site.addsitedir({here!r})\n")
    installed = subprocess.run(
        [uv, "pip", "install", "-q", "--offline", "--no-deps", "--python", str(python), str(scaffold.target)],
        capture_output=True,
        text=True,
        env=_clean_env(),
    )
    if installed.returncode != 0:
        pytest.skip(
            f"cannot build the plugin offline (hatchling missing from the uv cache?): {installed.stderr[-500:]}"
        )
    return python, scaffold.target


def test_scaffold_installs_passes_its_tests_and_serves_its_page(plugin_env: tuple[Path, Path], tmp_path: Path) -> None:
    python, target = plugin_env
    found = subprocess.run(
        [str(python), "-c", "import hub_bike_repairs.plugin as p; print(p.__file__)"],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    ).stdout
    assert "venv" in found  # the installed copy, not the source folder

    tests = subprocess.run(
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=target,
        capture_output=True,
        text=True,
        env=_clean_env(),
        timeout=300,
    )
    assert tests.returncode == 0, tests.stdout[-3000:] + tests.stderr[-2000:]
    assert "2 passed" in tests.stdout

    hub_dir = tmp_path / "hub"
    hub_dir.mkdir()
    port = _free_port()
    env = _clean_env(
        HUB_DIR=str(hub_dir), HUB_PLUGINS="bike_repairs", HUB_SECRET_KEY="s" * 48, HUB_STRICT_PLUGINS="true"
    )
    server = subprocess.Popen(
        [str(python), "-c", "from hub.core.cli import main; main()", "serve", "--port", str(port)],
        cwd=hub_dir,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        body = ""
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/bike_repairs/", timeout=5) as response:
                    assert response.status == 200
                    body = response.read().decode()
                    break
            except (urllib.error.URLError, ConnectionError):
                if server.poll() is not None:
                    break
                time.sleep(0.25)
        assert "<h1>Bike repairs</h1>" in body, server.stdout.read().decode() if server.poll() is not None else body
        assert 'href="/bike_repairs/"' in body  # its nav item
    finally:
        server.terminate()
        server.wait(timeout=20)
