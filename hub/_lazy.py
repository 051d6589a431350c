"""Defer importing modules the hub only needs in rare commands.

Piccolo's ``piccolo.conf.apps`` imports ``black`` at module level, for code generation the hub
uses only in ``hub makemigrations``. Loaded eagerly it costs about 20 MB in every server process
— a quarter of a Raspberry Pi hub's budget. A stand-in module imports the real one the first
time one of its attributes is used. (``importlib.util.LazyLoader`` cannot do this: black is a
compiled extension module.)
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import Any

__all__ = ["defer_import"]


class _DeferredModule(types.ModuleType):
    def __getattr__(self, attribute: str) -> Any:
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        real = importlib.import_module(self.__name__)
        return getattr(real, attribute)


def defer_import(name: str) -> None:
    """Register ``name`` so that importing it is free until an attribute is used."""
    if name in sys.modules or importlib.util.find_spec(name) is None:
        return
    sys.modules[name] = _DeferredModule(name)


defer_import("black")
