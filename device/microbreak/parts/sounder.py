"""The cue melodies on a buzzer (tones on a passive one, beeps of the same
rhythm on an active one) and on a speaker, when there is one."""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path

from gpiozero.output_devices import Buzzer, TonalBuzzer
from gpiozero.tones import Tone

from microbreak.core.effects import CueName
from microbreak.core.guidance import GuideSound
from microbreak.parts.rtttl import RTTTLError, Song, load_folder
from microbreak.parts.timing import Deadlines, Runner

log = logging.getLogger(__name__)


def into_range(hz: float, low: float, high: float) -> float:
    """Move the note *hz* by whole octaves into ``low..high``::

    >>> into_range(4186.0, 220.0, 3520.0)  # C8: one octave down
    2093.0
    >>> into_range(110.0, 220.0, 3520.0), into_range(440.0, 220.0, 3520.0)
    (220.0, 440.0)
    """
    if high < 2 * low:
        raise ValueError(
            f"{low:g} to {high:g} Hz is less than an octave: some notes have "
            "no octave in it; give a range of at least an octave"
        )
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


class Sounder:
    """Plays the cue melodies: on a passive buzzer as tones, on an active one as
    beeps of the same rhythm, and through a :class:`~microbreak.parts.speaker.Speaker`
    when there is one, on a thread of its own; a new cue stops the one playing.

    Nothing sounds while *mute*, at *volume* 0, or for a cue the core marked
    quiet (a quiet period); the LED still shows every cue.
    """

    GAP = 0.02  # silence at the end of each note, so repeated notes stay apart

    def __init__(
        self,
        device: TonalBuzzer | Buzzer | None,
        songs: Mapping[str, Song],
        *,
        speaker=None,
        volume: float = 1.0,
        mute: bool = False,
    ):
        if not 0 <= volume <= 1:
            raise ValueError(f"volume must be from 0 to 1, not {volume}")
        self.device = device
        self.songs = dict(songs)
        self.speaker = speaker
        self.volume = volume
        self.mute = mute
        self._runner = Runner("cue")

    @classmethod
    def for_kind(
        cls, kind: str, pin: int, songs: Mapping[str, Song], pin_factory=None, **options
    ) -> Sounder:
        """A sounder for a ``passive`` buzzer, an ``active`` one, or ``none``."""
        return cls(buzzer(kind, pin, pin_factory), songs, **options)

    def silent_because(self, quiet: bool = False) -> str | None:
        """Why a cue would make no sound, or None when it would sound; *quiet*:
        the cue falls in a quiet period."""
        if self.device is None and self.speaker is None:
            return "no buzzer or speaker"
        if self.mute:
            return "muted"
        if self.volume == 0:
            return "volume 0"
        if quiet:
            return "a quiet period"
        return None

    def play(
        self, name: str, *, quiet: bool = False, despite_mute: bool = False, speaker: bool = True
    ) -> bool:
        """Start the cue *name*, stopping the one playing, and return at once:
        True if it sounds. *quiet*: the core marked it so (a quiet period);
        *despite_mute* plays it even when muted (for test-hardware);
        *speaker* False leaves the speaker to the guidance, which plays the
        call and the set after it as one stream."""
        self.stop()
        song = self.songs.get(name)
        reason = self.silent_because(quiet)
        if despite_mute and reason == "muted":
            reason = None
        if song is None or reason is not None:
            log.debug("cue %s: no sound (%s)", name, reason or "no melody")
            return False
        self._runner.start(self._play, song, speaker)
        return True

    def seconds(self, name: str) -> float:
        """How long the melody *name* lasts (0 with none)."""
        song = self.songs.get(name)
        return song.seconds if song else 0.0

    @property
    def pin(self):
        """The buzzer's pin, or None when there is no buzzer."""
        if self.device is None:
            return None
        return getattr(self.device, "pwm_device", self.device).pin

    @property
    def sounding(self) -> bool:
        """Whether the buzzer's pin is driven now."""
        return self.device is not None and bool(self.device.value)

    @property
    def playing(self) -> bool:
        return self._runner.running

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the cue playing to end; True if it has (for test-hardware, and tests)."""
        return self._runner.wait(timeout)

    def stop(self) -> None:
        self._runner.stop()

    def pace(self, name: str, stop: threading.Event) -> None:
        """Play the melody *name* on the buzzer alone, on the caller's thread,
        unless a cue is sounding (the guidance's sounds give way to the cues)."""
        song = self.songs.get(name)
        if song is None or self.device is None or self.playing:
            return
        try:
            self._buzz(song, Deadlines(stop))
        finally:
            self._silence()

    def _play(self, song: Song, speaker: bool, stop: threading.Event) -> None:
        try:
            if speaker and self.speaker is not None:
                self.speaker.play(song)
            self._buzz(song, Deadlines(stop))
        finally:
            self._silence()
            if stop.is_set() and self.speaker is not None:
                self.speaker.stop()

    def _buzz(self, song: Song, clock: Deadlines) -> None:
        """The notes of *song* on the buzzer (or their time, with none), until stopped."""
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

    def _sound(self, hz: float) -> None:
        device = self.device
        if isinstance(device, TonalBuzzer):
            low, high = device.min_tone.frequency, device.max_tone.frequency
            device.play(Tone.from_frequency(into_range(hz, low, high)))
            if self.volume < 1:
                device.pwm_device.value = duty_for(self.volume)
        elif device is not None:
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
        if name not in songs and name not in set(GuideSound):
            log.warning(
                "%s: no cue is called %r, so it never plays; cues: %s",
                Path(folder) / f"{name}.rtttl",
                name,
                ", ".join([*CueName, *GuideSound]),
            )
        elif merged[name] is not songs[name]:
            log.info("cue %s: the melody from %s", name, Path(folder) / f"{name}.rtttl")
    return merged


def make_speaker(volume: float, songs: Iterable[Song]):
    """A speaker getting *songs* ready to play; with no audio output, why
    (logged) in its place."""
    from microbreak.parts.speaker import Speaker, SpeakerUnavailable

    try:
        speaker = Speaker(volume)
    except SpeakerUnavailable as error:
        log.warning("no speaker: %s", error)
        return str(error)
    speaker.prepare(songs)
    return speaker
