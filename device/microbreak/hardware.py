"""The device's parts on gpiozero: the button, the LED and the sound.

gpiozero calls the button's callbacks on its own threads; they only post
:class:`ButtonDown` / :class:`ButtonUp` to the service loop, stamped with the
real monotonic time (gestures are human time, even in a sped-up simulator).
Everything else here is called from the service loop, and returns at once: the
LED's patterns and the cue melodies run on threads of their own::

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

import logging
import math
import sys
import threading
import time
import types
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from itertools import cycle
from pathlib import Path


def _metadata_when_used() -> None:
    """Let gpiozero import :mod:`importlib.metadata` only when it uses it.

    gpiozero imports it (and with it email, zipfile and more: 1.2 MiB
    resident in the service) when it is imported, but uses it only to find
    a pin factory named in ``GPIOZERO_PIN_FACTORY`` or a mock pin class
    named by a string. It tries the ``importlib_metadata`` backport first,
    so a stand-in of that name that imports the standard library's module
    on first use serves it the same."""
    if "importlib_metadata" in sys.modules or "importlib.metadata" in sys.modules:
        return

    def entry_points(**selection):
        from importlib.metadata import entry_points
        return entry_points(**selection)

    def __getattr__(name):
        if name.startswith("__"):  # the import system's questions (__path__, ...)
            raise AttributeError(name)
        import importlib.metadata
        return getattr(importlib.metadata, name)

    standin = types.ModuleType("importlib_metadata", "importlib.metadata, imported on first use")
    standin.entry_points, standin.__getattr__ = entry_points, __getattr__
    sys.modules["importlib_metadata"] = standin


_metadata_when_used()

from gpiozero import LED, PWMLED, Buzzer, Device, DigitalInputDevice, TonalBuzzer  # noqa: E402
from gpiozero.exc import BadPinFactory, PinPWMUnsupported  # noqa: E402
from gpiozero.pins import Factory  # noqa: E402
from gpiozero.tones import Tone  # noqa: E402

from .quiet import QuietPeriod, is_quiet
from .resources import data_dir
from .rtttl import RTTTLError, Song, load_folder
from .settings import Settings

log = logging.getLogger(__name__)

# Every cue the core plays (see effects.Cue), in the order test-hardware plays them.
CUES = ("startup", "heads_up", "break", "recue", "confirm", "done", "snooze", "skip",
        "missed", "pause", "resume", "refused")


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
        return NoPins(f"the {name} pin library cannot be used ({exc}); "
                      "set pins.factory to another, or auto")


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
            tried = "; ".join(str(w.message).replace("Falling back from ", "")
                              for w in fallbacks)
            return NoPins(f"no pin library works here ({tried})")
    for warning in fallbacks:
        log.info("pins: %s", warning.message)
    return None


class NoPins(Factory):
    """A pin factory with no pins, standing in for a pin library that cannot
    be used: opening any pin raises :exc:`~gpiozero.exc.BadPinFactory` saying
    *why*, so :class:`Hardware` leaves each part out::

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


# -- timing ---------------------------------------------------------------------

class Deadlines:
    """Waits counted from one start, so the small lateness of each wait never
    adds up over a melody or a pattern; a set *stop* event ends a wait at once::

        >>> clock = Deadlines(threading.Event())
        >>> clock.wait(0.05), clock.wait(0.05)
        (False, False)
        >>> round(time.monotonic() - clock.start, 1)
        0.1
    """

    def __init__(self, stop: threading.Event):
        self.stop = stop
        self.start = self.at = time.monotonic()

    def wait(self, seconds: float) -> bool:
        """Wait until *seconds* after the last deadline; True if stopped."""
        self.at += seconds
        return self.stop.wait(max(self.at - time.monotonic(), 0))


class Runner:
    """One job at a time on a thread of its own: starting one stops the last.

    The job is called with its arguments and a stop event it must watch; if it
    fails, the error is logged (the service goes on without that light or sound).
    """

    def __init__(self, name: str):
        self.name = name
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def start(self, job: Callable, *args) -> None:
        self.stop()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._guarded, args=(job, *args, self._stop),
                                        name=self.name, daemon=True)
        self._thread.start()

    def _guarded(self, job: Callable, *args) -> None:
        try:
            job(*args)
        except Exception:
            log.exception("%s failed", self.name)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the job to end by itself; True if it has."""
        if self._thread is not None:
            self._thread.join(timeout)
        return not self.running

    def stop(self) -> None:
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
            self._thread = None


# -- the LED ----------------------------------------------------------------------

LED_PATTERNS = ("off", "on", "dim", "pulse", "blink", "error")

Steps = tuple[tuple[float, float | None], ...]  # (brightness, seconds); None: held


def _fade(start: float, end: float, seconds: float, fps: int = 25) -> Steps:
    """Brightness steps from *start* towards *end*; squared, as the eye sees light."""
    count = max(round(seconds * fps), 1)
    return tuple(((start + (end - start) * i / count) ** 2, seconds / count)
                 for i in range(count))


PWM_PATTERNS: dict[str, Steps] = {
    "off": ((0.0, None),),
    "on": ((1.0, None),),
    "dim": ((0.1, None),),  # paused: a faint steady glow
    "pulse": _fade(0, 1, 1.5) + _fade(1, 0, 1.5),  # heads-up: a slow swell
    "blink": ((1.0, 0.3), (0.0, 0.3)),  # the cue
    "error": ((1.0, 0.15), (0.0, 0.15), (1.0, 0.15), (0.0, 1.05)),  # double blinks
}
# A pin that cannot dim does the same with on and off alone.
PLAIN_PATTERNS: dict[str, Steps] = {
    **PWM_PATTERNS,
    "dim": ((1.0, 0.1), (0.0, 2.9)),  # a wink every 3 s
    "pulse": ((1.0, 1.0), (0.0, 1.0)),
}
FLASH: Steps = ((1.0, 0.12), (0.0, 0.12), (1.0, 0.12), (0.0, 0.12))  # a set confirmed


class Light:
    """The LED, showing one of :data:`LED_PATTERNS` until told otherwise, with
    a :meth:`flash` on top of it.

    On a pin that can do PWM it fades (``pulse``) and glows (``dim``); on one
    that cannot, :data:`PLAIN_PATTERNS` say it with on and off. With *pin*
    None there is no LED: it shows nothing, and never moves.
    """

    FLASH_SECONDS = sum(seconds for _, seconds in FLASH)

    def __init__(self, pin: int | None, pin_factory=None,
                 clock: Callable[[], float] = time.monotonic):
        self.device, self.pwm = None, False
        if pin is not None:
            try:
                self.device = PWMLED(pin, pin_factory=pin_factory)
                self.pwm = True
            except PinPWMUnsupported:
                self.device = LED(pin, pin_factory=pin_factory)
        self.patterns = PWM_PATTERNS if self.pwm else PLAIN_PATTERNS
        self.pattern = "off"
        self._clock = clock
        self._flash_until: float | None = None
        self._flashing = False  # the runner shows the pattern once the flash is over
        self._lock = threading.Lock()
        self._runner = Runner(f"led-{pin}")

    def show(self, pattern: str) -> None:
        if pattern not in LED_PATTERNS:
            raise ValueError(f"unknown LED pattern {pattern!r}; known: {', '.join(LED_PATTERNS)}")
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

    def _run(self, flash: Steps, stop: threading.Event) -> None:
        clock = Deadlines(stop)
        for level, seconds in flash:
            self.device.value = level
            if clock.wait(seconds):
                return
        with self._lock:
            self._flashing = False
            steps = self.patterns[self.pattern]
        for level, seconds in cycle(steps):
            self.device.value = level
            if seconds is None or clock.wait(seconds):
                return

    def close(self) -> None:
        self._runner.stop()
        if self.device is not None:
            self.device.close()


# -- the sound ---------------------------------------------------------------------

def into_range(hz: float, low: float, high: float) -> float:
    """Move the note *hz* by whole octaves into ``low..high``::

        >>> into_range(4186.0, 220.0, 3520.0)  # C8: one octave down
        2093.0
        >>> into_range(110.0, 220.0, 3520.0), into_range(440.0, 220.0, 3520.0)
        (220.0, 440.0)
    """
    if high < 2 * low:
        raise ValueError(f"{low:g} to {high:g} Hz is less than an octave: some notes have "
                         "no octave in it; give a range of at least an octave")
    while hz > high:
        hz /= 2
    while hz < low:
        hz *= 2
    return hz


def duty_for(volume: float) -> float:
    """The PWM duty cycle that plays a passive buzzer at *volume* (0 to 1).

    A square wave's fundamental, which a piezo mostly sounds, grows with
    ``sin(pi * duty)``; a half duty cycle is the loudest::

        >>> duty_for(1.0), round(duty_for(0.5), 3)
        (0.5, 0.167)
    """
    return math.asin(volume) / math.pi


def system_wall() -> datetime:
    """The wall clock now, in the system's time zone."""
    return datetime.now().astimezone()


def in_zone(wall: Callable[[], datetime], zone_name: str) -> Callable[[], datetime]:
    """*wall* read in the time zone *zone_name*; "" leaves it as it is."""
    if not zone_name:
        return wall
    from zoneinfo import ZoneInfo
    zone = ZoneInfo(zone_name)
    return lambda: wall().astimezone(zone)


class Sounder:
    """Plays the cue melodies: on a passive buzzer as tones, on an active one as
    beeps of the same rhythm, and through a :class:`~microbreak.speaker.Speaker`
    when there is one, on a thread of its own; a new cue stops the one playing.

    Nothing sounds while *mute*, at *volume* 0 or in one of the *quiet_periods*
    (times of day on the *wall* clock); the LED still shows every cue.
    """

    GAP = 0.02  # silence at the end of each note, so repeated notes stay apart

    def __init__(self, device: TonalBuzzer | Buzzer | None, songs: Mapping[str, Song], *,
                 speaker=None, volume: float = 1.0, mute: bool = False,
                 quiet_periods: Iterable[QuietPeriod] = (),
                 wall: Callable[[], datetime] = system_wall):
        if not 0 <= volume <= 1:
            raise ValueError(f"volume must be from 0 to 1, not {volume}")
        self.device = device
        self.songs = dict(songs)
        self.speaker = speaker
        self.volume = volume
        self.mute = mute
        self.quiet_periods = tuple(quiet_periods)
        self._wall = wall
        self._runner = Runner("cue")

    @classmethod
    def for_kind(cls, kind: str, pin: int, songs: Mapping[str, Song], pin_factory=None,
                 **options) -> Sounder:
        """A sounder for a ``passive`` buzzer, an ``active`` one, or ``none``."""
        return cls(buzzer(kind, pin, pin_factory), songs, **options)

    def silent_because(self) -> str | None:
        """Why a cue would make no sound now, or None when it would sound."""
        if self.device is None and self.speaker is None:
            return "no buzzer or speaker"
        if self.mute:
            return "muted"
        if self.volume == 0:
            return "volume 0"
        if is_quiet(self.quiet_periods, self._wall()):
            return "a quiet period"
        return None

    def play(self, name: str, *, despite_quiet: bool = False) -> bool:
        """Start the cue *name*, stopping the one playing, and return at once:
        True if it sounds. *despite_quiet* plays it even when muted or in a
        quiet period (for test-hardware)."""
        self.stop()
        song = self.songs.get(name)
        reason = self.silent_because()
        if despite_quiet and reason in ("muted", "a quiet period"):
            reason = None
        if song is None or reason is not None:
            log.debug("cue %s: no sound (%s)", name, reason or "no melody")
            return False
        self._runner.start(self._play, song)
        return True

    @property
    def pin(self):
        """The buzzer's pin, or None when there is no buzzer."""
        if self.device is None:
            return None
        return getattr(self.device, "pwm_device", self.device).pin

    @property
    def playing(self) -> bool:
        return self._runner.running

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the cue playing to end; True if it has (for test-hardware, and tests)."""
        return self._runner.wait(timeout)

    def stop(self) -> None:
        self._runner.stop()

    def _play(self, song: Song, stop: threading.Event) -> None:
        try:
            if self.speaker is not None:
                self.speaker.play(song)
            clock = Deadlines(stop)
            for note in song.notes:
                if note.frequency is None or self.device is None:
                    if clock.wait(note.seconds):
                        return
                    continue
                gap = min(self.GAP, note.seconds / 4)
                self._sound(note.frequency)
                if clock.wait(note.seconds - gap):
                    return
                self._silence()
                if clock.wait(gap):
                    return
        finally:
            self._silence()
            if stop.is_set() and self.speaker is not None:
                self.speaker.stop()

    def _sound(self, hz: float) -> None:
        device = self.device
        if isinstance(device, TonalBuzzer):
            low, high = device.min_tone.frequency, device.max_tone.frequency
            device.play(Tone.from_frequency(into_range(hz, low, high)))
            if self.volume < 1:
                device.pwm_device.value = duty_for(self.volume)
        else:
            device.on()

    def _silence(self) -> None:
        if isinstance(self.device, TonalBuzzer):
            self.device.stop()
        elif self.device is not None:
            self.device.off()

    def close(self) -> None:
        self.stop()
        if self.speaker is not None:
            self.speaker.close()
        if self.device is not None:
            self.device.close()


def buzzer(kind: str, pin: int, pin_factory=None) -> TonalBuzzer | Buzzer | None:
    """The gpiozero device for a ``passive`` buzzer, an ``active`` one, or ``none``."""
    if kind == "passive":
        return TonalBuzzer(pin, mid_tone=Tone("A5"), octaves=2, pin_factory=pin_factory)
    if kind == "active":
        return Buzzer(pin, pin_factory=pin_factory)
    if kind == "none":
        return None
    raise ValueError(f"unknown buzzer kind {kind!r}; known: passive, active, none")


def with_custom_melodies(songs: Mapping[str, Song], folder: str | Path) -> dict[str, Song]:
    """*songs* with each ``NAME.rtttl`` in *folder* in place of the built-in
    NAME. A file with a mistake is refused and logged, naming the file and the
    position, and the built-in one stays."""
    def refused(path: Path, error: Exception) -> None:
        what = str(error) if isinstance(error, RTTTLError) else f"{path}: cannot be read: {error}"
        if path.stem in songs:
            log.warning("%s; playing the built-in %s melody instead", what, path.stem)
        else:
            log.warning("%s", what)

    merged = load_folder(folder, songs, refused=refused)
    for name in sorted(merged):
        if name not in songs:
            log.warning("%s: no cue is called %r, so it never plays; cues: %s",
                        Path(folder) / f"{name}.rtttl", name, ", ".join(CUES))
        elif merged[name] is not songs[name]:
            log.info("cue %s: the melody from %s", name, Path(folder) / f"{name}.rtttl")
    return merged


def make_speaker(volume: float, songs: Iterable[Song]):
    """A speaker getting *songs* ready to play; with no audio output, why
    (logged) in its place."""
    from .speaker import Speaker, SpeakerUnavailable
    try:
        speaker = Speaker(volume)
    except SpeakerUnavailable as error:
        log.warning("no speaker: %s", error)
        return str(error)
    speaker.prepare(songs)
    return speaker


class Hardware:
    """The button, the LED and the sound, wired as the settings say.

    *songs* are the cue melodies (by default the built-in ones, from
    ``sounds/``); files in the settings' melodies folder replace them. *wall* reads the wall clock for quiet periods (the
    system's by default); they are times of day in the working hours' zone.
    """

    def __init__(self, settings: Settings, post: Callable[[object], None], *,
                 songs: Mapping[str, Song] | None = None, pin_factory=None,
                 clock: Callable[[], float] = time.monotonic,
                 wall: Callable[[], datetime] | None = None):
        self.missing: dict[str, str] = {}  # a part whose pin cannot be opened: why
        self._pins: dict[str, int] = {}
        bounce = settings.button.bounce_ms / 1000 or None
        # Not gpiozero's Button: its hold thread wakes ten times a second for
        # as long as it lives. Holds are timed from the two edges instead.
        self.button = self._open("button", settings.button.pin, DigitalInputDevice,
                                 settings.button.pin, pull_up=True, bounce_time=bounce,
                                 pin_factory=pin_factory)
        if self.button is not None:
            self.button.when_activated = lambda: post(ButtonDown(clock()))
            self.button.when_deactivated = lambda: post(ButtonUp(clock()))
        self.motion = None
        if settings.presence.enabled:
            # A PIR's output is a clean level: plain edges, no sampling thread
            # (gpiozero's MotionSensor samples ten times a second).
            self.motion = self._open("presence sensor", settings.presence.pin,
                                     DigitalInputDevice, settings.presence.pin, pull_up=False,
                                     pin_factory=pin_factory)
        if self.motion is not None:
            self.motion.when_activated = lambda: post(Motion(True))
            self.motion.when_deactivated = lambda: post(Motion(False))
        self.light = (self._open("LED", settings.led.pin, Light, settings.led.pin,
                                 pin_factory, clock) or Light(None, clock=clock))
        sound = settings.sound
        if songs is None:
            songs = load_folder(data_dir("sounds"))
        songs = with_custom_melodies(songs, sound.melodies_folder)
        speaker = make_speaker(sound.volume / 100, songs.values()) if sound.speaker else None
        self.speaker_problem: str | None = None  # why sound.speaker = true has no output
        if isinstance(speaker, str):
            self.speaker_problem, speaker = speaker, None
        device = None
        if settings.buzzer.kind != "none":
            device = self._open("buzzer", settings.buzzer.pin, buzzer, settings.buzzer.kind,
                                settings.buzzer.pin, pin_factory)
        elif not speaker:
            log.info('no buzzer (buzzer.kind = "none"): the cues are light only')
        self.sounder = Sounder(
            device, songs, speaker=speaker, volume=sound.volume / 100, mute=sound.mute,
            quiet_periods=[QuietPeriod.parse(p) for p in sound.quiet_periods],
            wall=in_zone(wall or system_wall, settings.hours.timezone))
        self._say_what_is_missing()

    def _open(self, part: str, gpio: int, make: Callable, *args, **kwargs):
        """*make* the device for *part* on *gpio*, or None (noted in
        :attr:`missing`) when its pin cannot be opened: the device works with
        what it has."""
        try:
            return make(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - every pin library fails its own way
            self.missing[part] = str(exc) or type(exc).__name__
            self._pins[part] = gpio
            return None

    def _say_what_is_missing(self) -> None:
        """One warning for each reason parts are missing."""
        reasons: dict[str, list[str]] = {}
        for part, why in self.missing.items():
            reasons.setdefault(why, []).append(part)
        for why, parts in reasons.items():
            parts = [f"the {part} (GPIO {self._pins[part]})" for part in parts]
            names = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
            log.warning("cannot open %s: %s; carrying on without %s", names, why,
                        "it" if len(parts) == 1 else "them")

    def play_all_cues(self, announce: Callable[[str], None] | None = None,
                      pause: float = 0.5) -> list[str]:
        """Play every cue's melody in turn, each to its end, *pause* seconds
        apart: for ``microbreak test-hardware``. Blocks until done.

        Mute and quiet periods do not apply (the person asked to hear them);
        the volume does. *announce* is called with each cue's name as it
        starts. Returns the names played: none without a buzzer or speaker,
        or at volume 0.
        """
        played = []
        for name in CUES:
            if name not in self.sounder.songs:
                continue
            if announce is not None:
                announce(name)
            if not self.sounder.play(name, despite_quiet=True):
                return played
            self.sounder.wait()
            played.append(name)
            time.sleep(pause)
        return played

    def show_all_patterns(self, announce: Callable[[str], None] | None = None,
                          seconds: float = 3.0) -> list[str]:
        """Show each LED pattern, then a flash, for *seconds* each, and end with
        the LED off: for ``microbreak test-hardware``. Blocks until done."""
        shown = []
        for pattern in [p for p in LED_PATTERNS if p != "off"] + ["flash"]:
            if announce is not None:
                announce(pattern)
            if pattern == "flash":
                self.light.show("off")
                self.light.flash()
            else:
                self.light.show(pattern)
            time.sleep(seconds)
            shown.append(pattern)
        self.light.show("off")
        return shown

    def close(self) -> None:
        for part in (self.sounder, self.light, self.button, self.motion):
            if part is not None:
                part.close()
