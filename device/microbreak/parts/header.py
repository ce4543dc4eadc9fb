"""Where a GPIO is on the Raspberry Pi's 40-pin header, in the words the
wiring check uses: ``where(17)`` is ``'GPIO 17 (header pin 11)'``."""

from __future__ import annotations

from microbreak.core.words import said

# BCM GPIO number -> pin number on the 40-pin header.
HEADER_PIN = {
    2: 3,
    3: 5,
    4: 7,
    5: 29,
    6: 31,
    7: 26,
    8: 24,
    9: 21,
    10: 19,
    11: 23,
    12: 32,
    13: 33,
    14: 8,
    15: 10,
    16: 36,
    17: 11,
    18: 12,
    19: 35,
    20: 38,
    21: 40,
    22: 15,
    23: 16,
    24: 18,
    25: 22,
    26: 37,
    27: 13,
}
PWM_PINS = (12, 13, 18, 19)


def where(gpio: int) -> str:
    """``where(17)`` → ``'GPIO 17 (header pin 11)'`` (said in the person's
    language where it is printed)."""
    return said("GPIO {gpio} (header pin {pin})", gpio=gpio, pin=HEADER_PIN[gpio])
