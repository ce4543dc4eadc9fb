"""RTTTL, the ring-tone text format: ``name:d=4,o=5,b=120:8c6,8e6,4g6``.

:func:`parse` turns a tune into :class:`Note` values (a frequency, or None for
a pause, and a length in seconds)::

    >>> song = parse("beep:d=4,o=4,b=120:8a,p,a5")
    >>> [(n.frequency and round(n.frequency), n.seconds) for n in song.notes]
    [(440, 0.25), (None, 0.5), (880, 0.5)]

A duration is a fraction of a whole note (the beat ``b`` counts quarter
notes); a dot makes a note half as long again; a note with no octave takes the
default ``o``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DURATIONS = (1, 2, 4, 8, 16, 32)
OCTAVES = range(3, 9)
_SEMITONES = {"c": -9, "d": -7, "e": -5, "f": -4, "g": -2, "a": 0, "b": 2, "h": 2}
_NOTE = re.compile(r"(?P<dur>\d+)?(?P<pitch>[a-hp])(?P<sharp>#?)(?P<dot1>\.?)(?P<oct>\d)?(?P<dot2>\.?)$")


class RTTTLError(ValueError):
    """A malformed tune; the message gives the source and character position."""


@dataclass(frozen=True)
class Note:
    frequency: float | None  # Hz; None is a pause
    seconds: float


@dataclass(frozen=True)
class Song:
    name: str
    notes: tuple[Note, ...]

    @property
    def seconds(self) -> float:
        return sum(n.seconds for n in self.notes)


def frequency(pitch: str, octave: int, sharp: bool = False) -> float:
    """Equal-tempered frequency, A4 = 440 Hz: ``frequency("a", 4) == 440.0``."""
    semitones = _SEMITONES[pitch] + (1 if sharp else 0) + 12 * (octave - 4)
    return 440.0 * 2 ** (semitones / 12)


def parse(text: str, source: str = "<tune>") -> Song:
    """Parse one RTTTL tune; raise :class:`RTTTLError` naming *source* and the position."""
    def fail(position: int, what: str) -> RTTTLError:
        return RTTTLError(f"{source}: character {position + 1}: {what}")

    text = text.strip()
    parts = text.split(":")
    if len(parts) != 3:
        raise fail(0, "expected three parts, name:defaults:notes, separated by ':'")
    name, defaults_text, notes_text = parts
    duration, octave, beat = 4, 6, 63
    position = len(name) + 1
    for item in defaults_text.split(","):
        key, _, value = item.strip().partition("=")
        key = key.strip().lower()
        if not item.strip():
            position += len(item) + 1
            continue
        if key not in ("d", "o", "b") or not value.strip().isdigit():
            raise fail(position, f"bad default {item.strip()!r}; expected d=N, o=N or b=N")
        number = int(value)
        if key == "d" and number not in DURATIONS:
            raise fail(position, f"default duration {number} is not one of {DURATIONS}")
        if key == "o" and number not in OCTAVES:
            raise fail(position, f"default octave {number} is not from 3 to 8")
        if key == "b" and not 1 <= number <= 900:
            raise fail(position, f"beat {number} is not from 1 to 900")
        duration, octave, beat = (number if key == k else v for k, v in
                                  (("d", duration), ("o", octave), ("b", beat)))
        position += len(item) + 1
    whole_note = 4 * 60 / beat
    notes = []
    position = len(name) + len(defaults_text) + 2
    for item in notes_text.split(","):
        spec = item.strip().lower()
        start = position + len(item) - len(item.lstrip())
        position += len(item) + 1
        if not spec:
            continue
        match = _NOTE.match(spec)
        if not match:
            raise fail(start, f"malformed note {item.strip()!r}")
        dur = int(match["dur"]) if match["dur"] else duration
        if dur not in DURATIONS:
            raise fail(start, f"note {item.strip()!r}: duration {dur} is not one of {DURATIONS}")
        oct_ = int(match["oct"]) if match["oct"] else octave
        if oct_ not in OCTAVES:
            raise fail(start, f"note {item.strip()!r}: octave {oct_} is not from 3 to 8")
        seconds = whole_note / dur * (1.5 if match["dot1"] or match["dot2"] else 1)
        pitch = match["pitch"]
        hz = None if pitch == "p" else frequency(pitch, oct_, bool(match["sharp"]))
        notes.append(Note(hz, seconds))
    return Song(name.strip(), tuple(notes))


def load_folder(folder, songs: dict[str, Song] | None = None) -> dict[str, Song]:
    """Every ``NAME.rtttl`` in *folder*, by NAME, over *songs* (a later folder wins)."""
    from pathlib import Path
    songs = dict(songs or {})
    for path in sorted(Path(folder).glob("*.rtttl")):
        songs[path.stem] = parse(path.read_text(encoding="utf-8"), str(path))
    return songs
