"""The LED: one pattern at a time (:class:`~microbreak.core.views.LedPattern`),
drawn on a thread of its own, and a flash for a confirmed set."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from itertools import cycle

from gpiozero.exc import PinPWMUnsupported
from gpiozero.output_devices import LED, PWMLED

from microbreak.core.views import LedPattern
from microbreak.parts.timing import Deadlines, Runner

LED_PATTERNS = tuple(LedPattern)

Steps = tuple[tuple[float, float | None], ...]  # (brightness, seconds); None: held


def _fade(start: float, end: float, seconds: float, fps: int = 25) -> Steps:
    """Brightness steps from *start* towards *end*; squared, as the eye sees light."""
    count = max(round(seconds * fps), 1)
    return tuple(((start + (end - start) * i / count) ** 2, seconds / count) for i in range(count))


PWM_PATTERNS: dict[LedPattern, Steps] = {
    LedPattern.OFF: ((0.0, None),),
    LedPattern.ON: ((1.0, None),),
    LedPattern.DIM: ((0.1, None),),  # paused: a faint steady glow
    LedPattern.PULSE: _fade(0, 1, 1.5) + _fade(1, 0, 1.5),  # heads-up: a slow swell
    LedPattern.BLINK: ((1.0, 0.3), (0.0, 0.3)),  # the cue
    LedPattern.ERROR: ((1.0, 0.15), (0.0, 0.15), (1.0, 0.15), (0.0, 1.05)),  # double blinks
}
# A pin that cannot dim does the same with on and off alone.
PLAIN_PATTERNS: dict[LedPattern, Steps] = {
    **PWM_PATTERNS,
    LedPattern.DIM: ((1.0, 0.1), (0.0, 2.9)),  # a wink every 3 s
    LedPattern.PULSE: ((1.0, 1.0), (0.0, 1.0)),
}
FLASH: Steps = ((1.0, 0.12), (0.0, 0.12), (1.0, 0.12), (0.0, 0.12))  # a set confirmed


class Light:
    """The LED, showing one of :data:`LED_PATTERNS` until told otherwise, with
    a :meth:`flash` on top of it.

    On a pin that can do PWM it fades (``pulse``) and glows (``dim``); on one
    that cannot, :data:`PLAIN_PATTERNS` say it with on and off. With *pin*
    None there is no LED: it shows nothing, and never moves.
    """

    FLASH_SECONDS = sum(seconds or 0.0 for _, seconds in FLASH)

    def __init__(
        self, pin: int | None, pin_factory=None, clock: Callable[[], float] = time.monotonic
    ):
        self.device, self.pwm = None, False
        if pin is not None:
            try:
                self.device = PWMLED(pin, pin_factory=pin_factory)
                self.pwm = True
            except PinPWMUnsupported:
                self.device = LED(pin, pin_factory=pin_factory)
        self.patterns = PWM_PATTERNS if self.pwm else PLAIN_PATTERNS
        self.pattern = LedPattern.OFF
        self._clock = clock
        self._flash_until: float | None = None
        self._flashing = False  # the runner shows the pattern once the flash is over
        self._lock = threading.Lock()
        self._runner = Runner(f"led-{pin}")

    def show(self, pattern: LedPattern | str) -> None:
        if pattern not in LED_PATTERNS:
            raise ValueError(f"unknown LED pattern {pattern!r}; known: {', '.join(LED_PATTERNS)}")
        pattern = LedPattern(pattern)
        with self._lock:
            if pattern == self.pattern:
                return
            self.pattern = pattern
            if self._flashing:
                return
        self._start(())

    def flash(self) -> None:
        """Two quick blinks, then back to the pattern."""
        if self.device is None:
            return
        self._flash_until = self._clock() + self.FLASH_SECONDS
        self._start(FLASH)

    @property
    def animated(self) -> bool:
        """True while the LED changes by itself (a moving pattern or a flash)."""
        if self.device is None:
            return False
        return len(self.patterns[self.pattern]) > 1 or self._flash_until is not None

    def deadline(self) -> float | None:
        """When :meth:`tick` should run next (the clock's seconds): the flash's end."""
        return self._flash_until

    def tick(self) -> None:
        if self._flash_until is not None and self._clock() >= self._flash_until:
            self._flash_until = None

    def _start(self, flash: Steps) -> None:
        if self.device is None:
            return
        self._runner.stop()
        with self._lock:
            self._flashing = bool(flash)
            steps = self.patterns[self.pattern]
        if not flash and len(steps) == 1:
            self.device.value = steps[0][0]  # steady: no thread needed
        else:
            self._runner.start(self._run, flash)

    @property
    def level(self) -> float:
        """How bright the LED is now, 0.0–1.0 (0.0 without an LED)."""
        return float(self.device.value) if self.device is not None else 0.0

    def _run(self, flash: Steps, stop: threading.Event) -> None:
        device = self.device
        assert device is not None  # nothing runs without an LED
        clock = Deadlines(stop)
        for level, seconds in flash:
            device.value = level
            if clock.wait(seconds or 0.0):
                return
        with self._lock:
            self._flashing = False
            steps = self.patterns[self.pattern]
        for level, seconds in cycle(steps):
            device.value = level
            if seconds is None or clock.wait(seconds):
                return

    def close(self) -> None:
        self._runner.stop()
        if self.device is not None:
            self.device.close()
