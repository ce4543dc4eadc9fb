"""The device's parts on gpiozero: the button, the LED and the buzzer.

gpiozero calls the button's callbacks on its own threads; they only post
:class:`ButtonDown` / :class:`ButtonUp` to the service loop, stamped with the
real monotonic time (gestures are human time, even in a sped-up simulator).
Everything else here is called from the service loop::

    >>> from gpiozero.pins.mock import MockFactory, MockPWMPin
    >>> posted = []
    >>> parts = Hardware(Settings(), posted.append,
    ...                  pin_factory=MockFactory(pin_class=MockPWMPin))
    >>> parts.button.pin.drive_low(); parts.button.pin.drive_high()
    >>> [type(e).__name__ for e in posted]
    ['ButtonDown', 'ButtonUp']
    >>> parts.close()
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from gpiozero import LED, PWMLED, Buzzer, DigitalInputDevice, TonalBuzzer
from gpiozero.exc import PinPWMUnsupported
from gpiozero.tones import Tone

from .rtttl import Song
from .settings import Settings

LED_PATTERNS = ("off", "on", "dim", "pulse", "blink")


@dataclass(frozen=True)
class ButtonDown:
    at: float  # real monotonic seconds


@dataclass(frozen=True)
class ButtonUp:
    at: float


@dataclass(frozen=True)
class Motion:
    moving: bool  # the presence sensor's output rose (True) or fell


def make_pin_factory(name: str):
    """The gpiozero pin factory called *name* in the settings; None lets gpiozero
    choose (``auto``): lgpio on current Raspberry Pi OS, RPi.GPIO on older."""
    if name == "auto":
        return None
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
    return getattr(importlib.import_module(module), cls)()


class Light:
    """The LED, showing one of :data:`LED_PATTERNS`, with a flash on top.

    A PWM pin fades (``pulse``, ``dim``); a plain pin blinks slowly instead of
    pulsing and is fully on instead of dim.
    """

    FLASH_SECONDS = 0.5

    def __init__(self, pin: int, pin_factory=None, clock: Callable[[], float] = time.monotonic):
        try:
            self.device = PWMLED(pin, pin_factory=pin_factory)
            self.pwm = True
        except PinPWMUnsupported:
            self.device = LED(pin, pin_factory=pin_factory)
            self.pwm = False
        self.pattern = "off"
        self._clock = clock
        self._flash_until: float | None = None

    def show(self, pattern: str) -> None:
        if pattern not in LED_PATTERNS:
            raise ValueError(f"unknown LED pattern {pattern!r}; known: {', '.join(LED_PATTERNS)}")
        if pattern != self.pattern:
            self.pattern = pattern
            if self._flash_until is None:
                self._apply()

    def flash(self) -> None:
        """Two quick blinks, then back to the pattern (at :meth:`tick`)."""
        self.device.blink(on_time=0.12, off_time=0.12, n=2, background=True)
        self._flash_until = self._clock() + self.FLASH_SECONDS

    def deadline(self) -> float | None:
        """When :meth:`tick` must run next (real monotonic seconds), if ever."""
        return self._flash_until

    def tick(self) -> None:
        if self._flash_until is not None and self._clock() >= self._flash_until:
            self._flash_until = None
            self._apply()

    def _apply(self) -> None:
        led, pattern = self.device, self.pattern
        if pattern == "off":
            led.off()
        elif pattern == "blink":
            led.blink(on_time=0.3, off_time=0.3)
        elif pattern == "pulse" and self.pwm:
            led.pulse(fade_in_time=1.5, fade_out_time=1.5)
        elif pattern == "pulse":
            led.blink(on_time=1, off_time=1)
        elif pattern == "dim" and self.pwm:
            led.value = 0.15
        else:
            led.on()

    def close(self) -> None:
        self.device.close()


class Sounder:
    """Plays cue songs on a passive buzzer (tones) or an active one (beeps of
    the same rhythm), on a thread of its own; a new cue stops the one playing."""

    GAP = 0.02  # silence between notes so repeated notes stay distinct

    def __init__(self, device: TonalBuzzer | Buzzer | None, songs: Mapping[str, Song]):
        self.device = device
        self.songs = dict(songs)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @classmethod
    def for_kind(cls, kind: str, pin: int, songs: Mapping[str, Song], pin_factory=None) -> Sounder:
        if kind == "passive":
            device = TonalBuzzer(pin, mid_tone=Tone("A5"), octaves=2, pin_factory=pin_factory)
        elif kind == "active":
            device = Buzzer(pin, pin_factory=pin_factory)
        else:
            device = None
        return cls(device, songs)

    def play(self, name: str) -> None:
        self.stop()
        song = self.songs.get(name)
        if self.device is None or song is None:
            return
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._play, args=(song, self._stop),
                                        name=f"cue-{name}", daemon=True)
        self._thread.start()

    @property
    def pin(self):
        """The buzzer's pin, or None when there is no buzzer."""
        if self.device is None:
            return None
        return getattr(self.device, "pwm_device", self.device).pin

    @property
    def playing(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def stop(self) -> None:
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
            self._thread = None

    def _play(self, song: Song, stop: threading.Event) -> None:
        device = self.device
        try:
            for note in song.notes:
                if note.frequency is not None:
                    if isinstance(device, TonalBuzzer):
                        device.play(self._in_range(note.frequency))
                    else:
                        device.on()
                if stop.wait(max(note.seconds - self.GAP, 0)):
                    break
                device.off() if isinstance(device, Buzzer) else device.stop()
                if stop.wait(self.GAP):
                    break
        finally:
            device.off() if isinstance(device, Buzzer) else device.stop()

    def _in_range(self, hz: float) -> Tone:
        """Move a note by whole octaves into the buzzer's range."""
        low, high = self.device.min_tone.frequency, self.device.max_tone.frequency
        while hz > high:
            hz /= 2
        while hz < low:
            hz *= 2
        return Tone.from_frequency(hz)

    def close(self) -> None:
        self.stop()
        if self.device is not None:
            self.device.close()


class Hardware:
    """The button, the LED and the buzzer, wired as the settings say."""

    def __init__(self, settings: Settings, post: Callable[[object], None], *,
                 songs: Mapping[str, Song] = {}, pin_factory=None,
                 clock: Callable[[], float] = time.monotonic):
        bounce = settings.button.bounce_ms / 1000 or None
        # Not gpiozero's Button: its hold thread wakes ten times a second for
        # as long as it lives. Holds are timed from the two edges instead.
        self.button = DigitalInputDevice(settings.button.pin, pull_up=True, bounce_time=bounce,
                                         pin_factory=pin_factory)
        self.button.when_activated = lambda: post(ButtonDown(clock()))
        self.button.when_deactivated = lambda: post(ButtonUp(clock()))
        self.motion = None
        if settings.presence.enabled:
            # A PIR's output is a clean level: plain edges, no sampling thread
            # (gpiozero's MotionSensor samples ten times a second).
            self.motion = DigitalInputDevice(settings.presence.pin, pull_up=False,
                                             pin_factory=pin_factory)
            self.motion.when_activated = lambda: post(Motion(True))
            self.motion.when_deactivated = lambda: post(Motion(False))
        self.light = Light(settings.led.pin, pin_factory, clock)
        self.sounder = Sounder.for_kind(settings.buzzer.kind, settings.buzzer.pin, songs,
                                        pin_factory)

    def close(self) -> None:
        for part in (self.sounder, self.light, self.button, self.motion):
            if part is not None:
                part.close()
