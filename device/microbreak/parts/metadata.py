"""Letting gpiozero import :mod:`importlib.metadata` only when it uses it.

gpiozero imports it (and with it email, zipfile and more: 1.2 MiB resident in
the service) when it is imported, but uses it only to find a pin factory named
in ``GPIOZERO_PIN_FACTORY`` or a mock pin class named by a string. It tries the
``importlib_metadata`` backport first, so a stand-in of that name that imports
the standard library's module on first use serves it the same.
"""

from __future__ import annotations

import sys
import types
from typing import Any


def imported_on_first_use() -> None:
    """Put the stand-in in place, unless either module is imported already."""
    if "importlib_metadata" in sys.modules or "importlib.metadata" in sys.modules:
        return

    def entry_points(**selection: Any) -> Any:
        from importlib.metadata import entry_points

        return entry_points(**selection)

    def __getattr__(name: str) -> Any:
        if name.startswith("__"):  # the import system's questions (__path__, ...)
            raise AttributeError(name)
        import importlib.metadata

        return getattr(importlib.metadata, name)

    standin = types.ModuleType("importlib_metadata", "importlib.metadata, imported on first use")
    standin.entry_points = entry_points  # type: ignore[attr-defined]
    standin.__getattr__ = __getattr__  # type: ignore[method-assign]
    sys.modules["importlib_metadata"] = standin
