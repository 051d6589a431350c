"""Plugin discovery and loading: built-ins first, then entry points one at a time.

A plugin that fails to import, has bad metadata or raises later is recorded as a
:class:`PluginFailure` (shown by ``hub plugins`` and the admin plugins page) and left out, so one
broken plugin never takes the hub down. ``strict`` turns every failure into an exception.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import traceback
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any

import pluggy
from packaging.specifiers import InvalidSpecifier, SpecifierSet

from hub.core import hookspecs
from hub.core.types import PluginInfo

__all__ = [
    "BUILTIN_PLUGINS",
    "ENTRY_POINT_GROUP",
    "PLUGIN_API_VERSION",
    "LoadedPlugin",
    "PluginError",
    "PluginFailure",
    "PluginRegistry",
]

log = logging.getLogger("hub.plugins")

PLUGIN_API_VERSION = "1.0"
ENTRY_POINT_GROUP = "community_hub.plugins"
BUILTIN_PLUGINS: tuple[str, ...] = (
    "hub.plugins.directory.plugin",
    "hub.plugins.noticeboard.plugin",
    "hub.plugins.skillswap.plugin",
)


class PluginError(RuntimeError):
    """A plugin could not be loaded or started (raised only in strict mode)."""


@dataclass(frozen=True, slots=True)
class PluginFailure:
    name: str
    stage: str
    """``import``, ``metadata``, ``startup`` or ``hook:<name>``."""
    message: str
    detail: str = ""


@dataclass(slots=True)
class LoadedPlugin:
    info: PluginInfo
    module: Any
    source: str
    """``builtin``, ``entrypoint`` or ``direct`` (passed to ``create_app(plugins=...)``)."""

    @property
    def package_dir(self) -> Path | None:
        file = getattr(self.module, "__file__", None)
        return Path(file).parent if file else None

    @property
    def templates_dir(self) -> Path | None:
        folder = self.package_dir and self.package_dir / "templates"
        return folder if folder and folder.is_dir() else None

    @property
    def static_dir(self) -> Path | None:
        folder = self.package_dir and self.package_dir / "static"
        return folder if folder and folder.is_dir() else None

    @property
    def locale_dir(self) -> Path | None:
        folder = self.package_dir and self.package_dir / "locale"
        return folder if folder and folder.is_dir() else None


@dataclass(frozen=True, slots=True)
class InstalledPlugin:
    """A plugin that can be enabled, whether or not it is loaded now."""

    slug: str
    source: str
    target: str
    version: str = ""


@dataclass
class PluginRegistry:
    """The plugin manager of one app, and what happened while filling it."""

    pm: pluggy.PluginManager
    strict: bool = False
    loaded: dict[str, LoadedPlugin] = field(default_factory=dict)
    installed: dict[str, InstalledPlugin] = field(default_factory=dict)
    failures: list[PluginFailure] = field(default_factory=list)
    disabled: set[str] = field(default_factory=set)
    """Slugs loaded at start but switched off since; their hooks and routes are skipped."""
    core_plugins: list[str] = field(default_factory=list)
    startup_failed: set[str] = field(default_factory=set)
    """Slugs whose ``startup`` hook raised in this run: kept off whatever the settings say."""

    @classmethod
    def create(cls, strict: bool = False) -> PluginRegistry:
        pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
        pm.add_hookspecs(hookspecs)
        return cls(pm=pm, strict=strict)

    # -- recording ------------------------------------------------------------------------------

    def fail(self, name: str, stage: str, error: BaseException) -> None:
        detail = "".join(traceback.format_exception(error))
        failure = PluginFailure(name=name, stage=stage, message=f"{type(error).__name__}: {error}", detail=detail)
        self.failures.append(failure)
        log.error("plugin %r failed at %s: %s", name, stage, failure.message, extra={"plugin": name, "stage": stage})
        if self.strict:
            raise PluginError(f"Plugin {name!r} failed at {stage}: {failure.message}") from error

    def is_active(self, slug: str) -> bool:
        return slug in self.loaded and slug not in self.disabled

    @property
    def active(self) -> list[LoadedPlugin]:
        return [p for slug, p in self.loaded.items() if slug not in self.disabled]

    # -- loading --------------------------------------------------------------------------------

    def register_core(self, name: str, module: Any) -> None:
        """Register one of the core's own default hook implementations."""
        self.pm.register(module, name=name)
        self.core_plugins.append(name)

    def discover(self, load_entrypoints: bool = True) -> None:
        for target in BUILTIN_PLUGINS:
            package = target.rsplit(".", 1)[0]
            if importlib.util.find_spec(package) is None:  # a trimmed install may leave a built-in out
                continue
            slug = target.split(".")[2]
            self.installed[slug] = InstalledPlugin(slug=slug, source="builtin", target=target)
        if load_entrypoints:
            for entry in sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
                version = entry.dist.version if entry.dist else ""
                if entry.name in self.installed:
                    log.warning("entry point %r shadows an installed plugin and is ignored", entry.name)
                    continue
                self.installed[entry.name] = InstalledPlugin(
                    slug=entry.name, source="entrypoint", target=entry.value, version=version
                )

    def load(self, enabled: Iterable[str] | None, extra: Sequence[Any] = ()) -> None:
        """Import and register the enabled installed plugins, then ``extra`` plugin modules."""
        wanted = None if enabled is None else set(enabled)
        for slug, plugin in self.installed.items():
            if wanted is not None and slug not in wanted:
                continue
            try:
                module = importlib.import_module(plugin.target.split(":")[0])
            except Exception as error:  # a broken plugin must not stop the hub
                self.fail(slug, "import", error)
                continue
            self._register(module, plugin.source, expected_slug=slug)
        for module in extra:
            self._register(module, "direct", expected_slug=None)
        self._check_requirements()
        try:
            self.pm.check_pending()
        except pluggy.PluginValidationError as error:
            offender = getattr(error, "plugin", None)
            slug = (self.pm.get_name(offender) if offender is not None else None) or "unknown"
            self.fail(slug, "metadata", error)
            self._unregister(slug)

    def _register(self, module: Any, source: str, expected_slug: str | None) -> None:
        label: str = expected_slug or getattr(module, "__name__", None) or repr(module)
        info = getattr(module, "PLUGIN", None)
        if not isinstance(info, PluginInfo):
            self.fail(label, "metadata", PluginError(f"{label} has no PLUGIN = PluginInfo(...) declaration"))
            return
        if expected_slug and info.slug != expected_slug:
            self.fail(label, "metadata", PluginError(f"entry point {expected_slug!r} declares slug {info.slug!r}"))
            return
        if info.slug in self.loaded:
            self.fail(info.slug, "metadata", PluginError(f"a plugin with slug {info.slug!r} is already loaded"))
            return
        if info.requires_hub:
            try:
                if PLUGIN_API_VERSION not in SpecifierSet(info.requires_hub):
                    raise PluginError(
                        f"needs hub plugin API {info.requires_hub}, this hub provides {PLUGIN_API_VERSION}"
                    )
            except (InvalidSpecifier, PluginError) as error:
                self.fail(info.slug, "metadata", error)
                return
        try:
            if info.hookspecs is not None:
                self.pm.add_hookspecs(info.hookspecs)
            self.pm.register(module, name=info.slug)
        except Exception as error:
            self.fail(info.slug, "metadata", error)
            return
        self.loaded[info.slug] = LoadedPlugin(info=info, module=module, source=source)
        if info.slug not in self.installed:
            self.installed[info.slug] = InstalledPlugin(
                slug=info.slug, source=source, target=getattr(module, "__name__", ""), version=info.version
            )

    def _check_requirements(self) -> None:
        changed = True
        while changed:
            changed = False
            for slug, plugin in list(self.loaded.items()):
                missing = [req for req in plugin.info.requires_plugins if req not in self.loaded]
                if missing:
                    self.fail(slug, "metadata", PluginError(f"needs plugin(s) {', '.join(missing)}, not enabled"))
                    self._unregister(slug)
                    changed = True

    def _unregister(self, slug: str) -> None:
        self.loaded.pop(slug, None)
        if self.pm.get_plugin(slug) is not None:
            self.pm.unregister(name=slug)

    def drop(self, slug: str) -> None:
        """Leave a plugin out of this run after a failure (startup raised, say)."""
        self._unregister(slug)

    def plugin_of_module(self, module: ModuleType) -> str | None:
        return self.pm.get_name(module)
