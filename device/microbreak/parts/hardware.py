"""The device's parts, wired as the settings say: the button, the presence
sensor, the LED and the sound. Everything here is called from the service
loop and returns at once; the button posts its edges (:mod:`~microbreak.parts.pins`)::

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
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from gpiozero.input_devices import DigitalInputDevice

from microbreak.config.settings import Settings
from microbreak.language import espeak_voice
from microbreak.parts.guide import Guide
from microbreak.parts.light import Light
from microbreak.parts.pins import ButtonDown, ButtonUp, PresenceChanged
from microbreak.parts.rtttl import Song, load_folder
from microbreak.parts.sounder import Sounder, buzzer, make_speaker, with_custom_melodies
from microbreak.resources import data_dir

log = logging.getLogger(__name__)


class Hardware:
    """The button, the LED and the sound, wired as the settings say.

    *songs* are the cue melodies (by default the built-in ones, from
    ``sounds/``); files in the settings' melodies folder replace them.
    """

    def __init__(
        self,
        settings: Settings,
        post: Callable[[object], None],
        *,
        songs: Mapping[str, Song] | None = None,
        pin_factory=None,
        clock: Callable[[], float] = time.monotonic,
        speech_cache: Path | None = None,
        language: str = "",
    ):
        self.missing: dict[str, str] = {}  # a part whose pin cannot be opened: why
        self._pins: dict[str, int] = {}
        self.button = self._open_button(settings, post, pin_factory, clock)
        self.motion = self._open_presence(settings, post, pin_factory)
        self.light = self._open(
            "LED", settings.led.pin, Light, settings.led.pin, pin_factory, clock
        ) or Light(None, clock=clock)
        self.speaker_problem: str | None = None  # why sound.speaker = true has no output
        self.sounder = self._open_sound(settings, songs, pin_factory)
        voice = self._open_voice(settings, speech_cache, language)
        self.guide = Guide(self.sounder, voice, post=post)
        self._say_what_is_missing()

    def _open_button(
        self,
        settings: Settings,
        post: Callable[[object], None],
        pin_factory,
        clock: Callable[[], float],
    ):
        """The button, posting its edges, or None when its pin cannot be opened."""
        bounce = settings.button.bounce_ms / 1000 or None
        # Not gpiozero's Button: its hold thread wakes ten times a second for
        # as long as it lives. Holds are timed from the two edges instead.
        button = self._open(
            "button",
            settings.button.pin,
            DigitalInputDevice,
            settings.button.pin,
            pull_up=True,
            bounce_time=bounce,
            pin_factory=pin_factory,
        )
        if button is not None:
            button.when_activated = lambda: post(ButtonDown(clock()))
            button.when_deactivated = lambda: post(ButtonUp(clock()))
        return button

    def _open_presence(self, settings: Settings, post: Callable[[object], None], pin_factory):
        """The presence sensor, posting its changes, or None when it is off
        in the settings or its pin cannot be opened."""
        if not settings.presence.enabled:
            return None
        # A PIR's output is a clean level: plain edges, no sampling thread
        # (gpiozero's MotionSensor samples ten times a second).
        motion = self._open(
            "presence sensor",
            settings.presence.pin,
            DigitalInputDevice,
            settings.presence.pin,
            pull_up=False,
            pin_factory=pin_factory,
        )
        if motion is not None:
            motion.when_activated = lambda: post(PresenceChanged(True))
            motion.when_deactivated = lambda: post(PresenceChanged(False))
        return motion

    def _open_sound(
        self, settings: Settings, songs: Mapping[str, Song] | None, pin_factory
    ) -> Sounder:
        """The cues' melodies on the buzzer and the speaker, whichever the
        settings name and can be opened (:attr:`speaker_problem` says why the
        speaker cannot)."""
        sound = settings.sound
        if songs is None:
            songs = load_folder(data_dir("sounds"))
        songs = with_custom_melodies(songs, sound.melodies_folder)
        speaker = make_speaker(sound.volume / 100, songs.values()) if sound.speaker else None
        if isinstance(speaker, str):
            self.speaker_problem, speaker = speaker, None
        device = None
        if settings.buzzer.kind != "none":
            device = self._open(
                "buzzer",
                settings.buzzer.pin,
                buzzer,
                settings.buzzer.kind,
                settings.buzzer.pin,
                pin_factory,
            )
        elif not speaker:
            log.info('no buzzer (buzzer.kind = "none"): the cues are light only')
        return Sounder(device, songs, speaker=speaker, volume=sound.volume / 100, mute=sound.mute)

    def _open_voice(self, settings: Settings, cache: Path | None, language: str):
        """The voice for spoken guidance in *language* (a BCP 47 tag; ``""``:
        English), when the settings ask for it and a speaker plays; None
        (with the reason logged) when it cannot speak."""
        wanted = settings.sound.speaker and settings.guidance.spoken
        if not wanted or self.sounder.speaker is None or cache is None:
            return None
        from microbreak.parts.speech import SpeechUnavailable, Voice

        try:
            return Voice(cache, language=espeak_voice(language))
        except SpeechUnavailable as error:
            log.warning("%s", error)
            return None

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
            log.warning(
                "cannot open %s: %s; carrying on without %s",
                names,
                why,
                "it" if len(parts) == 1 else "them",
            )

    def close(self) -> None:
        self.guide.close()
        if self.guide.voice is not None:
            self.guide.voice.close()
        for part in (self.sounder, self.light, self.button, self.motion):
            if part is not None:
                part.close()
