"""The pins: which pin library gpiozero uses, and the events the button and the
presence sensor post.

gpiozero calls their callbacks on its own threads; they only post these to the
service loop, the button's stamped with the real monotonic time (gestures are
human time, even in a sped-up simulator)::

    >>> make_pin_factory("mock").pin(17).state
    False
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from gpiozero.devices import Device
from gpiozero.exc import BadPinFactory
from gpiozero.pins import Factory

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ButtonDown:
    at: float  # real monotonic seconds


@dataclass(frozen=True)
class ButtonUp:
    at: float


@dataclass(frozen=True)
class PresenceChanged:
    moving: bool  # the presence sensor's output rose (True) or fell


def make_pin_factory(name: str):
    """The gpiozero pin factory called *name* in the settings; None lets gpiozero
    choose (``auto``): lgpio on current Raspberry Pi OS, RPi.GPIO on older.

    A library that cannot be used here (not installed, no GPIO chip) gives
    :class:`NoPins`, so the service carries on without the parts on pins."""
    if name == "auto":
        return _default_pin_factory()
    if name == "mock":
        from gpiozero.pins.mock import MockFactory, MockPWMPin

        return MockFactory(pin_class=MockPWMPin)
    module, cls = {
        "lgpio": ("gpiozero.pins.lgpio", "LGPIOFactory"),
        "rpigpio": ("gpiozero.pins.rpigpio", "RPiGPIOFactory"),
        "pigpio": ("gpiozero.pins.pigpio", "PiGPIOFactory"),
        "native": ("gpiozero.pins.native", "NativeFactory"),
    }[name]
    import importlib

    try:
        return getattr(importlib.import_module(module), cls)()
    except Exception as exc:  # noqa: BLE001 - each library fails its own way
        return NoPins(
            f"the {name} pin library cannot be used ({exc}); set pins.factory to another, or auto"
        )


def _default_pin_factory():
    """None when gpiozero finds a pin library of its own, else :class:`NoPins`
    naming why each one it tried failed (gpiozero would warn of each)."""
    import warnings

    from gpiozero.exc import PinFactoryFallback

    with warnings.catch_warnings(record=True) as fallbacks:
        warnings.simplefilter("always", PinFactoryFallback)
        try:
            Device.ensure_pin_factory()
        except BadPinFactory:
            tried = "; ".join(str(w.message).replace("Falling back from ", "") for w in fallbacks)
            return NoPins(f"no pin library works here ({tried})")
    for warning in fallbacks:
        log.info("pins: %s", warning.message)
    return None


class NoPins(Factory):
    """A pin factory with no pins, standing in for a pin library that cannot
    be used: opening any pin raises :exc:`~gpiozero.exc.BadPinFactory` saying
    *why*, so :class:`Hardware` leaves each part out::

        >>> from gpiozero import DigitalInputDevice
        >>> DigitalInputDevice(17, pin_factory=NoPins("no GPIO here"))
        Traceback (most recent call last):
          ...
        gpiozero.exc.BadPinFactory: no GPIO here
    """

    def __init__(self, why: str):
        super().__init__()
        self.why = why

    def reserve_pins(self, requester, *names):
        raise BadPinFactory(self.why)

    def pin(self, name):
        raise BadPinFactory(self.why)
