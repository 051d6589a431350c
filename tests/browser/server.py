"""A real ``hub serve`` in a temporary hub folder, for the browser suite.

The hub is prepared the way an organiser would (``hub demo-data``, ``hub createadmin``) and then
served on a free port of 127.0.0.1, so the browser talks to exactly what people run.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from hub.core.plugins import BUILTIN_PLUGINS, ENTRY_POINT_GROUP

ADMIN_EMAIL = "admin@example.org"
ADMIN_PASSWORD = "browser suite passphrase 2026"  # a throwaway test hub
HUB_NAME = "Riverside Community Hub"

HUB_TOML = f"""[hub]
hub_name = "{HUB_NAME}"
secret_key = "browser-suite-secret-{"k" * 48}"
registration = "open"
languages = ["en", "es", "ar"]
default_language = "en"
allowed_hosts = ["127.0.0.1", "localhost"]
rate_limit_per_minute = 100000
"""


@dataclass(frozen=True)
class RunningHub:
    base_url: str
    hub_dir: Path
    plugins: tuple[str, ...]

    def url(self, path: str) -> str:
        return self.base_url + path


def importable_builtin_plugins() -> tuple[str, ...]:
    """Slugs of the built-in plugins that exist in this checkout (``hub.plugins.<slug>.plugin``)."""
    slugs = []
    for module in BUILTIN_PLUGINS:
        try:
            importlib.import_module(module)
        except ImportError:
            continue
        slugs.append(module.split(".")[2])
    return tuple(slugs)


def installed_entry_point_plugins() -> tuple[str, ...]:
    """Slugs of the plugins installed as packages (entry points), such as the Events contrib plugin."""
    return tuple(sorted(entry.name for entry in metadata.entry_points(group=ENTRY_POINT_GROUP)))


def plugins_under_test() -> tuple[str, ...]:
    """What the browser suite's hub loads: every importable built-in and every installed plugin."""
    builtins = importable_builtin_plugins()
    return builtins + tuple(slug for slug in installed_entry_point_plugins() if slug not in builtins)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _hub_command(hub_dir: Path, env: dict[str, str], *args: str, stdin: str | None = None) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "hub", *args],
        cwd=hub_dir,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"hub {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")


def _wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"hub serve exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        with (
            contextlib.suppress(urllib.error.URLError, ConnectionError, TimeoutError),
            urllib.request.urlopen(url + "/-/health", timeout=2) as response,
        ):
            if response.status == 200:
                return
        time.sleep(0.1)
    raise RuntimeError(f"hub serve did not become healthy in {timeout:.0f}s:\n{log.read_text(errors='replace')}")


@contextlib.contextmanager
def running_hub(hub_dir: Path) -> Iterator[RunningHub]:
    """Prepare a hub folder, serve it, and stop the server afterwards (terminate, then kill)."""
    hub_dir.mkdir(parents=True, exist_ok=True)
    (hub_dir / "hub.toml").write_text(HUB_TOML, encoding="utf-8")
    plugins = plugins_under_test()
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env.update(HUB_DIR=str(hub_dir), HUB_PLUGINS=",".join(plugins), PYTHONUNBUFFERED="1")
    _hub_command(hub_dir, env, "demo-data", "--scale", "small")
    _hub_command(
        hub_dir,
        env,
        "createadmin",
        "--email",
        ADMIN_EMAIL,
        "--name",
        "Ada Organiser",
        "--password-stdin",
        stdin=ADMIN_PASSWORD + "\n",
    )
    port = free_port()
    log = hub_dir / "serve.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "hub", "serve", "--port", str(port)],
            cwd=hub_dir,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        try:
            base_url = f"http://127.0.0.1:{port}"
            _wait_healthy(base_url, process, log)
            yield RunningHub(base_url=base_url, hub_dir=hub_dir, plugins=plugins)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
