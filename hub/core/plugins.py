"""Plugin discovery and loading: built-ins first, then entry points one at a time.

A plugin that fails to import, breaks the contract (see :mod:`hub.core.contract`), has bad
settings or raises later is recorded as a :class:`PluginFailure` (shown by ``hub plugins``,
``hub check`` and the admin plugins page) and left out, with every plugin that requires it, so one
broken plugin never takes the hub down. ``strict`` turns every failure into an exception.

Plugins register in *load order*: the built-ins in a fixed order, then entry points sorted by
name, each moved after the plugins it names in ``requires_plugins``. Everything that runs "in load
order" (migrations, seeding, demo data) follows it; pluggy calls hook implementations in the
reverse order (the last registered first).
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import traceback
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any

import pluggy
from packaging.specifiers import InvalidSpecifier, SpecifierSet

from hub.core import contract, hookspecs, plugin_settings
from hub.core.contract import PluginContractError, PluginError
from hub.core.types import PluginInfo

__all__ = [
    "BUILTIN_PLUGINS",
    "ENTRY_POINT_GROUP",
    "PLUGIN_API_VERSION",
    "LoadedPlugin",
    "PluginContractError",
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


@dataclass(frozen=True, slots=True)
class PluginFailure:
    name: str
    stage: str
    """``import``, ``metadata``, ``contract``, ``config``, ``startup`` or ``hook:<name>``."""
    message: str
    detail: str = ""


@dataclass(slots=True)
class LoadedPlugin:
    info: PluginInfo
    module: Any
    source: str
    """``builtin``, ``entrypoint`` or ``direct`` (passed to ``create_app(plugins=...)``)."""
    config: Any = None
    """The plugin's settings, checked and coerced once at start (see :mod:`hub.core.plugin_settings`)."""

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
    reserved: Mapping[str, str] = field(default_factory=dict)
    """Names no plugin may take as its slug, each with the reason (the core's route prefixes…)."""

    @classmethod
    def create(cls, strict: bool = False, reserved: Mapping[str, str] | None = None) -> PluginRegistry:
        pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
        pm.add_hookspecs(hookspecs)
        return cls(pm=pm, strict=strict, reserved=dict(reserved or {}))

    def load_order(self, slug: str) -> int:
        """Position of a loaded plugin in load order (core hook modules first, unknown names last)."""
        if slug in self.core_plugins:
            return -len(self.core_plugins) + self.core_plugins.index(slug)
        order = list(self.loaded)
        return order.index(slug) if slug in order else len(order)

    # -- recording ------------------------------------------------------------------------------

    def fail(self, name: str, stage: str, error: BaseException) -> None:
        detail = "".join(traceback.format_exception(error))
        # The hub's own sentences stand alone; anything else keeps its exception type for the reader.
        message = str(error) if isinstance(error, PluginError) else f"{type(error).__name__}: {error}"
        failure = PluginFailure(name=name, stage=stage, message=message, detail=detail)
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
        """Import the enabled installed plugins and ``extra`` plugin modules; check each against the
        contract; register them in dependency order (a plugin after every plugin it requires)."""
        wanted = None if enabled is None else set(enabled)
        candidates: list[tuple[Any, str, str | None]] = []
        for slug, plugin in self.installed.items():
            if wanted is not None and slug not in wanted:
                continue
            try:
                module = importlib.import_module(plugin.target.split(":")[0])
            except Exception as error:  # a broken plugin must not stop the hub
                self.fail(slug, "import", error)
                continue
            candidates.append((module, plugin.source, slug))
        candidates.extend((module, "direct", None) for module in extra)
        accepted: dict[str, tuple[PluginInfo, Any, str]] = {}
        for module, source, expected_slug in candidates:
            info = self._accept(module, expected_slug, accepted)
            if info is not None:
                accepted[info.slug] = (info, module, source)
        for slug in self._dependency_order({slug: info for slug, (info, _, _) in accepted.items()}):
            info, module, source = accepted[slug]
            self._register(info, module, source)
        self._check_pending()

    def _accept(self, module: Any, expected_slug: str | None, accepted: Mapping[str, Any]) -> PluginInfo | None:
        """The module's ``PLUGIN`` if it keeps the rules that need no database; else record why not."""
        label: str = expected_slug or getattr(module, "__name__", None) or repr(module)
        info = getattr(module, "PLUGIN", None)
        if not isinstance(info, PluginInfo):
            self.fail(label, "metadata", PluginError(f"{label} has no PLUGIN = PluginInfo(...) declaration"))
            return None
        if expected_slug and info.slug != expected_slug:
            self.fail(label, "metadata", PluginError(f"entry point {expected_slug!r} declares slug {info.slug!r}"))
            return None
        if info.slug in accepted or info.slug in self.loaded:
            self.fail(info.slug, "metadata", PluginError(f"a plugin with slug {info.slug!r} is already loaded"))
            return None
        problem = contract.slug_problem(info.slug, self.reserved)
        if problem:
            self.fail(info.slug if isinstance(info.slug, str) and info.slug else label, "contract",
                      PluginContractError(problem))  # fmt: skip
            return None
        if info.requires_hub:
            try:
                if PLUGIN_API_VERSION not in SpecifierSet(info.requires_hub):
                    raise PluginError(
                        f"needs hub plugin API {info.requires_hub}, this hub provides {PLUGIN_API_VERSION}"
                    )
            except (InvalidSpecifier, PluginError) as error:
                self.fail(info.slug, "metadata", error)
                return None
        return info

    def _dependency_order(self, infos: Mapping[str, PluginInfo]) -> list[str]:
        """Slugs in load order, each moved after the plugins it requires; the unsatisfiable left out."""
        remaining = list(infos)
        changed = True
        while changed:
            changed = False
            for slug in list(remaining):
                missing = [req for req in infos[slug].requires_plugins if req not in remaining]
                if missing:
                    self.fail(slug, "metadata", PluginError(self._missing_message(missing)))
                    remaining.remove(slug)
                    changed = True
        ordered: list[str] = []
        while remaining:
            ready = next((s for s in remaining if all(r in ordered for r in infos[s].requires_plugins)), None)
            if ready is None:
                for slug in remaining:
                    self.fail(
                        slug, "metadata", PluginError(f"requires_plugins go round in a circle: {', '.join(remaining)}")
                    )
                break
            ordered.append(ready)
            remaining.remove(ready)
        return ordered

    def _missing_message(self, missing: Sequence[str]) -> str:
        failed = {failure.name for failure in self.failures}
        reasons = [f"{req} ({'it failed to load' if req in failed else 'not enabled'})" for req in missing]
        return f"needs plugin(s) {', '.join(reasons)}"

    def _register(self, info: PluginInfo, module: Any, source: str) -> None:
        try:
            if info.hookspecs is not None:
                self.pm.add_hookspecs(info.hookspecs)
            self.pm.register(module, name=info.slug)
        except Exception as error:
            self.fail(info.slug, "metadata", error)
            return
        wrappers = contract.wrapper_hookimpls(self.pm, module)
        if wrappers:
            self.pm.unregister(name=info.slug)
            self.fail(info.slug, "contract", PluginContractError(contract.wrapper_message(wrappers)))
            return
        self.loaded[info.slug] = LoadedPlugin(info=info, module=module, source=source)
        if info.slug not in self.installed:
            self.installed[info.slug] = InstalledPlugin(
                slug=info.slug, source=source, target=getattr(module, "__name__", ""), version=info.version
            )

    def _check_pending(self) -> None:
        """Misspelt hook names: pluggy reports one offender at a time, so ask until none is left."""
        while True:
            try:
                self.pm.check_pending()
            except pluggy.PluginValidationError as error:
                offender = getattr(error, "plugin", None)
                slug = (self.pm.get_name(offender) if offender is not None else None) or "unknown"
                self.fail(slug, "metadata", error)
                if slug not in self.loaded:
                    return
                self.drop(slug)
                continue
            return

    def configure(self, tables: Mapping[str, Mapping[str, Any]]) -> None:
        """Check each loaded plugin's ``[plugins.<slug>]`` table against its settings schema, once."""
        for slug, plugin in list(self.loaded.items()):
            if slug not in self.loaded:  # left out with a plugin it requires
                continue
            try:
                plugin.config = plugin_settings.load(plugin.info, tables.get(slug, {}))
            except plugin_settings.PluginSettingsError as error:
                self.fail(slug, "config", error)
                self.drop(slug)
        for slug in tables:
            if slug not in self.installed:
                log.warning("hub.toml has a [plugins.%s] table, but no plugin %r is installed", slug, slug)

    def drop(self, slug: str) -> None:
        """Leave a plugin out of this run after a failure, and every plugin that requires it."""
        self.loaded.pop(slug, None)
        if self.pm.get_plugin(slug) is not None:
            self.pm.unregister(name=slug)
        for other, plugin in list(self.loaded.items()):
            if slug in plugin.info.requires_plugins:
                self.fail(other, "metadata", PluginError(f"needs plugin {slug}, which was left out"))
                self.drop(other)

    def plugin_of_module(self, module: ModuleType) -> str | None:
        return self.pm.get_name(module)
