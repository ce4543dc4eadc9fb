"""The cue melodies as audio, for a speaker, through pygame's mixer.

:func:`synthesize` turns a :class:`~microbreak.parts.rtttl.Song` into 16-bit mono
samples: each note a soft square wave (a sine with a little of its third and
fifth harmonics, leaving out any at or above half the sample rate) that fades
in and out over a few milliseconds, so notes start and stop without a click,
followed by a short silence so repeated notes stay apart::

    >>> from microbreak.parts.rtttl import parse
    >>> samples = synthesize(parse("t:d=4,o=5,b=120:a,p"), rate=8000)
    >>> len(samples), max(samples[4000:])  # a 0.5 s A5, then 0.5 s of silence
    (8000, 0)

:class:`Speaker` plays them on the default audio output (HDMI, the headphone
jack, a USB or I2S sound card). pygame is imported only when one is made.
"""

from __future__ import annotations

import ctypes
import errno
import math
import os
import threading
from array import array
from collections.abc import Iterable
from pathlib import Path

from microbreak.parts.access import refused
from microbreak.parts.memory import give_back_free_memory
from microbreak.parts.rtttl import Song

RATE = 22050  # samples a second
ATTACK = 0.005  # seconds to fade a note in ...
RELEASE = 0.02  # ... and out
GAP = 0.02  # silence at the end of each note
HARMONICS = ((1, 1.0), (3, 0.2), (5, 0.08))  # (multiple of the note, strength)
PEAK = 0.6  # of full scale, leaving headroom for the sound card
TABLE_SIZE = 4096  # samples in one cycle of the wave table
# Samples the mixer hands the sound card at a time: 0.19 s. A cue may start
# that much late; with 1024 (46 ms) ALSA underran whenever the machine was
# busy (the VM test's journal), and the sound card lost what was playing.
BUFFER = 4096


class SpeakerUnavailable(RuntimeError):
    """There is no audio output to play through; the message says what to check."""


SND = Path("/dev/snd")


def why_no_audio(error: str) -> str:
    """Why the mixer could not open an output (SDL's *error*), and what to do,
    for the journal and ``microbreak status``. With SDL on ALSA (as the
    service runs it) the sound devices are looked at one by one."""
    driver = os.environ.get("SDL_AUDIODRIVER", "alsa")
    if driver != "alsa":
        return (
            f"no audio output for the speaker through SDL's {driver} driver ({error}); "
            "check SDL_AUDIODRIVER, or set sound.speaker = false"
        )
    try:
        ctypes.CDLL("libasound.so.2")
    except OSError:
        return (
            "the ALSA library is missing (libasound.so.2); "
            "install it: sudo apt-get install libasound2"
        )
    if not SND.is_dir():
        return (
            "no sound card (/dev/snd is missing); on a Raspberry Pi the line "
            "dtparam=audio=on in /boot/firmware/config.txt (headphone jack or HDMI), "
            "or a USB or I2S card with its dtoverlay line, then reboot"
        )
    outputs = sorted(SND.glob("pcmC*D*p"))
    if not outputs and not any(SND.glob("pcmC*D*c")):
        return (
            "no sound card in /dev/snd (only ALSA's own devices); connect or enable "
            "one (dtparam=audio=on, or the card's dtoverlay line), or set "
            "sound.speaker = false"
        )
    if not outputs:
        return (
            "no sound output in /dev/snd (only capture devices); connect a speaker's "
            "card, or set sound.speaker = false"
        )
    for node in [SND / "controlC0", *outputs]:
        try:
            os.close(os.open(node, os.O_RDWR | os.O_NONBLOCK | os.O_CLOEXEC))
        except PermissionError as exc:
            return "; ".join(refused(node, exc, "char-alsa"))
        except OSError as exc:
            if exc.errno == errno.EBUSY:
                return (
                    f"{node} is in use by another program ({error}); stop it, or "
                    "set sound.speaker = false"
                )
    return (
        f"no audio output for the speaker ({error}); check the card with "
        "'aplay -l', or set sound.speaker = false"
    )


_tables: dict[tuple[int, ...], array] = {}


def _wave_table(multiples: tuple[int, ...]) -> array:
    """One cycle of the wave made of the given harmonics, peaking at ``PEAK``."""
    if multiples not in _tables:
        strengths = [(k, s) for k, s in HARMONICS if k in multiples]
        wave = [
            sum(s * math.sin(2 * math.pi * k * i / TABLE_SIZE) for k, s in strengths)
            for i in range(TABLE_SIZE)
        ]
        scale = PEAK * 32767 / max(map(abs, wave))
        _tables[multiples] = array("d", [scale * v for v in wave])
    return _tables[multiples]


def _tone(hz: float, count: int, rate: int) -> array:
    """*count* samples of the note *hz*, faded in and out.

    Made a sample at a time into the array, so no list of them all is held:
    the Python objects of such lists (0.8 MiB at the most) were left
    scattered over the interpreter's memory, which it then kept."""
    table = _wave_table(tuple(k for k, _ in HARMONICS if k == 1 or k * hz < rate / 2))
    step = hz * TABLE_SIZE / rate
    attack, release = (min(round(seconds * rate), count // 2) for seconds in (ATTACK, RELEASE))
    last = count - 1
    tone = array(
        "h", (int(table[int(i * step) % TABLE_SIZE] * (i / attack)) for i in range(attack))
    )
    tone.extend(int(table[int(i * step) % TABLE_SIZE]) for i in range(attack, count - release))
    tone.extend(
        int(table[int(i * step) % TABLE_SIZE] * ((last - i) / release))
        for i in range(count - release, count)
    )
    return tone


def synthesize(song: Song, rate: int = RATE, gap: float = GAP) -> array:
    """The song as signed 16-bit mono samples at *rate*; exactly as long as the song.

    Each note starts where the song's own timing puts it (rounded to a sample,
    never drifting); it sounds for its length less *gap* (at most a quarter of
    the note), then rests.
    """
    samples = array("h")
    elapsed = 0.0
    for note in song.notes:
        start, elapsed = len(samples), elapsed + note.seconds
        count = round(elapsed * rate) - start
        if note.frequency is None:
            samples.extend(_silence(count))
            continue
        rest = round(min(gap, note.seconds / 4) * rate)
        samples.extend(_tone(note.frequency, count - rest, rate))
        samples.extend(_silence(rest))
    return samples


def _silence(count: int) -> array:
    return array("h", bytes(2 * count))


class Speaker:
    """Plays songs through pygame's mixer, one at a time, at *volume* (0 to 1).

    Each song is synthesized on first use and kept; :meth:`prepare` does a set
    of them ahead of time on a thread of its own. Raises
    :class:`SpeakerUnavailable` when there is no audio output.
    """

    def __init__(self, volume: float = 1.0, gap: float = GAP):
        if not 0 <= volume <= 1:
            raise ValueError(f"volume must be from 0 to 1, not {volume}")
        try:
            import pygame
            import pygame.mixer

            self._owns_mixer = not pygame.mixer.get_init()
            if self._owns_mixer:
                # allowedchanges=0: SDL converts to what the card plays (48 kHz
                # stereo, often) as it plays, so the cues are kept in memory at
                # 22 kHz mono: a quarter of the size.
                pygame.mixer.init(
                    frequency=RATE, size=-16, channels=1, buffer=BUFFER, allowedchanges=0
                )
            started = pygame.mixer.get_init()
            if started is None:
                raise SpeakerUnavailable(why_no_audio("the mixer did not start"))
            rate, size, channels = started
        except (ImportError, NotImplementedError) as error:
            raise SpeakerUnavailable(
                f"pygame's mixer is missing ({error}); "
                "reinstall pygame-ce, or set sound.speaker = false"
            ) from None
        except Exception as error:  # pygame.error, whose class needs pygame to name
            raise SpeakerUnavailable(why_no_audio(str(error))) from None
        if size != -16:
            self.close()
            raise SpeakerUnavailable(
                f"the mixer was set up for {size}-bit samples elsewhere; "
                "the speaker needs signed 16-bit"
            )
        self._pygame = pygame
        self.rate, self.channels = rate, channels
        # Channel 0 is kept for the guidance's stream (parts/guide.py); the cues
        # play on the others, so a cue never cuts the stream short.
        pygame.mixer.set_reserved(1)
        self.guide_channel = pygame.mixer.Channel(0)
        self.volume = volume
        self.gap = gap
        self._sounds: dict[Song, object] = {}
        self._lock = threading.Lock()
        self._channel = None
        self._closing = threading.Event()
        self._preparing: threading.Thread | None = None

    def sound_for(self, song: Song):
        """The pygame Sound of *song*, synthesized now if it was not yet."""
        with self._lock:
            sound = self._sounds.get(song)
            if sound is None:
                sound = self._sounds[song] = self.sound_of(synthesize(song, self.rate, self.gap))
            return sound

    def sound_of(self, mono: array):
        """A pygame Sound of the 16-bit mono samples *mono* at :attr:`rate`,
        at the speaker's volume."""
        if self.channels > 1:
            mono = array("h", (s for s in mono for _ in range(self.channels)))
        sound = self._pygame.mixer.Sound(buffer=mono.tobytes())
        sound.set_volume(self.volume)
        return sound

    def prepare(self, songs: Iterable[Song]) -> None:
        """Synthesize *songs* on a thread of their own, so playing them starts at once."""

        def run(todo):
            for song in todo:
                if self._closing.is_set():
                    return
                self.sound_for(song)
            give_back_free_memory()  # the synthesis's scratch, in this thread's own heap

        self._preparing = threading.Thread(
            target=run, args=(list(songs),), name="speaker-prepare", daemon=True
        )
        self._preparing.start()

    def play(self, song: Song) -> None:
        """Start *song*, stopping any other; returns at once (once it is synthesized)."""
        sound = self.sound_for(song)
        self.stop()
        self._channel = sound.play()

    @property
    def busy(self) -> bool:
        return self._channel is not None and self._channel.get_busy()

    def stop(self) -> None:
        if self._channel is not None:
            self._channel.stop()
            self._channel = None

    def close(self) -> None:
        self._closing.set()
        preparing = getattr(self, "_preparing", None)
        if preparing is not None:
            preparing.join()
        if getattr(self, "_channel", None) is not None:
            self.stop()
        if self._owns_mixer:
            import pygame.mixer

            pygame.mixer.quit()
