"""Importing gpiozero's own modules without the rest of the package.

``import gpiozero`` runs the package's ``__init__``, which imports every
device gpiozero has: the boards (robots, traffic lights, LED displays and
their fonts), the SPI chips and the internal devices, and with them
subprocess, tempfile, shutil, bz2, lzma, pprint and importlib.resources. The
service uses an LED, a buzzer and two inputs; the rest held 0.6 MiB of its
resident memory. So the parts import what they use from gpiozero's modules::

    from gpiozero.output_devices import LED   # gpiozero.devices and the rest it needs

and the package is put in place empty, to be filled (its ``__init__`` run)
on the first name asked of it: ``from gpiozero import Button`` anywhere
still works, at the old cost.
"""

from __future__ import annotations

import importlib.util
import sys
from typing import Any


def filled_on_first_use() -> None:
    """Put the empty package in place, unless gpiozero is imported already
    (or is not installed: its import then fails as it would)."""
    if "gpiozero" in sys.modules:
        return
    spec = importlib.util.find_spec("gpiozero")
    if spec is None or spec.loader is None:
        return
    package = importlib.util.module_from_spec(spec)
    loader = spec.loader

    def __getattr__(name: str) -> Any:
        if name.startswith("__") and name != "__all__":  # the import system's questions
            raise AttributeError(name)
        del package.__getattr__
        loader.exec_module(package)  # the whole package, once
        return getattr(package, name)

    package.__getattr__ = __getattr__  # type: ignore[method-assign]
    sys.modules["gpiozero"] = package
