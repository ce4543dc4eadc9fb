"""Spoken guidance, made ahead of time: each phrase rendered once by
espeak-ng to a WAV file in a cache folder, so a break never waits on
speech synthesis::

    voice = Voice(cache_dir)
    voice.prepare(["Shoulder shrug", "Hold", "Relax"])   # on a thread of its own
    voice.samples("Hold")   # 16-bit mono samples at voice.rate, or None if not made yet

espeak-ng (Debian's ``espeak-ng``) is small (a few MB with its data), starts
in milliseconds and renders a phrase in a few more on a Pi Zero 2 W; its
voice is robotic but clear. A phrase is named in the cache by a hash of the
engine, the voice, the speed and the words, so changing any of them makes
new files and never plays a stale one.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
import threading
import wave
import zlib
from array import array
from collections.abc import Iterable
from pathlib import Path

from microbreak.core.guidance import speaking_estimate

log = logging.getLogger(__name__)

ENGINE = "espeak-ng"
WORDS_PER_MINUTE = 150  # a little slower than espeak's 175: said to someone moving
RENDER_TIMEOUT = 20  # seconds for one phrase; espeak takes milliseconds


SILENT = 300  # below this a sample is the silence espeak leaves around a phrase


def trimmed(samples: array, rate: int) -> array:
    """*samples* less the silence before and after the words (keeping 10 ms
    of it), so a phrase is heard at the moment it is placed."""
    first = next((i for i, s in enumerate(samples) if abs(s) >= SILENT), len(samples))
    last = next((i for i in range(len(samples) - 1, -1, -1) if abs(samples[i]) >= SILENT), 0)
    margin = rate // 100
    return samples[max(first - margin, 0) : last + margin + 1]


class SpeechUnavailable(RuntimeError):
    """No text-to-speech engine here; the message says what to install."""


class Voice:
    """Phrases in *language* (an espeak-ng voice: ``en``, ``de``, ``es`` ...),
    rendered to WAV files in *cache_dir* and read back as samples."""

    def __init__(self, cache_dir: Path, language: str = "en", speed: int = WORDS_PER_MINUTE):
        self.engine = shutil.which(ENGINE)
        if self.engine is None:
            raise SpeechUnavailable(
                f"{ENGINE} is not installed, so guidance is not spoken; "
                f"install it: sudo apt-get install {ENGINE}"
            )
        self.folder = Path(cache_dir)
        self.language = language
        self.speed = speed
        self.rate = 22050  # what espeak-ng writes
        self._lock = threading.Lock()
        self._preparing: threading.Thread | None = None
        self._stop = threading.Event()

    def path(self, words: str) -> Path:
        """Where the clip of *words* is, or will be, kept."""
        # Two checksums, 64 bits: enough to tell a few hundred phrases apart,
        # without loading a cryptographic library for it.
        key = f"{ENGINE}|{self.language}|{self.speed}|{words}".encode()
        return self.folder / f"{zlib.crc32(key):08x}{zlib.adler32(key):08x}.wav"

    def render(self, words: str) -> Path:
        """Make the clip of *words* now if it is not in the cache; its path."""
        target = self.path(words)
        if target.exists():
            return target
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
        os.close(fd)
        try:
            subprocess.run(
                [self.engine or ENGINE, "-v", self.language, "-s", str(self.speed)]
                + ["-w", temporary, "--", words],
                check=True,
                capture_output=True,
                timeout=RENDER_TIMEOUT,
            )
            os.replace(temporary, target)  # whole or not at all: never a half-written clip
        finally:
            Path(temporary).unlink(missing_ok=True)
        return target

    def samples(self, words: str) -> array | None:
        """The clip of *words* as signed 16-bit mono samples at :attr:`rate`,
        or None when it has not been made (or cannot be read)."""
        path = self.path(words)
        try:
            with wave.open(str(path), "rb") as clip:
                if clip.getsampwidth() != 2 or clip.getnchannels() != 1:
                    return None
                self.rate = clip.getframerate()
                return trimmed(array("h", clip.readframes(clip.getnframes())), self.rate)
        except (OSError, EOFError, wave.Error):
            return None

    def seconds(self, words: str) -> float | None:
        """How long *words* take to say, when their clip is made."""
        samples = self.samples(words)
        return None if samples is None else len(samples) / self.rate

    def speaking_seconds(self, words: str) -> float:
        """How long *words* take to say: their clip's length, or a guess
        until it is made."""
        seconds = self.seconds(words)
        return speaking_estimate(words) if seconds is None else seconds

    def prepare(self, phrases: Iterable[str]) -> None:
        """Render every phrase not yet in the cache, on a thread of its own."""
        todo = [p for p in dict.fromkeys(phrases) if p and not self.path(p).exists()]
        if not todo:
            return

        def run() -> None:
            for words in todo:
                if self._stop.is_set():
                    return
                try:
                    self.render(words)
                except (OSError, subprocess.SubprocessError) as error:
                    log.warning("cannot make the spoken phrase %r: %s", words, error)
                    return

        self._preparing = threading.Thread(target=run, name="speech-prepare", daemon=True)
        self._preparing.start()

    def wait(self, timeout: float | None = None) -> None:
        """Wait for :meth:`prepare` to finish (for tests and ``exercises render``)."""
        if self._preparing is not None:
            self._preparing.join(timeout)

    def close(self) -> None:
        self._stop.set()
        self.wait()
