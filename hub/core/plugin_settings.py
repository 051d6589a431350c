"""A plugin's settings: ``[plugins.<slug>]`` in hub.toml, checked against its schema once, at start.

A plugin declares its settings as a dataclass (or ``msgspec.Struct``) with a default for every
field, ``PluginInfo(settings=BoardSettings)``. At start the table from hub.toml is converted to
that type by msgspec (so ``page_size = "20"`` becomes ``20``, and ``Annotated[int, Meta(ge=1)]``
bounds are kept); an unknown key or a bad value is a sentence naming the key, and the plugin is
left out. Afterwards ``hub.config(slug)`` returns the typed, frozen object: no ``int(...)`` at
each use, and no typo'd key silently ignored.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import msgspec

from hub.core.contract import PluginError
from hub.core.deprecation import deprecation_message
from hub.core.types import PluginInfo

__all__ = ["PluginSettingsError", "load"]

_AT_KEY = re.compile(r"^(?P<problem>.*) - at `\$\.(?P<key>[^`.\[]+)[^`]*`$")


class PluginSettingsError(PluginError):
    """A ``[plugins.<slug>]`` table does not fit the plugin's settings schema."""


def _known_fields(schema: type) -> list[str]:
    info = msgspec.inspect.type_info(schema)
    fields = getattr(info, "fields", None)
    if fields is None:
        raise PluginSettingsError(f"PluginInfo.settings must be a dataclass or msgspec.Struct, not {schema!r}")
    return [field.name for field in fields]


def _unknown_key(slug: str, key: str, known: list[str]) -> PluginSettingsError:
    listed = ", ".join(sorted(known)) if known else "none: this plugin has no settings"
    return PluginSettingsError(f"[plugins.{slug}] {key}: unknown setting (known: {listed})")


def load(info: PluginInfo, table: Mapping[str, Any]) -> Any:
    """The plugin's settings object built from its hub.toml table (defaults where a key is absent)."""
    if info.settings is None:
        return _legacy(info, table)
    known = _known_fields(info.settings)
    for key in table:
        if key not in known:
            raise _unknown_key(info.slug, key, known)
    try:
        return msgspec.convert(dict(table), info.settings, strict=False)
    except msgspec.ValidationError as error:
        match = _AT_KEY.match(str(error))
        if match:
            problem = match["problem"].replace("Expected", "expected", 1)
            raise PluginSettingsError(f"[plugins.{info.slug}] {match['key']}: {problem}") from None
        raise PluginSettingsError(f"[plugins.{info.slug}]: {error}") from None


def _legacy(info: PluginInfo, table: Mapping[str, Any]) -> Mapping[str, Any]:
    """``settings_defaults``: a plain mapping, unknown keys refused (deprecated; one release to go)."""
    defaults = dict(info.settings_defaults)
    if defaults:
        warnings.warn(
            deprecation_message(
                f"PluginInfo.settings_defaults (plugin {info.slug!r})",
                "1.1",
                "2.0",
                "PluginInfo(settings=<a dataclass of typed settings>)",
            ),
            DeprecationWarning,
            stacklevel=2,
        )
    for key in table:
        if key not in defaults:
            raise _unknown_key(info.slug, key, list(defaults))
    return MappingProxyType({**defaults, **table})
